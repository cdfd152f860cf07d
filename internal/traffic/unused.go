package traffic

import (
	"fmt"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// UnusedSince is the moment from which a live agreement's grant counts as
// unused: its last request, or, when it has carried none, the moment it
// became live (its Ready condition's transition to True). Zero when the
// agreement is not live.
func UnusedSince(sa *v1alpha1.SharingAgreement) time.Time {
	ready := conditions.Get(sa.Status.Conditions, v1alpha1.ConditionReady)
	if ready == nil || ready.Status != metav1.ConditionTrue {
		return time.Time{}
	}
	since := ready.LastTransitionTime.Time
	if u := sa.Status.Usage; u != nil && u.LastRequestAt != nil && u.LastRequestAt.After(since) {
		since = u.LastRequestAt.Time
	}
	return since
}

// Unused is a live agreement's Unused condition: True once period has
// passed since UnusedSince with no request, with the date of its last use;
// and the moment it turns True, when that is still to come. live is the
// decision's: an agreement that is not live grants nothing to use.
func Unused(sa *v1alpha1.SharingAgreement, live bool, period time.Duration, now time.Time) (conditions.Condition, time.Time) {
	if !live {
		return conditions.False(v1alpha1.ConditionUnused, v1alpha1.ReasonNotLive, "the agreement is not live: nothing is granted to use"), time.Time{}
	}
	since := UnusedSince(sa)
	if since.IsZero() {
		// Live from this very decision: its status says so once written.
		since = now
	}
	last := "since it became live at " + clock.Format(since)
	if u := sa.Status.Usage; u != nil && u.LastRequestAt != nil && !u.LastRequestAt.Time.Before(since) {
		last = "since its last request at " + clock.Format(since)
	}
	due := since.Add(period)
	if now.Before(due) {
		return conditions.False(v1alpha1.ConditionUnused, v1alpha1.ReasonInUse,
			fmt.Sprintf("the gateway carried a request within %s (%s); unused from %s if none comes", period, last, clock.Format(due))), due
	}
	return conditions.True(v1alpha1.ConditionUnused, v1alpha1.ReasonNoRequests,
		fmt.Sprintf("no request through the gateway %s, more than %s: the provider and the DIC review this grant at the yearly review (Điều 3.3), and the consumer withdraws the agreement if it no longer needs it", last, period)), time.Time{}
}
