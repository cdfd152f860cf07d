package controllers

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// TestDataServiceNotReadyReasonsAndRecovery fixes one cause after another
// and checks that each is reported with who must act, in the condition it
// belongs to: consent (Accepted) withdraws the route, reachability
// (Reachable) keeps it without a backend or holds it as it is; and that the
// service recovers by itself.
func TestDataServiceNotReadyReasonsAndRecovery(t *testing.T) {
	gw := lgspGateway(t)
	newNamespace(t, "so-kh")
	agency := newAgency(t, "so-kh", "so-kh", v1alpha1.LevelDepartment)
	ds := dataService("so-kh", "de-tai")
	ds.Spec.Backend.ServiceName = "de-tai-api"
	create(t, ds)
	route, policy, _ := generatedObjects(ds)

	step := func(reason v1alpha1.ConditionReason, in v1alpha1.ConditionType, words string) *metav1.Condition {
		t.Helper()
		c := waitForReason(t, ds, metav1.ConditionFalse, reason)
		if !strings.Contains(c.Message, words) {
			t.Errorf("%s: message %q does not say %q", reason, c.Message, words)
		}
		if c, _ := conditionOf(t, ds, in); c == nil || c.Reason != string(reason) {
			t.Errorf("%s must carry the same reason: %+v", in, c)
		}
		published := exists(t, route) && exists(t, policy)
		if in == v1alpha1.ConditionAccepted && (exists(t, route) || exists(t, policy)) {
			t.Errorf("%s: a service that is not offered must not be published", reason)
		}
		if in == v1alpha1.ConditionReachable && !published {
			t.Errorf("%s: a fault of reachability must not withdraw the route and its policy", reason)
		}
		return c
	}

	step(v1alpha1.ReasonAgencyNotReady, v1alpha1.ConditionAccepted, "agency so-kh is not Ready, so it cannot publish (Điều 20)")
	newFocalPoint(t, "so-kh", "dau-moi", v1alpha1.RolePrimary, appointment{}, "dm@skh")

	step(v1alpha1.ReasonNotAppraised, v1alpha1.ConditionAccepted, "the DIC must add de-tai to spec.appraisedServices of Agency so-kh")
	update(t, agency, func(a *v1alpha1.Agency) {
		a.Spec.AppraisedServices = []v1alpha1.ServiceAppraisal{{Service: "de-tai", DocumentRef: "CV 9", AppraisedAt: metav1.Now()}}
	})

	step(v1alpha1.ReasonBackendNotFound, v1alpha1.ConditionReachable, "Service de-tai-api does not exist in namespace so-kh: agency so-kh must create it")
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil || len(route.Spec.Rules[0].BackendRefs) != 0 {
		t.Errorf("a route whose backend is missing must carry no backend: %v %+v", err, route.Spec.Rules)
	}
	svc := backendService(t, "so-kh", "de-tai-api", 9090, nil)

	step(v1alpha1.ReasonBackendPortNotFound, v1alpha1.ConditionReachable, "Service de-tai-api has no port 8080 (it has 9090)")
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionNetworkIsolated); c == nil || c.Reason != string(v1alpha1.ReasonSelectorlessBackend) {
		t.Errorf("a selector-less backend cannot be isolated, whatever its ports: %+v", c)
	}
	svc.Spec.Ports = append(svc.Spec.Ports, corev1.ServicePort{Name: "api", Port: 8080})
	if err := k8s.Update(ctx, svc); err != nil {
		t.Fatal(err)
	}

	// The backend is a system on a virtual machine: published, but the
	// status says nothing can isolate it.
	c := waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionNetworkIsolated); c == nil || c.Status != metav1.ConditionFalse || c.Reason != string(v1alpha1.ReasonSelectorlessBackend) {
		t.Errorf("a selector-less backend must be reported: %+v", c)
	}
	if !exists(t, route) || !exists(t, policy) {
		t.Fatalf("an accepted service must be published (%s)", c.Message)
	}
	if s := (&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "so-kh", Name: names.SentinelName(ds)}}); !exists(t, s) || !credentials.HoldsOneKey(s) {
		t.Errorf("a protected service must have its sentinel key")
	}

	// The LGSP Gateway disappears, then comes back: the route stays as it is.
	before := route.DeepCopy()
	if err := k8s.Delete(ctx, gw); err != nil {
		t.Fatal(err)
	}
	step(v1alpha1.ReasonGatewayNotFound, v1alpha1.ConditionReachable, "the LGSP Gateway lgsp-system/lgsp does not exist: the platform team must create it")
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil || route.Generation != before.Generation {
		t.Errorf("a missing Gateway must change nothing that is published: %v, generation %d then %d", err, before.Generation, route.Generation)
	}
	eventually(t, 10*time.Second, "the operator logs the missing Gateway at error level", func() error {
		for _, line := range strings.Split(operatorLogs.String(), "\n") {
			if strings.Contains(line, "ERROR") && strings.Contains(line, "GatewayNotFound") && strings.Contains(line, "so-kh") {
				return nil
			}
		}
		return errorf("no error line")
	})
	lgspGateway(t)
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)

	// The gateway refuses the route: reported, and the route stays.
	acceptRoute(t, route, metav1.ConditionFalse, "NotAllowedByListeners")
	step(v1alpha1.ReasonRouteNotAccepted, v1alpha1.ConditionReachable, "reports NotAllowedByListeners")
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionAccepted); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("a refused route leaves the service offered: %+v", c)
	}
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	eventually(t, 10*time.Second, "an Event says the service became Ready", func() error {
		return findEvent(ds, "BecameReady", string(v1alpha1.ReasonReady))
	})
}

// TestPathConflictOlderServiceKeepsThePath publishes two services at one
// path: the older keeps it, and the newer takes it when the older goes.
func TestPathConflictOlderServiceKeepsThePath(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-tt-a", "thong-ke")
	readyProvider(t, "so-tt-b", "thong-ke-moi")
	backendService(t, "so-tt-a", "thong-ke", 8080, map[string]string{"app": "a"})
	backendService(t, "so-tt-b", "thong-ke-moi", 8080, map[string]string{"app": "b"})

	older := dataService("so-tt-a", "thong-ke")
	older.Spec.Route.PathPrefix = "/thong-ke"
	create(t, older)
	waitForReason(t, older, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	// Creation timestamps are whole seconds: created within the same one,
	// the tie goes to the namespace first in order, so-tt-a, which is the
	// older here too. No need to wait a second.

	newer := dataService("so-tt-b", "thong-ke-moi")
	newer.Spec.Route.PathPrefix = "/thong-ke"
	create(t, newer)
	c := waitForReason(t, newer, metav1.ConditionFalse, v1alpha1.ReasonPathConflict)
	if !strings.Contains(c.Message, "path /thong-ke is already published by DataService so-tt-a/thong-ke, created earlier: agency so-tt-b must set spec.route.pathPrefix") {
		t.Errorf("message: %q", c.Message)
	}
	newerRoute, _, _ := generatedObjects(newer)
	if exists(t, newerRoute) {
		t.Fatal("the newer service must not publish a conflicting route")
	}
	waitForReason(t, older, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)

	if err := k8s.Delete(ctx, older); err != nil {
		t.Fatal(err)
	}
	waitForReason(t, newer, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	if !exists(t, newerRoute) {
		t.Fatal("the newer service must be published once the path is free")
	}
}

// TestRegulationClocksTurnAtTheirMoment sets the last review and the last
// open-data refresh so that each falls due a few seconds from now, and
// checks that the conditions turn then, with an Event, without blocking
// Ready.
func TestRegulationClocksTurnAtTheirMoment(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-tnmt-mo", "khong-khi")
	backendService(t, "so-tnmt-mo", "khong-khi", 8080, map[string]string{"app": "khong-khi"})

	// Whole seconds: the API's time precision. A minute ahead, so that real
	// time never reaches it: the test moves the operator's clock there.
	due := operatorClock.Now().Add(time.Minute).Truncate(time.Second)
	ds := dataService("so-tnmt-mo", "khong-khi")
	ds.Spec.Classification = v1alpha1.ClassificationOpen
	ds.Spec.Access = v1alpha1.Access{Audience: v1alpha1.AudiencePublic}
	ds.Spec.Review.LastReviewed = &metav1.Time{Time: due.Add(-365 * 24 * time.Hour)} // the default review period
	ds.Spec.OpenData = &v1alpha1.OpenData{
		License:         "CC-BY-4.0",
		LastUpdated:     &metav1.Time{Time: due.Add(-24 * time.Hour)},
		RefreshInterval: &metav1.Duration{Duration: 24 * time.Hour},
	}
	create(t, ds)
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	for _, ct := range []v1alpha1.ConditionType{v1alpha1.ConditionReviewDue, v1alpha1.ConditionOpenDataStale} {
		if c, err := conditionOf(t, ds, ct); err != nil || c.Status != metav1.ConditionFalse {
			t.Fatalf("%s must be False before it falls due: %+v %v", ct, c, err)
		}
	}

	advanceTo(t, due)
	turned := map[v1alpha1.ConditionType]time.Duration{}
	eventually(t, 15*time.Second, "both clocks turn", func() error {
		for _, ct := range []v1alpha1.ConditionType{v1alpha1.ConditionReviewDue, v1alpha1.ConditionOpenDataStale} {
			if _, done := turned[ct]; done {
				continue
			}
			c, err := conditionOf(t, ds, ct)
			if err != nil {
				return err
			}
			if c.Status == metav1.ConditionTrue {
				turned[ct] = operatorClock.Since(due)
			}
		}
		if len(turned) < 2 {
			return errorf("turned so far: %v", turned)
		}
		return nil
	})
	for ct, lag := range turned {
		t.Logf("%s turned True %s after it fell due", ct, lag.Round(time.Millisecond))
		if lag < 0 {
			t.Errorf("%s turned before it fell due (%s)", ct, lag)
		}
	}
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionReviewDue); c.Reason != string(v1alpha1.ReasonReviewOverdue) {
		t.Errorf("ReviewDue reason %s", c.Reason)
	}
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionOpenDataStale); c.Reason != string(v1alpha1.ReasonOpenDataOverdue) {
		t.Errorf("OpenDataStale reason %s", c.Reason)
	}
	for _, e := range []struct{ action, reason string }{
		{"ReviewDue", string(v1alpha1.ReasonReviewOverdue)},
		{"OpenDataStale", string(v1alpha1.ReasonOpenDataOverdue)},
	} {
		eventually(t, 10*time.Second, "an Event for "+e.action, func() error { return findEvent(ds, e.action, e.reason) })
	}
	// The clocks do not block publication.
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionReady); c.Reason != string(v1alpha1.ReasonWaitingForGateway) {
		t.Errorf("Ready reason %s", c.Reason)
	}
}

// TestAConsentNamingAnUnknownAgencyIsReported: kept, reported, and cleared
// when the DIC registers the agency.
func TestAConsentNamingAnUnknownAgencyIsReported(t *testing.T) {
	ds := publishedService(t, "so-tb-la", "thong-bao", v1alpha1.AudienceListed, v1alpha1.Consent{Agency: "ubnd-chua-co", DocumentRef: "CV 7"})
	var c *metav1.Condition
	eventually(t, 10*time.Second, "the unknown consumer is reported", func() error {
		var err error
		if c, err = conditionOf(t, ds, v1alpha1.ConditionConsumersKnown); err != nil {
			return err
		}
		if c.Status != metav1.ConditionFalse || c.Reason != string(v1alpha1.ReasonUnknownConsumer) {
			return errorf("%s/%s", c.Status, c.Reason)
		}
		return nil
	})
	if !strings.Contains(c.Message, "spec.access.consumers names ubnd-chua-co, which no Agency is") {
		t.Errorf("message: %q", c.Message)
	}
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds); err != nil || len(ds.Spec.Access.Consumers) != 1 {
		t.Fatalf("the consent must be kept: %v", err)
	}
	consumerAgency(t, "ubnd-chua-co", v1alpha1.LevelCommune)
	eventually(t, 10*time.Second, "the report clears once the agency is registered", func() error {
		c, err := conditionOf(t, ds, v1alpha1.ConditionConsumersKnown)
		if err != nil {
			return err
		}
		if c.Status != metav1.ConditionTrue {
			return errorf("%s/%s", c.Status, c.Reason)
		}
		return nil
	})
}

// TestOpeningAServiceNeedsAFreshAppraisal: one patch that turns a Listed,
// Restricted service into Public open data does not open it. The service
// stays published on the appraised terms (AppraisalOutdated, naming what
// changed), its consented consumer keeps its key, and an agency the
// provider never consented to stays waiting, until the DIC appraises the
// service again.
func TestOpeningAServiceNeedsAFreshAppraisal(t *testing.T) {
	consumerAgency(t, "ubnd-da-dong-y", v1alpha1.LevelDistrict)
	consumerAgency(t, "ubnd-chua-dong-y", v1alpha1.LevelDistrict)
	ds := publishedService(t, "so-xa-hoi", "ho-ngheo", v1alpha1.AudienceListed, v1alpha1.Consent{Agency: "ubnd-da-dong-y", DocumentRef: "CV đồng ý"})
	consented, stranger := agreement("ubnd-da-dong-y", "ho-ngheo", ds), agreement("ubnd-chua-dong-y", "ho-ngheo", ds)
	create(t, consented)
	create(t, stranger)
	waitForReason(t, consented, metav1.ConditionTrue, v1alpha1.ReasonActive)
	waitForReason(t, stranger, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	key := issuedKey(t, consented)
	// The route now carries the backend: the gateway accepts it again.
	waitIdle(t)
	route, _, _ := generatedObjects(ds)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)

	update(t, ds, func(ds *v1alpha1.DataService) {
		ds.Spec.Classification, ds.Spec.Access.Audience = v1alpha1.ClassificationOpen, v1alpha1.AudiencePublic
	})
	c := waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonAppraisalOutdated)
	for _, want := range []string{"classification Shared → Open, audience Listed → Public", "on the appraised terms (Shared, Listed)",
		"the DIC must renew the appraisal of ho-ngheo in spec.appraisedServices of Agency so-xa-hoi"} {
		if !strings.Contains(c.Message, want) {
			t.Errorf("Ready message %q does not say %q", c.Message, want)
		}
	}
	waitIdle(t)
	if c, _ := conditionOf(t, stranger, v1alpha1.ConditionReady); c == nil || c.Reason != string(v1alpha1.ReasonAwaitingProviderConsent) {
		t.Errorf("an agency the provider never consented to is no longer waiting: %+v", c)
	}
	if c, _ := conditionOf(t, consented, v1alpha1.ConditionReady); c == nil || c.Reason != string(v1alpha1.ReasonActive) || consumerKey(t, consented) != key {
		t.Errorf("the consented consumer lost its access: %+v", c)
	}
	if !gatewayAccepts(t, ds, key) {
		t.Error("the gateway no longer asks for the consented consumer's key")
	}
	if ds.Status.Appraisal == nil || ds.Status.Appraisal.Audience != v1alpha1.AudienceListed {
		t.Errorf("status.appraisal = %+v, want the appraised terms", ds.Status.Appraisal)
	}

	// The DIC appraises the service again: it opens.
	provider := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-xa-hoi"}}
	update(t, provider, func(a *v1alpha1.Agency) {
		a.Spec.AppraisedServices[0].DocumentRef = "CV thẩm định lại"
		a.Spec.AppraisedServices[0].AppraisedAt = metav1.NewTime(operatorClock.Now())
	})
	// Open data is routed without a key: the gateway accepts the new route.
	waitIdle(t)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	waitForReason(t, stranger, metav1.ConditionTrue, v1alpha1.ReasonActive)
	if ds.Status.Appraisal == nil || ds.Status.Appraisal.Audience != v1alpha1.AudiencePublic || ds.Status.Appraisal.DocumentRef != "CV thẩm định lại" {
		t.Errorf("status.appraisal = %+v, want the new appraisal's terms", ds.Status.Appraisal)
	}
}
