package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the golden files from what the renderer produces")

// goldenInput is the content of a testdata/*.in.yaml file.
type goldenInput struct {
	Config struct {
		Enforcement    config.Enforcement `json:"enforcement"`
		Gateway        string             `json:"gateway"`
		PublicBaseURL  string             `json:"publicBaseURL"`
		ProxyNamespace string             `json:"proxyNamespace"`
		ProxySelector  map[string]string  `json:"proxySelector"`
		// NationalListener adds an HTTPS listener of that name to the
		// Gateway and names it in the operator's --national-listener.
		NationalListener string `json:"nationalListener"`
	} `json:"config"`
	Agency  string               `json:"agency"`
	Service v1alpha1.DataService `json:"service"`
	Backend *corev1.Service      `json:"backend"`
	// GatewayKeys are the names of the live agreements' keys; the policy
	// names the key groups that hold them.
	GatewayKeys []string `json:"gatewayKeys"`
	// Nationals are registered agencies of level National that the
	// service's consumers name.
	Nationals []v1alpha1.Agency `json:"nationals"`
}

// goldenOutput is the content of a testdata/*.out.yaml file: what the
// operator applies, null for an object that must not exist, and the
// conditions the DataService reports (before the gateway reports on the
// route), as Envoy Gateway's own goldens carry each object's status.
type goldenOutput struct {
	URL                  string            `json:"url"`
	Conditions           []goldenCondition `json:"conditions"`
	HTTPRoute            any               `json:"httpRoute"`
	SecurityPolicy       any               `json:"securityPolicy"`
	BackendTrafficPolicy any               `json:"backendTrafficPolicy"`
	NetworkPolicy        any               `json:"networkPolicy"`
	Backend              any               `json:"backend,omitempty"`
	BackendTLSPolicy     any               `json:"backendTLSPolicy,omitempty"`
	HTTPRouteFilter      any               `json:"httpRouteFilter,omitempty"`
}

// goldenCondition is a condition without its times and generation.
type goldenCondition struct {
	Type    v1alpha1.ConditionType   `json:"type"`
	Status  metav1.ConditionStatus   `json:"status"`
	Reason  v1alpha1.ConditionReason `json:"reason"`
	Message string                   `json:"message"`
}

// goldenNow is the moment the goldens are decided at.
var goldenNow = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// goldenWorld is what the publishing decision reads beside the service: its
// agency, Ready and with the service appraised; the LGSP Gateway, with an
// HTTP and an HTTPS listener; every consumer registered.
func goldenWorld(in goldenInput, cfg config.Config) publishing.Inputs {
	agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: in.Agency}, Spec: v1alpha1.AgencySpec{
		Namespace:         v1alpha1.ObjectName(in.Service.Namespace),
		AppraisedServices: []v1alpha1.ServiceAppraisal{{Service: v1alpha1.ObjectName(in.Service.Name), DocumentRef: "CV thẩm định"}}}}
	agency.Status.Conditions = []metav1.Condition{{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionTrue, Reason: string(v1alpha1.ReasonReady)}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: cfg.Gateway.Namespace, Name: cfg.Gateway.Name}}
	gw.Spec.Listeners = []gatewayv1.Listener{{Name: "http", Protocol: gatewayv1.HTTPProtocolType}, {Name: "https", Protocol: gatewayv1.HTTPSProtocolType}}
	if cfg.NationalListener != "" {
		gw.Spec.Listeners = append(gw.Spec.Listeners, gatewayv1.Listener{Name: gatewayv1.SectionName(cfg.NationalListener), Protocol: gatewayv1.HTTPSProtocolType})
	}
	registered := map[string]bool{}
	for _, c := range in.Service.Spec.Access.Consumers {
		registered[string(c.Agency)] = true
	}
	return publishing.Inputs{Service: &in.Service, Agency: agency, Rules: cfg.Rules, GatewayAPIInstalled: true, ExternalAPIInstalled: true, Gateway: gw, Backend: in.Backend,
		RegisteredConsumers: registered, Nationals: in.Nationals, Now: goldenNow}
}

// TestServiceGolden renders every testdata/*.in.yaml and compares the result
// with the matching *.out.yaml. Run with -update to rewrite the outputs,
// then read the diff.
func TestServiceGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.in.yaml"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no golden inputs: %v", err)
	}
	for _, inPath := range inputs {
		name := strings.TrimSuffix(filepath.Base(inPath), ".in.yaml")
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(inPath)
			if err != nil {
				t.Fatal(err)
			}
			var in goldenInput
			if err := yaml.UnmarshalStrict(raw, &in); err != nil {
				t.Fatalf("%s: %v", inPath, err)
			}
			cfg := config.Default()
			cfg.CoordinatorAgency = "so-tttt"
			cfg.PublicBaseURL = testenv.SampleBaseURL
			if in.Config.Enforcement != "" {
				cfg.Enforcement = in.Config.Enforcement
			}
			if in.Config.Gateway != "" {
				if err := cfg.Gateway.Set(in.Config.Gateway); err != nil {
					t.Fatal(err)
				}
			}
			if in.Config.PublicBaseURL != "" {
				cfg.PublicBaseURL = in.Config.PublicBaseURL
			}
			if in.Config.ProxyNamespace != "" {
				cfg.ProxyNamespace = in.Config.ProxyNamespace
			}
			if in.Config.ProxySelector != nil {
				cfg.ProxySelector = in.Config.ProxySelector
			}
			cfg.NationalListener = in.Config.NationalListener
			if err := cfg.Validate(); err != nil {
				t.Fatalf("%s: the configuration is invalid: %v", inPath, err)
			}

			d := publishing.Decide(goldenWorld(in, cfg))
			objs := Service(ServiceInputs{Service: &in.Service, Agency: in.Agency, Rules: cfg.Rules, Backend: in.Backend,
				SectionName: d.SectionName, NationalSectionName: d.NationalSectionName, NationalConsumers: d.NationalConsumers,
				LiveKeys:  len(distinctNames(in.GatewayKeys)),
				KeyGroups: (len(distinctNames(in.GatewayKeys)) + KeyGroupCapacity - 1) / KeyGroupCapacity})
			out := goldenOutput{URL: d.URL}
			for _, c := range d.Conditions {
				out.Conditions = append(out.Conditions, goldenCondition{c.Type, c.Status, c.Reason, c.Message})
			}
			if objs.Route != nil {
				out.HTTPRoute = content(t, objs.Route)
			}
			if objs.SecurityPolicy != nil {
				out.SecurityPolicy = content(t, objs.SecurityPolicy)
			}
			if objs.TrafficPolicy != nil {
				out.BackendTrafficPolicy = content(t, objs.TrafficPolicy)
			}
			if objs.NetworkPolicy != nil {
				out.NetworkPolicy = content(t, objs.NetworkPolicy)
			}
			if objs.Upstream != nil {
				out.Backend = content(t, objs.Upstream)
			}
			if objs.UpstreamTLS != nil {
				out.BackendTLSPolicy = content(t, objs.UpstreamTLS)
			}
			if objs.Credential != nil {
				out.HTTPRouteFilter = content(t, objs.Credential)
			}
			got, err := yaml.Marshal(out)
			if err != nil {
				t.Fatal(err)
			}

			outPath := filepath.Join("testdata", name+".out.yaml")
			if *update {
				if err := os.WriteFile(outPath, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(outPath)
			if err != nil {
				t.Fatalf("%v (run go test ./internal/render -update to create it)", err)
			}
			if string(got) != string(want) {
				t.Errorf("%s differs from what the renderer produces; run with -update and read the diff.\n--- got\n%s", outPath, got)
			}
		})
	}
}

func content(t *testing.T, obj any) map[string]any {
	t.Helper()
	u, err := ApplyContent(obj)
	if err != nil {
		t.Fatal(err)
	}
	return u.Object
}
