// Command demo shows the operator at work with no cluster: it starts a real
// kube-apiserver and etcd (built from Go modules into bin/), installs the
// CRDs, runs the operator from source against them, applies the Sóc Trăng
// sample, and prints what is shared and what is not, and why.
//
// There is no gateway implementation here, so the demo plays its part: it
// marks each route as accepted, as Envoy Gateway would.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/portal"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

func main() {
	once := flag.Bool("once", os.Getenv("DEMO_ONCE") == "1", "print the status and exit (also DEMO_ONCE=1)")
	portalAddr := flag.String("portal", "127.0.0.1:8088", "where the portal listens")
	kubeconfig := flag.String("kubeconfig-out", filepath.Join(testenv.RepoRoot(), "bin", "demo.kubeconfig"), "where to write a kubeconfig for kubectl")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Stdout, *kubeconfig, *portalAddr, *once, nil); err != nil {
		fmt.Fprintln(os.Stderr, "demo:", err)
		os.Exit(1)
	}
}

// settledWorld is what a test's checks get once the samples have settled.
type settledWorld struct {
	Env       *testenv.Env
	Client    client.Client
	PortalURL string
}

// run does the whole demo, writing what a person reads to out. settled,
// when given, is called once the samples have settled, while the operator
// and the portal still run (a test's checks).
func run(ctx context.Context, out io.Writer, kubeconfigPath, portalAddr string, once bool, settled func(context.Context, settledWorld) error) error {
	// The operator's own log goes to a file: the demo's output is the
	// status table.
	logPath := strings.TrimSuffix(kubeconfigPath, ".kubeconfig") + ".log"
	logFile, err := os.Create(logPath)
	if err != nil {
		return err
	}
	defer logFile.Close()
	ctrl.SetLogger(zap.New(zap.WriteTo(logFile)))

	fmt.Fprintln(out, "Starting a local kube-apiserver and etcd, with the datashare, Gateway API and Envoy Gateway CRDs…")
	env, err := testenv.Start()
	if err != nil {
		return err
	}
	defer func() { _ = env.Stop() }()
	c, err := client.New(env.Config, client.Options{Scheme: scheme.New()})
	if err != nil {
		return err
	}
	if err := env.WriteAdminKubeconfig("demo-admin", kubeconfigPath); err != nil {
		return err
	}

	root := testenv.RepoRoot()
	files := []string{filepath.Join(root, "config", "rbac", "focal_point_roles.yaml"), filepath.Join(root, "config", "rbac", "portal_role.yaml")}
	samples, _ := filepath.Glob(filepath.Join(root, "config", "samples", "[0-9]*.yaml"))
	sort.Strings(samples)
	files = append(files, samples[0], filepath.Join(root, "hack", "demo", "backends.yaml"))
	files = append(files, samples[1:]...)

	cfg := config.Default()
	cfg.CoordinatorAgency = "so-tttt"
	cfg.PublicBaseURL = testenv.SampleBaseURL
	mgr, err := controllers.NewEmbeddedManager(env.Config, controllers.Options{Config: cfg})
	if err != nil {
		return err
	}
	mctx, cancel := context.WithCancel(ctx)
	defer cancel()
	stop := controllers.StartInBackground(mctx, mgr)
	fmt.Fprintf(out, "Operator started from source (log: %s).\n", logPath)

	for _, f := range files {
		n, err := applyFile(ctx, c, f)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "Applied %2d objects from %s\n", n, strings.TrimPrefix(f, root+"/"))
	}

	fmt.Fprintln(out, "Playing the gateway: accepting each route as Envoy Gateway would…")
	if err := converge(ctx, c); err != nil {
		return err
	}
	portalURL, err := startPortal(mctx, env, c, cfg, portalAddr)
	if err != nil {
		return err
	}
	if err := report(ctx, c, out); err != nil {
		return err
	}
	if settled != nil {
		if err := settled(ctx, settledWorld{Env: env, Client: c, PortalURL: portalURL}); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nExplore further:\n  kubectl --kubeconfig %s get datashare -A\n", kubeconfigPath)
	fmt.Fprintf(out, "  the portal: %s (anonymous; an officer sends a bearer token)\n", portalURL)

	if !once {
		fmt.Fprintln(out, "Running until interrupted (Ctrl-C).")
		go keepAcceptingRoutes(mctx, c)
		<-ctx.Done()
	}
	if err := stop(); err != nil {
		return fmt.Errorf("operator: %w", err)
	}
	return nil
}

// converge accepts routes until every service and agreement has been
// decided for its current generation and nothing has changed for two
// seconds.
func converge(ctx context.Context, c client.Client) error {
	deadline := time.Now().Add(90 * time.Second)
	last, stable := "", 0
	for time.Now().Before(deadline) {
		if err := testenv.AcceptRoutes(ctx, c); err != nil {
			return err
		}
		states, decided, err := worldStates(ctx, c)
		if err != nil {
			return err
		}
		if decided && states == last {
			stable++
		} else {
			last, stable = states, 0
		}
		if stable >= 4 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return errors.New("the sample did not settle within 90 seconds; see the operator log")
}

func keepAcceptingRoutes(ctx context.Context, c client.Client) {
	for ctx.Err() == nil {
		_ = testenv.AcceptRoutes(ctx, c)
		time.Sleep(time.Second)
	}
}

// worldStates describes every service's and agreement's Ready condition,
// and says whether each was decided for its current generation.
func worldStates(ctx context.Context, c client.Client) (string, bool, error) {
	services := &v1alpha1.DataServiceList{}
	if err := c.List(ctx, services); err != nil {
		return "", false, err
	}
	agreements := &v1alpha1.SharingAgreementList{}
	if err := c.List(ctx, agreements); err != nil {
		return "", false, err
	}
	var states []string
	decided := true
	add := func(kind string, obj metav1.Object, conds []metav1.Condition) {
		r := conditions.Get(conds, v1alpha1.ConditionReady)
		if r == nil || r.ObservedGeneration != obj.GetGeneration() {
			decided = false
			return
		}
		states = append(states, kind+" "+obj.GetNamespace()+"/"+obj.GetName()+"="+r.Reason)
	}
	for i := range services.Items {
		add("service", &services.Items[i], services.Items[i].Status.Conditions)
	}
	for i := range agreements.Items {
		add("agreement", &agreements.Items[i], agreements.Items[i].Status.Conditions)
	}
	sort.Strings(states)
	return strings.Join(states, ","), decided, nil
}

// report prints the services and the agreements as a person wants to see
// them.
func report(ctx context.Context, c client.Client, out io.Writer) error {
	services := &v1alpha1.DataServiceList{}
	if err := c.List(ctx, services); err != nil {
		return err
	}
	agreements := &v1alpha1.SharingAgreementList{}
	if err := c.List(ctx, agreements); err != nil {
		return err
	}
	consumers := map[string][]string{}
	for _, sa := range agreements.Items {
		if conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionReady) {
			key := string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)
			consumers[key] = append(consumers[key], sa.Status.ConsumerAgency)
		}
	}

	fmt.Fprintln(out, "\nDATA SERVICES")
	w := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "SERVICE\tAUDIENCE\tURL\tLIVE CONSUMERS\tREADY")
	for _, ds := range services.Items {
		key := ds.Namespace + "/" + ds.Name
		live := strings.Join(consumers[key], ", ")
		if ds.Spec.Access.Audience == v1alpha1.AudiencePublic {
			live = "anyone (open data)"
		}
		if live == "" {
			live = "-"
		}
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", key, ds.Spec.Access.Audience, ds.Status.URL, live, readyText(ds.Status.Conditions))
	}
	if err := w.Flush(); err != nil {
		return err
	}

	fmt.Fprintln(out, "\nSHARING AGREEMENTS")
	w = tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(w, "CONSUMER\tSERVICE\tSTATE\tEXPIRES\tKEY SECRET")
	var waiting []string
	for _, sa := range agreements.Items {
		r := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionReady)
		state, expires, secret := "Reconciling", "-", "-"
		if r != nil {
			state = r.Reason
			if r.Status != metav1.ConditionTrue {
				waiting = append(waiting, fmt.Sprintf("  %s/%s: %s", sa.Namespace, sa.Name, r.Message))
			}
		}
		if sa.Status.ExpiresAt != nil {
			expires = sa.Status.ExpiresAt.Format("2006-01-02")
		}
		if sa.Status.Credential.SecretName != "" {
			secret = sa.Namespace + "/" + sa.Status.Credential.SecretName
		}
		fmt.Fprintf(w, "%s\t%s/%s\t%s\t%s\t%s\n", sa.Namespace, sa.Spec.Service.Namespace, sa.Spec.Service.Name, state, expires, secret)
	}
	if err := w.Flush(); err != nil {
		return err
	}
	if len(waiting) > 0 {
		fmt.Fprintln(out, "\nNOT LIVE, AND WHO MUST ACT")
		for _, line := range waiting {
			fmt.Fprintln(out, line)
		}
	}
	return nil
}

func readyText(conds []metav1.Condition) string {
	r := conditions.Get(conds, v1alpha1.ConditionReady)
	if r == nil {
		return "Unknown"
	}
	if r.Status == metav1.ConditionTrue {
		return "True"
	}
	return "False (" + r.Reason + ")"
}

// applyFile creates every object in a YAML file.
func applyFile(ctx context.Context, c client.Client, path string) (int, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	objs, err := manifests.Decode(raw)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", path, err)
	}
	for _, obj := range objs {
		if err := c.Create(ctx, obj); err != nil && !apierrors.IsAlreadyExists(err) {
			return 0, fmt.Errorf("%s: %s %s: %w", path, obj.GetKind(), obj.GetName(), err)
		}
	}
	return len(objs), nil
}

// startPortal serves the portal as it runs in a cluster: as a user that
// holds only the datashare-portal role.
func startPortal(ctx context.Context, env *testenv.Env, c client.Client, cfg config.Config, addr string) (string, error) {
	user, err := env.AddUserBoundTo(ctx, c, "datashare-portal", "datashare-portal")
	if err != nil {
		return "", err
	}
	listener, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("the portal cannot listen on %s (-portal sets another address): %w", addr, err)
	}
	publicURL := "http://" + listener.Addr().String()
	h, err := portal.NewHandler(ctx, user.Config(), portal.Settings{Rules: cfg.Rules, Publisher: cfg.CoordinatorAgency, PublicURL: publicURL}, ctrl.Log.WithName("portal"))
	if err != nil {
		_ = listener.Close()
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(listener) }()
	go func() { <-ctx.Done(); _ = srv.Close() }()
	return publicURL, nil
}
