package render

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
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
	} `json:"config"`
	Agency string `json:"agency"`
	// SectionName is the listener the DataService controller chose.
	SectionName string               `json:"sectionName"`
	Service     v1alpha1.DataService `json:"service"`
	Backend     *corev1.Service      `json:"backend"`
	GatewayKeys []string             `json:"gatewayKeys"`
}

// goldenOutput is the content of a testdata/*.out.yaml file: what the
// operator applies, and null for an object that must not exist.
type goldenOutput struct {
	URL                  string `json:"url"`
	HTTPRoute            any    `json:"httpRoute"`
	SecurityPolicy       any    `json:"securityPolicy"`
	BackendTrafficPolicy any    `json:"backendTrafficPolicy"`
	NetworkPolicy        any    `json:"networkPolicy"`
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
			if err := cfg.Validate(); err != nil {
				t.Fatalf("%s: the configuration is invalid: %v", inPath, err)
			}

			objs := Service(ServiceInputs{Service: &in.Service, Agency: in.Agency, Config: cfg, Backend: in.Backend,
				SectionName: in.SectionName, GatewayKeys: in.GatewayKeys})
			out := goldenOutput{URL: names.ServiceURL(cfg.PublicBaseURL, names.PathPrefix(&in.Service, in.Agency))}
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
