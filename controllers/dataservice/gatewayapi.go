package dataservice

import (
	"slices"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/source"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// GatewayAPIRecheck is how often a service waiting for the Gateway API or
// Envoy Gateway CRDs looks again.
const GatewayAPIRecheck = 5 * time.Second

// gatewayAPIInstalled says whether the CRDs of the enforcement profile
// exist, and starts the watches on them the first time they do.
func (r *Reconciler) gatewayAPIInstalled() (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.gatewayWatches {
		return true, nil
	}
	gatewayGV := schema.GroupVersion{Group: gatewayv1.GroupVersion.Group, Version: gatewayv1.GroupVersion.Version}
	needed := []schema.GroupVersionKind{gatewayGV.WithKind("HTTPRoute"), gatewayGV.WithKind("Gateway")}
	if r.Config.Enforcement == config.EnforcementEnvoyGateway {
		needed = append(needed, egv1a1.GroupVersion.WithKind(egv1a1.KindSecurityPolicy), egv1a1.GroupVersion.WithKind(egv1a1.KindBackendTrafficPolicy))
	}
	if ok, err := r.installed(needed); !ok || err != nil {
		return false, err
	}
	if err := r.watchGatewayObjects(); err != nil {
		return false, err
	}
	r.gatewayWatches = true
	return true, nil
}

// externalKinds are what reaches a backend outside the cluster: Envoy
// Gateway's Backend and HTTPRouteFilter, and Gateway API's BackendTLSPolicy
// (v1 from Gateway API 1.4). A cluster without them keeps every other
// service published; only services with an external backend wait for them.
var externalKinds = []schema.GroupVersionKind{
	egv1a1.GroupVersion.WithKind(egv1a1.KindBackend), egv1a1.GroupVersion.WithKind(egv1a1.KindHTTPRouteFilter),
	schema.GroupVersion{Group: gatewayv1.GroupVersion.Group, Version: gatewayv1.GroupVersion.Version}.WithKind("BackendTLSPolicy"),
}

// externalAPIInstalled says whether the externalKinds exist, and starts the
// watches on them the first time they do. Only a service with an external
// backend asks the API server (its discovery): for the others the answer is
// what an earlier look found, so that a cluster without the kinds costs
// nothing more per reconcile.
func (r *Reconciler) externalAPIInstalled(ds *v1alpha1.DataService) (bool, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.externalWatches || ds.Spec.Backend.External == nil {
		return r.externalWatches, nil
	}
	if r.Config.Enforcement != config.EnforcementEnvoyGateway {
		return false, nil
	}
	if ok, err := r.installed(externalKinds); !ok || err != nil {
		return false, err
	}
	for _, obj := range []client.Object{&egv1a1.Backend{}, &egv1a1.HTTPRouteFilter{}, &gatewayv1.BackendTLSPolicy{}} {
		if err := r.controller.Watch(r.ownedBy(obj)); err != nil {
			return false, err
		}
	}
	r.externalWatches = true
	return true, nil
}

// installed says whether the API server serves every kind of gvks, at the
// version named (an older Gateway API serves BackendTLSPolicy at v1alpha3
// only).
func (r *Reconciler) installed(gvks []schema.GroupVersionKind) (bool, error) {
	for _, gvk := range gvks {
		// No version: controller-runtime's lazy mapper looks a group up
		// afresh only when asked without one, and the group may have been
		// missing at the last look.
		mappings, err := r.mapper.RESTMappings(gvk.GroupKind())
		if meta.IsNoMatchError(err) {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		if slices.ContainsFunc(mappings, func(m *meta.RESTMapping) bool { return m.GroupVersionKind.Version == gvk.Version }) {
			continue
		}
		// The group is known at other versions: asking for this one makes
		// the mapper look for it, once the CRD is upgraded.
		if _, err := r.mapper.RESTMapping(gvk.GroupKind(), gvk.Version); err != nil {
			return false, nil //nolint:nilerr // a version the discovery cannot find is a version not served
		}
	}
	return true, nil
}

// ownedBy is a watch that enqueues the DataService owning the object.
func (r *Reconciler) ownedBy(obj client.Object) source.Source {
	return source.Kind(r.cache, obj, handler.EnqueueRequestForOwner(r.Scheme(), r.mapper, &v1alpha1.DataService{}, handler.OnlyControllerOwner()))
}

// watchGatewayObjects watches the routes and policies the operator owns
// (to repair a person's edit or deletion) and the Gateways (to notice the
// LGSP Gateway appear or go).
func (r *Reconciler) watchGatewayObjects() error {
	owner := r.ownedBy
	if err := r.controller.Watch(owner(&gatewayv1.HTTPRoute{})); err != nil {
		return err
	}
	if r.Config.Enforcement == config.EnforcementEnvoyGateway {
		for _, policy := range []client.Object{&egv1a1.SecurityPolicy{}, &egv1a1.BackendTrafficPolicy{}} {
			if err := r.controller.Watch(owner(policy)); err != nil {
				return err
			}
		}
	}
	return r.controller.Watch(source.Kind(r.cache, client.Object(&gatewayv1.Gateway{}), handler.EnqueueRequestsFromMapFunc(r.allServices)))
}
