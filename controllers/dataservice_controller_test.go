package controllers

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	eventsv1 "k8s.io/api/events/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// gatewayObject is the LGSP Gateway of the operator's default
// configuration.
func gatewayObject() *gatewayv1.Gateway {
	return &gatewayv1.Gateway{
		ObjectMeta: metav1.ObjectMeta{Name: "lgsp", Namespace: "lgsp-system"},
		Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "envoy-gateway",
			Listeners: []gatewayv1.Listener{{
				Name: "http", Port: 80, Protocol: gatewayv1.HTTPProtocolType,
				AllowedRoutes: &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: ptr.To(gatewayv1.NamespacesFromAll)}},
			}, {
				Name: "https", Port: 443, Protocol: gatewayv1.HTTPSProtocolType,
				TLS: &gatewayv1.ListenerTLSConfig{Mode: ptr.To(gatewayv1.TLSModeTerminate),
					CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "lgsp-tls"}}},
				AllowedRoutes: &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: ptr.To(gatewayv1.NamespacesFromAll)}},
			}, {
				// The operator's --national-listener: only services
				// offered to the national platform attach here.
				Name: nationalListener, Port: 8443, Protocol: gatewayv1.HTTPSProtocolType,
				TLS: &gatewayv1.ListenerTLSConfig{Mode: ptr.To(gatewayv1.TLSModeTerminate),
					CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "lgsp-tls"}}},
				AllowedRoutes: &gatewayv1.AllowedRoutes{Namespaces: &gatewayv1.RouteNamespaces{From: ptr.To(gatewayv1.NamespacesFromAll)}},
			}},
		},
	}
}

// lgspGateway makes sure the configured LGSP Gateway exists.
func lgspGateway(t *testing.T) *gatewayv1.Gateway {
	t.Helper()
	gw := gatewayObject()
	if err := k8s.Create(ctx, namespaceObject("lgsp-system")); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	if err := k8s.Create(ctx, gw); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
	return gw
}

// readyProvider registers a Ready agency whose namespace is its name, with
// the given services appraised.
func readyProvider(t *testing.T, name string, appraised ...string) *v1alpha1.Agency {
	t.Helper()
	newNamespace(t, name)
	a := &v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec:       v1alpha1.AgencySpec{DisplayName: "Cơ quan " + name, Level: v1alpha1.LevelDepartment, Namespace: v1alpha1.ObjectName(name)},
	}
	for _, s := range appraised {
		a.Spec.AppraisedServices = append(a.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{
			Service: v1alpha1.ObjectName(s), DocumentRef: "CV thẩm định", AppraisedAt: metav1.NewTime(operatorClock.Now().Add(-time.Hour)),
		})
	}
	create(t, a)
	newFocalPoint(t, name, "dau-moi", v1alpha1.RolePrimary, appointment{}, "dau-moi@"+name)
	waitForReason(t, a, metav1.ConditionTrue, v1alpha1.ReasonReady)
	return a
}

func backendService(t *testing.T, ns, name string, port int32, selector map[string]string) *corev1.Service {
	t.Helper()
	svc := serviceObject(ns, name, port)
	svc.Spec.Selector = selector
	create(t, svc)
	return svc
}

// serviceObject is a backend Service with one port and no selector.
func serviceObject(ns, name string, port int32) *corev1.Service {
	return &corev1.Service{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec:       corev1.ServiceSpec{Ports: []corev1.ServicePort{{Name: "http", Port: port}}},
	}
}

// gatewayKey writes a gateway-side key Secret as the agreement controller
// does: labelled for the service, one client per Secret.
func gatewayKey(t *testing.T, ns, service, agreementNS, agreement string) *corev1.Secret {
	t.Helper()
	s := &corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Name: service + "-" + agreementNS + "-" + agreement, Namespace: ns, Labels: map[string]string{
			v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator, v1alpha1.LabelCredential: v1alpha1.CredentialGateway,
			v1alpha1.LabelDataService: service, v1alpha1.LabelAgreementNamespace: agreementNS, v1alpha1.LabelAgreement: agreement,
		}},
		StringData: map[string]string{agreementNS + "." + agreement: "test-key-not-secret"},
	}
	create(t, s)
	return s
}

// acceptRoute writes the route's status as the gateway implementation
// would.
func acceptRoute(t *testing.T, route *gatewayv1.HTTPRoute, status metav1.ConditionStatus, reason string) {
	t.Helper()
	eventually(t, 10*time.Second, "the route's status is written", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		if len(route.Spec.ParentRefs) != 1 {
			return fmt.Errorf("the route names %d parents, want 1", len(route.Spec.ParentRefs))
		}
		route.Status.Parents = []gatewayv1.RouteParentStatus{{
			ParentRef:      route.Spec.ParentRefs[0],
			ControllerName: "gateway.envoyproxy.io/gatewayclass-controller",
			Conditions: []metav1.Condition{{
				Type: string(gatewayv1.RouteConditionAccepted), Status: status, Reason: reason,
				Message: "Route is " + reason, ObservedGeneration: route.Generation, LastTransitionTime: metav1.Now(),
			}},
		}}
		return k8s.Status().Update(ctx, route)
	})
}

func generatedObjects(ds *v1alpha1.DataService) (*gatewayv1.HTTPRoute, *egv1a1.SecurityPolicy, *networkingv1.NetworkPolicy) {
	meta := metav1.ObjectMeta{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}
	return &gatewayv1.HTTPRoute{ObjectMeta: meta}, &egv1a1.SecurityPolicy{ObjectMeta: meta}, &networkingv1.NetworkPolicy{ObjectMeta: meta}
}

// credentialNames lists the gateway-side key Secrets whose keys a
// SecurityPolicy accepts: the keys its key groups hold, after its sentinel,
// which must come first (the list is never empty). A key held that is no
// key Secret's shows as "(no Secret for <client id>)".
func credentialNames(p *egv1a1.SecurityPolicy) []string {
	refs := p.Spec.APIKeyAuth.CredentialRefs
	if len(refs) == 0 || !strings.HasPrefix(string(refs[0].Name), "datashare-sentinel.") {
		return []string{"(no sentinel first)"}
	}
	held := map[string]string{}
	for _, ref := range refs[1:] {
		group := &corev1.Secret{}
		if err := k8s.Get(ctx, client.ObjectKey{Namespace: p.Namespace, Name: string(ref.Name)}, group); err != nil {
			return []string{"(" + err.Error() + ")"}
		}
		if group.Labels[v1alpha1.LabelCredential] != v1alpha1.CredentialKeyGroup {
			return []string{"(not a key group: " + group.Name + ")"}
		}
		for id, key := range group.Data {
			held[id] = string(key)
		}
	}
	keys := &corev1.SecretList{}
	if err := k8s.List(ctx, keys, client.InNamespace(p.Namespace), client.MatchingLabels{v1alpha1.LabelCredential: v1alpha1.CredentialGateway}); err != nil {
		return []string{"(" + err.Error() + ")"}
	}
	var names []string
	for _, s := range keys.Items {
		for id, key := range s.Data {
			if k, ok := held[id]; ok && k == string(key) {
				names = append(names, s.Name)
				delete(held, id)
			}
		}
	}
	for id := range held {
		names = append(names, "(no Secret for "+id+")")
	}
	slices.Sort(names)
	return names
}

// TestDataServicePublishesThroughTheGateway follows a service from creation
// to Ready, through the real Gateway API and Envoy Gateway schemas, and
// checks that an agreement's key enters and leaves the key group its
// SecurityPolicy names, and nothing else does.
func TestDataServicePublishesThroughTheGateway(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-tp", "ho-tich")
	backendService(t, "so-tp", "ho-tich-api", 8080, map[string]string{"app": "ho-tich"})
	ds := dataService("so-tp", "ho-tich")
	ds.Spec.Backend.ServiceName = "ho-tich-api"
	create(t, ds)
	route, policy, np := generatedObjects(ds)

	c := waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	if !strings.Contains(c.Message, "the gateway has not reported on route datashare-ho-tich yet") {
		t.Errorf("message: %q", c.Message)
	}
	if ds.Status.URL != "https://lgsp.soctrang.gov.vn/so-tp/ho-tich/v1" {
		t.Errorf("status.url = %q", ds.Status.URL)
	}
	for _, obj := range []client.Object{route, policy, np} {
		if !exists(t, obj) {
			t.Fatalf("%T %s was not created", obj, obj.GetName())
		}
		if obj.GetLabels()[v1alpha1.LabelDataService] != "ho-tich" {
			t.Errorf("%T has labels %v", obj, obj.GetLabels())
		}
	}
	if len(route.Spec.Rules[0].BackendRefs) != 0 || len(credentialNames(policy)) != 0 {
		t.Fatalf("with no live agreement the route must reach no backend and the policy accept only the sentinel: %+v %+v",
			route.Spec.Rules[0].BackendRefs, policy.Spec.APIKeyAuth.CredentialRefs)
	}
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionNetworkIsolated); c == nil || c.Status != metav1.ConditionTrue {
		t.Errorf("NetworkIsolated: %+v", c)
	}

	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if c, _ := conditionOf(t, ds, v1alpha1.ConditionRouteAccepted); c == nil || c.Status != metav1.ConditionTrue || c.Reason != "Accepted" {
		t.Errorf("RouteAccepted must mirror the gateway: %+v", c)
	}
	// Becoming live is news; waiting for the gateway, which passed with
	// nobody to act, was not.
	eventually(t, 10*time.Second, "an Event says the service became Ready", func() error { return findEvent(ds, "BecameReady", "Ready") })
	if findEvent(ds, "NotReady", string(v1alpha1.ReasonWaitingForGateway)) == nil {
		t.Error("an Event announced the wait for the gateway")
	}

	// A key Secret that the operator did not issue is never listed, even
	// with the operator's labels.
	forged := gatewayKey(t, "so-tp", "ho-tich", "ubnd-tx-nga-nam", "ho-tich")
	sa, _ := liveAgreementFor(t, ds, "ubnd-tx-nga-nam")
	issued := gatewayKeysOf(t, sa)
	eventually(t, 10*time.Second, "the issued key, and it alone, is in the policy and the route reaches the backend", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			return err
		}
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		var names []string
		for _, k := range gatewayKeysOf(t, sa) {
			names = append(names, k.Name)
		}
		if got := strings.Join(credentialNames(policy), ","); got != strings.Join(names, ",") || len(names) != 1 || len(route.Spec.Rules[0].BackendRefs) != 1 {
			return errorf("credentialRefs %q, backendRefs %d", got, len(route.Spec.Rules[0].BackendRefs))
		}
		return nil
	})
	if slices.Contains(credentialNames(policy), forged.Name) || exists(t, forged) {
		t.Errorf("a key the operator did not issue must be deleted and never listed")
	}
	// The policy names the key groups, not the keys: a key coming or
	// going rewrites a group, never the policy.
	policyGeneration := policy.Generation

	// A key someone adds to a key group by hand is removed.
	group := &corev1.Secret{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: ds.Namespace, Name: names.KeyGroupName(ds, 0)}, group); err != nil {
		t.Fatal(err)
	}
	group.Data["ubnd-tx-nga-nam.by-hand.00000000"] = []byte("a key nobody issued")
	if err := k8s.Update(ctx, group); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the key added by hand leaves the key group", func() error {
		if got := credentialNames(policy); len(got) != 1 || got[0] != issued[0].Name {
			return errorf("the policy accepts %v", got)
		}
		return nil
	})
	// docs/operations.md's way to see which keys the gateway accepts: the
	// client ids, never the keys.
	out := kubectlGet(t, "secret", "-n", ds.Namespace, "-l", "datashare.lgsp.vn/data-service="+ds.Name+",datashare.lgsp.vn/credential=key-group",
		"-o", `go-template={{range .items}}{{.metadata.name}}:{{range $id, $_ := .data}} {{$id}}{{end}}{{"\n"}}{{end}}`)
	var clientID string
	for id := range issued[0].Data {
		clientID = id
	}
	if want := names.KeyGroupName(ds, 0) + ": " + clientID + "\n"; out != want {
		t.Errorf("kubectl shows the key groups as %q, want %q", out, want)
	}
	if strings.Contains(out, base64.StdEncoding.EncodeToString(issued[0].Data[clientID])) {
		t.Error("kubectl's view of the key groups shows a key")
	}

	// The count is for people, and waits for the keys issued with it.
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "status counts one live agreement", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(ds), ds); err != nil {
			return err
		}
		if ds.Status.LiveAgreements != 1 {
			return errorf("liveAgreements %d", ds.Status.LiveAgreements)
		}
		return nil
	})

	// An issued key whose Secret is emptied is no longer listed (Envoy
	// Gateway would accept the policy all the same), and the agreement
	// gets a new one.
	emptied := issued[0].DeepCopy()
	emptied.Data = nil
	if err := k8s.Update(ctx, emptied); err != nil {
		t.Fatal(err)
	}
	changed := time.Now()
	eventually(t, 10*time.Second, "the emptied key leaves the policy and a new key replaces it", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			return err
		}
		names := credentialNames(policy)
		if slices.Contains(names, emptied.Name) || len(names) != 1 {
			return errorf("credentialRefs %v", names)
		}
		return nil
	})
	t.Logf("an emptied key left the key group %s after the edit", time.Since(changed).Round(time.Millisecond))
	rememberKey(issuedKey(t, sa))

	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	removed := time.Now()
	eventually(t, 10*time.Second, "the key leaves the policy", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			return err
		}
		if len(credentialNames(policy)) != 0 {
			return errorf("credentialRefs %v", credentialNames(policy))
		}
		return nil
	})
	t.Logf("the key left the key group %s after its agreement was deleted", time.Since(removed).Round(time.Millisecond))
	if policy.Generation != policyGeneration {
		t.Errorf("the SecurityPolicy was rewritten as keys came and went: generation %d, then %d", policyGeneration, policy.Generation)
	}
}

// TestDataServiceDriftIsRepaired edits and deletes what the operator
// generated, as a person might, and expects it back.
func TestDataServiceDriftIsRepaired(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-ngv", "can-bo")
	backendService(t, "so-ngv", "can-bo", 8080, map[string]string{"app": "can-bo"})
	ds := dataService("so-ngv", "can-bo")
	create(t, ds)
	route, policy, np := generatedObjects(ds)
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)

	if !exists(t, route) {
		t.Fatal("no route")
	}
	route.Spec.Rules[0].Matches[0].Path.Value = ptr.To("/bi-sua")
	if err := k8s.Update(ctx, route); err != nil {
		t.Fatal(err)
	}
	edited := time.Now()
	eventually(t, 10*time.Second, "the route's path is restored", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(route), route); err != nil {
			return err
		}
		if got := *route.Spec.Rules[0].Matches[0].Path.Value; got != "/so-ngv/can-bo/v1" {
			return errorf("path %s", got)
		}
		return nil
	})
	t.Logf("an edited route was restored in %s", time.Since(edited).Round(time.Millisecond))

	for _, obj := range []client.Object{policy, np, route} {
		if err := k8s.Delete(ctx, obj); err != nil {
			t.Fatal(err)
		}
		deleted := time.Now()
		eventually(t, 10*time.Second, fmt.Sprintf("%T is recreated", obj), func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			if obj.GetDeletionTimestamp() != nil {
				return errorf("still being deleted")
			}
			return nil
		})
		t.Logf("a deleted %T was recreated in %s", obj, time.Since(deleted).Round(time.Millisecond))
	}

	// Fields another writer adds to what the operator generates — which
	// server-side apply would keep, since the operator does not set them —
	// are removed.
	added := []struct {
		obj          client.Object
		patch, field string
	}{
		{route, `{"spec":{"rules":[{"matches":[{"path":{"type":"PathPrefix","value":"/so-ngv/can-bo/v1"}}],"timeouts":{"request":"1h"}}]}}`, `"timeouts"`},
		{policy, `{"spec":{"authorization":{"defaultAction":"Allow"}}}`, `"authorization"`},
		{np, `{"spec":{"egress":[{}],"policyTypes":["Ingress","Egress"]}}`, `"egress"`},
	}
	for _, a := range added {
		obj := a.obj
		if err := k8s.Patch(ctx, obj, client.RawPatch(types.MergePatchType, []byte(a.patch)), client.FieldOwner("someone-else")); err != nil {
			t.Fatalf("add to %T: %v", obj, err)
		}
		if !strings.Contains(string(mustJSON(t, obj)), a.field) {
			t.Fatalf("the patch did not add %s to %T", a.field, obj)
		}
		changed := time.Now()
		eventually(t, 10*time.Second, fmt.Sprintf("what was added to %T is removed", obj), func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
				return err
			}
			spec := string(mustJSON(t, obj))
			for _, field := range []string{`"timeouts"`, `"authorization"`, `"egress"`} {
				if strings.Contains(spec, field) {
					return errorf("%s still there", field)
				}
			}
			for _, mf := range obj.GetManagedFields() {
				if mf.Manager == "someone-else" {
					return errorf("someone-else still owns fields")
				}
			}
			return nil
		})
		t.Logf("a field added to %T was removed in %s", obj, time.Since(changed).Round(time.Millisecond))
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// TestDataServiceEnforcesRateLimits follows a consent's rateLimit into the
// BackendTrafficPolicy, through the real Envoy Gateway schema: created with
// the cap, repaired when deleted, changed with the consent, and withdrawn
// when no consent caps anyone.
func TestDataServiceEnforcesRateLimits(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "cuc-thue", "thue")
	backendService(t, "cuc-thue", "thue", 8080, map[string]string{"app": "thue"})
	ds := dataService("cuc-thue", "thue")
	ds.Spec.Access.Consumers = []v1alpha1.Consent{
		{Agency: "ubnd-h-my-tu", DocumentRef: "CV 14", RateLimit: &v1alpha1.RateLimit{Requests: 100, Unit: "Minute"}},
		{Agency: "ubnd-h-ke-sach", DocumentRef: "CV 15"},
	}
	create(t, ds)
	limits := &egv1a1.BackendTrafficPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}}
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)

	capOf := func() (string, error) {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(limits), limits); err != nil {
			return "", err
		}
		if limits.DeletionTimestamp != nil {
			return "", errorf("being deleted")
		}
		var caps []string
		for _, r := range limits.Spec.RateLimit.Local.Rules {
			caps = append(caps, fmt.Sprintf("%s %d/%s", *r.ClientSelectors[0].Headers[0].Value, r.Limit.Requests, r.Limit.Unit))
		}
		return strings.Join(caps, ", "), nil
	}
	wantCap := func(what, want string) {
		t.Helper()
		eventually(t, 10*time.Second, what, func() error {
			got, err := capOf()
			if err != nil {
				return err
			}
			if got != want {
				return errorf("rules %q, want %q", got, want)
			}
			return nil
		})
	}
	wantCap("the cap is in the BackendTrafficPolicy", `^ubnd-h-my-tu\..+$ 100/Minute`)
	if got := limits.Spec.TargetRefs; len(got) != 1 || got[0].Kind != "HTTPRoute" || string(got[0].Name) != names.ServiceObjectName(ds) {
		t.Errorf("the policy must target the service's route: %+v", got)
	}
	if limits.Labels[v1alpha1.LabelDataService] != "thue" || len(limits.OwnerReferences) != 1 || limits.OwnerReferences[0].Name != "thue" {
		t.Errorf("the policy must carry the service's labels and owner: %v %+v", limits.Labels, limits.OwnerReferences)
	}

	if err := k8s.Delete(ctx, limits); err != nil {
		t.Fatal(err)
	}
	wantCap("a deleted policy is recreated", `^ubnd-h-my-tu\..+$ 100/Minute`)

	update(t, ds, func(ds *v1alpha1.DataService) {
		ds.Spec.Access.Consumers[1].RateLimit = &v1alpha1.RateLimit{Requests: 5, Unit: "Second"}
	})
	wantCap("a second cap is added", `^ubnd-h-ke-sach\..+$ 5/Second, ^ubnd-h-my-tu\..+$ 100/Minute`)

	update(t, ds, func(ds *v1alpha1.DataService) {
		for i := range ds.Spec.Access.Consumers {
			ds.Spec.Access.Consumers[i].RateLimit = nil
		}
	})
	eventually(t, 10*time.Second, "the policy is withdrawn with the last cap", func() error {
		if _, err := capOf(); !apierrors.IsNotFound(err) {
			return errorf("still there (%v)", err)
		}
		return nil
	})
}

// TestDataServiceResyncWritesNothing triggers a reconcile of an unchanged
// DataService and counts the operator's writes in its namespace.
func TestDataServiceResyncWritesNothing(t *testing.T) {
	lgspGateway(t)
	readyProvider(t, "so-vhttdl", "di-tich")
	backendService(t, "so-vhttdl", "di-tich", 8080, map[string]string{"app": "di-tich"})
	ds := dataService("so-vhttdl", "di-tich")
	create(t, ds)
	route, _, _ := generatedObjects(ds)
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	// Events of the last transitions are sent in the background: let them
	// all arrive before counting.
	waitQuiet(t, "so-vhttdl")

	mark := operatorRequests.Counts()
	marked := time.Now()
	before := reconcileCount(t, "dataservice")
	// An annotation changes nothing the operator reads, but every watch
	// sees it: the service is reconciled against an unchanged world.
	update(t, ds, func(ds *v1alpha1.DataService) { ds.Annotations = map[string]string{"test/resync": time.Now().String()} })
	eventually(t, 10*time.Second, "the service is reconciled", func() error {
		if reconcileCount(t, "dataservice") <= before {
			return errorf("no reconcile yet")
		}
		return nil
	})
	// The count goes up when Reconcile returns: every write it made is
	// counted by then. Events are sent in the background and may carry an earlier
	// transition; what counts is that the resync recorded none.
	writes := operatorRequests.Since(mark, func(r testenv.Request) bool {
		return r.Write() && r.Namespace == "so-vhttdl" && r.Resource != "events"
	})
	if len(writes) != 0 {
		t.Fatalf("a resync of an unchanged DataService wrote %d time(s): %v", len(writes), writes)
	}
	events := &eventsv1.EventList{}
	if err := k8s.List(ctx, events, client.InNamespace("so-vhttdl")); err != nil {
		t.Fatal(err)
	}
	for _, e := range events.Items {
		if e.EventTime.After(marked) {
			t.Fatalf("the resync recorded an Event: %s %s/%s: %s", e.Regarding.Name, e.Action, e.Reason, e.Note)
		}
	}
	t.Logf("reconciles during the resync: %.0f, writes: 0", reconcileCount(t, "dataservice")-before)
}
