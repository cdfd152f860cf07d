// Package conditions sets metav1.Conditions the way every kind of this API
// uses them: typed condition types and reasons, observedGeneration on each
// condition, and the transition time kept while the status stays the same.
package conditions

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// Condition is one condition to set, before it gets its generation.
type Condition struct {
	Type    v1alpha1.ConditionType
	Status  metav1.ConditionStatus
	Reason  v1alpha1.ConditionReason
	Message string
}

// True builds a Condition whose status is True.
func True(t v1alpha1.ConditionType, r v1alpha1.ConditionReason, msg string) Condition {
	return Condition{Type: t, Status: metav1.ConditionTrue, Reason: r, Message: msg}
}

// False builds a Condition whose status is False.
func False(t v1alpha1.ConditionType, r v1alpha1.ConditionReason, msg string) Condition {
	return Condition{Type: t, Status: metav1.ConditionFalse, Reason: r, Message: msg}
}

// Unknown builds a Condition whose status is Unknown.
func Unknown(t v1alpha1.ConditionType, r v1alpha1.ConditionReason, msg string) Condition {
	return Condition{Type: t, Status: metav1.ConditionUnknown, Reason: r, Message: msg}
}

// Bool builds a Condition that is True when ok and False otherwise: the
// shape of a decision that holds or does not, with its reason and message.
func Bool(t v1alpha1.ConditionType, ok bool, r v1alpha1.ConditionReason, msg string) Condition {
	if ok {
		return True(t, r, msg)
	}
	return False(t, r, msg)
}

// Set writes c into conds for the given generation. The transition time
// changes only when the status does, so an unchanged world leaves conds
// byte-for-byte equal.
func Set(conds *[]metav1.Condition, generation int64, c Condition, now metav1.Time) {
	meta.SetStatusCondition(conds, metav1.Condition{
		Type:               string(c.Type),
		Status:             c.Status,
		Reason:             string(c.Reason),
		Message:            c.Message,
		ObservedGeneration: generation,
		LastTransitionTime: now,
	})
}

// IsTrue reports whether the condition of type t is True.
func IsTrue(conds []metav1.Condition, t v1alpha1.ConditionType) bool {
	return meta.IsStatusConditionTrue(conds, string(t))
}

// Get returns the condition of type t, or nil.
func Get(conds []metav1.Condition, t v1alpha1.ConditionType) *metav1.Condition {
	return meta.FindStatusCondition(conds, string(t))
}

// Ready is the Ready condition among conds, or Unknown (Reconciling)
// before the operator has written one.
func Ready(conds []metav1.Condition) metav1.Condition {
	if c := meta.FindStatusCondition(conds, string(v1alpha1.ConditionReady)); c != nil {
		return *c
	}
	return metav1.Condition{Type: string(v1alpha1.ConditionReady), Status: metav1.ConditionUnknown,
		Reason: string(v1alpha1.ReasonReconciling), Message: "the operator has not decided yet"}
}

// passesWithTime are the Ready reasons that change by themselves, with no
// one to act: an appointment or an agreement that starts later, a gateway
// that has not reported on a route yet, a service out of reach for a while
// (its agreements keep their keys; the service itself says who must act).
// They are defined here once, for every kind.
var passesWithTime = map[v1alpha1.ConditionReason]bool{
	v1alpha1.ReasonNotYetValid:           true,
	v1alpha1.ReasonAppointmentNotStarted: true,
	v1alpha1.ReasonWaitingForGateway:     true,
	v1alpha1.ReasonServiceUnreachable:    true,
}

// announcedByDependency are the Ready reasons that say another object is
// not Ready: that object's own Event already tells it.
var announcedByDependency = map[v1alpha1.ConditionReason]bool{
	v1alpha1.ReasonServiceNotReady: true,
	v1alpha1.ReasonAgencyNotReady:  true,
}

// Event is an Event a decision asks to record on its object.
type Event struct {
	// Type is Normal or Warning.
	Type string
	// Reason is the Event's reason: a condition reason of this API, or
	// what the operator did (KeysWithdrawn).
	Reason string
	// Action is what happened, for example KeyRotated.
	Action string
	// Message says it in words.
	Message string
}

// Announcement is the Event that a change of an object's Ready condition
// deserves.
type Announcement struct {
	// Type is the Event's type: Normal or Warning.
	Type string
	// Action is what happened: BecameReady, LostReady or NotReady.
	Action string
}

// Announce says whether a change of Ready from before (nil when the object
// had none) to after carries news for a person, and which. Becoming Ready
// and ceasing to be Ready always do. A new state that is not Ready does
// only when someone must act on this object: not when it passes with time
// or is not decided yet (a route the gateway has not reported on yet,
// seen for a moment as a service is published), nor when it repeats
// another object's state, which that object announces.
func Announce(before, after *metav1.Condition) (Announcement, bool) {
	if after == nil || after.Status == metav1.ConditionUnknown {
		return Announcement{}, false
	}
	if before != nil && before.Status == after.Status && before.Reason == after.Reason {
		return Announcement{}, false
	}
	reason := v1alpha1.ConditionReason(after.Reason)
	switch {
	case after.Status == metav1.ConditionTrue:
		return Announcement{Type: corev1.EventTypeNormal, Action: "BecameReady"}, true
	case before != nil && before.Status == metav1.ConditionTrue:
		return Announcement{Type: corev1.EventTypeWarning, Action: "LostReady"}, true
	case passesWithTime[reason] || announcedByDependency[reason]:
		return Announcement{}, false
	}
	return Announcement{Type: corev1.EventTypeWarning, Action: "NotReady"}, true
}

// warnWhenRaised are the conditions whose turning True someone must hear
// of at once: a deadline of the regulation has passed (a yearly review,
// the open data's refresh, an answer to a request).
var warnWhenRaised = map[v1alpha1.ConditionType]bool{
	v1alpha1.ConditionReviewDue:       true,
	v1alpha1.ConditionOpenDataStale:   true,
	v1alpha1.ConditionResponseOverdue: true,
}

// Raised says whether after, replacing before (nil when there was none),
// is one of those conditions turning True, and the Event that tells it: a
// Warning whose action is the condition's type, with its reason and
// message.
func Raised(before *metav1.Condition, after Condition) (Announcement, bool) {
	if !warnWhenRaised[after.Type] || after.Status != metav1.ConditionTrue || before != nil && before.Status == metav1.ConditionTrue {
		return Announcement{}, false
	}
	return Announcement{Type: corev1.EventTypeWarning, Action: string(after.Type)}, true
}

// Stalled is the Stalled condition that goes with ready: True, with ready's
// reason and message, when the object is not Ready and waits on a person;
// False when it is Ready, or not Ready only for a while (its reason passes
// with time, or it is not decided yet).
func Stalled(ready Condition) Condition {
	switch {
	case ready.Status == metav1.ConditionTrue:
		return False(v1alpha1.ConditionStalled, v1alpha1.ReasonReady, "the object is Ready")
	case passesWithTime[ready.Reason] || ready.Status == metav1.ConditionUnknown:
		return False(v1alpha1.ConditionStalled, v1alpha1.ReasonProgressing, "not Ready yet, and no one needs to act: "+ready.Message)
	}
	return True(v1alpha1.ConditionStalled, ready.Reason, ready.Message)
}
