package controllers

import (
	"context"
	"fmt"
	"sync"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// gatewayAPIRecheck is how often a service waiting for the Gateway API or
// Envoy Gateway CRDs looks again.
const gatewayAPIRecheck = 5 * time.Second

// DataServiceReconciler publishes each DataService through the LGSP
// gateway: an HTTPRoute, an Envoy Gateway SecurityPolicy that accepts the
// keys of live agreements, a BackendTrafficPolicy for the rate limits the
// provider set on its consents, and a NetworkPolicy that keeps the backend
// reachable only through the gateway.
type DataServiceReconciler struct {
	client.Client
	Options
	Recorder events.EventRecorder

	cache      cache.Cache
	mapper     meta.RESTMapper
	controller controller.Controller
	counts     liveCounts

	// gatewayWatches records whether the watches on Gateway API and Envoy
	// Gateway objects are running; they start once those CRDs exist, so
	// that the operator starts, and recovers, without them.
	mu             sync.Mutex
	gatewayWatches bool
}

// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=dataservices,verbs=get;list;watch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=dataservices/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=httproutes,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=gateways,verbs=get;list;watch
// +kubebuilder:rbac:groups=gateway.envoyproxy.io,resources=securitypolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.envoyproxy.io,resources=backendtrafficpolicies,verbs=get;list;watch;create;update;patch;delete

// Reconcile publishes one DataService, or withdraws it.
func (r *DataServiceReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ds := &v1alpha1.DataService{}
	if err := r.Get(ctx, req.NamespacedName, ds); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ds.DeletionTimestamp != nil {
		// What it published is owned by it and goes with it.
		return ctrl.Result{}, nil
	}
	now := r.now()
	in, keys, live, err := r.gather(ctx, ds, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	agencyName := in.AgencyName()

	d := publishing.Decide(in)
	protected := publishing.Protected(ds, r.Config.Rules)
	groups := 0
	if protected {
		// The sentinel and the key groups exist before any policy names
		// them.
		if err := r.keepSentinel(ctx, ds, agencyName); err != nil {
			return ctrl.Result{}, err
		}
		if groups, err = r.keepKeyGroups(ctx, ds, agencyName, keys); err != nil {
			return ctrl.Result{}, err
		}
	}
	objs := render.Service(render.ServiceInputs{Service: ds, Agency: agencyName, Rules: r.Config.Rules, Backend: in.Backend,
		SectionName: d.SectionName, LiveKeys: len(keys), KeyGroups: groups})
	if err := r.publish(ctx, ds, d.Route, in.GatewayAPIInstalled, objs); err != nil {
		return ctrl.Result{}, err
	}
	if !protected {
		// Once no policy names them.
		if err := r.removeKeySecrets(ctx, ds); err != nil {
			return ctrl.Result{}, err
		}
	}

	base := ds.DeepCopy()
	ds.Status.URL, ds.Status.PathPrefix = d.URL, d.PathPrefix
	next := d.Next
	if write, at := r.counts.due(req.NamespacedName, int32(live) != base.Status.LiveAgreements, now); write {
		ds.Status.LiveAgreements = int32(live)
	} else if !at.IsZero() {
		next = clock.Earliest(next, at)
	}
	if !in.GatewayAPIInstalled {
		// Look again: the CRDs may be installed at any time, and the API
		// server serves them a moment after they are created.
		next = now.Add(gatewayAPIRecheck)
	}
	result, wrote, err := finish(ctx, r.Client, r.Recorder, ds, base, d.Conditions, now, next)
	if err != nil {
		return ctrl.Result{}, err
	}
	if wrote {
		reportGatewayFault(ctx, base, ds)
		// The regulation's clocks are heard of the moment they fall due.
		for _, clockType := range []v1alpha1.ConditionType{v1alpha1.ConditionReviewDue, v1alpha1.ConditionOpenDataStale} {
			if !conditions.IsTrue(base.Status.Conditions, clockType) && conditions.IsTrue(ds.Status.Conditions, clockType) {
				c := conditions.Get(ds.Status.Conditions, clockType)
				r.Recorder.Eventf(ds, nil, corev1.EventTypeWarning, c.Reason, string(clockType), "%s", c.Message)
			}
		}
	}
	return result, nil
}

// gather reads everything a service's publication depends on, the keys
// the gateway must accept for it (client id → key), and how many live
// agreements those keys are for.
func (r *DataServiceReconciler) gather(ctx context.Context, ds *v1alpha1.DataService, now time.Time) (publishing.Inputs, map[string][]byte, int, error) {
	agency, err := gather.NamespaceHolder(ctx, r.Client, ds.Namespace)
	if err != nil {
		return publishing.Inputs{}, nil, 0, err
	}
	in := publishing.Inputs{Service: ds, Agency: agency, Rules: r.Config.Rules, Now: now}
	if in.GatewayAPIInstalled, err = r.gatewayAPIInstalled(); err != nil {
		return in, nil, 0, err
	}
	if in.GatewayAPIInstalled {
		if in.Gateway, err = r.lgspGateway(ctx); err != nil {
			return in, nil, 0, err
		}
		route := &gatewayv1.HTTPRoute{}
		switch err := r.Get(ctx, client.ObjectKey{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}, route); {
		case err == nil:
			in.Route = route
		case !apierrors.IsNotFound(err):
			return in, nil, 0, err
		}
	}
	backend := &corev1.Service{}
	switch err := r.Get(ctx, client.ObjectKey{Namespace: ds.Namespace, Name: string(ds.Spec.Backend.ServiceName)}, backend); {
	case err == nil:
		in.Backend = backend
	case !apierrors.IsNotFound(err):
		return in, nil, 0, err
	}
	keys, live, err := r.gatewayKeys(ctx, ds)
	if err != nil {
		return in, nil, 0, err
	}
	if in.RegisteredConsumers, err = r.registeredConsumers(ctx, ds); err != nil {
		return in, nil, 0, err
	}
	if in.SamePath, err = r.samePath(ctx, names.PathPrefix(ds, in.AgencyName())); err != nil {
		return in, nil, 0, err
	}
	return in, keys, live, nil
}

// publish makes the gateway objects match the decision. A held route is
// left as it is, and its policies are kept current, so that keys still
// come and go with consent. The NetworkPolicy protects the backend whether
// or not the service is published.
func (r *DataServiceReconciler) publish(ctx context.Context, ds *v1alpha1.DataService, action publishing.RouteAction, gatewayAPI bool, objs render.ServiceObjects) error {
	named := metav1.ObjectMeta{Namespace: ds.Namespace, Name: names.ServiceObjectName(ds)}
	publish := action != publishing.RouteWithdraw
	if gatewayAPI {
		if action != publishing.RouteHold {
			if err := r.applyOrDelete(ctx, publish, objs.Route, &gatewayv1.HTTPRoute{ObjectMeta: named}, "withdraw HTTPRoute"); err != nil {
				return err
			}
		}
		if r.Config.Enforcement == config.EnforcementEnvoyGateway {
			if err := r.applyOrDelete(ctx, publish && objs.SecurityPolicy != nil, objs.SecurityPolicy,
				&egv1a1.SecurityPolicy{ObjectMeta: named}, "withdraw SecurityPolicy"); err != nil {
				return err
			}
			if err := r.applyOrDelete(ctx, publish && objs.TrafficPolicy != nil, objs.TrafficPolicy,
				&egv1a1.BackendTrafficPolicy{ObjectMeta: named}, "withdraw BackendTrafficPolicy"); err != nil {
				return err
			}
		}
	}
	return r.applyOrDelete(ctx, objs.NetworkPolicy != nil, objs.NetworkPolicy, &networkingv1.NetworkPolicy{ObjectMeta: named}, "delete NetworkPolicy")
}

// applyOrDelete applies desired when wanted, and otherwise deletes the
// object that absent names; what says what a failed deletion was doing.
func (r *DataServiceReconciler) applyOrDelete(ctx context.Context, wanted bool, desired, absent client.Object, what string) error {
	if wanted {
		err := applyIfChanged(ctx, r.Client, desired)
		return err
	}
	if _, err := deleteIfExists(ctx, r.Client, absent); err != nil {
		return fmt.Errorf("%s %s: %w", what, absent.GetName(), err)
	}
	return nil
}

// gatewayKeys reads the keys of the service's live agreements from their
// gateway-side key Secrets (client id → key), and counts the agreements (a
// rotation holds two keys for one). A key is taken only when its Secret
// holds one non-empty key under its name and its agreement's status
// records its key id: only the operator writes that status, so a key
// Secret that someone else made is never accepted.
func (r *DataServiceReconciler) gatewayKeys(ctx context.Context, ds *v1alpha1.DataService) (map[string][]byte, int, error) {
	secrets := &corev1.SecretList{}
	// No copy of every key: they are only read.
	if err := r.List(ctx, secrets, client.InNamespace(ds.Namespace), client.MatchingFields{gather.IndexCredential: gather.ServiceKeysIndexValue(ds.Name)},
		client.UnsafeDisableDeepCopy); err != nil {
		return nil, 0, err
	}
	keys := make(map[string][]byte, len(secrets.Items))
	type issuedFor struct {
		agreement *v1alpha1.SharingAgreement
		ids       []string
	}
	agreements := map[types.NamespacedName]issuedFor{}
	live := map[types.NamespacedName]bool{}
	for i := range secrets.Items {
		s := &secrets.Items[i]
		l := s.Labels
		key := types.NamespacedName{Namespace: l[v1alpha1.LabelAgreementNamespace], Name: l[v1alpha1.LabelAgreement]}
		if s.DeletionTimestamp != nil || !credentials.HoldsOneKey(s) || key.Name == "" {
			continue
		}
		issued, seen := agreements[key]
		if !seen {
			sa, ids, err := r.recordedKeyIDs(ctx, key)
			if err != nil {
				return nil, 0, err
			}
			issued = issuedFor{sa, ids}
			agreements[key] = issued
		}
		if issued.agreement == nil || !credentials.Trusted(credentials.KeyUnderReview{Secret: s, Agreement: issued.agreement, Consumer: issued.agreement.Status.ConsumerAgency}, issued.ids) {
			continue
		}
		// The one key it holds; the cache's bytes, never written to.
		for id, k := range s.Data {
			keys[id] = k
		}
		live[key] = true
	}
	return keys, len(live), nil
}

// recordedKeyIDs reads an agreement and the ids of the keys the operator
// issued for it, as its status records them (see credentials.RecordedKeyIDs);
// a nil agreement when it does not exist.
func (r *DataServiceReconciler) recordedKeyIDs(ctx context.Context, key types.NamespacedName) (*v1alpha1.SharingAgreement, []string, error) {
	sa := &v1alpha1.SharingAgreement{}
	// No copy: a service's reconcile reads each of its agreements, and
	// reconciles as often as its keys change; the agreement is only read.
	if err := r.Get(ctx, key, sa, client.UnsafeDisableDeepCopy); err != nil {
		return nil, nil, client.IgnoreNotFound(err)
	}
	var consumerKeyID string
	if credentials.LegacyCredentialStatus(sa) {
		s := &corev1.Secret{}
		switch err := r.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}, s); {
		case err == nil:
			consumerKeyID = s.Labels[v1alpha1.LabelKeyID]
		case !apierrors.IsNotFound(err):
			return nil, nil, err
		}
	}
	return sa, credentials.RecordedKeyIDs(sa, consumerKeyID), nil
}

// registeredConsumers says, for each agency the service's consents name,
// whether it is registered.
func (r *DataServiceReconciler) registeredConsumers(ctx context.Context, ds *v1alpha1.DataService) (map[string]bool, error) {
	registered := map[string]bool{}
	for _, c := range ds.Spec.Access.Consumers {
		err := r.Get(ctx, client.ObjectKey{Name: string(c.Agency)}, &v1alpha1.Agency{})
		if client.IgnoreNotFound(err) != nil {
			return nil, err
		}
		registered[string(c.Agency)] = err == nil
	}
	return registered, nil
}

// samePath lists the DataServices that publish, or ask for, path.
func (r *DataServiceReconciler) samePath(ctx context.Context, path string) ([]v1alpha1.DataService, error) {
	list := &v1alpha1.DataServiceList{}
	if err := r.List(ctx, list, client.MatchingFields{gather.IndexServicePath: path}); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// gatewayAPIInstalled says whether the CRDs of the enforcement profile
// exist, and starts the watches on them the first time they do.
func (r *DataServiceReconciler) gatewayAPIInstalled() (bool, error) {
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
	for _, gvk := range needed {
		// No version: controller-runtime's lazy mapper looks a group up
		// afresh only when asked without one, and the group may have been
		// missing at the last look.
		if _, err := r.mapper.RESTMapping(gvk.GroupKind()); err != nil {
			if meta.IsNoMatchError(err) {
				return false, nil
			}
			return false, err
		}
	}
	if err := r.watchGatewayObjects(); err != nil {
		return false, err
	}
	r.gatewayWatches = true
	return true, nil
}

// watchGatewayObjects watches the routes and policies the operator owns
// (to repair a person's edit or deletion) and the Gateways (to notice the
// LGSP Gateway appear or go).
func (r *DataServiceReconciler) watchGatewayObjects() error {
	owner := func(obj client.Object) source.Source {
		return source.Kind(r.cache, obj, handler.EnqueueRequestForOwner(r.Scheme(), r.mapper, &v1alpha1.DataService{}, handler.OnlyControllerOwner()))
	}
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

// lgspGateway reads the configured LGSP Gateway; nil when it does not
// exist.
func (r *DataServiceReconciler) lgspGateway(ctx context.Context) (*gatewayv1.Gateway, error) {
	gw := &gatewayv1.Gateway{}
	err := r.Get(ctx, client.ObjectKey{Namespace: r.Config.Gateway.Namespace, Name: r.Config.Gateway.Name}, gw)
	switch {
	case apierrors.IsNotFound(err):
		return nil, nil
	case err != nil:
		return nil, err
	case gw.DeletionTimestamp != nil:
		return nil, nil
	}
	return gw, nil
}

// keepSentinel makes sure a protected service has its sentinel key. A
// sentinel is written once and rewritten, with a fresh key, only when it
// is missing or holds no valid key.
func (r *DataServiceReconciler) keepSentinel(ctx context.Context, ds *v1alpha1.DataService, agency string) error {
	name := client.ObjectKey{Namespace: ds.Namespace, Name: names.SentinelName(ds)}
	existing := &corev1.Secret{}
	switch err := r.Get(ctx, name, existing); {
	case err == nil && credentials.HoldsOneKey(existing) && len(existing.Data[names.SentinelClientID]) > 0:
		return nil
	case err != nil && !apierrors.IsNotFound(err):
		return err
	}
	key, _, err := credentials.NewKey()
	if err != nil {
		return err
	}
	want, err := render.ApplyContent(render.SentinelSecret(ds, agency, key))
	if err != nil {
		return err
	}
	if err := r.Apply(ctx, client.ApplyConfigurationFromUnstructured(want), client.FieldOwner(FieldManager), client.ForceOwnership); err != nil {
		return fmt.Errorf("write sentinel %s: %w", name.Name, err)
	}
	return nil
}

// gatewayFaults are the Reachable reasons that hold every route as it is:
// the operator cannot tell the gateway's listeners, so it changes nothing
// that is published, and says so loudly.
var gatewayFaults = map[string]bool{
	string(v1alpha1.ReasonGatewayNotFound): true, string(v1alpha1.ReasonListenerNotFound): true, string(v1alpha1.ReasonNoTLSListener): true,
}

// reportGatewayFault logs at error level when a service's route starts to
// be held because of the LGSP Gateway, once per service and fault (the
// Ready Event goes with it).
func reportGatewayFault(ctx context.Context, before, after *v1alpha1.DataService) {
	was := conditions.Get(before.Status.Conditions, v1alpha1.ConditionReachable)
	now := conditions.Get(after.Status.Conditions, v1alpha1.ConditionReachable)
	if now == nil || !gatewayFaults[now.Reason] || was != nil && was.Reason == now.Reason {
		return
	}
	ctrl.LoggerFrom(ctx).Error(nil, "the LGSP Gateway cannot carry this service; its route is left as it is and no key is touched",
		"reason", now.Reason, "message", now.Message)
}

// SetupWithManager registers the controller and what it watches.
func (r *DataServiceReconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.cache, r.mapper = mgr.GetCache(), mgr.GetRESTMapper()
	servicesIn := func(ctx context.Context, ns string, opts ...client.ListOption) []reconcile.Request {
		list := &v1alpha1.DataServiceList{}
		if err := r.List(ctx, list, append(opts, client.InNamespace(ns), client.UnsafeDisableDeepCopy)...); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list data services", "namespace", ns)
			return nil
		}
		return requestsFor(list.Items)
	}
	c, err := ctrl.NewControllerManagedBy(mgr).
		Named("dataservice").
		WithOptions(r.controllerOptions()).
		For(&v1alpha1.DataService{}, ownChanges()).
		// Another service taking or releasing the same path.
		Watches(&v1alpha1.DataService{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			ds := o.(*v1alpha1.DataService)
			var reqs []reconcile.Request
			for _, path := range []string{ds.Spec.Route.PathPrefix, ds.Status.PathPrefix} {
				if path == "" {
					continue
				}
				list := &v1alpha1.DataServiceList{}
				if err := r.List(ctx, list, client.MatchingFields{gather.IndexServicePath: path}, client.UnsafeDisableDeepCopy); err == nil {
					reqs = append(reqs, requestsFor(list.Items)...)
				}
			}
			return reqs
		})).
		Owns(&networkingv1.NetworkPolicy{}).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, o.GetNamespace(), client.MatchingFields{gather.IndexServiceBackend: o.GetName()})
		})).
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, string(o.(*v1alpha1.Agency).Spec.Namespace))
		}), onChangeOf(agencyForServices)).
		// The namespace's label says which agency it belongs to.
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, o.GetName())
		}), builder.OnlyMetadata, onChangeOf(namespaceLabels)).
		// An agency registered or removed that a consent names.
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, "", client.MatchingFields{gather.IndexServiceConsumer: o.GetName()})
		}), onChangeOf(specView)).
		// A gateway-side key issued, removed or emptied changes who may
		// call; a sentinel or a key group removed or changed is written
		// again.
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			l := o.GetLabels()
			switch l[v1alpha1.LabelCredential] {
			case v1alpha1.CredentialGateway, v1alpha1.CredentialSentinel, v1alpha1.CredentialKeyGroup:
			default:
				return nil
			}
			if l[v1alpha1.LabelDataService] == "" {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: o.GetNamespace(), Name: l[v1alpha1.LabelDataService]}}}
		}), onChangeOf(keySecret)).
		// An agreement's status records the keys the operator issued: a
		// key is listed once its id is recorded, and no longer once it is
		// not.
		Watches(&v1alpha1.SharingAgreement{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			svc := o.(*v1alpha1.SharingAgreement).Spec.Service
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: string(svc.Namespace), Name: string(svc.Name)}}}
		}), onChangeOf(recordedKeys)).
		Build(r)
	if err != nil {
		return err
	}
	r.controller = c
	return nil
}

// allServices enqueues every DataService.
func (r *DataServiceReconciler) allServices(ctx context.Context, _ client.Object) []reconcile.Request {
	list := &v1alpha1.DataServiceList{}
	if err := r.List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list data services")
		return nil
	}
	return requestsFor(list.Items)
}
