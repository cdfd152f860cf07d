package traffic

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestUnused(t *testing.T) {
	live := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	period := 90 * 24 * time.Hour
	agreement := func(ready metav1.ConditionStatus, lastRequest time.Time) *v1alpha1.SharingAgreement {
		sa := &v1alpha1.SharingAgreement{Status: v1alpha1.SharingAgreementStatus{Conditions: []metav1.Condition{
			{Type: "Ready", Status: ready, Reason: "Active", LastTransitionTime: metav1.NewTime(live)}}}}
		if !lastRequest.IsZero() {
			sa.Status.Usage = &v1alpha1.Usage{LastRequestAt: &metav1.Time{Time: lastRequest}}
		}
		return sa
	}
	for _, tc := range []struct {
		name        string
		sa          *v1alpha1.SharingAgreement
		live        bool
		now         time.Time
		wantReason  v1alpha1.ConditionReason
		wantNext    time.Time
		wantMessage string
	}{
		{"never used, inside the period", agreement(metav1.ConditionTrue, time.Time{}), true, live.Add(30 * 24 * time.Hour),
			v1alpha1.ReasonInUse, live.Add(period), "since it became live at 2026-06-01T00:00:00Z"},
		{"never used, past the period", agreement(metav1.ConditionTrue, time.Time{}), true, live.Add(period),
			v1alpha1.ReasonNoRequests, time.Time{}, "no request through the gateway since it became live at 2026-06-01T00:00:00Z"},
		{"used lately", agreement(metav1.ConditionTrue, live.Add(100*24*time.Hour)), true, live.Add(120 * 24 * time.Hour),
			v1alpha1.ReasonInUse, live.Add(190 * 24 * time.Hour), "since its last request at 2026-09-09T00:00:00Z"},
		{"last used long ago", agreement(metav1.ConditionTrue, live.Add(time.Hour)), true, live.Add(period + 2*time.Hour),
			v1alpha1.ReasonNoRequests, time.Time{}, "since its last request at 2026-06-01T01:00:00Z"},
		{"live from this decision", agreement(metav1.ConditionFalse, time.Time{}), true, live.Add(365 * 24 * time.Hour),
			v1alpha1.ReasonInUse, live.Add(365*24*time.Hour + period), "since it became live at 2027-06-01T00:00:00Z"},
		{"not live", agreement(metav1.ConditionFalse, time.Time{}), false, live.Add(365 * 24 * time.Hour),
			v1alpha1.ReasonNotLive, time.Time{}, "not live"},
	} {
		c, next := Unused(tc.sa, tc.live, period, tc.now)
		if c.Reason != tc.wantReason || !next.Equal(tc.wantNext) || !strings.Contains(c.Message, tc.wantMessage) ||
			(c.Status == metav1.ConditionTrue) != (tc.wantReason == v1alpha1.ReasonNoRequests) {
			t.Errorf("%s: %+v, next %v; want %s, next %v, a message with %q", tc.name, c, next, tc.wantReason, tc.wantNext, tc.wantMessage)
		}
	}
}
