package fault

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
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
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// keyring is every issued Secret of a prefix's agreements: its key id and
// UID, so that a Secret deleted and written again, or a key re-issued,
// shows.
func keyring(t *testing.T, prefix string) map[string]string {
	t.Helper()
	secrets := &corev1.SecretList{}
	if err := k8s.List(ctx, secrets, client.MatchingLabels{v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator}); err != nil {
		t.Fatal(err)
	}
	ring := map[string]string{}
	for _, s := range secrets.Items {
		if !strings.HasPrefix(s.Labels[v1alpha1.LabelAgreementNamespace], prefix) {
			continue
		}
		ring[s.Namespace+"/"+s.Name] = s.Labels[v1alpha1.LabelKeyID] + " " + string(s.UID)
	}
	return ring
}

// keyIDsOf lists the distinct key ids of a keyring, sorted.
func keyIDsOf(ring map[string]string) string {
	seen := map[string]bool{}
	for _, v := range ring {
		id, _, _ := strings.Cut(v, " ")
		seen[id] = true
	}
	return strings.Join(slices.Sorted(maps.Keys(seen)), ",")
}

// sameKeys fails unless every issued Secret is the one from before.
func sameKeys(t *testing.T, what string, before, after map[string]string) {
	t.Helper()
	if !maps.Equal(before, after) {
		var changed []string
		for name, v := range before {
			if after[name] != v {
				changed = append(changed, name+": "+v+" → "+after[name])
			}
		}
		for name := range after {
			if _, ok := before[name]; !ok {
				changed = append(changed, name+": new")
			}
		}
		sort.Strings(changed)
		t.Fatalf("%s changed keys: %s", what, strings.Join(changed, "; "))
	}
	t.Logf("%s: the %d issued Secrets and their key ids are unchanged: %s", what, len(after), keyIDsOf(after))
}

// waitServices waits until every DataService of the prefix's provider has
// the Reachable reason.
func waitServices(t *testing.T, provider string, reason v1alpha1.ConditionReason) {
	t.Helper()
	if err := testenv.Eventually(time.Minute, func() error {
		list := &v1alpha1.DataServiceList{}
		if err := k8s.List(ctx, list, client.InNamespace(provider)); err != nil {
			return err
		}
		if len(list.Items) == 0 {
			return fmt.Errorf("no services")
		}
		for _, ds := range list.Items {
			if c := conditions.Get(ds.Status.Conditions, v1alpha1.ConditionReachable); c == nil || c.Reason != string(reason) {
				return fmt.Errorf("%s: %v", ds.Name, c)
			}
		}
		return nil
	}); err != nil {
		t.Fatalf("the services of %s do not all say %s: %v", provider, reason, err)
	}
}

// setRouteAcceptance writes every route of a provider's status as the
// gateway would.
func setRouteAcceptance(t *testing.T, provider string, status metav1.ConditionStatus, reason string) {
	t.Helper()
	routes := &gatewayv1.HTTPRouteList{}
	if err := k8s.List(ctx, routes, client.InNamespace(provider)); err != nil {
		t.Fatal(err)
	}
	for i := range routes.Items {
		r := &routes.Items[i]
		r.Status.Parents = []gatewayv1.RouteParentStatus{{
			ParentRef: r.Spec.ParentRefs[0], ControllerName: "gateway.envoyproxy.io/gatewayclass-controller",
			Conditions: []metav1.Condition{{Type: string(gatewayv1.RouteConditionAccepted), Status: status, Reason: reason,
				Message: "the fault test plays the gateway", ObservedGeneration: r.Generation, LastTransitionTime: metav1.Now()}},
		}}
		if err := k8s.Status().Update(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
}

// routeGenerations is each route's generation: a held route keeps it.
func routeGenerations(t *testing.T, provider string) map[string]int64 {
	t.Helper()
	routes := &gatewayv1.HTTPRouteList{}
	if err := k8s.List(ctx, routes, client.InNamespace(provider)); err != nil {
		t.Fatal(err)
	}
	gens := map[string]int64{}
	for _, r := range routes.Items {
		gens[r.Name] = r.Generation
	}
	return gens
}

// TestTransientFaultsRevokeNoKey puts the gateway through the faults a
// province meets — its Gateway deleted and applied again, a route refused
// and accepted again, the operator restarted with a Gateway name that does
// not exist, a key Secret forged in a provider's namespace — and checks
// after each that no key id changed, no issued Secret was deleted, and the
// forged key was never listed.
func TestTransientFaultsRevokeNoKey(t *testing.T) {
	const prefix = "f3"
	provider := prefix + "-cung-cap"
	province(t, prefix, 4, 3)
	_, stop := operator(t, nil, nil)
	converged(t, prefix, 2*time.Minute)
	setRouteAcceptance(t, provider, metav1.ConditionTrue, "Accepted")
	waitServices(t, provider, v1alpha1.ReasonReachable)
	converged(t, prefix, time.Minute)
	before := keyring(t, prefix)
	if len(before) == 0 {
		t.Fatal("no key was issued")
	}
	t.Logf("before the faults: %d issued Secrets, key ids %s", len(before), keyIDsOf(before))
	gens := routeGenerations(t, provider)

	// 1. The Gateway is deleted and applied again (an upgrade, a re-sync).
	if err := k8s.Delete(ctx, lgspGateway()); err != nil {
		t.Fatal(err)
	}
	waitServices(t, provider, v1alpha1.ReasonGatewayNotFound)
	converged(t, prefix, time.Minute)
	if got := routeGenerations(t, provider); !maps.Equal(got, gens) {
		t.Errorf("a missing Gateway must leave the routes as they are: %v, then %v", gens, got)
	}
	create(t, lgspGateway())
	waitServices(t, provider, v1alpha1.ReasonReachable)
	converged(t, prefix, time.Minute)
	sameKeys(t, "the Gateway deleted and applied again", before, keyring(t, prefix))

	// 2. The gateway refuses the routes, then accepts them again.
	setRouteAcceptance(t, provider, metav1.ConditionFalse, "NotAllowedByListeners")
	waitServices(t, provider, v1alpha1.ReasonRouteNotAccepted)
	converged(t, prefix, time.Minute)
	if !strings.Contains(digest(t, prefix), "="+string(v1alpha1.ReasonServiceUnreachable)) {
		t.Error("agreements must say that their service cannot be reached")
	}
	setRouteAcceptance(t, provider, metav1.ConditionTrue, "Accepted")
	waitServices(t, provider, v1alpha1.ReasonReachable)
	converged(t, prefix, time.Minute)
	sameKeys(t, "a route refused, then accepted again", before, keyring(t, prefix))

	// 3. The operator restarts with a Gateway name that does not exist.
	stop()
	typo := config.Default()
	typo.Gateway.Name = "lgsp-typo"
	_, stopTypo := operatorWith(t, typo, nil, nil)
	waitServices(t, provider, v1alpha1.ReasonGatewayNotFound)
	converged(t, prefix, time.Minute)
	if got := routeGenerations(t, provider); !maps.Equal(got, gens) {
		t.Errorf("a misnamed Gateway must leave the routes as they are: %v, then %v", gens, got)
	}
	sameKeys(t, "a restart with --lgsp-gateway=lgsp-system/lgsp-typo", before, keyring(t, prefix))
	stopTypo()
	_, stop = operator(t, nil, nil)
	defer func() { stop() }()
	waitServices(t, provider, v1alpha1.ReasonReachable)
	converged(t, prefix, time.Minute)
	sameKeys(t, "the restart with the right Gateway", before, keyring(t, prefix))

	// 4. Someone forges a gateway key for a live agreement, with the
	// operator's labels, a plausible name and a grace period of its own.
	var live *v1alpha1.SharingAgreement
	agreements := &v1alpha1.SharingAgreementList{}
	if err := k8s.List(ctx, agreements); err != nil {
		t.Fatal(err)
	}
	for i := range agreements.Items {
		sa := &agreements.Items[i]
		if strings.HasPrefix(sa.Namespace, prefix) && len(sa.Status.Credential.KeyIDs) == 1 {
			live = sa
			break
		}
	}
	if live == nil {
		t.Fatal("no live agreement to forge a key for")
	}
	forged := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: provider, Name: names.GatewayKeyName(live, "0badc0de"),
		Labels:      render.IssuedLabels(live, live.Status.ConsumerAgency, v1alpha1.CredentialGateway),
		Annotations: map[string]string{v1alpha1.AnnotationExpiresAt: time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)}},
		Data: map[string][]byte{names.ClientID(live.Status.ConsumerAgency, live, "0badc0de"): []byte("a-key-the-operator-never-issued")}}
	forged.Labels[v1alpha1.LabelKeyID] = "0badc0de"
	policy := &egv1a1.SecurityPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: provider, Name: "datashare-" + string(live.Spec.Service.Name)}}
	create(t, forged)
	created := time.Now()
	// Never listed, on any look, until it is gone.
	err := testenv.EventuallyEvery(10*time.Second, 10*time.Millisecond, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(policy), policy); err != nil {
			t.Fatal(err)
		}
		if slices.ContainsFunc(policy.Spec.APIKeyAuth.CredentialRefs, func(r gatewayv1.SecretObjectReference) bool { return string(r.Name) == forged.Name }) {
			t.Fatal("the forged key was listed in the SecurityPolicy")
		}
		for _, r := range policy.Spec.APIKeyAuth.CredentialRefs {
			group := &corev1.Secret{}
			if err := k8s.Get(ctx, client.ObjectKey{Namespace: provider, Name: string(r.Name)}, group); err != nil {
				t.Fatal(err)
			}
			for id := range forged.Data {
				if _, ok := group.Data[id]; ok {
					t.Fatalf("the forged key is in %s, which the SecurityPolicy names", group.Name)
				}
			}
		}
		err := k8s.Get(ctx, client.ObjectKeyFromObject(forged), &corev1.Secret{})
		switch {
		case apierrors.IsNotFound(err):
			return nil
		case err != nil:
			t.Fatal(err)
		}
		return errors.New("the forged key is still there")
	})
	if err != nil {
		t.Fatalf("the forged key was not deleted: %v", err)
	}
	t.Logf("the forged key was deleted %s after it was created, and never listed", time.Since(created).Round(time.Millisecond))
	converged(t, prefix, time.Minute)
	sameKeys(t, "a forged gateway key", before, keyring(t, prefix))
}

// digest is the checker's summary of the prefix's agreements.
func digest(t *testing.T, prefix string) string {
	t.Helper()
	d, err := checkInvariants(prefix)
	if err != nil {
		t.Fatal(fmt.Errorf("invariants: %w", err))
	}
	return d
}
