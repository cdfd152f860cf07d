package render

import (
	"fmt"
	"regexp"
	"testing"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// FuzzService renders services from arbitrary inputs and checks what must
// always hold: open data has no auth policy and always reaches its backend;
// a protected service names its sentinel and then each of its key groups,
// and reaches no backend without a live key; a NetworkPolicy exists exactly
// when there are pods to select on the named port; a rate limit counts the
// requests of exactly the keys of its agency; rendering the same input twice
// gives the same objects.
func FuzzService(f *testing.F) {
	f.Add(uint8(1), true, true, false, int32(8080), int32(8080), uint8(1), uint8(0), "", "v1")
	f.Add(uint8(0), true, true, false, int32(80), int32(80), uint8(0), uint8(7), "/du-lieu-mo/x", "v1")
	f.Add(uint8(2), true, true, true, int32(9000), int32(9000), uint8(3), uint8(5), "", "2.0")
	f.Add(uint8(1), false, false, false, int32(8080), int32(8443), uint8(2), uint8(2), "/a/b", "v3")

	f.Fuzz(func(t *testing.T, audience uint8, envoy, hasBackend, selectorless bool, port, svcPort int32, keys, limited uint8, prefix, version string) {
		cfg := config.Default()
		cfg.CoordinatorAgency = "so-tttt"
		cfg.PublicBaseURL = testenv.SampleBaseURL
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
		// One name is the prefix of another: a limit must not spill over.
		consumers := []string{"so-y", "so-yte", "ubnd-tp"}
		for i, agency := range consumers {
			c := v1alpha1.Consent{Agency: v1alpha1.ObjectName(agency), DocumentRef: "CV 1"}
			if limited&(1<<i) != 0 {
				c.RateLimit = &v1alpha1.RateLimit{Requests: int32(i + 1), Unit: v1alpha1.RateUnit("Minute")}
			}
			ds.Spec.Access.Consumers = append(ds.Spec.Access.Consumers, c)
		}
		in := ServiceInputs{Service: ds, Agency: "so-x", Rules: cfg.Rules}
		if hasBackend {
			in.Backend = &corev1.Service{Spec: corev1.ServiceSpec{Ports: []corev1.ServicePort{{Port: svcPort}}}}
			if !selectorless {
				in.Backend.Spec.Selector = map[string]string{"app": "api"}
			}
		}
		// Up to 15 keys among 8 names: repeats happen, as during a rotation
		// seen twice.
		var gatewayKeys []string
		for i := 0; i < int(keys%16); i++ {
			gatewayKeys = append(gatewayKeys, fmt.Sprintf("key-%d", i%8))
		}
		in.LiveKeys, in.KeyGroups = len(distinctNames(gatewayKeys)), int(keys/16%4)

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
		case !public && in.LiveKeys == 0 && backends != 0:
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
			// The sentinel comes first, so that the list is never empty,
			// then every key group, at least one.
			if len(refs) != max(in.KeyGroups, 1)+1 || string(refs[0].Name) != names.SentinelName(ds) ||
				string(refs[len(refs)-1].Name) != names.KeyGroupName(ds, len(refs)-2) {
				t.Fatalf("%d credentialRefs for %d key groups and the sentinel, the first %s", len(refs), in.KeyGroups, refs[0].Name)
			}
		}
		checkRateLimits(t, objs.TrafficPolicy, ds, envoy && !public)
		wantNP := hasBackend && !selectorless && port == svcPort
		if (objs.NetworkPolicy != nil) != wantNP {
			t.Fatalf("NetworkPolicy present=%v, want %v", objs.NetworkPolicy != nil, wantNP)
		}
	})
}

// checkRateLimits checks that a traffic policy exists exactly when an
// enforced service caps a consumer, and that each capped agency's client
// ids, and no other agency's, meet one rule carrying its limit.
func checkRateLimits(t *testing.T, policy *egv1a1.BackendTrafficPolicy, ds *v1alpha1.DataService, enforced bool) {
	t.Helper()
	capped := 0
	for _, c := range ds.Spec.Access.Consumers {
		if c.RateLimit != nil {
			capped++
		}
	}
	if want := enforced && capped > 0; (policy != nil) != want {
		t.Fatalf("BackendTrafficPolicy present=%v, want %v", policy != nil, want)
	}
	if policy == nil {
		return
	}
	rules := policy.Spec.RateLimit.Local.Rules
	if len(rules) != capped {
		t.Fatalf("%d rate-limit rules for %d capped consumers", len(rules), capped)
	}
	for _, c := range ds.Spec.Access.Consumers {
		id := names.ClientID(string(c.Agency), &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "agreement.v2"}}, "k1")
		var met []egv1a1.RateLimitRule
		for _, r := range rules {
			if regexp.MustCompile(*r.ClientSelectors[0].Headers[0].Value).MatchString(id) {
				met = append(met, r)
			}
		}
		switch {
		case c.RateLimit == nil && len(met) > 0:
			t.Fatalf("client id %q of an uncapped consumer meets a limit", id)
		case c.RateLimit != nil && len(met) != 1:
			t.Fatalf("client id %q meets %d rules, want 1", id, len(met))
		case c.RateLimit != nil && int64(met[0].Limit.Requests) != int64(c.RateLimit.Requests):
			t.Fatalf("client id %q meets a limit of %d, want %d", id, met[0].Limit.Requests, c.RateLimit.Requests)
		}
	}
}

func distinctNames(names []string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}
