package sharingagreement

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/calendar"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// LegacyGatewayKeysFinalizer is the finalizer older operators put on every
// agreement to guard its gateway-side keys. Those keys now carry the
// agreement's name and UID, and go when the deletion is seen, or when the
// operator starts and finds them without their agreement: no agreement, and
// no namespace being deleted, waits on the operator. The operator removes
// the finalizer wherever it finds it.
const LegacyGatewayKeysFinalizer = "datashare.lgsp.vn/gateway-keys"

// Reconciler issues an agreement's credentials while every
// consent holds, rotates them, and takes them back the moment a consent
// ends.
type Reconciler struct {
	client.Client
	// APIReader reads from the API server, past the cache, when a key is
	// about to be retired, or issued while the cache is behind.
	APIReader client.Reader
	kit.Options
	Recorder events.EventRecorder
	// Keys counts the keys issued and revoked for the provider's key
	// history.
	Keys *kit.KeyLedger

	// justIssued remembers the keys this process issued until the cache
	// shows them.
	justIssued issuedKeys
	// toHandOver remembers the keys this process issued until the
	// consumer's Secret holds them.
	toHandOver keysToHandOver
	// calendar counts the working days a request's answer is due in.
	calendar calendar.Calendar
}

// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch;delete

// Reconcile decides one agreement and makes its credentials match.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	sa := &v1alpha1.SharingAgreement{}
	switch err := r.Get(ctx, req.NamespacedName, sa); {
	case apierrors.IsNotFound(err):
		// Deleted: what it was issued goes now.
		return ctrl.Result{}, r.collect(ctx, req.NamespacedName, r.Now())
	case err != nil:
		return ctrl.Result{}, err
	}
	if sa.DeletionTimestamp != nil {
		return ctrl.Result{}, r.finalize(ctx, sa, r.Now())
	}
	if err := kit.ChangeFinalizers(ctx, r.Client, sa, controllerutil.RemoveFinalizer, LegacyGatewayKeysFinalizer); err != nil {
		return ctrl.Result{}, fmt.Errorf("remove finalizer: %w", err)
	}
	now := r.Now()

	in, err := gather.Consent(ctx, r.Client, sa, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	d := consent.Decide(in)
	request := consent.TrackRequest(consent.RequestInputs{Previous: sa.Status.Request, Service: serviceKey(sa), Decision: d,
		Provider: cmp.Or(providerName(in), string(sa.Spec.Service.Namespace)), Calendar: r.calendar,
		WorkingDays: r.Config.ResponseWorkingDays, Now: now})

	base := sa.DeepCopy()
	status := &sa.Status
	describe(status, in, d, request)

	credential := d.NoKey
	var wake time.Time
	var handOver *keyHandOver
	if d.IssueKeys {
		kept, err := r.keepKeys(ctx, base, in.Consumer.Name, status.Endpoint, d, now)
		if err != nil {
			return ctrl.Result{}, err
		}
		credential, wake, handOver, status.Credential = kept.condition, kept.wake, &kept.handOver, kept.status
	} else {
		if err := r.withdraw(ctx, sa, string(d.Reason), consent.EndedAt(base, now)); err != nil {
			return ctrl.Result{}, err
		}
		status.Credential = v1alpha1.CredentialStatus{}
	}

	// The status records a new key's id before the consumer gets the key,
	// so that the gateway accepts it from the moment the consumer has it.
	conds := append(slices.Clone(d.Conditions), credential, request.Condition)
	var unusedAt time.Time
	if r.Config.AccessLogAddr != "" {
		// Only while the gateway's access logs are counted can a grant
		// be told unused.
		var unused conditions.Condition
		unused, unusedAt = traffic.Unused(base, d.Live, r.Config.UnusedGrantPeriod, now)
		conds = append(conds, unused)
	}
	result, _, err := kit.Finish(ctx, r.Client, r.Recorder, sa, base, conds, now, clock.Earliest(d.Next, wake, request.Next, unusedAt))
	if err != nil {
		return ctrl.Result{}, err
	}
	if handOver != nil {
		if err := r.handOver(ctx, sa, *handOver); err != nil {
			return ctrl.Result{}, err
		}
		r.toHandOver.handedOver(req.NamespacedName, handOver.consumerSecret.Labels[v1alpha1.LabelKeyID])
	}
	return result, nil
}

// finalize withdraws the keys of an agreement whose deletion has begun
// (another party's finalizer may hold it for a while), and lets go of the
// finalizer older operators put on it.
func (r *Reconciler) finalize(ctx context.Context, sa *v1alpha1.SharingAgreement, now time.Time) error {
	if err := r.withdraw(ctx, sa, reasonDeleted, now); err != nil {
		return err
	}
	if err := kit.ChangeFinalizers(ctx, r.Client, sa, controllerutil.RemoveFinalizer, LegacyGatewayKeysFinalizer); err != nil {
		return client.IgnoreNotFound(fmt.Errorf("remove finalizer: %w", err))
	}
	r.justIssued.forget(client.ObjectKeyFromObject(sa))
	r.toHandOver.forget(client.ObjectKeyFromObject(sa))
	return nil
}

// collect removes the Secrets issued to an agreement that no longer
// exists: its gateway keys first, wherever they are, then the consumer's
// copy (which garbage collection would also remove, later). It runs on
// the deletion's event and, for an agreement deleted while the operator
// was down, on the start-up's listing of the keys, which wakes their
// agreements.
func (r *Reconciler) collect(ctx context.Context, agreement types.NamespacedName, now time.Time) error {
	keys := &corev1.SecretList{}
	if err := r.List(ctx, keys, client.MatchingFields{gather.IndexCredential: gather.AgreementKeysIndexValue(agreement.Namespace, agreement.Name)}); err != nil {
		return err
	}
	if err := r.removeGatewayKeys(ctx, keys.Items, reasonDeleted, now); err != nil {
		return err
	}
	if _, err := r.removeConsumerSecret(ctx, agreement); err != nil {
		return err
	}
	r.justIssued.forget(agreement)
	r.toHandOver.forget(agreement)
	return nil
}

// SetupWithManager registers the controller and what it watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	var err error
	if r.calendar, err = r.Config.Calendar(); err != nil {
		return err
	}
	list := func(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
		return kit.ListRequests(ctx, r, &v1alpha1.SharingAgreementList{}, opts...)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("sharingagreement").
		WithOptions(r.ControllerOptions()).
		// Its usage resuming clears Unused at once.
		For(&v1alpha1.SharingAgreement{}, kit.OwnChangesOr(usageResumed)).
		Watches(&v1alpha1.DataService{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return list(ctx, client.MatchingFields{gather.IndexAgreementService: o.GetNamespace() + "/" + o.GetName()})
		}), kit.OnChangeOf(kit.ServiceForAgreements)).
		// Consumer agencies (focal points, endorsements) and provider
		// agencies.
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			ns := string(o.(*v1alpha1.Agency).Spec.Namespace)
			return append(list(ctx, client.InNamespace(ns)), list(ctx, client.MatchingFields{gather.IndexAgreementProvider: ns})...)
		}), kit.OnChangeOf(kit.SpecView)).
		Watches(&v1alpha1.FocalPoint{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return list(ctx, client.InNamespace(o.GetNamespace()))
		}), kit.OnChangeOf(kit.SpecView)).
		// The namespace's label says which agency it belongs to: consumer
		// or provider.
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return append(list(ctx, client.InNamespace(o.GetName())), list(ctx, client.MatchingFields{gather.IndexAgreementProvider: o.GetName()})...)
		}), builder.OnlyMetadata, kit.OnChangeOf(kit.NamespaceLabels)).
		// The consumer's Secret, repaired when a person deletes or edits it.
		Owns(&corev1.Secret{}, r.notOwnIssue()).
		// Gateway-side keys, in the provider's namespace: repaired when a
		// person deletes one.
		Watches(&corev1.Secret{}, handler.EnqueueRequestsFromMapFunc(func(_ context.Context, o client.Object) []reconcile.Request {
			l := o.GetLabels()
			if l[v1alpha1.LabelCredential] != v1alpha1.CredentialGateway || l[v1alpha1.LabelAgreement] == "" {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Namespace: l[v1alpha1.LabelAgreementNamespace], Name: l[v1alpha1.LabelAgreement]}}}
		}), r.notOwnIssue()).
		Complete(r)
}

// notOwnIssue is the predicate of the watches on an agreement's Secrets:
// it passes their deletions and edits, and their creation unless it is the
// echo of the key this process has just issued. That echo, with the one of
// the finalizer (see changeFinalizers), queued every new agreement a second
// time, behind all the others: at 30,000 agreements 27,078 were waiting at
// the moment of convergence, and a new agreement's first reconcile waited
// 6.2 s behind them (22.5 s at 100,000). A key that someone else creates
// still wakes its agreement, which retires what it did not issue.
func (r *Reconciler) notOwnIssue() builder.Predicates {
	return builder.WithPredicates(predicate.Funcs{CreateFunc: func(e event.CreateEvent) bool {
		l := e.Object.GetLabels()
		agreement := types.NamespacedName{Namespace: l[v1alpha1.LabelAgreementNamespace], Name: l[v1alpha1.LabelAgreement]}
		return !r.justIssued.issuedHere(agreement, l[v1alpha1.LabelKeyID])
	}})
}

// providerName is the agency that holds the agreement's service, when one
// does.
func providerName(in consent.Inputs) string {
	if in.Provider == nil {
		return ""
	}
	return in.Provider.Name
}

// describe writes what the decision says of the agreement into its status:
// the parties, the endpoint, when it expires, and its request.
func describe(status *v1alpha1.SharingAgreementStatus, in consent.Inputs, d consent.Decision, request consent.RequestOutcome) {
	status.ConsumerAgency, status.ProviderAgency, status.Endpoint, status.ExpiresAt = "", providerName(in), "", nil
	if in.Consumer != nil {
		status.ConsumerAgency = in.Consumer.Name
	}
	if in.Service != nil {
		status.Endpoint = in.Service.Status.URL
	}
	if d.Live && !d.ExpiresAt.IsZero() {
		status.ExpiresAt = &metav1.Time{Time: d.ExpiresAt}
	}
	status.Request = request.Status
}

// serviceKey names the agreement's service as namespace/name.
func serviceKey(sa *v1alpha1.SharingAgreement) string {
	return string(sa.Spec.Service.Namespace) + "/" + string(sa.Spec.Service.Name)
}

// usageResumed passes an agreement reported Unused whose status records a
// new request: the collector's flush writes only status.usage, which the
// agreement's own watch otherwise leaves to the next resync.
var usageResumed = predicate.Funcs{
	CreateFunc:  func(event.CreateEvent) bool { return false },
	DeleteFunc:  func(event.DeleteEvent) bool { return false },
	GenericFunc: func(event.GenericEvent) bool { return false },
	UpdateFunc: func(e event.UpdateEvent) bool {
		before, after := e.ObjectOld.(*v1alpha1.SharingAgreement), e.ObjectNew.(*v1alpha1.SharingAgreement)
		if !conditions.IsTrue(before.Status.Conditions, v1alpha1.ConditionUnused) || after.Status.Usage == nil || after.Status.Usage.LastRequestAt == nil {
			return false
		}
		return before.Status.Usage == nil || before.Status.Usage.LastRequestAt == nil || after.Status.Usage.LastRequestAt.After(before.Status.Usage.LastRequestAt.Time)
	},
}
