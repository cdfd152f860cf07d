package render

import (
	"fmt"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// FuzzService renders services from arbitrary inputs and checks what must
// always hold: open data has no auth policy and always reaches its backend;
// a protected service lists exactly its distinct keys and reaches no backend
// without one; a NetworkPolicy exists exactly when there are pods to select
// on the named port; rendering the same input twice gives the same objects.
func FuzzService(f *testing.F) {
	f.Add(uint8(1), true, true, false, int32(8080), int32(8080), uint8(1), "", "v1")
	f.Add(uint8(0), true, true, false, int32(80), int32(80), uint8(0), "/du-lieu-mo/x", "v1")
	f.Add(uint8(2), true, true, true, int32(9000), int32(9000), uint8(3), "", "2.0")
	f.Add(uint8(1), false, false, false, int32(8080), int32(8443), uint8(2), "/a/b", "v3")

	f.Fuzz(func(t *testing.T, audience uint8, envoy, hasBackend, selectorless bool, port, svcPort int32, keys uint8, prefix, version string) {
		cfg := config.Default()
		cfg.CoordinatorAgency = "so-tttt"
		if !envoy {
			cfg.Enforcement = config.EnforcementNone
		}
		ds := &v1alpha1.DataService{
			ObjectMeta: metav1.ObjectMeta{Name: "dv", Namespace: "so-x", UID: "u"},
			Spec: v1alpha1.DataServiceSpec{
				Version: version,
				Backend: v1alpha1.Backend{ServiceName: "api", Port: port},
				Route:   v1alpha1.Route{PathPrefix: prefix},
				Access:  v1alpha1.Access{Audience: []v1alpha1.Audience{v1alpha1.AudiencePublic, v1alpha1.AudienceProvince, v1alpha1.AudienceListed}[audience%3]},
			},
		}
		in := ServiceInputs{Service: ds, Agency: "so-x", Config: cfg}
		if hasBackend {
			in.Backend = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: svcPort}}}}
			if !selectorless {
				in.Backend.Spec.Selector = map[string]string{"app": "api"}
			}
		}
		// Up to 15 keys among 8 names: repeats happen, as during a rotation
		// seen twice.
		for i := 0; i < int(keys%16); i++ {
			in.GatewayKeys = append(in.GatewayKeys, fmt.Sprintf("key-%d", i%8))
		}

		objs := Service(in)
		again := Service(in)
		a, _ := ApplyContent(objs.Route)
		b, _ := ApplyContent(again.Route)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatal("rendering is not deterministic")
		}
		public := ds.Spec.Access.Audience == v1alpha1.AudiencePublic
		backends := len(objs.Route.Spec.Rules[0].BackendRefs)
		switch {
		case public && objs.SecurityPolicy != nil:
			t.Fatal("open data got an auth policy")
		case public && backends != 1:
			t.Fatal("open data must always reach its backend")
		case !public && len(in.GatewayKeys) == 0 && backends != 0:
			t.Fatal("a protected service with no live agreement reaches its backend")
		case !public && envoy && objs.SecurityPolicy == nil:
			t.Fatal("a protected service under envoy-gateway has no auth policy")
		case !envoy && objs.SecurityPolicy != nil:
			t.Fatal("the none profile rendered an auth policy")
		}
		if objs.SecurityPolicy != nil {
			refs := objs.SecurityPolicy.Spec.APIKeyAuth.CredentialRefs
			seen := map[string]bool{}
			for _, r := range refs {
				if seen[string(r.Name)] {
					t.Fatalf("key %s listed twice", r.Name)
				}
				seen[string(r.Name)] = true
			}
			if len(refs) != len(distinctNames(in.GatewayKeys)) {
				t.Fatalf("%d credentialRefs for %d distinct keys", len(refs), len(distinctNames(in.GatewayKeys)))
			}
		}
		wantNP := hasBackend && !selectorless && port == svcPort
		if (objs.NetworkPolicy != nil) != wantNP {
			t.Fatalf("NetworkPolicy present=%v, want %v", objs.NetworkPolicy != nil, wantNP)
		}
	})
}

func distinctNames(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}
