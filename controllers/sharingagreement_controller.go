package controllers

import (
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
	"sigs.k8s.io/controller-runtime/pkg/controller"
	"sigs.k8s.io/controller-runtime/pkg/controller/controllerutil"
	"sigs.k8s.io/controller-runtime/pkg/event"
	"sigs.k8s.io/controller-runtime/pkg/handler"
	"sigs.k8s.io/controller-runtime/pkg/predicate"
	"sigs.k8s.io/controller-runtime/pkg/reconcile"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// gatewayKeysFinalizer guards the gateway-side keys, which live in the
// provider's namespace where garbage collection cannot follow an owner in
// the consumer's.
const gatewayKeysFinalizer = "datashare.lgsp.vn/gateway-keys"

// defaultRotationInterval applies when an agreement leaves
// spec.credentials.rotationInterval out (the API defaults it too).
const defaultRotationInterval = 90 * 24 * time.Hour

// SharingAgreementReconciler issues an agreement's credentials while every
// consent holds, rotates them, and takes them back the moment a consent
// ends.
type SharingAgreementReconciler struct {
	client.Client
	// APIReader reads from the API server, past the cache, when a key is
	// about to be retired, or issued while the cache is behind.
	APIReader client.Reader
	Options
	Recorder events.EventRecorder

	issued issuedKeys
}

// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements,verbs=get;list;watch;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements/status,verbs=get;update;patch
// +kubebuilder:rbac:groups=datashare.lgsp.vn,resources=sharingagreements/finalizers,verbs=update
// +kubebuilder:rbac:groups="",resources=secrets,verbs=get;list;watch;create;update;patch;delete

// Reconcile decides one agreement and makes its credentials match.
func (r *SharingAgreementReconciler) Reconcile(ctx context.Context, req ctrl.Request) (ctrl.Result, error) {
	sa := &v1alpha1.SharingAgreement{}
	if err := r.Get(ctx, req.NamespacedName, sa); err != nil {
		return ctrl.Result{}, client.IgnoreNotFound(err)
	}
	if sa.DeletionTimestamp != nil {
		return ctrl.Result{}, r.finalize(ctx, sa)
	}
	if err := changeFinalizers(ctx, r.Client, sa, controllerutil.AddFinalizer, gatewayKeysFinalizer); err != nil {
		return ctrl.Result{}, fmt.Errorf("add finalizer: %w", err)
	}
	now := r.now()

	in, err := GatherConsent(ctx, r.Client, sa, now)
	if err != nil {
		return ctrl.Result{}, err
	}
	d := consent.Decide(in)

	status := sa.Status.DeepCopy()
	status.ObservedGeneration = sa.Generation
	status.ConsumerAgency, status.ProviderAgency, status.Endpoint, status.ExpiresAt = "", "", "", nil
	if in.Consumer != nil {
		status.ConsumerAgency = in.Consumer.Name
	}
	if in.Provider != nil {
		status.ProviderAgency = in.Provider.Name
	}
	if in.Service != nil {
		status.Endpoint = in.Service.Status.URL
	}
	if d.Live && !d.ExpiresAt.IsZero() {
		status.ExpiresAt = &metav1.Time{Time: d.ExpiresAt}
	}

	issued := d.NoKey
	var wake time.Time
	var handOver *keyHandOver
	if d.IssueKeys {
		if issued, wake, handOver, err = r.keep(ctx, sa, in.Consumer.Name, status, d, now); err != nil {
			return ctrl.Result{}, err
		}
	} else {
		if err := r.withdraw(ctx, sa); err != nil {
			return ctrl.Result{}, err
		}
		status.Credential = v1alpha1.CredentialStatus{}
	}

	ready := conditions.False(v1alpha1.ConditionReady, d.Reason, d.Message)
	switch {
	case d.Ready:
		ready = conditions.True(v1alpha1.ConditionReady, d.Reason, d.Message)
	case d.Pending:
		ready = conditions.Unknown(v1alpha1.ConditionReady, d.Reason, d.Message)
	}
	t := metav1.NewTime(now)
	conditions.Set(&status.Conditions, sa.Generation, ready, t)
	conditions.Set(&status.Conditions, sa.Generation, conditions.Stalled(ready), t)
	conditions.Set(&status.Conditions, sa.Generation, issued, t)
	conditions.Set(&status.Conditions, sa.Generation, d.Reachable, t)
	base := sa.DeepCopy()
	sa.Status = *status
	// The status records a new key's id before the consumer gets the key,
	// so that the gateway accepts it from the moment the consumer has it.
	if _, err := writeStatus(ctx, r.Client, r.Recorder, sa, base); err != nil {
		return ctrl.Result{}, err
	}
	if handOver != nil {
		if err := r.handOver(ctx, sa, *handOver); err != nil {
			return ctrl.Result{}, err
		}
	}
	return requeueAt(clock.Earliest(d.Next, wake), now), nil
}

// keyHandOver is what is left to do once the status records an
// agreement's keys: give the consumer its Secret, and delete the gateway
// keys the status no longer records.
type keyHandOver struct {
	consumerSecret *corev1.Secret
	delete         []string
}

// keep holds a live agreement's keys: it issues the first, rotates when
// due or asked, retires rotated keys after the grace period, deletes keys
// it did not issue, and says what the consumer's Secret must hold. It sets
// the credential in status and returns the CredentialIssued condition,
// when to look again, and what to do once the status is written.
func (r *SharingAgreementReconciler) keep(ctx context.Context, sa *v1alpha1.SharingAgreement, consumer string, status *v1alpha1.SharingAgreementStatus,
	d consent.Decision, now time.Time) (conditions.Condition, time.Time, *keyHandOver, error) {
	interval := defaultRotationInterval
	if ri := sa.Spec.Credentials.RotationInterval; ri != nil {
		interval = ri.Duration
	}
	var rotateAt time.Time
	var note string
	if v, ok := sa.Annotations[v1alpha1.AnnotationRotateKey]; ok {
		if at, err := time.Parse(time.RFC3339, v); err == nil {
			rotateAt = at
		} else {
			note = fmt.Sprintf(" (annotation %s=%q is not an RFC 3339 time such as 2026-11-27T09:00:00Z, and is ignored)", v1alpha1.AnnotationRotateKey, v)
		}
	}

	state, cred, err := r.keyState(ctx, r.Client, sa, sa.Status.Credential.KeyIDs, now)
	if err != nil {
		return conditions.Condition{}, time.Time{}, nil, err
	}
	state.RotationRequested = rotateAt
	plan := credentials.PlanRotation(state, now, interval, r.Config.KeyRotationGrace)
	agreement := client.ObjectKeyFromObject(sa)
	if len(plan.Expire) > 0 || len(plan.Delete) > 0 || (plan.Issue && r.issued.cacheBehind(agreement, state.CurrentID)) {
		// About to retire or delete a key, or to issue one while the cache
		// has not shown the last key this process issued: decide on what
		// the API server holds, the agreement's recorded keys included, so
		// that a key is never issued twice nor removed by mistake.
		fresh := &v1alpha1.SharingAgreement{}
		if err := r.APIReader.Get(ctx, agreement, fresh); err != nil {
			return conditions.Condition{}, time.Time{}, nil, err
		}
		if state, cred, err = r.keyState(ctx, r.APIReader, sa, fresh.Status.Credential.KeyIDs, now); err != nil {
			return conditions.Condition{}, time.Time{}, nil, err
		}
		state.RotationRequested = rotateAt
		plan = credentials.PlanRotation(state, now, interval, r.Config.KeyRotationGrace)
	}
	cred.ConsumerAgency, cred.Endpoint, cred.ExpiresAt = consumer, status.Endpoint, d.ExpiresAt
	keyIDs := plan.Keep

	if plan.Issue {
		key, id, err := credentials.NewKey()
		if err != nil {
			return conditions.Condition{}, time.Time{}, nil, err
		}
		// Remembered before the write: should the write fail, or the cache
		// not show it yet, the next decision reads past the cache.
		r.issued.remember(agreement, id)
		// The gateway learns the new key, and the status records it,
		// before the consumer gets it; old keys are marked for retirement
		// before the consumer moves on; so that a stop between any two
		// steps loses nothing.
		// A gateway key is never changed once written, only annotated
		// when it retires: it is created rather than applied, which costs
		// the API server about two thirds as much (docs/performance.md).
		gk := render.GatewayKeySecret(sa, consumer, key, id)
		if err := r.Create(ctx, gk, client.FieldOwner(FieldManager)); err != nil {
			return conditions.Condition{}, time.Time{}, nil, fmt.Errorf("issue gateway key %s/%s: %w", gk.Namespace, gk.Name, err)
		}
		cred.Key, cred.KeyID, cred.IssuedAt = key, id, now.Truncate(time.Second)
		keyIDs = append(slices.Clone(keyIDs), id)
		slices.Sort(keyIDs)
	}
	// Rounded up to the second the annotation can hold, so that the grace
	// period is never shorter than configured.
	graceEnd := now.Add(r.Config.KeyRotationGrace)
	if t := graceEnd.Truncate(time.Second); !t.Equal(graceEnd) {
		graceEnd = t.Add(time.Second)
	}
	for _, name := range plan.Expire {
		if err := r.retireAt(ctx, sa, name, graceEnd); err != nil {
			return conditions.Condition{}, time.Time{}, nil, err
		}
	}
	// A first key issued as the agreement becomes live is told by the
	// BecameReady Event; one Event per agreement is enough for that news.
	wasLive := conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionCredentialIssued)
	if plan.Issue && (state.CurrentID != "" || wasLive) {
		action := "KeyRotated"
		if state.CurrentID == "" {
			action = "KeyIssued"
		}
		r.Recorder.Eventf(sa, nil, corev1.EventTypeNormal, string(v1alpha1.ReasonIssued), action,
			"key %s issued in Secret %s: %s", cred.KeyID, render.ConsumerSecretName(sa), plan.Why)
	}

	status.Credential = v1alpha1.CredentialStatus{
		SecretName:     render.ConsumerSecretName(sa),
		IssuedAt:       &metav1.Time{Time: cred.IssuedAt},
		NextRotationAt: &metav1.Time{Time: plan.NextRotation},
		KeyIDs:         keyIDs,
	}
	msg := fmt.Sprintf("key %s is in Secret %s, issued at %s; the next rotation is at %s", cred.KeyID, render.ConsumerSecretName(sa),
		clock.Format(cred.IssuedAt), clock.Format(plan.NextRotation))
	if n := len(keyIDs); n > 1 {
		msg += fmt.Sprintf("; %d older key(s) stay valid until their grace period ends", n-1)
	}
	return conditions.True(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonIssued, msg+note), plan.Wake,
		&keyHandOver{consumerSecret: render.ConsumerSecret(sa, cred), delete: plan.Delete}, nil
}

// handOver gives the consumer its Secret and deletes the gateway keys that
// the status no longer records.
func (r *SharingAgreementReconciler) handOver(ctx context.Context, sa *v1alpha1.SharingAgreement, h keyHandOver) error {
	if _, err := applyIfChanged(ctx, r.Client, h.consumerSecret); err != nil {
		return err
	}
	for _, name := range h.delete {
		gk := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: string(sa.Spec.Service.Namespace), Name: name}}
		if _, err := deleteIfExists(ctx, r.Client, gk); err != nil {
			return fmt.Errorf("delete gateway key %s: %w", name, err)
		}
	}
	return nil
}

// keyState reads an agreement's keys, from the cache or from the API
// server: the consumer's current key, and the gateway-side keys, each
// checked against the ids the status records and the consumer's key.
func (r *SharingAgreementReconciler) keyState(ctx context.Context, reader client.Reader, sa *v1alpha1.SharingAgreement, recorded []string, now time.Time) (credentials.State, render.ConsumerCredential, error) {
	var state credentials.State
	var cred render.ConsumerCredential
	keys, err := r.gatewayKeys(ctx, reader, sa)
	if err != nil {
		return state, cred, err
	}
	existing := &corev1.Secret{}
	switch err := reader.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: render.ConsumerSecretName(sa)}, existing); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return state, cred, err
	default:
		issuedAt, err := time.Parse(time.RFC3339, existing.Annotations[v1alpha1.AnnotationIssuedAt])
		if err == nil && existing.Labels[v1alpha1.LabelKeyID] != "" && len(existing.Data[render.SecretKeyAPIKey]) > 0 {
			state.CurrentID, state.IssuedAt = existing.Labels[v1alpha1.LabelKeyID], issuedAt
			cred.Key, cred.KeyID, cred.IssuedAt = string(existing.Data[render.SecretKeyAPIKey]), state.CurrentID, issuedAt
		}
	}
	for i := range keys {
		k := &keys[i]
		id := k.Labels[v1alpha1.LabelKeyID]
		gk := credentials.GatewayKey{Name: k.Name, ID: id, Recorded: slices.Contains(recorded, id),
			Sound: render.HoldsOneKey(k) && k.Name == render.GatewayKeyName(sa, id)}
		if id != "" && id == state.CurrentID {
			// The consumer's current key must be the very key the gateway
			// checks.
			for _, v := range k.Data {
				gk.Sound = gk.Sound && string(v) == cred.Key
			}
		}
		if v := k.Annotations[v1alpha1.AnnotationExpiresAt]; v != "" {
			if gk.ExpiresAt, err = time.Parse(time.RFC3339, v); err != nil {
				gk.ExpiresAt = now // unreadable: retire it now
			}
		}
		state.Keys = append(state.Keys, gk)
	}
	return state, cred, nil
}

// retireAt marks a gateway-side key to stop being accepted at a moment.
func (r *SharingAgreementReconciler) retireAt(ctx context.Context, sa *v1alpha1.SharingAgreement, name string, at time.Time) error {
	s := &corev1.Secret{}
	if err := r.Get(ctx, client.ObjectKey{Namespace: string(sa.Spec.Service.Namespace), Name: name}, s); err != nil {
		return client.IgnoreNotFound(err)
	}
	base := s.DeepCopy()
	if s.Annotations == nil {
		s.Annotations = map[string]string{}
	}
	s.Annotations[v1alpha1.AnnotationExpiresAt] = clock.Format(at)
	if err := r.Patch(ctx, s, client.MergeFrom(base), client.FieldOwner(FieldManager)); err != nil {
		return fmt.Errorf("retire gateway key %s: %w", name, err)
	}
	return nil
}

// withdraw removes every key of an agreement that is not live: at the
// gateway first, then the consumer's Secret, so that workloads that still
// mount it get no working key.
func (r *SharingAgreementReconciler) withdraw(ctx context.Context, sa *v1alpha1.SharingAgreement) error {
	keys, err := r.gatewayKeys(ctx, r.Client, sa)
	if err != nil {
		return err
	}
	for i := range keys {
		if _, err := deleteIfExists(ctx, r.Client, &keys[i]); err != nil {
			return fmt.Errorf("withdraw gateway key %s: %w", keys[i].Name, err)
		}
	}
	consumerSecret := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: render.ConsumerSecretName(sa)}}
	wrote, err := deleteIfExists(ctx, r.Client, consumerSecret)
	if err != nil {
		return fmt.Errorf("withdraw Secret %s: %w", consumerSecret.Name, err)
	}
	if wrote || len(keys) > 0 {
		r.Recorder.Eventf(sa, nil, corev1.EventTypeWarning, "KeysWithdrawn", "Withdraw",
			"the agreement is no longer live: %d gateway key(s) and Secret %s removed", len(keys), consumerSecret.Name)
	}
	return nil
}

// finalize removes what the agreement issued in both namespaces, then lets
// it go.
func (r *SharingAgreementReconciler) finalize(ctx context.Context, sa *v1alpha1.SharingAgreement) error {
	if !controllerutil.ContainsFinalizer(sa, gatewayKeysFinalizer) {
		return nil
	}
	if err := r.withdraw(ctx, sa); err != nil {
		return err
	}
	if err := changeFinalizers(ctx, r.Client, sa, controllerutil.RemoveFinalizer, gatewayKeysFinalizer); err != nil {
		return client.IgnoreNotFound(fmt.Errorf("remove finalizer: %w", err))
	}
	r.issued.forget(client.ObjectKeyFromObject(sa))
	return nil
}

// gatewayKeys lists an agreement's gateway-side key Secrets: through the
// cache's index, or by labels when reader is the API server.
func (r *SharingAgreementReconciler) gatewayKeys(ctx context.Context, reader client.Reader, sa *v1alpha1.SharingAgreement) ([]corev1.Secret, error) {
	var selector client.ListOption = client.MatchingFields{indexCredential: agreementKeysIndexValue(sa.Namespace, sa.Name)}
	if reader == r.APIReader {
		selector = client.MatchingLabels{
			v1alpha1.LabelManagedBy:          v1alpha1.ManagedByOperator,
			v1alpha1.LabelCredential:         v1alpha1.CredentialGateway,
			v1alpha1.LabelAgreementNamespace: sa.Namespace,
			v1alpha1.LabelAgreement:          sa.Name,
		}
	}
	list := &corev1.SecretList{}
	if err := reader.List(ctx, list, client.InNamespace(string(sa.Spec.Service.Namespace)), selector); err != nil {
		return nil, err
	}
	return list.Items, nil
}

// SetupWithManager registers the controller and what it watches.
func (r *SharingAgreementReconciler) SetupWithManager(mgr ctrl.Manager) error {
	list := func(ctx context.Context, opts ...client.ListOption) []reconcile.Request {
		l := &v1alpha1.SharingAgreementList{}
		// Only names are read: no copy of every agreement.
		if err := r.List(ctx, l, append(opts, client.UnsafeDisableDeepCopy)...); err != nil {
			ctrl.LoggerFrom(ctx).Error(err, "list sharing agreements")
			return nil
		}
		return requestsFor(l.Items)
	}
	return ctrl.NewControllerManagedBy(mgr).
		Named("sharingagreement").
		WithOptions(controller.Options{MaxConcurrentReconciles: r.Config.Concurrency}).
		For(&v1alpha1.SharingAgreement{}, ownChanges()).
		Watches(&v1alpha1.DataService{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return list(ctx, client.MatchingFields{indexAgreementService: o.GetNamespace() + "/" + o.GetName()})
		}), onChangeOf(serviceForAgreements)).
		// Consumer agencies (focal points, endorsements) and provider
		// agencies.
		Watches(&v1alpha1.Agency{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			ns := string(o.(*v1alpha1.Agency).Spec.Namespace)
			return append(list(ctx, client.InNamespace(ns)), list(ctx, client.MatchingFields{indexAgreementProvider: ns})...)
		}), onChangeOf(specView)).
		Watches(&v1alpha1.FocalPoint{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return list(ctx, client.InNamespace(o.GetNamespace()))
		}), onChangeOf(specView)).
		// The namespace's label says which agency it belongs to: consumer
		// or provider.
		Watches(&corev1.Namespace{}, handler.EnqueueRequestsFromMapFunc(func(ctx context.Context, o client.Object) []reconcile.Request {
			return append(list(ctx, client.InNamespace(o.GetName())), list(ctx, client.MatchingFields{indexAgreementProvider: o.GetName()})...)
		}), builder.OnlyMetadata, onChangeOf(namespaceLabels)).
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
func (r *SharingAgreementReconciler) notOwnIssue() builder.Predicates {
	return builder.WithPredicates(predicate.Funcs{CreateFunc: func(e event.CreateEvent) bool {
		l := e.Object.GetLabels()
		agreement := types.NamespacedName{Namespace: l[v1alpha1.LabelAgreementNamespace], Name: l[v1alpha1.LabelAgreement]}
		return !r.issued.issuedHere(agreement, l[v1alpha1.LabelKeyID])
	}})
}
