package controllers

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// nationalListener is the LGSP Gateway's listener for the national
// platform, named in the operator's --national-listener.
const nationalListener = "national"

// readyCoordinator makes sure the DIC's Agency exists, holds its namespace
// and has an active primary focal point, with the given services
// appraised; what it creates goes at the end of the test.
func readyCoordinator(t *testing.T, appraised ...string) *v1alpha1.Agency {
	t.Helper()
	if err := k8s.Create(ctx, namespaceObject(coordinator)); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	a := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: coordinator}}
	if !exists(t, a) {
		a = newAgency(t, coordinator, coordinator, v1alpha1.LevelDepartment)
		t.Cleanup(func() { _ = k8s.Delete(ctx, a) })
	}
	update(t, a, func(a *v1alpha1.Agency) {
		for _, s := range appraised {
			a.Spec.AppraisedServices = append(a.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{
				Service: v1alpha1.ObjectName(s), DocumentRef: "CV thẩm định", AppraisedAt: metav1.NewTime(operatorClock.Now().Add(-time.Hour))})
		}
	})
	fp := newFocalPoint(t, coordinator, "dau-moi-quoc-gia", v1alpha1.RolePrimary, appointment{}, "dau-moi@"+coordinator)
	t.Cleanup(func() { _ = k8s.Delete(ctx, fp) })
	waitForReason(t, a, metav1.ConditionTrue, v1alpha1.ReasonReady)
	return a
}

// acceptEveryParent writes the route's status as the gateway would, for
// each listener it names.
func acceptEveryParent(t *testing.T, route *gatewayv1.HTTPRoute, parents int) {
	t.Helper()
	eventually(t, 10*time.Second, "the route's status is written for each parent", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		if len(route.Spec.ParentRefs) != parents {
			return errorf("the route names %d parents, want %d", len(route.Spec.ParentRefs), parents)
		}
		route.Status.Parents = nil
		for _, ref := range route.Spec.ParentRefs {
			route.Status.Parents = append(route.Status.Parents, gatewayv1.RouteParentStatus{
				ParentRef: ref, ControllerName: "gateway.envoyproxy.io/gatewayclass-controller",
				Conditions: []metav1.Condition{{Type: string(gatewayv1.RouteConditionAccepted), Status: metav1.ConditionTrue, Reason: "Accepted",
					Message: "Route is accepted", ObservedGeneration: route.Generation, LastTransitionTime: metav1.Now()}},
			})
		}
		return k8s.Status().Update(ctx, route)
	})
}

// TestAnExternalServiceServesProvincialAgreements publishes, as the DIC, a
// service whose backend is a national platform's URL: the operator writes
// the Backend, its TLS and the credential filter, and no NetworkPolicy; a
// district's agreement goes live with an ordinary LGSP key; the DIC's
// credential is copied nowhere (no other Secret, no status, log or Event
// holds it), and rotating it touches no agreement.
func TestAnExternalServiceServesProvincialAgreements(t *testing.T) {
	lgspGateway(t)
	readyCoordinator(t, "dan-cu-qg")
	credential := "Bearer " + strings.Repeat("q", 8) + time.Now().Format("150405.000000")
	create(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: coordinator, Name: "ndxp-credential"},
		Data: map[string][]byte{"credential": []byte(credential)}})
	ds := dataService(coordinator, "dan-cu-qg")
	ds.Spec.Backend = v1alpha1.Backend{External: &v1alpha1.ExternalBackend{
		URL: "https://api.ndxp.example.vn/dan-cu/v1", CACertificateRef: "ndxp-ca", CredentialSecretRef: "ndxp-credential"}}
	create(t, ds)

	named := metav1.ObjectMeta{Namespace: coordinator, Name: names.ServiceObjectName(ds)}
	backend, tls, filter := &egv1a1.Backend{ObjectMeta: named}, &gatewayv1.BackendTLSPolicy{ObjectMeta: named}, &egv1a1.HTTPRouteFilter{ObjectMeta: named}
	eventually(t, 10*time.Second, "the Backend, its TLS and the credential filter are written", func() error {
		for _, o := range []client.Object{backend, tls, filter} {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(o), o); err != nil {
				return err
			}
		}
		return nil
	})
	if ep := backend.Spec.Endpoints; len(ep) != 1 || ep[0].FQDN == nil || ep[0].FQDN.Hostname != "api.ndxp.example.vn" || ep[0].FQDN.Port != 443 {
		t.Errorf("the Backend's endpoints are %+v", ep)
	}
	if string(tls.Spec.Validation.Hostname) != "api.ndxp.example.vn" || len(tls.Spec.Validation.CACertificateRefs) != 1 {
		t.Errorf("the upstream TLS is %+v", tls.Spec.Validation)
	}
	if ref := filter.Spec.CredentialInjection.Credential.ValueRef; string(ref.Name) != "ndxp-credential" {
		t.Errorf("the credential filter reads %s", ref.Name)
	}
	route, _, np := generatedObjects(ds)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if c, err := conditionOf(t, ds, v1alpha1.ConditionNetworkIsolated); err != nil || c.Reason != string(v1alpha1.ReasonExternalBackend) {
		t.Errorf("NetworkIsolated is %+v (%v), want ExternalBackend", c, err)
	}
	if exists(t, np) {
		t.Error("a backend outside the cluster has no NetworkPolicy")
	}

	sa, key := liveAgreementFor(t, ds, "ubnd-huyen-qg")

	// The credential is in its Secret and nowhere else.
	secrets := &corev1.SecretList{}
	if err := k8s.List(ctx, secrets); err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets.Items {
		if s.Namespace == coordinator && s.Name == "ndxp-credential" {
			continue
		}
		for k, v := range s.Data {
			if bytes.Contains(v, []byte(credential)) {
				t.Errorf("Secret %s/%s holds the DIC's credential in %s", s.Namespace, s.Name, k)
			}
		}
	}
	if all, _ := logsAndEvents(t); strings.Contains(all, credential) {
		t.Error("the operator's logs or Events carry the DIC's credential")
	}

	// Rotating it is the DIC's change to its Secret: no key of any
	// agreement moves, on the consumer's side or the gateway's.
	waitIdle(t)
	keyVersions := func() map[string]string {
		versions := map[string]string{}
		consumer := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}}
		if exists(t, consumer) {
			versions[consumer.Namespace+"/"+consumer.Name] = consumer.ResourceVersion
		}
		for _, s := range gatewayKeysOf(t, sa) {
			versions[s.Namespace+"/"+s.Name] = s.ResourceVersion
		}
		return versions
	}
	before := keyVersions()
	update(t, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: coordinator, Name: "ndxp-credential"}}, func(s *corev1.Secret) {
		s.Data["credential"] = []byte(credential + "-moi")
	})
	waitIdle(t)
	if after := keyVersions(); len(before) != 2 || !maps.Equal(before, after) || consumerKey(t, sa) != key {
		t.Errorf("rotating the DIC's credential changed an agreement's key Secrets: %v → %v", before, after)
	}
}

// TestAnAgencysExternalServiceIsNotPublished: only the DIC publishes a
// backend outside the cluster; another agency is told so, and nothing is
// written for it.
func TestAnAgencysExternalServiceIsNotPublished(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-yte-qg", "benh-an-qg")
	ds := dataService("so-yte-qg", "benh-an-qg")
	ds.Spec.Backend = v1alpha1.Backend{External: &v1alpha1.ExternalBackend{URL: "https://api.byt.example.vn/benh-an"}}
	create(t, ds)
	c := waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonExternalNotCoordinator)
	if !strings.Contains(c.Message, "only the DIC (agency "+coordinator+")") {
		t.Errorf("the message does not say who publishes it: %s", c.Message)
	}
	route, _, _ := generatedObjects(ds)
	if exists(t, route) || exists(t, &egv1a1.Backend{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}}) {
		t.Error("nothing is published for an external service of an agency other than the DIC")
	}
}

// TestANationalAgreementWaitsForBothConsentsAndEndsWithEither: the
// national platform (an Agency of level National) asks for a provincial
// service; it waits for the provider's consent, then for the DIC's
// endorsement, and goes live with both: the route attaches to the national
// listener too, and the service's policy keeps the platform's keys there.
// It is revoked when the DIC's endorsement ends, and again when the
// provider's consent is withdrawn.
func TestANationalAgreementWaitsForBothConsentsAndEndsWithEither(t *testing.T) {
	ds := publishedService(t, "so-tnmt-qg", "dat-dai-qg", v1alpha1.AudienceProvince)
	national, _ := consumerAgency(t, "ndxp", v1alpha1.LevelNational)
	sa := agreement("ndxp", "dat-dai-qg", ds)
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)

	update(t, ds, func(d *v1alpha1.DataService) {
		d.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ndxp", DocumentRef: "CV 30/STNMT"}}
	})
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingCoordinatorEndorsement)
	if len(gatewayKeysOf(t, sa)) != 0 {
		t.Fatal("a key was issued before the DIC endorsed the national platform")
	}

	endorse := func(a *v1alpha1.Agency) {
		a.Spec.Endorsements = []v1alpha1.Endorsement{{Service: "so-tnmt-qg/dat-dai-qg", DocumentRef: "CV 40/STTTT"}}
	}
	update(t, national, endorse)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, sa))

	route, policy, _ := generatedObjects(ds)
	eventually(t, 10*time.Second, "the route attaches to the national listener too", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		if !slices.ContainsFunc(route.Spec.ParentRefs, func(p gatewayv1.ParentReference) bool {
			return p.SectionName != nil && *p.SectionName == nationalListener
		}) {
			return errorf("parents %v", route.Spec.ParentRefs)
		}
		return nil
	})
	acceptEveryParent(t, route, 2)
	eventually(t, 10*time.Second, "the service says it is offered nationally", func() error {
		c, err := conditionOf(t, ds, v1alpha1.ConditionOfferedNationally)
		if err != nil {
			return err
		}
		if c.Status != metav1.ConditionTrue || !strings.Contains(c.Message, "ndxp") {
			return errorf("OfferedNationally is %s: %s", c.Status, c.Message)
		}
		return nil
	})
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
		t.Fatal(err)
	}
	if a := policy.Spec.Authorization; a == nil || len(a.Rules) != 1 || !strings.Contains(string(*a.Rules[0].CEL), "connection.mtls") {
		t.Errorf("the policy does not keep the national platform's keys to its listener: %+v", a)
	}

	// The DIC's endorsement ends: revoked, and the national listener goes.
	since := time.Now()
	update(t, national, func(a *v1alpha1.Agency) { a.Spec.Endorsements = nil })
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingCoordinatorEndorsement)
	t.Logf("keys gone %v after the endorsement was removed", waitKeysGone(t, sa, since))
	eventually(t, 10*time.Second, "the route leaves the national listener", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		if len(route.Spec.ParentRefs) != 1 {
			return errorf("parents %v", route.Spec.ParentRefs)
		}
		return nil
	})

	// Endorsed again, live again; then the provider withdraws its consent.
	update(t, national, endorse)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	since = time.Now()
	update(t, ds, func(d *v1alpha1.DataService) { d.Spec.Access.Consumers = nil })
	waitForReason(t, sa, metav1.ConditionFalse, v1alpha1.ReasonAwaitingProviderConsent)
	t.Logf("keys gone %v after the consent was withdrawn", waitKeysGone(t, sa, since))
}
