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
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/gather"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// An agreement's keys, kept as one unit: issued, rotated, retired and
// withdrawn at the gateway, handed over to the consumer, and described in
// the agreement's status.

// keyHandOver is what is left to do once the status records an
// agreement's keys: give the consumer its Secret, and delete the gateway
// keys the status no longer records.
type keyHandOver struct {
	consumerSecret *corev1.Secret
	delete         []string
}

// keysKept is what keeping an agreement's keys comes to: its
// CredentialIssued condition and credential status, when to look again,
// and what is left to do once the status records the keys.
type keysKept struct {
	condition conditions.Condition
	status    v1alpha1.CredentialStatus
	wake      time.Time
	handOver  keyHandOver
}

// keepKeys holds a live agreement's keys: it issues the first, rotates when
// due or asked, marks rotated keys to retire at the end of the grace
// period, deletes keys it did not issue, and says what the consumer's
// Secret must hold. Only the gateway side is written here, before the
// status; the consumer's side is handed over after it.
func (r *SharingAgreementReconciler) keepKeys(ctx context.Context, sa *v1alpha1.SharingAgreement, consumer, endpoint string,
	d consent.Decision, now time.Time) (keysKept, error) {
	interval := defaultRotationInterval
	if ri := sa.Spec.Credentials.RotationInterval; ri != nil {
		interval = ri.Duration
	}
	rotateAt, note := credentials.RotationRequest(sa.Annotations, v1alpha1.AnnotationRotateKey)

	plan := func(reader client.Reader, recordedIn *v1alpha1.SharingAgreement) (credentials.State, render.ConsumerCredential, credentials.Plan, error) {
		state, cred, err := r.keyState(ctx, reader, sa, recordedIn, consumer, now)
		if err != nil {
			return state, cred, credentials.Plan{}, err
		}
		state.RotationRequested = rotateAt
		return state, cred, credentials.PlanRotation(state, now, interval, r.Config.KeyRotationGrace), nil
	}
	state, cred, p, err := plan(r.Client, sa)
	if err != nil {
		return keysKept{}, err
	}
	agreement := client.ObjectKeyFromObject(sa)
	if len(p.Expire) > 0 || len(p.Delete) > 0 || (p.Issue && r.justIssued.cacheBehind(agreement, state.CurrentID)) {
		// About to retire or delete a key, or to issue one while the cache
		// has not shown the last key this process issued: decide on what
		// the API server holds, the agreement's recorded keys included, so
		// that a key is never issued twice nor removed by mistake.
		fresh := &v1alpha1.SharingAgreement{}
		if err := r.APIReader.Get(ctx, agreement, fresh); err != nil {
			return keysKept{}, err
		}
		if state, cred, p, err = plan(r.APIReader, fresh); err != nil {
			return keysKept{}, err
		}
	}
	cred.ConsumerAgency, cred.Endpoint, cred.ExpiresAt = consumer, endpoint, d.ExpiresAt
	keyIDs := p.Keep

	if p.Issue {
		key, id, err := credentials.NewKey()
		if err != nil {
			return keysKept{}, err
		}
		// Remembered before the write: should the write fail, or the cache
		// not show it yet, the next decision reads past the cache.
		r.justIssued.remember(agreement, id)
		r.toHandOver.remember(agreement, id, now.Truncate(time.Second))
		// The gateway learns the new key, and the status records it,
		// before the consumer gets it; old keys are marked for retirement
		// before the consumer moves on; so that a stop between any two
		// steps loses nothing.
		// A gateway key is never changed once written, only annotated
		// when it retires: it is created rather than applied, which costs
		// the API server about two thirds as much (docs/performance.md).
		gk := render.GatewayKeySecret(sa, consumer, key, id)
		if err := r.Create(ctx, gk, client.FieldOwner(FieldManager)); err != nil {
			return keysKept{}, fmt.Errorf("issue gateway key %s/%s: %w", gk.Namespace, gk.Name, err)
		}
		keysIssued.Inc()
		if state.CurrentID != "" {
			keysRotated.Inc()
		}
		r.Keys.issued(string(sa.Spec.Service.Namespace), now, state.CurrentID != "")
		cred.Key, cred.KeyID, cred.IssuedAt = key, id, now.Truncate(time.Second)
		keyIDs = append(slices.Clone(keyIDs), id)
		slices.Sort(keyIDs)
	}
	for _, name := range p.Expire {
		if err := r.markRetiring(ctx, sa, name, p.GraceEnd); err != nil {
			return keysKept{}, err
		}
	}
	// A first key issued as the agreement becomes live is told by the
	// BecameReady Event; one Event per agreement is enough for that news.
	hadKey := conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionCredentialIssued)
	if p.Issue && (state.CurrentID != "" || hadKey) {
		action := "KeyRotated"
		if state.CurrentID == "" {
			action = "KeyIssued"
		}
		r.Recorder.Eventf(sa, nil, corev1.EventTypeNormal, string(v1alpha1.ReasonIssued), action,
			"key %s issued in Secret %s: %s", cred.KeyID, names.ConsumerSecretName(sa), p.Why)
	}

	msg := fmt.Sprintf("key %s is in Secret %s, issued at %s; the next rotation is at %s", cred.KeyID, names.ConsumerSecretName(sa),
		clock.Format(cred.IssuedAt), clock.Format(p.NextRotation))
	if n := len(keyIDs); n > 1 {
		msg += fmt.Sprintf("; %d older key(s) stay valid until their grace period ends", n-1)
	}
	return keysKept{
		condition: conditions.True(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonIssued, msg+note),
		status: v1alpha1.CredentialStatus{
			SecretName:     names.ConsumerSecretName(sa),
			IssuedAt:       &metav1.Time{Time: cred.IssuedAt},
			NextRotationAt: &metav1.Time{Time: p.NextRotation},
			KeyIDs:         keyIDs,
		},
		wake:     p.Wake,
		handOver: keyHandOver{consumerSecret: render.ConsumerSecret(sa, cred), delete: p.Delete},
	}, nil
}

// handOver gives the consumer its Secret and deletes the gateway keys that
// the status no longer records.
func (r *SharingAgreementReconciler) handOver(ctx context.Context, sa *v1alpha1.SharingAgreement, h keyHandOver) error {
	if err := r.writeConsumerSecret(ctx, h.consumerSecret); err != nil {
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

// writeConsumerSecret creates the consumer's Secret when the cache has
// none, and otherwise applies it when it changed. Every agreement going
// live creates one, and a create costs the API server less than a
// server-side apply. What a create wrote, a later apply cannot remove:
// the Secret's fields are the same for every agreement, but its owner is
// not, so the Secret of an earlier agreement of the same name (deleted and
// created again, before garbage collection) is replaced, not applied over.
func (r *SharingAgreementReconciler) writeConsumerSecret(ctx context.Context, s *corev1.Secret) error {
	existing := &corev1.Secret{}
	switch err := r.Get(ctx, client.ObjectKeyFromObject(s), existing); {
	case apierrors.IsNotFound(err):
	case err != nil:
		return err
	case earlierAgreements(existing, s):
		// Its key was withdrawn with it.
		if err := r.Delete(ctx, existing, client.Preconditions{UID: &existing.UID}); client.IgnoreNotFound(err) != nil {
			return fmt.Errorf("replace %s, an earlier agreement's: %w", existing.Name, err)
		}
	default:
		err = applyIfChanged(ctx, r.Client, s)
		return err
	}
	err := r.Create(ctx, s.DeepCopy(), client.FieldOwner(FieldManager))
	if !apierrors.IsAlreadyExists(err) {
		return err
	}
	err = applyIfChanged(ctx, r.Client, s)
	return err
}

// earlierAgreements says whether the Secret existing is controlled by
// another object of the same kind as desired's controller: an earlier
// agreement of the same name.
func earlierAgreements(existing, desired *corev1.Secret) bool {
	owner, want := metav1.GetControllerOf(existing), metav1.GetControllerOf(desired)
	return owner != nil && want != nil && owner.Kind == want.Kind && owner.UID != want.UID
}

// keyState reads an agreement's keys, from the cache or from the API
// server: the consumer's current key, and the gateway-side keys, each
// judged by credentials' checks for the consumer agency the agreement is
// live for, against the ids recordedIn's status records and the
// consumer's key.
func (r *SharingAgreementReconciler) keyState(ctx context.Context, reader client.Reader, sa, recordedIn *v1alpha1.SharingAgreement, consumer string, now time.Time) (credentials.State, render.ConsumerCredential, error) {
	recorded := recordedIn.Status.Credential.KeyIDs
	var state credentials.State
	var cred render.ConsumerCredential
	keys, err := r.gatewayKeys(ctx, reader, sa)
	if err != nil {
		return state, cred, err
	}
	existing := &corev1.Secret{}
	switch err := reader.Get(ctx, client.ObjectKey{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}, existing); {
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
	if pending, ok := r.toHandOver.lookup(client.ObjectKeyFromObject(sa)); ok && pending.id != state.CurrentID {
		// This process issued and recorded a newer key than the consumer's
		// Secret holds, and could not write the Secret: that key is the
		// one to hand over, while the gateway still accepts it.
		for i := range keys {
			k := &keys[i]
			if k.Labels[v1alpha1.LabelKeyID] == pending.id && credentials.Trusted(credentials.KeyUnderReview{Secret: k, Agreement: sa, Consumer: consumer}, recorded) && k.Annotations[v1alpha1.AnnotationExpiresAt] == "" {
				for _, v := range k.Data {
					cred.Key = string(v)
				}
				state.CurrentID, state.IssuedAt = pending.id, pending.issuedAt
				cred.KeyID, cred.IssuedAt = pending.id, pending.issuedAt
				break
			}
		}
	}
	for i := range keys {
		k := &keys[i]
		id := k.Labels[v1alpha1.LabelKeyID]
		issued, _ := credentials.Issued(credentials.KeyUnderReview{Secret: k, Agreement: sa, Consumer: consumer})
		gk := credentials.GatewayKey{Name: k.Name, ID: id, Recorded: slices.Contains(recorded, id), Sound: issued}
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

// markRetiring marks a gateway-side key to stop being accepted at a
// moment.
func (r *SharingAgreementReconciler) markRetiring(ctx context.Context, sa *v1alpha1.SharingAgreement, name string, at time.Time) error {
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
// mount it get no working key. reason is the agreement's state, and ended
// the moment it stopped being live, for the metrics.
func (r *SharingAgreementReconciler) withdraw(ctx context.Context, sa *v1alpha1.SharingAgreement, reason string, ended time.Time) error {
	keys, err := r.gatewayKeys(ctx, r.Client, sa)
	if err != nil {
		return err
	}
	if err := r.removeGatewayKeys(ctx, keys, reason, ended); err != nil {
		return err
	}
	wrote, err := r.removeConsumerSecret(ctx, client.ObjectKeyFromObject(sa))
	if err != nil {
		return err
	}
	if wrote || len(keys) > 0 {
		r.Recorder.Eventf(sa, nil, corev1.EventTypeWarning, "KeysWithdrawn", "Withdraw",
			"the agreement is no longer live: %d gateway key(s) and Secret %s removed", len(keys), names.ConsumerSecretName(sa))
	}
	return nil
}

// removeGatewayKeys deletes gateway keys and counts those it removed, in
// the metrics and in their providers' key histories, even when it stops
// on an error. reason is their agreement's state, and ended the moment it
// stopped being live.
func (r *SharingAgreementReconciler) removeGatewayKeys(ctx context.Context, keys []corev1.Secret, reason string, ended time.Time) error {
	removed := map[string]int{} // by provider namespace
	defer func() {
		now := r.now()
		for ns, n := range removed {
			observeRevocation(n, reason, ended, now)
			r.Keys.revoked(ns, now, n)
		}
	}()
	for i := range keys {
		wrote, err := deleteIfExists(ctx, r.Client, &keys[i])
		if err != nil {
			return fmt.Errorf("withdraw gateway key %s/%s: %w", keys[i].Namespace, keys[i].Name, err)
		}
		if wrote {
			removed[keys[i].Namespace]++
		}
	}
	return nil
}

// removeConsumerSecret deletes the consumer's copy of an agreement's key,
// when the Secret of that name is one: it reports whether it deleted.
func (r *SharingAgreementReconciler) removeConsumerSecret(ctx context.Context, agreement types.NamespacedName) (bool, error) {
	s := &corev1.Secret{}
	name := names.ConsumerSecretName(&v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: agreement.Name}})
	switch err := r.Get(ctx, client.ObjectKey{Namespace: agreement.Namespace, Name: name}, s); {
	case apierrors.IsNotFound(err):
		return false, nil
	case err != nil:
		return false, err
	case s.Labels[v1alpha1.LabelAgreement] != agreement.Name || s.Labels[v1alpha1.LabelCredential] != v1alpha1.CredentialConsumer:
		return false, nil
	}
	if err := r.Delete(ctx, s); err != nil {
		return false, client.IgnoreNotFound(fmt.Errorf("withdraw Secret %s: %w", name, err))
	}
	return true, nil
}

// gatewayKeys lists an agreement's gateway-side key Secrets: through the
// cache's index, or by labels when reader is the API server.
func (r *SharingAgreementReconciler) gatewayKeys(ctx context.Context, reader client.Reader, sa *v1alpha1.SharingAgreement) ([]corev1.Secret, error) {
	var selector client.ListOption = client.MatchingFields{gather.IndexCredential: gather.AgreementKeysIndexValue(sa.Namespace, sa.Name)}
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
