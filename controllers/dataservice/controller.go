package dataservice

import (
	"context"
	"slices"
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/cache"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// Reconciler publishes each DataService through the LGSP
// gateway: an HTTPRoute, an Envoy Gateway SecurityPolicy that accepts the
// keys of live agreements, a BackendTrafficPolicy for the rate limits the
// provider set on its consents, and a NetworkPolicy that keeps the backend
// reachable only through the gateway.
type Reconciler struct {
	client.Client
	kit.Options
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
	// externalWatches records the same for the kinds that reach a backend
	// outside the cluster, which older clusters may lack.
	externalWatches bool
}

// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=dataservices,verbs=get;list;watch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=dataservices/status,verbs=get;update;patch
// +kubebuilder:rbac:groups="",resources=services,verbs=get;list;watch
// +kubebuilder:rbac:groups=networking.k8s.io,resources=networkpolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=httproutes,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=gateways,verbs=get;list;watch
// +kubebuilder:rbac:groups=gateway.envoyproxy.io,resources=securitypolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.envoyproxy.io,resources=backendtrafficpolicies,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.envoyproxy.io,resources=backends;httproutefilters,verbs=get;list;watch;create;update;patch;delete
// +kubebuilder:rbac:groups=gateway.networking.k8s.io,resources=backendtlspolicies,verbs=get;list;watch;create;update;patch;delete

// Reconcile publishes one DataService, or withdraws it.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	ds := &v1alpha1.DataService{}
	if err := r.Get(ctx, req.NamespacedName, ds); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if ds.DeletionTimestamp != nil {
		// What it published is owned by it and goes with it.
		return ctrl.Result{}, nil
	}
	now := r.Now()
	in, keys, live, err := r.gather(ctx, ds, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	agencyName := in.AgencyName()

	d := publishing.Decide(in)
	protected := publishing.Protected(d.Published, r.Config.Rules)
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
	objs := render.Service(render.ServiceInputs{Service: d.Published, Agency: agencyName, Rules: r.Config.Rules, Backend: in.Backend,
		SectionName: d.SectionName, NationalSectionName: d.NationalSectionName, NationalConsumers: d.NationalConsumers,
		LiveKeys: len(keys), KeyGroups: groups})
	if err := r.publish(ctx, ds, d.Route, in.GatewayAPIInstalled, in.ExternalAPIInstalled, objs); err != nil {
		return ctrl.Result{}, err
	}
	if !protected {
		// Once no policy names them.
		if err := r.removeKeySecrets(ctx, ds); err != nil {
			return ctrl.Result{}, err
		}
	}

	base := ds.DeepCopy()
	ds.Status.URL, ds.Status.PathPrefix, ds.Status.Appraisal = d.URL, d.PathPrefix, d.Appraisal
	next := d.Next
	if write, at := r.counts.due(req.NamespacedName, int32(live) != base.Status.LiveAgreements, now); write {
		ds.Status.LiveAgreements = int32(live)
	} else if !at.IsZero() {
		next = clock.Earliest(next, at)
	}
	if !in.GatewayAPIInstalled || ds.Spec.Backend.External != nil && !in.ExternalAPIInstalled {
		// Look again: the CRDs may be installed at any time, and the API
		// server serves them a moment after they are created.
		next = now.Add(GatewayAPIRecheck)
	}
	conds := d.Conditions
	if r.Config.AccessLogAddr != "" {
		// Only while the gateway's access logs are counted.
		degraded, changes := traffic.Degraded(ds.Status.RecentTraffic, now)
		conds = append(slices.Clone(conds), degraded)
		next = clock.Earliest(next, changes)
	}
	result, wrote, err := kit.Finish(ctx, r.Client, r.Recorder, ds, base, conds, now, next)
	if err != nil {
		return ctrl.Result{}, err
	}
	if wrote && d.Route == publishing.RouteHold {
		reportGatewayFault(ctx, base, ds)
	}
	return result, nil
}

// gather reads everything a service's publication depends on, the keys
// the gateway must accept for it (client id → key), and how many live
// agreements those keys are for.
func (r *Reconciler) gather(ctx context.Context, ds *v1alpha1.DataService, now time.Time) (publishing.Inputs, map[string][]byte, int, error) {
	agency, err := gather.NamespaceHolder(ctx, r.Client, ds.Namespace)
	if err != nil {
		return publishing.Inputs{}, nil, 0, err
	}
	in := publishing.Inputs{Service: ds, Agency: agency, Rules: r.Config.Rules, Now: now}
	if in.GatewayAPIInstalled, err = r.gatewayAPIInstalled(); err != nil {
		return in, nil, 0, err
	}
	if in.GatewayAPIInstalled {
		if in.ExternalAPIInstalled, err = r.externalAPIInstalled(ds); err != nil {
			return in, nil, 0, err
		}
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
	if ds.Spec.Backend.ServiceName != "" {
		backend := &corev1.Service{}
		switch err := r.Get(ctx, client.ObjectKey{Namespace: ds.Namespace, Name: string(ds.Spec.Backend.ServiceName)}, backend); {
		case err == nil:
			in.Backend = backend
		case !apierrors.IsNotFound(err):
			return in, nil, 0, err
		}
	}
	keys, live, err := r.gatewayKeys(ctx, ds)
	if err != nil {
		return in, nil, 0, err
	}
	if in.RegisteredConsumers, in.Nationals, err = r.registeredConsumers(ctx, ds); err != nil {
		return in, nil, 0, err
	}
	if in.SamePath, err = r.samePath(ctx, names.PathPrefix(ds, in.AgencyName())); err != nil {
		return in, nil, 0, err
	}
	return in, keys, live, nil
}

// SetupWithManager registers the controller and what it watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	r.cache, r.mapper = mgr.GetCache(), mgr.GetRESTMapper()
	servicesIn := func(ctx context.Context, ns string, opts ...client.ListOption) []reconcile.Request {
		return kit.ListRequests(ctx, r, &v1alpha1.DataServiceList{}, append(opts, client.InNamespace(ns))...)
	}
	c, err := ctrl.NewControllerManagedBy(mgr).
		Named("dataservice").
		WithOptions(r.ControllerOptions()).
		// The collector's flush writes status.recentTraffic: looked at
		// when it turns the connection's verdict.
		For(&v1alpha1.DataService{}, kit.OwnChangesOr(verdictTurns)).
		// Another service taking or releasing the same path.
		Watches(&v1alpha1.DataService{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			ds := o.(*v1alpha1.DataService)
			var reqs []reconcile.Request
			for _, path := range []string{ds.Spec.Route.PathPrefix, ds.Status.PathPrefix} {
				if path == "" {
					continue
				}
				reqs = append(reqs, kit.ListRequests(ctx, r, &v1alpha1.DataServiceList{}, client.MatchingFields{gather.IndexServicePath: path})...)
			}
			return reqs
		})).
		Owns(&networkingv1.NetworkPolicy{}).
		Watches(&corev1.Service{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, o.GetNamespace(), client.MatchingFields{gather.IndexServiceBackend: o.GetName()})
		})).
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, string(o.(*v1alpha1.Agency).Spec.Namespace))
		}), kit.OnChangeOf(kit.AgencyForServices)).
		// The namespace's label says which agency it belongs to.
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, o.GetName())
		}), builder.OnlyMetadata, kit.OnChangeOf(kit.NamespaceLabels)).
		// An agency registered or removed that a consent names.
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return servicesIn(ctx, "", client.MatchingFields{gather.IndexServiceConsumer: o.GetName()})
		}), kit.OnChangeOf(kit.SpecView)).
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
		}), kit.OnChangeOf(kit.KeySecret)).
		// An agreement's status records the keys the operator issued: a
		// key is listed once its id is recorded, and no longer once it is
		// not.
		Watches(&v1alpha1.SharingAgreement{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			svc := o.(*v1alpha1.SharingAgreement).Spec.Service
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: string(svc.Namespace), Name: string(svc.Name)}}}
		}), kit.OnChangeOf(kit.RecordedKeys)).
		Build(r)
	if err != nil {
		return err
	}
	r.controller = c
	return nil
}

// allServices enqueues every DataService.
func (r *Reconciler) allServices(ctx context.Context, _ client.Object) []reconcile.Request {
	return kit.ListRequests(ctx, r, &v1alpha1.DataServiceList{})
}

// verdictTurns passes a DataService whose recent traffic, as the collector
// flushed it, turns the ConnectionDegraded verdict its status holds.
var verdictTurns = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		ds := e.ObjectNew.(*v1alpha1.DataService)
		recent := ds.Status.RecentTraffic
		if len(recent) == 0 {
			return false
		}
		// The verdict at the end of the newest minute flushed.
		verdict, _ := traffic.Degraded(recent, recent[len(recent)-1].Minute.Add(time.Minute))
		return !conditions.IsTrue(ds.Status.Conditions, v1alpha1.ConditionConnectionDegraded) == (verdict.Status == metav1.ConditionTrue)
	},
}
