// Command datashare-operator turns the province's data-sharing objects
// (Agency, FocalPoint, DataService, SharingAgreement) into gateway routes,
// credentials, auth policies, network policies and RBAC.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"net/url"
	"os"
	"time"

	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/healthz"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	"sigs.k8s.io/controller-runtime/pkg/metrics/filters"
	metricsserver "sigs.k8s.io/controller-runtime/pkg/metrics/server"

	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/national"
	"github.com/lgsp-vn/datashare-operator/internal/portal"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// leaderElectionID names the Lease that replicas compete for.
const leaderElectionID = "datashare-operator.lgsp.vn"

// The release stamps these (go build -ldflags -X, see hack/release), so that
// a running operator, its log and `datashare-operator version` say which
// build a province runs.
var (
	version = "dev"
	commit  = ""
)

// The operator's own rights beyond its controllers': leader election in its
// namespace, Events, and the reviews that guard the metrics endpoint.
// +kubebuilder:rbac:groups=coordination.k8s.io,namespace=datashare-system,resources=leases,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=events.k8s.io,resources=events,verbs=create;patch
// +kubebuilder:rbac:groups=authentication.k8s.io,resources=tokenreviews,verbs=create
// +kubebuilder:rbac:groups=authorization.k8s.io,resources=subjectaccessreviews,verbs=create

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "portal":
			os.Exit(runPortal(os.Args[2:]))
		case "version":
			fmt.Printf("datashare-operator %s (commit %s)\n", version, commitOrUnknown())
			return
		}
	}
	cfg := config.Default()
	cfg.Bind(flag.CommandLine)
	logOpts := zap.Options{}
	logOpts.BindFlags(flag.CommandLine)
	flag.Parse()

	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&logOpts)))
	log := ctrl.Log.WithName("setup")

	if err := cfg.Validate(); err != nil {
		fmt.Fprintf(os.Stderr, "invalid configuration:\n%v\n", err)
		os.Exit(2)
	}
	if err := run(cfg); err != nil {
		log.Error(err, "operator stopped")
		os.Exit(1)
	}
}

// run starts the manager and blocks until a termination signal arrives.
func run(cfg config.Config) error {
	restConfig, err := ctrl.GetConfig()
	if err != nil {
		return fmt.Errorf("find the cluster: %w", err)
	}

	metricsOpts := metricsserver.Options{
		BindAddress:   cfg.MetricsAddr,
		SecureServing: cfg.SecureMetrics,
		// HTTP/2 is disabled against the Rapid Reset attacks
		// (CVE-2023-44487, CVE-2023-39325).
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.NextProtos = []string{"http/1.1"} }},
	}
	if cfg.SecureMetrics {
		metricsOpts.FilterProvider = filters.WithAuthenticationAndAuthorization
	}

	mgr, err := ctrl.NewManager(restConfig, ctrl.Options{
		Scheme:                        scheme.New(),
		Metrics:                       metricsOpts,
		HealthProbeBindAddress:        cfg.ProbeAddr,
		LeaderElection:                cfg.LeaderElect,
		LeaderElectionID:              leaderElectionID,
		LeaderElectionNamespace:       cfg.LeaderElectionNamespace,
		LeaderElectionReleaseOnCancel: true,
		Cache:                         controllers.CacheOptions(),
	})
	if err != nil {
		return fmt.Errorf("create the manager: %w", err)
	}

	if err := controllers.SetupWithManager(mgr, controllers.Options{Config: cfg}); err != nil {
		return err
	}
	if err := mgr.AddHealthzCheck("healthz", healthz.Ping); err != nil {
		return fmt.Errorf("add the health check: %w", err)
	}
	if err := mgr.AddReadyzCheck("readyz", healthz.Ping); err != nil {
		return fmt.Errorf("add the readiness check: %w", err)
	}

	ctrl.Log.WithName("setup").Info("starting the operator", "version", version, "commit", commitOrUnknown(),
		"timeZone", cfg.TimeZone, "lgspGateway", cfg.Gateway.String(), "publicBaseURL", cfg.PublicBaseURL,
		"coordinatorAgency", cfg.CoordinatorAgency, "enforcement", cfg.Enforcement,
		"requireAppraisal", cfg.RequireAppraisal, "leaderElect", cfg.LeaderElect)
	return mgr.Start(ctrl.SetupSignalHandler())
}

// runPortal serves the provincial data portal: the same binary and image
// as the operator, run as a second Deployment with its own, read-only,
// service account.
func runPortal(args []string) int {
	fs := flag.NewFlagSet("portal", flag.ExitOnError)
	listen := fs.String("listen", ":8080", "address the portal serves HTTP on (the LGSP gateway terminates TLS and the province's sign-in in front of it)")
	cfg := config.Default()
	fs.DurationVar(&cfg.ReviewPeriod, "review-period", cfg.ReviewPeriod, "how often each service must be reviewed (Điều 3.3), as the operator's flag")
	fs.DurationVar(&cfg.OpenDataRefresh, "open-data-refresh", cfg.OpenDataRefresh, "how often open data must be refreshed (Điều 10.4), as the operator's flag")
	fs.StringVar(&cfg.CoordinatorAgency, "coordinator-agency", "", "the DIC's Agency, the publisher of the DCAT catalogue")
	fs.StringVar(&cfg.TimeZone, "time-zone", cfg.TimeZone, "the province's time zone (IANA name), in which pages write moments, as the operator's flag")
	signInURL := fs.String("sign-in-url", "", "where officers sign in (the province's identity provider in front of the gateway), linked from the pages for officers; empty: they are told to sign in through the LGSP gateway")
	signingKey := fs.String("national-catalog-key", "", "a file holding the private key (PEM: ECDSA P-256, Ed25519 or RSA) that signs the national catalog at /national/catalog.jws; empty: only its unsigned DCAT-AP form is served")
	publicURL := fs.String("public-url", "", "the portal's public address, for the IRIs of its DCAT catalogue, for example https://du-lieu.example.gov.vn (required: the Host header of a request never makes an IRI)")
	logOpts := zap.Options{}
	logOpts.BindFlags(fs)
	_ = fs.Parse(args)
	if err := config.CheckPublicURL(*publicURL, "https://du-lieu.example.gov.vn"); err != nil {
		fmt.Fprintf(os.Stderr, "invalid configuration:\n--public-url: %v\n", err)
		return 2
	}
	if u, err := url.Parse(*signInURL); *signInURL != "" && (err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "") {
		fmt.Fprintf(os.Stderr, "invalid configuration:\n--sign-in-url: %q must be an http(s) address, for example https://dang-nhap.example.gov.vn\n", *signInURL)
		return 2
	}
	zone, err := time.LoadLocation(cfg.TimeZone)
	if err != nil {
		fmt.Fprintf(os.Stderr, "invalid configuration:\n--time-zone: %q is not a time zone: use an IANA name such as Asia/Ho_Chi_Minh\n", cfg.TimeZone)
		return 2
	}
	var signer *national.Signer
	if *signingKey != "" {
		pemBytes, err := os.ReadFile(*signingKey)
		if err == nil {
			signer, err = national.NewSigner(pemBytes)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "invalid configuration:\n--national-catalog-key: %v\n", err)
			return 2
		}
	}
	ctrl.SetLogger(zap.New(zap.UseFlagOptions(&logOpts)))
	log := ctrl.Log.WithName("portal")
	log.Info("starting the portal", "version", version, "commit", commitOrUnknown(), "listen", *listen)

	restConfig, err := ctrl.GetConfig()
	if err != nil {
		log.Error(err, "find the cluster")
		return 1
	}
	if err := portal.Run(ctrl.SetupSignalHandler(), restConfig, portal.Settings{Listen: *listen, Rules: cfg.Rules,
		Publisher: cfg.CoordinatorAgency, PublicURL: *publicURL, Zone: zone, SignInURL: *signInURL, NationalSigner: signer}, log); err != nil {
		log.Error(err, "portal stopped")
		return 1
	}
	return 0
}

// commitOrUnknown is the stamped commit, or what a plain go build says.
func commitOrUnknown() string {
	if commit != "" {
		return commit
	}
	return "unknown: not a release build"
}
