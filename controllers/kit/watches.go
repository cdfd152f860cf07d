package kit

import (
	"context"
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/util/workqueue"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// A controller that watches another kind reads only part of it: the
// agreements read an Agency's spec, not the counts in its status. Each
// watch below passes an update only when the part its controller reads
// changed. Without them every status write fanned out: an agreement turning
// Active re-counted its Agency, whose new counts re-queued every agreement
// of both agencies — quadratic in the agreements per agency.

// OnChangeOf is a watch's predicate option: see viewChanged.
func OnChangeOf[T client.Object](view func(T) any) builder.Predicates {
	return builder.WithPredicates(viewChanged(view))
}

// viewChanged passes creations and deletions, and the updates that change
// view(object).
func viewChanged[T client.Object](view func(T) any) predicate.Funcs {
	return predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		before, ok := e.ObjectOld.(T)
		after, ok2 := e.ObjectNew.(T)
		if !ok || !ok2 {
			return true
		}
		return !equality.Semantic.DeepEqual(view(before), view(after))
	}}
}

// lifecycle is what every view holds: a new spec (generation) and the start
// of a deletion.
type lifecycle struct {
	Generation int64
	Deleting   bool
}

func lifecycleOf(o client.Object) lifecycle {
	return lifecycle{Generation: o.GetGeneration(), Deleting: o.GetDeletionTimestamp() != nil}
}

// SpecView is what a watcher reads of an object whose status it ignores:
// an Agency for the agreements and focal points, a FocalPoint for its
// agency and the agreements.
func SpecView(o client.Object) any { return lifecycleOf(o) }

// ReadyView is the Ready condition's status, and its message while not
// True (other controllers quote it to say why they wait).
type ReadyView struct {
	Status  metav1.ConditionStatus
	Reason  string
	Message string
}

// ReadyOf is the view of the Ready condition among conds.
func ReadyOf(conds []metav1.Condition) ReadyView {
	c := conditions.Ready(conds)
	v := ReadyView{Status: c.Status, Reason: c.Reason}
	if c.Status != metav1.ConditionTrue {
		v.Message = c.Message
	}
	return v
}

// AgencyForServices is what publishing reads of an Agency: its spec
// (appraisals) and whether it is Ready.
func AgencyForServices(a *v1alpha1.Agency) any {
	return struct {
		lifecycle
		Ready ReadyView
	}{lifecycleOf(a), ReadyOf(a.Status.Conditions)}
}

// ServiceForAgreements is what the consent decision reads of a
// DataService: its spec, its URL, whether it is offered and, while it is
// not, why, and whether it can be reached.
func ServiceForAgreements(ds *v1alpha1.DataService) any {
	v := struct {
		lifecycle
		URL       string
		Offered   bool
		Why       string
		Reachable conditions.Condition
	}{lifecycle: lifecycleOf(ds), URL: ds.Status.URL, Offered: consent.Offered(ds), Reachable: consent.Reachability(ds)}
	if !v.Offered {
		if c := meta.FindStatusCondition(ds.Status.Conditions, string(v1alpha1.ConditionAccepted)); c != nil {
			v.Why = c.Message
		}
	}
	return v
}

// ServiceForAgency is what an Agency counts of a DataService: whether it is
// Ready.
func ServiceForAgency(ds *v1alpha1.DataService) any {
	return struct {
		lifecycle
		Ready metav1.ConditionStatus
	}{lifecycleOf(ds), ReadyOf(ds.Status.Conditions).Status}
}

// AgreementForAgency is what an Agency counts of a SharingAgreement: its
// state.
func AgreementForAgency(sa *v1alpha1.SharingAgreement) any {
	var respondBy *metav1.Time
	if r := sa.Status.Request; r != nil && r.AnsweredAt == nil {
		respondBy = &r.RespondBy
	}
	return struct {
		lifecycle
		State     string
		Overdue   bool
		Consumer  string
		RespondBy *metav1.Time
	}{lifecycleOf(sa), registry.StateOf(sa), conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionResponseOverdue),
		sa.Status.ConsumerAgency, respondBy}
}

// SecretByName is what the Agency (the issued-credentials Role) reads of a
// Secret the operator issued: that it exists, under which labels. Its data
// and annotations are the agreement's business.
func SecretByName(o client.Object) any {
	return struct {
		Deleting bool
		Labels   map[string]string
	}{o.GetDeletionTimestamp() != nil, o.GetLabels()}
}

// NamespaceLabels is what is read of a namespace: that it exists, and the
// label that names its agency.
func NamespaceLabels(o client.Object) any {
	return struct {
		Deleting bool
		Agency   string
	}{o.GetDeletionTimestamp() != nil, o.GetLabels()[v1alpha1.LabelAgency]}
}

// KeySecret is what the DataService reads of a gateway-side key, a
// sentinel or a key group: that it exists, under which labels, whether it
// holds one valid key, and for a key group what it holds (it is compared,
// never kept).
func KeySecret(s *corev1.Secret) any {
	var held map[string][]byte
	if s.Labels[v1alpha1.LabelCredential] == v1alpha1.CredentialKeyGroup {
		held = s.Data
	}
	return struct {
		Deleting bool
		Labels   map[string]string
		Valid    bool
		// Held is what a key group holds: the gateway accepts every key
		// in it.
		Held map[string][]byte
	}{s.DeletionTimestamp != nil, s.Labels, credentials.HoldsOneKey(s), held}
}

// RecordedKeys is what the DataService reads of a SharingAgreement: the
// ids of the keys the operator issued for it, and its consumer agency
// (part of each key's client id).
func RecordedKeys(sa *v1alpha1.SharingAgreement) any {
	return struct {
		KeyIDs   []string
		Consumer string
	}{sa.Status.Credential.KeyIDs, sa.Status.ConsumerAgency}
}

// SummaryDelay is how long the events that only change an Agency's counts,
// or the list of credentials its focal points may read, wait before they
// are counted: every change in that time is counted by one reconcile. An
// agency with hundreds of agreements otherwise re-counts, and re-writes its
// status, for each of them as they are issued. Readiness is not delayed.
const SummaryDelay = 5 * time.Second

// EnqueueAfter maps an event to requests as EnqueueRequestsFromMapFunc
// does, and has them wait delay in the queue, where requests for the same
// object merge.
func EnqueueAfter(delay time.Duration, mapFn handler.MapFunc) handler.EventHandler {
	add := func(ctx context.Context, o client.Object, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
		for _, req := range mapFn(ctx, o) {
			q.AddAfter(req, delay)
		}
	}
	return handler.Funcs{
		CreateFunc: func(ctx context.Context, e event.CreateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
		UpdateFunc: func(ctx context.Context, e event.UpdateEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.ObjectOld, q)
			add(ctx, e.ObjectNew, q)
		},
		DeleteFunc: func(ctx context.Context, e event.DeleteEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
		GenericFunc: func(ctx context.Context, e event.GenericEvent, q workqueue.TypedRateLimitingInterface[reconcile.Request]) {
			add(ctx, e.Object, q)
		},
	}
}

// OwnChanges is the predicate of a controller's own kind. It passes what
// the reconciler reads of its object — the spec (generation; the start of a
// deletion bumps it too), annotations (a requested rotation), labels — and
// the cache's periodic resync, but not the echo of the status the
// reconciler has just written: that echo queued every agreement a second
// time, and at 30,000 agreements the queue of echoes kept a new agreement
// waiting 27 s at the moment of convergence.
func OwnChanges() builder.Predicates {
	return builder.WithPredicates(ownChangesPredicate)
}

// OwnChangesOr is OwnChanges, and passes as well what also passes.
func OwnChangesOr(also predicate.Predicate) builder.Predicates {
	return builder.WithPredicates(predicate.Or(ownChangesPredicate, also))
}

var ownChangesPredicate = predicate.Or[client.Object](
	predicate.GenerationChangedPredicate{},
	predicate.AnnotationChangedPredicate{},
	predicate.LabelChangedPredicate{},
	// A resync delivers the object unchanged.
	predicate.Funcs{UpdateFunc: func(e event.UpdateEvent) bool {
		return e.ObjectOld.GetResourceVersion() == e.ObjectNew.GetResourceVersion()
	}},
)

// ListRequests lists the objects a watch maps an event to, with opts, and
// makes a reconcile request for each. Only names are read, so the cache
// lends its objects without a copy. A failed list is logged and asks for
// nothing: the resync brings the objects back.
func ListRequests(ctx context.Context, c client.Reader, list client.ObjectList, opts ...client.ListOption) []reconcile.Request {
	if err := c.List(ctx, list, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
		ctrl.LoggerFrom(ctx).Error(err, "list the objects a watch event concerns", "list", fmt.Sprintf("%T", list))
		return nil
	}
	var reqs []reconcile.Request
	_ = meta.EachListItem(list, func(o runtime.Object) error {
		if obj, ok := o.(client.Object); ok {
			reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(obj)})
		}
		return nil
	})
	return reqs
}

// RequestsFor makes a reconcile request for each listed object.
func RequestsFor[T any, P interface {
	*T
	client.Object
}](items []T) []reconcile.Request {
	reqs := make([]reconcile.Request, 0, len(items))
	for i := range items {
		reqs = append(reqs, reconcile.Request{NamespacedName: client.ObjectKeyFromObject(P(&items[i]))})
	}
	return reqs
}
