// Package config holds the operator's settings (DESIGN.md §4): which LGSP
// Gateway to publish on, the public base URL, the coordinator agency, the
// enforcement profile and the regulation's periods. Periods that a decree
// sets are settings with the provincial regulation's values as defaults,
// because decrees are amended over time.
package config

import (
	"errors"
	"flag"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/lgsp-vn/datashare-operator/internal/calendar"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation"
)

// Enforcement is how the operator makes the gateway enforce agreements.
type Enforcement string

const (
	// EnforcementEnvoyGateway writes Envoy Gateway SecurityPolicies with API
	// key authentication.
	EnforcementEnvoyGateway Enforcement = "envoy-gateway"
	// EnforcementNone writes routes only; something else enforces access.
	EnforcementNone Enforcement = "none"
)

// Defaults from the provincial regulation.
const (
	// DefaultResponseWorkingDays is the time to answer a request for data
	// (Decree 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP).
	DefaultResponseWorkingDays = 2
	// DefaultReviewPeriod is the yearly review of every service (Điều 3.3).
	DefaultReviewPeriod = 365 * 24 * time.Hour
	// DefaultOpenDataRefresh is three months (Điều 10.4), as 90 days.
	DefaultOpenDataRefresh = 90 * 24 * time.Hour
	// DefaultKeyRotationGrace is how long a rotated key stays valid.
	DefaultKeyRotationGrace = 24 * time.Hour
)

// GatewayRef names the LGSP Gateway and, optionally, its listener.
type GatewayRef struct {
	Namespace   string
	Name        string
	SectionName string
}

// String renders the reference as namespace/name[/section].
func (g GatewayRef) String() string {
	if g.SectionName == "" {
		return g.Namespace + "/" + g.Name
	}
	return g.Namespace + "/" + g.Name + "/" + g.SectionName
}

// Set parses namespace/name or namespace/name/section.
func (g *GatewayRef) Set(s string) error {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return fmt.Errorf("want namespace/name or namespace/name/listener, got %q", s)
	}
	ref := GatewayRef{Namespace: parts[0], Name: parts[1]}
	if len(parts) == 3 {
		ref.SectionName = parts[2]
	}
	for what, v := range map[string]string{"namespace": ref.Namespace, "name": ref.Name} {
		if errs := validation.IsDNS1123Label(v); len(errs) > 0 {
			return fmt.Errorf("gateway %s %q: %s", what, v, strings.Join(errs, "; "))
		}
	}
	if len(parts) == 3 {
		if errs := validation.IsDNS1123Subdomain(ref.SectionName); len(errs) > 0 {
			return fmt.Errorf("listener %q: %s", ref.SectionName, strings.Join(errs, "; "))
		}
	}
	*g = ref
	return nil
}

// Config is the operator's configuration: the rules it decides and renders
// by, and the settings of the process that runs it.
type Config struct {
	Rules
	Process
}

// Rules are the settings the decisions and the renderer read: which
// Gateway, which addresses, which periods the regulation sets.
type Rules struct {
	// Gateway is the LGSP Gateway that every route attaches to.
	Gateway GatewayRef
	// PublicBaseURL is the LGSP's public address; a service's URL is this
	// plus its path prefix.
	PublicBaseURL string
	// CoordinatorAgency is the Agency of the Department of Information and
	// Communications, whose focal points act province-wide.
	CoordinatorAgency string
	// Enforcement is the enforcement profile.
	Enforcement Enforcement
	// RequireAppraisal, when true, publishes only services that the DIC has
	// appraised (Điều 14.1).
	RequireAppraisal bool
	// ReviewPeriod is how often a service must be reviewed.
	ReviewPeriod time.Duration
	// OpenDataRefresh is how often open data must be refreshed, unless a
	// service says otherwise.
	OpenDataRefresh time.Duration
	// KeyRotationGrace is how long a rotated key stays valid at the gateway.
	KeyRotationGrace time.Duration
	// UnusedGrantPeriod is how long a live agreement may carry no request
	// before it is reported unused (while the access logs are counted).
	UnusedGrantPeriod time.Duration
	// NationalListener, when set, is the HTTPS listener of the LGSP Gateway
	// on which the national data platform connects with a client
	// certificate: the routes of services offered to it attach there as
	// well, and its keys are accepted nowhere else. No other protected
	// route attaches to it.
	NationalListener string
	// FocalPointSubjectPrefix, when set, is the prefix of every user and
	// group name the cluster's identity provider reports (for example
	// "oidc:"): a focal point naming a subject without it is not bound.
	FocalPointSubjectPrefix string
	// AllowPlaintextKeys lets a protected service use an HTTP listener when
	// the Gateway has no HTTPS one: keys then travel in clear, which only a
	// laboratory accepts.
	AllowPlaintextKeys bool
	// ProxyNamespace is where the gateway's proxy pods run: the only
	// namespace, beside the agency's own, from which a backend is reached.
	// Empty means the Gateway's namespace.
	ProxyNamespace string
	// ProxySelector selects the gateway's proxy pods in ProxyNamespace.
	ProxySelector map[string]string
	// ResponseWorkingDays is how many working days the provider (or the
	// DIC) has to consent or refuse a request in writing.
	ResponseWorkingDays int
	// TimeZone is the province's time zone: working days begin and end
	// there.
	TimeZone string
	// Holidays are the province's days off besides weekends, as
	// 2006-01-02.
	Holidays []string
}

// Calendar is the province's working week, from TimeZone and Holidays.
func (c Rules) Calendar() (calendar.Calendar, error) {
	return calendar.New(c.TimeZone, c.Holidays)
}

// Process are the settings of the running operator, which main reads.
type Process struct {
	// Concurrency is how many objects of one kind are reconciled at once.
	Concurrency int

	// MetricsAddr is where metrics are served; "0" disables them.
	MetricsAddr string
	// SecureMetrics serves metrics over HTTPS with Kubernetes authn/authz.
	SecureMetrics bool
	// ProbeAddr is where /healthz and /readyz are served.
	ProbeAddr string
	// LeaderElect enables leader election, so that one replica writes.
	LeaderElect bool
	// LeaderElectionNamespace holds the lease; empty means the namespace the
	// operator runs in.
	LeaderElectionNamespace string
	// AccessLogAddr is where the gateway's access logs are received (Envoy's
	// Access Log Service, gRPC); empty receives none.
	AccessLogAddr string
	// UsageFlushInterval is how often the counted requests are written to
	// the agreements' status.usage: at most one write per agreement per
	// interval, and at most what a restart loses.
	UsageFlushInterval time.Duration
}

// Default returns the configuration with every default applied.
func Default() Config {
	return Config{
		Rules: Rules{
			Gateway:          GatewayRef{Namespace: "lgsp-system", Name: "lgsp"},
			Enforcement:      EnforcementEnvoyGateway,
			RequireAppraisal: true,
			ReviewPeriod:     DefaultReviewPeriod,
			OpenDataRefresh:  DefaultOpenDataRefresh,
			KeyRotationGrace: DefaultKeyRotationGrace,
			// A quarter: the open-data refresh's period, and well inside the
			// yearly review at which the provider and the DIC look at it.
			UnusedGrantPeriod: 90 * 24 * time.Hour,
			// Envoy Gateway's labels on the Envoy proxy pods it runs.
			ProxySelector:       map[string]string{"app.kubernetes.io/name": "envoy", "app.kubernetes.io/component": "proxy"},
			ResponseWorkingDays: DefaultResponseWorkingDays,
			TimeZone:            "Asia/Ho_Chi_Minh",
		},
		Process: Process{
			Concurrency:   4,
			MetricsAddr:   ":8443",
			SecureMetrics: true,
			ProbeAddr:     ":8081",
			LeaderElect:   true,
			// Envoy's access logs come only when the gateway is told to send
			// them (the chart's EnvoyProxy telemetry).
			UsageFlushInterval: time.Minute,
		},
	}
}

// Bind registers a flag for every setting on fs, with c's values as
// defaults.
func (c *Config) Bind(fs *flag.FlagSet) {
	fs.Var(&c.Gateway, "lgsp-gateway", "the LGSP Gateway that routes attach to, as namespace/name or namespace/name/listener")
	fs.StringVar(&c.PublicBaseURL, "public-base-url", c.PublicBaseURL, "the LGSP's public base URL; a service's URL is this plus its path")
	fs.StringVar(&c.CoordinatorAgency, "coordinator-agency", c.CoordinatorAgency, "the name of the Agency of the Department of Information and Communications (required)")
	fs.Var(enforcementFlag{&c.Enforcement}, "enforcement", "enforcement profile: envoy-gateway (SecurityPolicies with API keys, BackendTrafficPolicies for rate limits) or none (routes only)")
	fs.BoolVar(&c.RequireAppraisal, "require-appraisal", c.RequireAppraisal, "publish only services that the DIC has appraised (Điều 14.1)")
	fs.DurationVar(&c.ReviewPeriod, "review-period", c.ReviewPeriod, "how often each service must be reviewed (Điều 3.3)")
	fs.DurationVar(&c.OpenDataRefresh, "open-data-refresh", c.OpenDataRefresh, "how often open data must be refreshed, unless a service says otherwise (Điều 10.4)")
	fs.DurationVar(&c.KeyRotationGrace, "key-rotation-grace", c.KeyRotationGrace, "how long a rotated API key stays valid at the gateway")
	fs.DurationVar(&c.UnusedGrantPeriod, "unused-grant-period", c.UnusedGrantPeriod, "how long a live agreement may carry no request through the gateway before it is reported Unused (needs --access-log-bind-address)")
	fs.StringVar(&c.NationalListener, "national-listener", c.NationalListener, "the HTTPS listener of the LGSP Gateway where the national data platform connects with a client certificate; services offered to it attach there too, and its keys are accepted only there. Empty: the national platform uses the province's listener like any body outside the province")
	fs.StringVar(&c.FocalPointSubjectPrefix, "focal-point-subject-prefix", c.FocalPointSubjectPrefix, "when set, the prefix of every user and group name the identity provider reports (for example oidc:); a focal point naming a subject without it is not bound")
	fs.BoolVar(&c.AllowPlaintextKeys, "allow-plaintext-keys", c.AllowPlaintextKeys, "let protected services use an HTTP listener when the Gateway has no HTTPS one (keys then travel in clear: for laboratories only)")
	fs.StringVar(&c.ProxyNamespace, "gateway-proxy-namespace", c.ProxyNamespace, "namespace of the gateway's proxy pods, the only one besides an agency's own from which its backends are reached; empty means the Gateway's namespace")
	fs.Var(selectorFlag{&c.ProxySelector}, "gateway-proxy-selector", "labels of the gateway's proxy pods, as key=value,key=value")
	fs.IntVar(&c.ResponseWorkingDays, "response-working-days", c.ResponseWorkingDays, "working days the provider (or the DIC) has to consent or refuse a request in writing")
	fs.StringVar(&c.TimeZone, "time-zone", c.TimeZone, "the province's time zone (IANA name): working days begin and end there")
	fs.Func("holidays", "the province's days off besides weekends, as 2006-01-02,2006-01-02 (the chart lists the national public holidays)", func(s string) error {
		c.Holidays = nil
		for _, d := range strings.Split(s, ",") {
			if d = strings.TrimSpace(d); d != "" {
				c.Holidays = append(c.Holidays, d)
			}
		}
		return nil
	})
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "how many objects of one kind are reconciled at once")
	fs.StringVar(&c.MetricsAddr, "metrics-bind-address", c.MetricsAddr, "address of the metrics endpoint; 0 disables it")
	fs.BoolVar(&c.SecureMetrics, "metrics-secure", c.SecureMetrics, "serve metrics over HTTPS, allowed only to callers that Kubernetes RBAC lets read /metrics")
	fs.StringVar(&c.ProbeAddr, "health-probe-bind-address", c.ProbeAddr, "address of the /healthz and /readyz endpoints")
	fs.BoolVar(&c.LeaderElect, "leader-elect", c.LeaderElect, "elect a leader, so that only one replica writes")
	fs.StringVar(&c.LeaderElectionNamespace, "leader-election-namespace", c.LeaderElectionNamespace, "namespace of the leader-election lease; empty means the operator's own")
	fs.StringVar(&c.AccessLogAddr, "access-log-bind-address", c.AccessLogAddr, "address where the LGSP gateway's access logs are received (Envoy's Access Log Service, gRPC), for the agreements' usage and the traffic metrics; empty receives none")
	fs.DurationVar(&c.UsageFlushInterval, "usage-flush-interval", c.UsageFlushInterval, "how often the requests counted from the access logs are written to the agreements' status.usage (at most one write per agreement per interval; a restart loses at most one interval)")
}

// Validate checks every setting and returns one error that names each bad
// flag and what is wrong with it.
func (c Config) Validate() error {
	var errs []error
	bad := func(flagName, format string, args ...any) {
		errs = append(errs, fmt.Errorf("--%s: %s", flagName, fmt.Sprintf(format, args...)))
	}

	if c.Gateway.Name == "" || c.Gateway.Namespace == "" {
		bad("lgsp-gateway", "is required, as namespace/name of the LGSP Gateway")
	}
	if err := validateBaseURL(c.PublicBaseURL); err != nil {
		bad("public-base-url", "%v", err)
	}
	switch c.CoordinatorAgency {
	case "":
		bad("coordinator-agency", "is required: the name of the Agency of the Department of Information and Communications, for example so-tttt")
	default:
		if msgs := validation.IsDNS1123Label(c.CoordinatorAgency); len(msgs) > 0 {
			bad("coordinator-agency", "%q is not an Agency name: %s", c.CoordinatorAgency, strings.Join(msgs, "; "))
		}
	}
	if c.Enforcement != EnforcementEnvoyGateway && c.Enforcement != EnforcementNone {
		bad("enforcement", "%q is not a profile: use envoy-gateway or none", c.Enforcement)
	}
	for _, d := range []struct {
		flag string
		v    time.Duration
		min  time.Duration
	}{
		{"review-period", c.ReviewPeriod, 24 * time.Hour},
		{"open-data-refresh", c.OpenDataRefresh, 24 * time.Hour},
		{"key-rotation-grace", c.KeyRotationGrace, 0},
		{"usage-flush-interval", c.UsageFlushInterval, time.Second},
		{"unused-grant-period", c.UnusedGrantPeriod, 24 * time.Hour},
	} {
		if d.v < d.min {
			bad(d.flag, "%s is too short: the least is %s", d.v, d.min)
		}
	}
	if c.ResponseWorkingDays < 1 || c.ResponseWorkingDays > 30 {
		bad("response-working-days", "%d is out of range: give 1 to 30", c.ResponseWorkingDays)
	}
	if _, err := calendar.New(c.TimeZone, nil); err != nil {
		bad("time-zone", "%v", err)
	} else if _, err := c.Calendar(); err != nil {
		bad("holidays", "%v", err)
	}
	if c.NationalListener != "" {
		if msgs := validation.IsDNS1123Subdomain(c.NationalListener); len(msgs) > 0 {
			bad("national-listener", "%q is not a listener name: %s", c.NationalListener, strings.Join(msgs, "; "))
		} else if c.NationalListener == c.Gateway.SectionName {
			bad("national-listener", "%q is the province's listener in --lgsp-gateway: the national platform needs a listener of its own, with client certificates", c.NationalListener)
		}
	}
	if c.ProxyNamespace != "" {
		if msgs := validation.IsDNS1123Label(c.ProxyNamespace); len(msgs) > 0 {
			bad("gateway-proxy-namespace", "%q: %s", c.ProxyNamespace, strings.Join(msgs, "; "))
		}
	}
	if len(c.ProxySelector) == 0 {
		bad("gateway-proxy-selector", "is empty: an empty selector would admit every pod of the proxy namespace; give the proxy pods' labels, for example app.kubernetes.io/component=proxy")
	}
	if c.Concurrency < 1 || c.Concurrency > 64 {
		bad("concurrency", "%d is out of range: give 1 to 64", c.Concurrency)
	}
	if c.ProbeAddr == "" {
		bad("health-probe-bind-address", "is required: the kubelet's probes need it")
	}
	if c.MetricsAddr == "" {
		bad("metrics-bind-address", "is empty: give an address such as :8443, or 0 to disable metrics")
	}
	if c.LeaderElectionNamespace != "" {
		if msgs := validation.IsDNS1123Label(c.LeaderElectionNamespace); len(msgs) > 0 {
			bad("leader-election-namespace", "%q: %s", c.LeaderElectionNamespace, strings.Join(msgs, "; "))
		}
	}
	return errors.Join(errs...)
}

// validateBaseURL accepts an absolute http or https URL with no query,
// fragment or trailing slash, so that base + path prefix is a clean URL.
// CheckPublicURL says what is wrong with an address given as a public
// base (the LGSP's, the portal's), or nil: an http(s) URL with a host, no
// query or fragment, and no trailing slash.
func CheckPublicURL(raw, example string) error {
	if raw == "" {
		return fmt.Errorf("is required: for example %s", example)
	}
	return validateBaseURL(raw)
}

func validateBaseURL(raw string) error {
	u, err := url.Parse(raw)
	switch {
	case raw == "":
		return errors.New("is required: the province's LGSP address, for example https://lgsp.example.gov.vn")
	case err != nil:
		return fmt.Errorf("%q is not a URL: %w", raw, err)
	case u.Scheme != "https" && u.Scheme != "http":
		return fmt.Errorf("%q must start with https:// (or http://)", raw)
	case u.Host == "":
		return fmt.Errorf("%q has no host", raw)
	case u.RawQuery != "" || u.Fragment != "" || strings.HasSuffix(raw, "?") || strings.HasSuffix(raw, "#"):
		return fmt.Errorf("%q must not have a query or fragment", raw)
	case strings.HasSuffix(u.Path, "/"):
		return fmt.Errorf("%q must not end with a slash: service paths are appended to it", raw)
	}
	return nil
}

// ProxyPodNamespace is the namespace of the gateway's proxy pods.
func (c Rules) ProxyPodNamespace() string {
	if c.ProxyNamespace != "" {
		return c.ProxyNamespace
	}
	return c.Gateway.Namespace
}

// selectorFlag parses key=value,key=value into a label map.
type selectorFlag struct{ m *map[string]string }

func (f selectorFlag) String() string {
	if f.m == nil {
		return ""
	}
	return labels.SelectorFromSet(*f.m).String()
}

func (f selectorFlag) Set(s string) error {
	set, err := labels.ConvertSelectorToLabelsMap(s)
	if err != nil {
		return fmt.Errorf("want key=value,key=value: %w", err)
	}
	for k, v := range set {
		if errs := validation.IsQualifiedName(k); len(errs) > 0 {
			return fmt.Errorf("label key %q: %s", k, strings.Join(errs, "; "))
		}
		if errs := validation.IsValidLabelValue(v); len(errs) > 0 {
			return fmt.Errorf("label value %q: %s", v, strings.Join(errs, "; "))
		}
	}
	*f.m = set
	return nil
}

// enforcementFlag lets flag.Var parse an Enforcement.
type enforcementFlag struct{ e *Enforcement }

func (f enforcementFlag) String() string {
	if f.e == nil {
		return ""
	}
	return string(*f.e)
}

func (f enforcementFlag) Set(s string) error {
	*f.e = Enforcement(s)
	return nil
}
