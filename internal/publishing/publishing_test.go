package publishing

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var now = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func readyAgency() *v1alpha1.Agency {
	return &v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: "so-tnmt"},
		Spec: v1alpha1.AgencySpec{Namespace: "so-tnmt", AppraisedServices: []v1alpha1.ServiceAppraisal{
			{Service: "dat-dai", DocumentRef: "CV 215", AppraisedAt: metav1.NewTime(now.Add(-24 * time.Hour))},
		}},
		Status: v1alpha1.AgencyStatus{Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Ready"}}},
	}
}

func service() *v1alpha1.DataService {
	return &v1alpha1.DataService{
		ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "so-tnmt", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))},
		Spec: v1alpha1.DataServiceSpec{
			Version: "v1", Classification: v1alpha1.ClassificationShared,
			Backend: v1alpha1.Backend{ServiceName: "dat-dai-api", Port: 8080},
			Access:  v1alpha1.Access{Audience: v1alpha1.AudienceProvince},
			Review:  v1alpha1.Review{LastReviewed: ptr.To(metav1.NewTime(now.Add(-30 * 24 * time.Hour)))},
		},
	}
}

func backend(selector map[string]string, ports ...int32) *corev1.Service {
	svc := &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai-api", Namespace: "so-tnmt"}, Spec: corev1.ServiceSpec{Selector: selector}}
	for _, p := range ports {
		svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Port: p})
	}
	return svc
}

func routeWith(parents ...gatewayv1.RouteParentStatus) *gatewayv1.HTTPRoute {
	return &gatewayv1.HTTPRoute{
		ObjectMeta: metav1.ObjectMeta{Name: "datashare-dat-dai", Namespace: "so-tnmt", Generation: 1},
		Status:     gatewayv1.HTTPRouteStatus{RouteStatus: gatewayv1.RouteStatus{Parents: parents}},
	}
}

func parent(ns, name, section string, status metav1.ConditionStatus, reason string) gatewayv1.RouteParentStatus {
	ref := gatewayv1.ParentReference{Namespace: ptr.To(gatewayv1.Namespace(ns)), Name: gatewayv1.ObjectName(name)}
	if section != "" {
		ref.SectionName = ptr.To(gatewayv1.SectionName(section))
	}
	return gatewayv1.RouteParentStatus{
		ParentRef: ref, ControllerName: "gateway.envoyproxy.io/gatewayclass-controller",
		Conditions: []metav1.Condition{{Type: "Accepted", Status: status, Reason: reason, Message: "gateway says " + reason, ObservedGeneration: 1}},
	}
}

// lgspGateway is a Gateway with the given listeners, each "name/PROTOCOL".
func lgspGateway(listeners ...string) *gatewayv1.Gateway {
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "lgsp", Namespace: "lgsp-system"}}
	for _, l := range listeners {
		name, protocol, _ := strings.Cut(l, "/")
		gw.Spec.Listeners = append(gw.Spec.Listeners, gatewayv1.Listener{Name: gatewayv1.SectionName(name), Protocol: gatewayv1.ProtocolType(protocol)})
	}
	return gw
}

// inputs is a service that is accepted and whose route the gateway accepted
// on the Gateway's one HTTPS listener.
func inputs() Inputs {
	cfg := config.Default()
	cfg.CoordinatorAgency = "so-tttt"
	cfg.PublicBaseURL = testenv.SampleBaseURL
	return Inputs{
		Service: service(), Agency: readyAgency(), Rules: cfg.Rules,
		GatewayAPIInstalled: true, ExternalAPIInstalled: true, Gateway: lgspGateway("http/HTTP", "https/HTTPS"),
		Backend: backend(map[string]string{"app": "dat-dai-api"}, 8080),
		Route:   routeWith(parent("lgsp-system", "lgsp", "https", metav1.ConditionTrue, "Accepted")),
		Now:     now,
	}
}

func find(d Decision, t v1alpha1.ConditionType) conditions.Condition {
	for _, c := range d.Conditions {
		if c.Type == t {
			return c
		}
	}
	return conditions.Condition{}
}

// TestDecideAcceptance checks what consent (Accepted) and reachability
// (Reachable) say of a service, and what happens to its route: a fault of
// reachability never makes a service unoffered, so agreements keep their
// keys through it.
func TestDecideAcceptance(t *testing.T) {
	notReady := readyAgency()
	notReady.Status.Conditions[0] = metav1.Condition{Type: "Ready", Status: metav1.ConditionFalse, Reason: "NoFocalPoint", Message: "agency so-tnmt has no active primary focal point"}
	older := service()
	older.Namespace, older.Name = "so-khac", "dat-dai-cu"
	older.CreationTimestamp = metav1.NewTime(now.Add(-2 * time.Hour))
	newer := service()
	newer.Namespace, newer.Name = "so-khac", "dat-dai-moi"
	newer.CreationTimestamp = metav1.NewTime(now)
	gone := older.DeepCopy()
	gone.DeletionTimestamp = &metav1.Time{Time: now}
	const (
		accepted  = v1alpha1.ReasonAccepted
		reachable = v1alpha1.ReasonReachable
	)

	cases := []struct {
		name          string
		edit          func(*Inputs)
		wantRoute     RouteAction
		wantAccepted  v1alpha1.ConditionReason
		wantReachable v1alpha1.ConditionReason
		wantReady     v1alpha1.ConditionReason
		wantMessage   string
	}{
		{"accepted, and the gateway accepted the route", func(*Inputs) {}, RouteApply, accepted, reachable, v1alpha1.ReasonReady,
			"published at https://lgsp.soctrang.gov.vn/so-tnmt/dat-dai/v1"},
		{"Gateway API and Envoy Gateway missing", func(in *Inputs) { in.GatewayAPIInstalled = false }, RouteWithdraw, accepted, v1alpha1.ReasonGatewayAPIMissing, v1alpha1.ReasonGatewayAPIMissing,
			"the Gateway API and Envoy Gateway CRDs are not installed in the cluster: the platform team must install them"},
		{"Gateway API missing under the none profile", func(in *Inputs) { in.GatewayAPIInstalled = false; in.Rules.Enforcement = config.EnforcementNone }, RouteWithdraw, accepted, v1alpha1.ReasonGatewayAPIMissing, v1alpha1.ReasonGatewayAPIMissing,
			"the Gateway API CRDs are not installed"},
		{"no agency", func(in *Inputs) { in.Agency = nil }, RouteWithdraw, v1alpha1.ReasonAgencyNotReady, v1alpha1.ReasonNotPublished, v1alpha1.ReasonAgencyNotReady,
			"no Agency holds namespace so-tnmt: the DIC (Sở TT&TT) must register the agency"},
		{"agency not Ready", func(in *Inputs) { in.Agency = notReady }, RouteWithdraw, v1alpha1.ReasonAgencyNotReady, v1alpha1.ReasonNotPublished, v1alpha1.ReasonAgencyNotReady,
			"agency so-tnmt is not Ready, so it cannot publish (Điều 20): agency so-tnmt has no active primary focal point"},
		{"not appraised", func(in *Inputs) { in.Agency.Spec.AppraisedServices = nil }, RouteWithdraw, v1alpha1.ReasonNotAppraised, v1alpha1.ReasonNotPublished, v1alpha1.ReasonNotAppraised,
			"the DIC must add dat-dai to spec.appraisedServices of Agency so-tnmt"},
		{"not appraised, appraisal not required", func(in *Inputs) { in.Agency.Spec.AppraisedServices = nil; in.Rules.RequireAppraisal = false }, RouteApply, accepted, reachable, v1alpha1.ReasonReady, ""},
		{"backend missing: the route stays, without a backend", func(in *Inputs) { in.Backend = nil }, RouteApply, accepted, v1alpha1.ReasonBackendNotFound, v1alpha1.ReasonBackendNotFound,
			"Service dat-dai-api does not exist in namespace so-tnmt: agency so-tnmt must create it"},
		{"backend without the port", func(in *Inputs) { in.Backend = backend(nil, 9090, 80) }, RouteApply, accepted, v1alpha1.ReasonBackendPortNotFound, v1alpha1.ReasonBackendPortNotFound,
			"Service dat-dai-api has no port 8080 (it has 80, 9090)"},
		{"path asked for by a newer service too: kept", func(in *Inputs) { in.SamePath = []v1alpha1.DataService{*in.Service, *newer} }, RouteApply, accepted, reachable, v1alpha1.ReasonReady, ""},
		{"path held by an older service being deleted: kept", func(in *Inputs) { in.SamePath = []v1alpha1.DataService{*gone} }, RouteApply, accepted, reachable, v1alpha1.ReasonReady, ""},
		{"path held by an older service", func(in *Inputs) { in.SamePath = []v1alpha1.DataService{*newer, *older, *in.Service} }, RouteWithdraw, accepted, v1alpha1.ReasonPathConflict, v1alpha1.ReasonPathConflict,
			"path /so-tnmt/dat-dai/v1 is already published by DataService so-khac/dat-dai-cu, created earlier: agency so-tnmt must set spec.route.pathPrefix"},
		{"gateway missing: the route is held", func(in *Inputs) { in.Gateway = nil }, RouteHold, accepted, v1alpha1.ReasonGatewayNotFound, v1alpha1.ReasonGatewayNotFound,
			"the LGSP Gateway lgsp-system/lgsp does not exist: the platform team must create it, or correct the operator's --lgsp-gateway; what is published stays as it is"},
		{"gateway without an HTTPS listener: the route is held", func(in *Inputs) { in.Gateway = lgspGateway("http/HTTP") }, RouteHold, accepted, v1alpha1.ReasonNoTLSListener, v1alpha1.ReasonNoTLSListener,
			"has no HTTPS listener (it has http (HTTP))"},
		{"route not reported yet", func(in *Inputs) { in.Route = routeWith() }, RouteApply, accepted, v1alpha1.ReasonWaitingForGateway, v1alpha1.ReasonWaitingForGateway,
			"the gateway has not reported on route datashare-dat-dai yet"},
		{"route reported for another gateway only", func(in *Inputs) {
			in.Route = routeWith(parent("khac", "lgsp", "https", metav1.ConditionTrue, "Accepted"))
		}, RouteApply, accepted, v1alpha1.ReasonWaitingForGateway, v1alpha1.ReasonWaitingForGateway, ""},
		{"route refused by the gateway: reported, the route stays", func(in *Inputs) {
			in.Route = routeWith(parent("lgsp-system", "lgsp", "https", metav1.ConditionFalse, "NotAllowedByListeners"))
		}, RouteApply, accepted, v1alpha1.ReasonRouteNotAccepted, v1alpha1.ReasonRouteNotAccepted, "reports NotAllowedByListeners: gateway says NotAllowedByListeners"},
		{"route accepted on another listener than the chosen one", func(in *Inputs) {
			in.Route = routeWith(parent("lgsp-system", "lgsp", "http", metav1.ConditionTrue, "Accepted"))
		}, RouteApply, accepted, v1alpha1.ReasonWaitingForGateway, v1alpha1.ReasonWaitingForGateway, ""},
		{"route status about an older generation", func(in *Inputs) { in.Route.Generation = 2 }, RouteApply, accepted, v1alpha1.ReasonWaitingForGateway, v1alpha1.ReasonWaitingForGateway, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs()
			tc.edit(&in)
			d := Decide(in)
			acc, reach, ready := find(d, v1alpha1.ConditionAccepted), find(d, v1alpha1.ConditionReachable), find(d, v1alpha1.ConditionReady)
			if d.Route != tc.wantRoute || acc.Reason != tc.wantAccepted || reach.Reason != tc.wantReachable || ready.Reason != tc.wantReady {
				t.Fatalf("route=%s accepted=%s reachable=%s ready=%s; want %s %s %s %s\n%s", d.Route, acc.Reason, reach.Reason, ready.Reason,
					tc.wantRoute, tc.wantAccepted, tc.wantReachable, tc.wantReady, ready.Message)
			}
			if (ready.Status == metav1.ConditionTrue) != (tc.wantReady == v1alpha1.ReasonReady) {
				t.Errorf("Ready status %s with reason %s", ready.Status, ready.Reason)
			}
			if (reach.Status == metav1.ConditionTrue) != (tc.wantReachable == reachable) {
				t.Errorf("Reachable status %s with reason %s", reach.Status, reach.Reason)
			}
			if !strings.Contains(ready.Message, tc.wantMessage) {
				t.Errorf("Ready message %q does not contain %q", ready.Message, tc.wantMessage)
			}
			if (d.URL == "") != (d.Route == RouteWithdraw) {
				t.Errorf("the URL is shown exactly while the route is not withdrawn: %q with %s", d.URL, d.Route)
			}
			if d.Route == RouteApply && d.SectionName != "https" {
				t.Errorf("a protected route attaches to the HTTPS listener alone, got %q", d.SectionName)
			}
			if len(d.Conditions) != 9 {
				t.Errorf("every condition is set on every visit; got %d", len(d.Conditions))
			}
		})
	}
}

// TestConsumersKnown: a consent naming an agency nobody registered is kept
// and reported, without blocking Ready.
func TestConsumersKnown(t *testing.T) {
	in := inputs()
	in.Service.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ubnd-tp", DocumentRef: "CV 1"}, {Agency: "ubnd-tp-go-sai", DocumentRef: "CV 2"}}
	in.RegisteredConsumers = map[string]bool{"ubnd-tp": true, "ubnd-tp-go-sai": false}
	d := Decide(in)
	c := find(d, v1alpha1.ConditionConsumersKnown)
	if c.Status != metav1.ConditionFalse || c.Reason != v1alpha1.ReasonUnknownConsumer ||
		!strings.Contains(c.Message, "spec.access.consumers names ubnd-tp-go-sai, which no Agency is: the provider must correct the name, or the DIC register the agency") {
		t.Fatalf("got %+v", c)
	}
	if find(d, v1alpha1.ConditionReady).Status != metav1.ConditionTrue {
		t.Error("an unknown consumer must not block Ready")
	}
	in.RegisteredConsumers["ubnd-tp-go-sai"] = true
	if c := find(Decide(in), v1alpha1.ConditionConsumersKnown); c.Status != metav1.ConditionTrue {
		t.Fatalf("every consumer registered: got %+v", c)
	}
}

// TestAttach checks which listener a route attaches to: a protected
// service's keys travel over exactly one HTTPS listener.
func TestAttach(t *testing.T) {
	cases := []struct {
		name           string
		gateway        *gatewayv1.Gateway
		section        string
		protected      bool
		allowPlaintext bool
		wantSection    string
		wantProblem    v1alpha1.ConditionReason
		wantMessage    string
	}{
		{"the only HTTPS listener", lgspGateway("http/HTTP", "https/HTTPS"), "", true, false, "https", "", ""},
		{"open data on every listener", lgspGateway("http/HTTP", "https/HTTPS"), "", false, false, "", "", ""},
		{"open data on the named listener", lgspGateway("http/HTTP", "https/HTTPS"), "http", false, false, "http", "", ""},
		{"the named HTTPS listener", lgspGateway("a/HTTPS", "b/HTTPS"), "b", true, false, "b", "", ""},
		{"two HTTPS listeners, none named", lgspGateway("a/HTTPS", "b/HTTPS"), "", true, false, "", v1alpha1.ReasonNoTLSListener,
			"has 2 HTTPS listeners (a, b), and a protected service attaches to exactly one: the platform team must name one"},
		{"HTTP only", lgspGateway("http/HTTP"), "", true, false, "", v1alpha1.ReasonNoTLSListener, "has no HTTPS listener (it has http (HTTP))"},
		{"HTTP only, plaintext allowed", lgspGateway("http/HTTP"), "", true, true, "http", "", ""},
		{"HTTPS preferred even when plaintext is allowed", lgspGateway("http/HTTP", "https/HTTPS"), "", true, true, "https", "", ""},
		{"a named HTTP listener for keys", lgspGateway("http/HTTP", "https/HTTPS"), "http", true, false, "", v1alpha1.ReasonNoTLSListener,
			`listener "http" of the LGSP Gateway lgsp-system/lgsp is HTTP, and API keys travel only over HTTPS`},
		{"a named HTTP listener, plaintext allowed", lgspGateway("http/HTTP"), "http", true, true, "http", "", ""},
		{"the named listener is gone", lgspGateway("https/HTTPS"), "web", true, false, "", v1alpha1.ReasonListenerNotFound,
			`has no listener "web" (it has https (HTTPS))`},
		{"a named TLS passthrough listener", lgspGateway("tls/TLS"), "tls", false, false, "", v1alpha1.ReasonListenerNotFound, "which carries no HTTPRoute"},
		{"no Gateway", nil, "", true, false, "", v1alpha1.ReasonGatewayNotFound, "does not exist"},
		{"no Gateway, open data", nil, "", false, false, "", v1alpha1.ReasonGatewayNotFound, "does not exist"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := config.Default()
			cfg.Gateway.SectionName, cfg.AllowPlaintextKeys = tc.section, tc.allowPlaintext
			at := Attach(tc.gateway, cfg.Rules, tc.protected)
			var problem v1alpha1.ConditionReason
			if at.Problem != nil {
				problem = at.Problem.Reason
				if at.Problem.Status != metav1.ConditionFalse || !strings.Contains(at.Problem.Message, tc.wantMessage) ||
					!strings.Contains(at.Problem.Message, "what is published stays as it is") {
					t.Errorf("problem %s: %q does not say %q", at.Problem.Status, at.Problem.Message, tc.wantMessage)
				}
			}
			if at.SectionName != tc.wantSection || problem != tc.wantProblem {
				t.Fatalf("got section %q, problem %q; want %q, %q", at.SectionName, problem, tc.wantSection, tc.wantProblem)
			}
		})
	}
}

func TestDecideIsolation(t *testing.T) {
	cases := []struct {
		name       string
		backend    *corev1.Service
		wantStatus metav1.ConditionStatus
		wantReason v1alpha1.ConditionReason
	}{
		{"pods selected", backend(map[string]string{"app": "x"}, 8080), metav1.ConditionTrue, v1alpha1.ReasonIsolated},
		{"virtual machine behind a selector-less Service", backend(nil, 8080), metav1.ConditionFalse, v1alpha1.ReasonSelectorlessBackend},
		{"no backend", nil, metav1.ConditionUnknown, v1alpha1.ReasonBackendNotFound},
		{"no such port", backend(map[string]string{"app": "x"}, 80), metav1.ConditionUnknown, v1alpha1.ReasonBackendPortNotFound},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs()
			in.Backend = tc.backend
			c := find(Decide(in), v1alpha1.ConditionNetworkIsolated)
			if c.Status != tc.wantStatus || c.Reason != tc.wantReason {
				t.Fatalf("got %s/%s: %s", c.Status, c.Reason, c.Message)
			}
		})
	}
}

func TestDecideClocks(t *testing.T) {
	day := 24 * time.Hour
	at := func(d time.Duration) *metav1.Time { return ptr.To(metav1.NewTime(now.Add(d))) }
	cases := []struct {
		name        string
		edit        func(*Inputs)
		wantReview  v1alpha1.ConditionReason
		wantStale   v1alpha1.ConditionReason
		wantNext    time.Time
		wantMessage string
	}{
		{"reviewed a month ago, not open data", func(*Inputs) {}, v1alpha1.ReasonReviewCurrent, v1alpha1.ReasonNotOpenData, now.Add(335 * day), ""},
		{"never reviewed", func(in *Inputs) { in.Service.Spec.Review.LastReviewed = nil }, v1alpha1.ReasonNeverReviewed, v1alpha1.ReasonNotOpenData, time.Time{},
			"record spec.review.lastReviewed (Điều 3.3)"},
		{"review due exactly now", func(in *Inputs) { in.Service.Spec.Review.LastReviewed = at(-365 * day) }, v1alpha1.ReasonReviewOverdue, v1alpha1.ReasonNotOpenData, time.Time{},
			"the review was due at 2026-11-27T09:00:00Z"},
		{"shorter review period from the flags", func(in *Inputs) { in.Rules.ReviewPeriod = 10 * day }, v1alpha1.ReasonReviewOverdue, v1alpha1.ReasonNotOpenData, time.Time{}, ""},
		{"open data never refreshed", func(in *Inputs) {
			in.Service.Spec.Access.Audience = v1alpha1.AudiencePublic
			in.Service.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0"}
		}, v1alpha1.ReasonReviewCurrent, v1alpha1.ReasonNeverRefreshed, now.Add(335 * day), "record spec.openData.lastUpdated (Điều 10.4)"},
		{"open data fresh: the refresh is the next clock", func(in *Inputs) {
			in.Service.Spec.Access.Audience = v1alpha1.AudiencePublic
			in.Service.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0", LastUpdated: at(-80 * day)}
		}, v1alpha1.ReasonReviewCurrent, v1alpha1.ReasonOpenDataFresh, now.Add(10 * day), ""},
		{"open data overdue by the default three months", func(in *Inputs) {
			in.Service.Spec.Access.Audience = v1alpha1.AudiencePublic
			in.Service.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0", LastUpdated: at(-91 * day)}
		}, v1alpha1.ReasonReviewCurrent, v1alpha1.ReasonOpenDataOverdue, now.Add(335 * day), "must refresh it and update spec.openData.lastUpdated"},
		{"open data with its own interval", func(in *Inputs) {
			in.Service.Spec.Access.Audience = v1alpha1.AudiencePublic
			in.Service.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0", LastUpdated: at(-20 * day), RefreshInterval: &metav1.Duration{Duration: 30 * day}}
		}, v1alpha1.ReasonReviewCurrent, v1alpha1.ReasonOpenDataFresh, now.Add(10 * day), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := inputs()
			tc.edit(&in)
			d := Decide(in)
			review, stale := find(d, v1alpha1.ConditionReviewDue), find(d, v1alpha1.ConditionOpenDataStale)
			if review.Reason != tc.wantReview || stale.Reason != tc.wantStale || !d.Next.Equal(tc.wantNext) {
				t.Fatalf("review=%s stale=%s next=%v; want %s %s %v", review.Reason, stale.Reason, d.Next, tc.wantReview, tc.wantStale, tc.wantNext)
			}
			if !strings.Contains(review.Message+" "+stale.Message, tc.wantMessage) {
				t.Errorf("messages %q / %q do not contain %q", review.Message, stale.Message, tc.wantMessage)
			}
			if find(d, v1alpha1.ConditionReady).Reason != v1alpha1.ReasonReady {
				t.Errorf("the clocks must not block Ready")
			}
		})
	}
}

// TestAYearlyReviewFallsDueOnTheSameDate: a year is not 8,760 hours: a
// review recorded on 1 March 2027 falls due on 1 March 2028 (2028 is a
// leap year, and 8,760 hours end on 29 February).
func TestAYearlyReviewFallsDueOnTheSameDate(t *testing.T) {
	ds := &v1alpha1.DataService{}
	ds.Spec.Review.LastReviewed = &metav1.Time{Time: time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)}
	due, ok := ReviewDue(ds, config.Default().Rules)
	if want := time.Date(2028, 3, 1, 0, 0, 0, 0, time.UTC); !ok || !due.Equal(want) {
		t.Errorf("due %s (%v), want %s", due, ok, want)
	}
}
