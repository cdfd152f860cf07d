package publishing

import (
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

func TestOfferNationally(t *testing.T) {
	now := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	at := func(d time.Duration) *metav1.Time { return &metav1.Time{Time: now.Add(d)} }
	service := func(consents ...v1alpha1.Consent) *v1alpha1.DataService {
		ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "dat-dai"}}
		ds.Spec.Access.Consumers = consents
		return ds
	}
	national := func(name string, level v1alpha1.AgencyLevel, endorsements ...v1alpha1.Endorsement) v1alpha1.Agency {
		return v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{Level: level, Endorsements: endorsements}}
	}
	endorsed := v1alpha1.Endorsement{Service: "so-tnmt/dat-dai", DocumentRef: "CV 40"}
	consent := v1alpha1.Consent{Agency: "ndxp", DocumentRef: "CV 30"}

	for _, tc := range []struct {
		name      string
		ds        *v1alpha1.DataService
		nationals []v1alpha1.Agency
		want      []string
		wantNext  time.Time
	}{
		{name: "consent and endorsement", ds: service(consent), nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, endorsed)}, want: []string{"ndxp"}},
		{name: "consent without the DIC's endorsement", ds: service(consent), nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational)}},
		{name: "endorsement without the provider's consent", ds: service(), nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, endorsed)}},
		{name: "endorsement of another service", ds: service(consent),
			nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, v1alpha1.Endorsement{Service: "so-tnmt/khac", DocumentRef: "CV 40"})}},
		{name: "a ministry is not the national platform", ds: service(v1alpha1.Consent{Agency: "bo-nnmt", DocumentRef: "CV 30"}),
			nationals: []v1alpha1.Agency{national("bo-nnmt", v1alpha1.LevelCentral, endorsed)}},
		{name: "consent not yet in force: offered when it starts", ds: service(v1alpha1.Consent{Agency: "ndxp", DocumentRef: "CV 30", ValidFrom: at(48 * time.Hour)}),
			nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, endorsed)}, wantNext: now.Add(48 * time.Hour)},
		{name: "endorsement ending: offered until then", ds: service(consent),
			nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, v1alpha1.Endorsement{Service: "so-tnmt/dat-dai", DocumentRef: "CV 40", ValidUntil: at(time.Hour)})},
			want:      []string{"ndxp"}, wantNext: now.Add(time.Hour)},
		{name: "endorsement ended", ds: service(consent),
			nationals: []v1alpha1.Agency{national("ndxp", v1alpha1.LevelNational, v1alpha1.Endorsement{Service: "so-tnmt/dat-dai", DocumentRef: "CV 40", ValidUntil: at(-time.Hour)})}},
		{name: "two national platforms, sorted", ds: service(consent, v1alpha1.Consent{Agency: "ndxp-b", DocumentRef: "CV 31"}),
			nationals: []v1alpha1.Agency{national("ndxp-b", v1alpha1.LevelNational, endorsed), national("ndxp", v1alpha1.LevelNational, endorsed)}, want: []string{"ndxp", "ndxp-b"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := OfferNationally(tc.ds, tc.nationals, now)
			if !slices.Equal(got.Agencies, tc.want) || !got.Next.Equal(tc.wantNext) {
				t.Errorf("got %v next %v, want %v next %v", got.Agencies, got.Next, tc.want, tc.wantNext)
			}
			if got.Offered() != (len(tc.want) > 0) {
				t.Errorf("Offered() = %v", got.Offered())
			}
		})
	}
}

func TestParseExternal(t *testing.T) {
	for _, tc := range []struct {
		url  string
		want External
		ok   bool
	}{
		{"https://api.ndxp.example.vn/dan-cu/v1", External{Host: "api.ndxp.example.vn", Port: 443, Path: "/dan-cu/v1"}, true},
		{"https://api.ndxp.example.vn:8443/dan-cu/v1/", External{Host: "api.ndxp.example.vn", Port: 8443, Path: "/dan-cu/v1"}, true},
		{"https://api.ndxp.example.vn", External{Host: "api.ndxp.example.vn", Port: 443, Path: "/"}, true},
		{"http://api.ndxp.example.vn/x", External{}, false},
		{"https://api.ndxp.example.vn:70000/x", External{}, false},
	} {
		ds := &v1alpha1.DataService{}
		ds.Spec.Backend.External = &v1alpha1.ExternalBackend{URL: tc.url}
		got, ok := ParseExternal(ds)
		if got != tc.want || ok != tc.ok {
			t.Errorf("%s: got %+v %v, want %+v %v", tc.url, got, ok, tc.want, tc.ok)
		}
	}
	if _, ok := ParseExternal(&v1alpha1.DataService{}); ok {
		t.Error("a Service backend is not external")
	}
}

// TestExternalAndNationalDecisions: only the DIC publishes a backend
// outside the cluster, and only under Envoy Gateway; it is reachable with
// no Service and isolated by no NetworkPolicy. A service offered to the
// national platform attaches to the national listener as well, and says
// why not when the listener is missing.
func TestExternalAndNationalDecisions(t *testing.T) {
	external := func(in Inputs) Inputs {
		in.Service.Spec.Backend = v1alpha1.Backend{External: &v1alpha1.ExternalBackend{URL: "https://api.ndxp.example.vn/dan-cu/v1"}}
		in.Backend = nil
		return in
	}
	dic := func(in Inputs) Inputs {
		in.Agency.Name = in.Rules.CoordinatorAgency
		return in
	}
	offered := func(in Inputs) Inputs {
		in.Service.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ndxp", DocumentRef: "CV 30"}}
		in.Nationals = []v1alpha1.Agency{{ObjectMeta: metav1.ObjectMeta{Name: "ndxp"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelNational,
			Endorsements: []v1alpha1.Endorsement{{Service: "so-tnmt/dat-dai", DocumentRef: "CV 40"}}}}}
		return in
	}
	withListener := func(name string) func(Inputs) Inputs {
		return func(in Inputs) Inputs {
			in.Rules.NationalListener = "national"
			in.Gateway = lgspGateway("http/HTTP", "https/HTTPS", name)
			return in
		}
	}
	for _, tc := range []struct {
		name         string
		edits        []func(Inputs) Inputs
		profileNone  bool
		wantAccepted v1alpha1.ConditionReason
		wantIsolated v1alpha1.ConditionReason
		wantOffered  v1alpha1.ConditionReason
		wantSection  string
		wantNational string
		// wantReachable, when set, is Reachable's reason.
		wantReachable v1alpha1.ConditionReason
	}{
		{name: "the DIC's external service", edits: []func(Inputs) Inputs{external, dic},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonExternalBackend, wantOffered: v1alpha1.ReasonNotOfferedNationally, wantSection: "https"},
		{name: "an agency's external service", edits: []func(Inputs) Inputs{external},
			wantAccepted: v1alpha1.ReasonExternalNotCoordinator, wantIsolated: v1alpha1.ReasonExternalBackend, wantOffered: v1alpha1.ReasonNotOfferedNationally},
		{name: "the DIC's external service, the CRDs that reach it missing", edits: []func(Inputs) Inputs{external, dic, func(in Inputs) Inputs { in.ExternalAPIInstalled = false; return in }},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonExternalBackend, wantOffered: v1alpha1.ReasonNotOfferedNationally, wantReachable: v1alpha1.ReasonGatewayAPIMissing},
		{name: "a Service backend does not need them", edits: []func(Inputs) Inputs{func(in Inputs) Inputs { in.ExternalAPIInstalled = false; return in }},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonIsolated, wantOffered: v1alpha1.ReasonNotOfferedNationally, wantSection: "https", wantReachable: v1alpha1.ReasonReachable},
		{name: "the DIC's external service under the profile none", edits: []func(Inputs) Inputs{external, dic}, profileNone: true,
			wantAccepted: v1alpha1.ReasonExternalNeedsEnvoyGateway, wantIsolated: v1alpha1.ReasonExternalBackend, wantOffered: v1alpha1.ReasonNotOfferedNationally},
		{name: "offered, with the national listener", edits: []func(Inputs) Inputs{offered, withListener("national/HTTPS")},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonIsolated, wantOffered: v1alpha1.ReasonOfferedNationally, wantSection: "https", wantNational: "national"},
		{name: "offered, without a national listener", edits: []func(Inputs) Inputs{offered},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonIsolated, wantOffered: v1alpha1.ReasonOfferedNationally, wantSection: "https"},
		{name: "offered, the national listener missing", edits: []func(Inputs) Inputs{offered, withListener("other/HTTPS")},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonIsolated, wantOffered: v1alpha1.ReasonListenerNotFound},
		{name: "offered, the national listener in clear", edits: []func(Inputs) Inputs{offered, withListener("national/HTTP")},
			wantAccepted: v1alpha1.ReasonAccepted, wantIsolated: v1alpha1.ReasonIsolated, wantOffered: v1alpha1.ReasonNoTLSListener, wantSection: "https"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs()
			if tc.profileNone {
				in.Rules.Enforcement = config.EnforcementNone
			}
			for _, e := range tc.edits {
				in = e(in)
			}
			d := Decide(in)
			for typ, want := range map[v1alpha1.ConditionType]v1alpha1.ConditionReason{
				v1alpha1.ConditionAccepted: tc.wantAccepted, v1alpha1.ConditionNetworkIsolated: tc.wantIsolated, v1alpha1.ConditionOfferedNationally: tc.wantOffered,
			} {
				if got := find(d, typ); got.Reason != want {
					t.Errorf("%s: got %s (%s), want %s", typ, got.Reason, got.Message, want)
				}
			}
			if tc.wantSection != "" && d.SectionName != tc.wantSection {
				t.Errorf("the route attaches to %q, want %q", d.SectionName, tc.wantSection)
			}
			if r := find(d, v1alpha1.ConditionReachable); tc.wantReachable != "" && r.Reason != tc.wantReachable {
				t.Errorf("Reachable: got %s (%s), want %s", r.Reason, r.Message, tc.wantReachable)
			}
			if d.NationalSectionName != tc.wantNational {
				t.Errorf("the route attaches nationally to %q, want %q", d.NationalSectionName, tc.wantNational)
			}
		})
	}
}

// TestAnAcceptedRouteWithUnresolvedRefsIsNotReachable: Envoy Gateway
// accepts a route whose BackendTLSPolicy names a CA ConfigMap that does not
// exist, and says ResolvedRefs False (InvalidBackendTLS): requests fail, so
// the service is not Reachable, and the message quotes the gateway.
func TestAnAcceptedRouteWithUnresolvedRefsIsNotReachable(t *testing.T) {
	in := inputs()
	p := parent("lgsp-system", "lgsp", "https", metav1.ConditionTrue, "Accepted")
	p.Conditions = append(p.Conditions, metav1.Condition{Type: "ResolvedRefs", Status: metav1.ConditionFalse, Reason: "InvalidBackendTLS",
		Message: "configmap ndxp-ca not found", ObservedGeneration: 1})
	in.Route = routeWith(p)
	d := Decide(in)
	if r := find(d, v1alpha1.ConditionReachable); r.Reason != v1alpha1.ReasonRouteRefsUnresolved || !strings.Contains(r.Message, "configmap ndxp-ca not found") {
		t.Errorf("Reachable is %s: %s", r.Reason, r.Message)
	}
	if r := find(d, v1alpha1.ConditionRouteAccepted); r.Status != metav1.ConditionTrue {
		t.Errorf("RouteAccepted mirrors the gateway's Accepted: %s", r.Status)
	}
	p.Conditions[1].Status = metav1.ConditionTrue
	in.Route = routeWith(p)
	if r := find(Decide(in), v1alpha1.ConditionReachable); r.Reason != v1alpha1.ReasonReachable {
		t.Errorf("with its refs resolved, Reachable is %s", r.Reason)
	}
}

// TestOpenDataIsOfferedNationally: open data needs no consent and is in the
// national catalog, so it says it is offered nationally.
func TestOpenDataIsOfferedNationally(t *testing.T) {
	in := inputs()
	in.Service.Spec.Classification, in.Service.Spec.Access.Audience = v1alpha1.ClassificationOpen, v1alpha1.AudiencePublic
	if c := find(Decide(in), v1alpha1.ConditionOfferedNationally); c.Status != metav1.ConditionTrue || !strings.Contains(c.Message, "national catalog") {
		t.Errorf("OfferedNationally is %s: %s", c.Status, c.Message)
	}
}
