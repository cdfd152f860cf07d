package controllers

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
)

// requeueAt asks to be called again at next, the moment a decision changes
// by the clock alone; a zero next asks for nothing.
func requeueAt(next, now time.Time) ctrl.Result {
	if next.IsZero() {
		return ctrl.Result{}
	}
	wait := next.Sub(now)
	if wait <= 0 {
		wait = time.Millisecond
	}
	return ctrl.Result{RequeueAfter: wait}
}

// announceReadyChange records an Event when an object becomes Ready, stops
// being Ready, or stays not Ready for another reason.
func announceReadyChange(rec events.EventRecorder, obj runtime.Object, before, after *metav1.Condition) {
	if rec == nil || after == nil {
		return
	}
	if before != nil && before.Status == after.Status && before.Reason == after.Reason {
		return
	}
	switch {
	case after.Status == metav1.ConditionTrue:
		rec.Eventf(obj, nil, corev1.EventTypeNormal, after.Reason, "BecameReady", "%s", after.Message)
	case before != nil && before.Status == metav1.ConditionTrue:
		rec.Eventf(obj, nil, corev1.EventTypeWarning, after.Reason, "LostReady", "%s", after.Message)
	default:
		rec.Eventf(obj, nil, corev1.EventTypeWarning, after.Reason, "NotReady", "%s", after.Message)
	}
}
