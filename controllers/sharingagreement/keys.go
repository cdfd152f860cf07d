package sharingagreement

import (
	"context"
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/consent"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// An agreement's keys, kept as one unit: issued, rotated, retired and
// withdrawn at the gateway, handed over to the consumer, and described in
// the agreement's status.

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
func (r *Reconciler) keepKeys(ctx context.Context, sa *v1alpha1.SharingAgreement, consumer, endpoint string,
	d consent.Decision, now time.Time) (keysKept, error) {
	interval := credentials.RotationInterval(sa)
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
		if err := r.Create(ctx, gk, client.FieldOwner(kit.FieldManager)); err != nil {
			return keysKept{}, fmt.Errorf("issue gateway key %s/%s: %w", gk.Namespace, gk.Name, err)
		}
		keysIssued.Inc()
		if state.CurrentID != "" {
			keysRotated.Inc()
		}
		r.Keys.Issued(string(sa.Spec.Service.Namespace), now, state.CurrentID != "")
		cred.Key, cred.KeyID, cred.IssuedAt = key, id, now.Truncate(time.Second)
		keyIDs = append(slices.Clone(keyIDs), id)
		slices.Sort(keyIDs)
	}
	for _, name := range p.Expire {
		if err := r.markRetiring(ctx, sa, name, p.GraceEnd); err != nil {
			return keysKept{}, err
		}
	}
	condition, event := credentials.Report(credentials.KeysCarriedOut{Plan: p, PreviousID: state.CurrentID,
		HadKey: conditions.IsTrue(sa.Status.Conditions, v1alpha1.ConditionCredentialIssued),
		KeyID:  cred.KeyID, IssuedAt: cred.IssuedAt, Secret: names.ConsumerSecretName(sa), Valid: len(keyIDs), Note: note})
	kit.Emit(r.Recorder, sa, event)
	return keysKept{
		condition: condition,
		status: v1alpha1.CredentialStatus{
			SecretName:     names.ConsumerSecretName(sa),
			IssuedAt:       &metav1.Time{Time: cred.IssuedAt},
			NextRotationAt: &metav1.Time{Time: p.NextRotation},
			KeyIDs:         keyIDs,
		},
		wake:     p.Next,
		handOver: keyHandOver{consumerSecret: render.ConsumerSecret(sa, cred), delete: p.Delete},
	}, nil
}
