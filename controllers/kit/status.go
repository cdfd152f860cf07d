package kit

import (
	"context"
	"fmt"
	"slices"
	"time"

	"k8s.io/apimachinery/pkg/api/equality"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/tools/events"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// RequeueAt asks to be called again at next, the moment a decision changes
// by the clock alone; a zero next asks for nothing.
func RequeueAt(next, now time.Time) ctrl.Result {
	if next.IsZero() {
		return ctrl.Result{}
	}
	wait := next.Sub(now)
	if wait <= 0 {
		wait = time.Millisecond
	}
	return ctrl.Result{RequeueAfter: wait}
}

// AnnounceReadyChange records an Event when a change of an object's Ready
// condition carries news for a person (see conditions.Announce).
func AnnounceReadyChange(rec events.EventRecorder, obj runtime.Object, before, after *metav1.Condition) {
	if a, news := conditions.Announce(before, after); rec != nil && news {
		rec.Eventf(obj, nil, a.Type, after.Reason, a.Action, "%s", after.Message)
	}
}

// Emit records ev, a decision's Event, on obj; nil records nothing.
func Emit(rec events.EventRecorder, obj runtime.Object, ev *conditions.Event) {
	if ev != nil && rec != nil {
		rec.Eventf(obj, nil, ev.Type, ev.Reason, ev.Action, "%s", ev.Message)
	}
}

// conditioned is an object of this API: it has conditions, Ready among them.
type conditioned interface {
	client.Object
	GetConditions() []metav1.Condition
}

// WriteStatus patches obj's status when obj differs from base, its copy
// from before the reconcile, and records an Event when its Ready condition
// changes. A resync of an unchanged world writes nothing. It reports whether
// it wrote.
func WriteStatus[T conditioned](ctx context.Context, c client.Client, rec events.EventRecorder, obj, base T) (bool, error) {
	if equality.Semantic.DeepEqual(base, obj) {
		return false, nil
	}
	if err := c.Status().Patch(ctx, obj, client.MergeFrom(base)); err != nil {
		// Deleted since it was read: there is nobody left to tell.
		return false, client.IgnoreNotFound(fmt.Errorf("write status: %w", err))
	}
	ready := string(v1alpha1.ConditionReady)
	AnnounceReadyChange(rec, obj, meta.FindStatusCondition(base.GetConditions(), ready), meta.FindStatusCondition(obj.GetConditions(), ready))
	return true, nil
}

// statusful is an object of this API whose status the operator writes.
type statusful interface {
	conditioned
	StatusConditions() *[]metav1.Condition
	SetObservedGeneration(int64)
}

// Finish ends every Reconcile the same way: obj's status describes its
// generation, conds are set with it (and Stalled beside Ready), the status
// is written only when it differs from base, obj's copy from before the
// reconcile changed its status, and obj is looked at again at next. A
// change of Ready, and a deadline's condition turning True, are told by an
// Event (conditions.Announce, conditions.Raised). It reports whether it
// wrote.
func Finish[T statusful](ctx context.Context, c client.Client, rec events.EventRecorder, obj, base T,
	conds []conditions.Condition, now, next time.Time) (ctrl.Result, bool, error) {
	obj.SetObservedGeneration(obj.GetGeneration())
	t := metav1.NewTime(now)
	var raised []conditions.Condition
	for _, cond := range conds {
		if _, ok := conditions.Raised(conditions.Get(base.GetConditions(), cond.Type), cond); ok {
			raised = append(raised, cond)
		}
		conditions.Set(obj.StatusConditions(), obj.GetGeneration(), cond, t)
		if cond.Type == v1alpha1.ConditionReady {
			conditions.Set(obj.StatusConditions(), obj.GetGeneration(), conditions.Stalled(cond), t)
		}
	}
	wrote, err := WriteStatus(ctx, c, rec, obj, base)
	if err != nil {
		return ctrl.Result{}, false, err
	}
	if wrote && rec != nil {
		// A deadline that passed is heard of the moment it does.
		for _, cond := range raised {
			a, _ := conditions.Raised(nil, cond)
			rec.Eventf(obj, nil, a.Type, string(cond.Reason), a.Action, "%s", cond.Message)
		}
	}
	return RequeueAt(next, now), wrote, nil
}

// ChangeFinalizers applies change to obj's finalizers and, if it changed
// them, writes only them: a merge patch guarded by the resourceVersion, so
// that another writer's finalizer is never lost. An Update would send the
// whole object back, and the Go types add the empty structs a manifest left
// out (an agreement's spec.credentials: {}), which the API server counts as
// a new generation: every agreement was queued again by its own finalizer,
// and Argo CD would see a field nobody wrote.
// Every agreement's reconcile calls it and seldom changes anything, so the
// object is copied only when it does.
func ChangeFinalizers(ctx context.Context, c client.Client, obj client.Object, change func(client.Object, string) bool, finalizer string) error {
	before := slices.Clone(obj.GetFinalizers())
	if !change(obj, finalizer) {
		return nil
	}
	base := obj.DeepCopyObject().(client.Object)
	base.SetFinalizers(before)
	return c.Patch(ctx, obj, client.MergeFromWithOptions(base, client.MergeFromWithOptimisticLock{}))
}
