package credentials

import (
	"fmt"
	"time"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// KeysCarriedOut is what an agreement's keys are once a plan is carried
// out, for its report.
type KeysCarriedOut struct {
	Plan Plan
	// PreviousID is the id of the key that was current before the plan;
	// empty for a first key.
	PreviousID string
	// HadKey says that the agreement reported a key before (its
	// CredentialIssued condition was True).
	HadKey bool
	// KeyID, IssuedAt and Secret are the current key's id, issue time and
	// the consumer's Secret that holds it.
	KeyID    string
	IssuedAt time.Time
	Secret   string
	// Valid is how many keys the gateway accepts, the current one included.
	Valid int
	// Note is what the operator says of an asked-for rotation (see
	// RotationRequest).
	Note string
}

// Report is an agreement's CredentialIssued condition once its keys are
// kept, and the Event that tells of a new key, if any: a rotation always;
// a first key only when the agreement held one before, since a first key
// issued as it becomes live is told by its BecameReady Event (one Event
// for that news).
func Report(k KeysCarriedOut) (conditions.Condition, *conditions.Event) {
	msg := fmt.Sprintf("key %s is in Secret %s, issued at %s; the next rotation is at %s", k.KeyID, k.Secret,
		clock.Format(k.IssuedAt), clock.Format(k.Plan.NextRotation))
	if k.Valid > 1 {
		msg += fmt.Sprintf("; %d older key(s) stay valid until their grace period ends", k.Valid-1)
	}
	cond := conditions.True(v1alpha1.ConditionCredentialIssued, v1alpha1.ReasonIssued, msg+k.Note)
	if !k.Plan.Issue || k.PreviousID == "" && !k.HadKey {
		return cond, nil
	}
	action := "KeyRotated"
	if k.PreviousID == "" {
		action = "KeyIssued"
	}
	return cond, &conditions.Event{Type: corev1.EventTypeNormal, Reason: string(v1alpha1.ReasonIssued), Action: action,
		Message: fmt.Sprintf("key %s issued in Secret %s: %s", k.KeyID, k.Secret, k.Plan.Why)}
}

// Withdrawn is the Event that tells of an agreement's keys removed because
// it is no longer live: n gateway keys, and the consumer's Secret.
func Withdrawn(n int, secret string) conditions.Event {
	return conditions.Event{Type: corev1.EventTypeWarning, Reason: "KeysWithdrawn", Action: "Withdraw",
		Message: fmt.Sprintf("the agreement is no longer live: %d gateway key(s) and Secret %s removed", n, secret)}
}
