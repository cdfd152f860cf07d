package agency

import (
	"context"
	"strings"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/builder"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"
	"sigs.k8s.io/controller-runtime/pkg/source"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// Reconciler keeps each Agency's status true to the world: whether it
// holds its namespace and has an active primary focal point, and the counts
// of its services and agreements. In the namespace it holds, it keeps the
// Role that lets its focal points read the credentials issued there.
type Reconciler struct {
	client.Client
	kit.Options
	Recorder events.EventRecorder
	// Keys brings the counts of keys issued and revoked for the key
	// history.
	Keys *kit.KeyLedger
}

// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=agencies,verbs=get;list;watch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=agencies/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=focalpoints;dataservices;sharingagreements,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=namespaces,verbs=get;list;watch
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch
// +kubebuilder:rbac:groups=rbac.authorization.k8s.io,resources=roles,verbs=get;list;watch;create;update;patch;delete

// Reconcile computes one Agency's status.
func (r *Reconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	agency := &v1alpha1.Agency{}
	if err := r.Get(ctx, req.NamespacedName, agency); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if agency.DeletionTimestamp != nil {
		return ctrl.Result{}, nil
	}
	now := r.Now()
	ns := string(agency.Spec.Namespace)

	meta, err := gather.NamespaceMeta(ctx, r.Client, ns)
	if err != nil {
		return ctrl.Result{}, err
	}
	fps := &v1alpha1.FocalPointList{}
	if err := r.List(ctx, fps, client.InNamespace(ns)); err != nil {
		return ctrl.Result{}, err
	}
	found, err := r.endorsedServices(ctx, agency)
	if err != nil {
		return ctrl.Result{}, err
	}
	unregistered, err := r.claimantUnregistered(ctx, agency, meta)
	if err != nil {
		return ctrl.Result{}, err
	}
	decision := registry.DecideAgency(registry.AgencyInputs{Agency: agency, Namespace: meta, FocalPoints: fps.Items, EndorsedServices: found,
		ClaimantUnregistered: unregistered, SubjectPrefix: r.Config.FocalPointSubjectPrefix, Now: now})

	base := agency.DeepCopy()
	status := &agency.Status
	status.FocalPoints = decision.FocalPoints
	var counted []v1alpha1.KeyMonth // keys counted into the history
	if decision.HoldsNamespace {
		if err := r.applyCredentialsRole(ctx, agency); err != nil {
			return ctrl.Result{}, err
		}
		if err := r.count(ctx, agency, status); err != nil {
			return ctrl.Result{}, err
		}
		status.KeyHistory, counted = r.Keys.History(ns, status.KeyHistory)
	} else {
		status.ServicesProvided, status.ServicesReady = 0, 0
		status.AgreementsProvided, status.AgreementsConsumed = v1alpha1.AgreementCounts{}, v1alpha1.AgreementCounts{}
		status.ResponsesOverdue, status.OverdueRequests, status.AwaitingAnswer = 0, nil, nil
	}
	result, _, err := kit.Finish(ctx, r.Client, r.Recorder, agency, base, decision.Conditions, now, decision.Next)
	if err == nil && len(counted) > 0 {
		r.Keys.Wrote(ns, status.KeyHistory, counted)
	}
	return result, err
}

// endorsedServices says, for each service the agency's endorsements name,
// whether it exists.
func (r *Reconciler) endorsedServices(ctx context.Context, agency *v1alpha1.Agency) (map[string]bool, error) {
	found := map[string]bool{}
	for _, e := range agency.Spec.Endorsements {
		ns, name, _ := strings.Cut(string(e.Service), "/")
		err := r.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, &v1alpha1.DataService{})
		if client.IgnoreNotFound(err) != nil {
			return nil, err
		}
		found[string(e.Service)] = err == nil
	}
	return found, nil
}

// count fills the counts of the agency's services and agreements. It only
// reads what it lists, so it reads the cache's objects without copying them:
// an agency may have thousands of agreements.
func (r *Reconciler) count(ctx context.Context, agency *v1alpha1.Agency, status *v1alpha1.AgencyStatus) error {
	ns := string(agency.Spec.Namespace)
	services := &v1alpha1.DataServiceList{}
	if err := r.List(ctx, services, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	consumed := &v1alpha1.SharingAgreementList{}
	if err := r.List(ctx, consumed, client.InNamespace(ns), client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	provided := &v1alpha1.SharingAgreementList{}
	if err := r.List(ctx, provided, client.MatchingFields{gather.IndexAgreementProvider: ns}, client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	status.ServicesProvided = int32(len(services.Items))
	status.ServicesReady = registry.CountReadyServices(services.Items)
	status.AgreementsConsumed = registry.CountAgreements(consumed.Items)
	status.AgreementsProvided = registry.CountAgreements(provided.Items)
	status.ResponsesOverdue, _ = registry.Overdue(provided.Items, v1alpha1.ReasonAwaitingProviderConsent)
	status.OverdueRequests = nil
	if agency.Name != r.Config.CoordinatorAgency {
		status.AwaitingAnswer = registry.AwaitingAnswer(provided.Items, registry.ProviderAnswers)
	} else {
		// The DIC answers for the endorsements, and follows up every
		// overdue request in the province (Điều 23).
		all := &v1alpha1.SharingAgreementList{}
		if err := r.List(ctx, all, client.UnsafeDisableDeepCopy); err != nil {
			return err
		}
		endorsements, _ := registry.Overdue(all.Items, v1alpha1.ReasonAwaitingCoordinatorEndorsement)
		status.ResponsesOverdue += endorsements
		_, status.OverdueRequests = registry.Overdue(all.Items, "")
		status.AwaitingAnswer = registry.AwaitingAnswer(all.Items, registry.CoordinatorAnswers(ns))
	}
	return nil
}

// applyCredentialsRole keeps the Role that lets the agency's focal points
// read, by name, the consumer credentials issued in its namespace.
func (r *Reconciler) applyCredentialsRole(ctx context.Context, agency *v1alpha1.Agency) error {
	ns := string(agency.Spec.Namespace)
	secrets := &corev1.SecretList{}
	// Names only: no copy of every key.
	if err := r.List(ctx, secrets, client.InNamespace(ns), client.MatchingFields{gather.IndexCredential: v1alpha1.CredentialConsumer},
		client.UnsafeDisableDeepCopy); err != nil {
		return err
	}
	names := make([]string, 0, len(secrets.Items))
	for _, s := range secrets.Items {
		names = append(names, s.Name)
	}
	err := kit.ApplyIfChanged(ctx, r.Client, render.IssuedCredentialsRole(agency, names))
	return err
}

// SetupWithManager registers the controller and what it watches.
func (r *Reconciler) SetupWithManager(mgr ctrl.Manager) error {
	byNamespace := func(namespaces func(client.Object) []string) handler.EventHandler {
		return handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return kit.AgencyRequests(ctx, r.Client, namespaces(o)...)
		})
	}
	// What only changes the counts, or the names in the credentials Role.
	summaryOf := func(namespaces func(client.Object) []string) handler.EventHandler {
		return kit.EnqueueAfter(kit.SummaryDelay, func(ctx context.Context, o client.Object) []reconcile.Request {
			return kit.AgencyRequests(ctx, r.Client, namespaces(o)...)
		})
	}
	ownNamespace := func(o client.Object) []string { return []string{o.GetNamespace()} }
	return ctrl.NewControllerManagedBy(mgr).
		Named("agency").
		WithOptions(r.ControllerOptions()).
		For(&v1alpha1.Agency{}, kit.OwnChanges()).
		// Another agency claiming or releasing the same namespace.
		Watches(&v1alpha1.Agency{}, byNamespace(func(o client.Object) []string {
			return []string{string(o.(*v1alpha1.Agency).Spec.Namespace)}
		}), kit.OnChangeOf(kit.SpecView)).
		// A namespace created, deleted or labelled for an agency.
		Watches(&corev1.Namespace{}, byNamespace(func(o client.Object) []string { return []string{o.GetName()} }),
			builder.OnlyMetadata, kit.OnChangeOf(kit.NamespaceLabels)).
		Watches(&v1alpha1.FocalPoint{}, byNamespace(ownNamespace), kit.OnChangeOf(kit.SpecView)).
		Watches(&v1alpha1.DataService{}, summaryOf(ownNamespace), kit.OnChangeOf(kit.ServiceForAgency)).
		// A service an outside body's endorsement names, published or gone.
		Watches(&v1alpha1.DataService{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return kit.ListRequests(ctx, r, &v1alpha1.AgencyList{}, client.MatchingFields{gather.IndexAgencyEndorsement: o.GetNamespace() + "/" + o.GetName()})
		}), kit.OnChangeOf(kit.SpecView)).
		Watches(&v1alpha1.SharingAgreement{}, summaryOf(func(o client.Object) []string {
			return []string{o.GetNamespace(), string(o.(*v1alpha1.SharingAgreement).Spec.Service.Namespace)}
		}), kit.OnChangeOf(kit.AgreementForAgency)).
		// An agreement overdue or waiting for an endorsement, or no longer
		// (the old object is mapped too): the DIC lists them all.
		Watches(&v1alpha1.SharingAgreement{}, kit.EnqueueAfter(kit.SummaryDelay, func(_ context.Context, o client.Object) []reconcile.Request {
			sa := o.(*v1alpha1.SharingAgreement)
			endorsing := registry.StateOf(sa) == string(v1alpha1.ReasonAwaitingCoordinatorEndorsement)
			if !endorsing && !conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionResponseOverdue) || r.Config.CoordinatorAgency == "" {
				return nil
			}
			return []reconcile.Request{{NamespacedName: client.ObjectKey{Name: r.Config.CoordinatorAgency}}}
		}), kit.OnChangeOf(kit.AgreementForAgency)).
		Watches(&corev1.Secret{}, summaryOf(ownNamespace), kit.OnChangeOf(kit.SecretByName)).
		// Keys issued or revoked on the agency's services, for its key
		// history: mostly counted by the reconcile that the agreement's
		// change of state asks for; this one is for what no such change
		// brings (a rotation), and waits longer so as to find nothing left
		// in the common case.
		WatchesRawSource(source.Channel(r.Keys.Notifications(), kit.EnqueueAfter(kit.KeyHistoryDelay, func(ctx context.Context, o client.Object) []reconcile.Request {
			return kit.AgencyRequests(ctx, r.Client, o.GetNamespace())
		}))).
		Owns(&rbacv1.Role{}).
		Complete(r)
}

// claimantUnregistered says whether the namespace's label names another
// agency that the register does not hold.
func (r *Reconciler) claimantUnregistered(ctx context.Context, agency *v1alpha1.Agency, ns *metav1.PartialObjectMetadata) (bool, error) {
	if ns == nil {
		return false, nil
	}
	other := ns.Labels[v1alpha1.LabelAgency]
	if other == "" || other == agency.Name {
		return false, nil
	}
	err := r.Get(ctx, client.ObjectKey{Name: other}, &v1alpha1.Agency{})
	if apierrors.IsNotFound(err) {
		return true, nil
	}
	return false, err
}
