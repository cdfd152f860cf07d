package traffic

import (
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestDegraded(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	minute := func(m int, requests, failures int64) v1alpha1.TrafficMinute {
		return v1alpha1.TrafficMinute{Minute: metav1.NewTime(t0.Add(time.Duration(m) * time.Minute)), Requests: requests, UpstreamFailures: failures}
	}
	for _, tc := range []struct {
		name     string
		recent   []v1alpha1.TrafficMinute
		now      time.Time
		want     v1alpha1.ConditionReason
		wantNext time.Time
		message  string
	}{
		{"no traffic", nil, t0, v1alpha1.ReasonConnectionHealthy, time.Time{}, "0 of 0"},
		{"a few failures of a quiet service", []v1alpha1.TrafficMinute{minute(0, 5, 5)}, t0.Add(time.Minute), v1alpha1.ReasonConnectionHealthy, t0.Add(6 * time.Minute), "5 of 5"},
		{"a fifth failing", []v1alpha1.TrafficMinute{minute(0, 50, 0), minute(1, 50, 20)}, t0.Add(2 * time.Minute),
			v1alpha1.ReasonUpstreamFailing, t0.Add(6 * time.Minute), "20 of 100 requests (20%) failed upstream over the last 5m0s (5xx, or no answer), since 2026-12-06T08:01:00Z"},
		{"below a fifth", []v1alpha1.TrafficMinute{minute(0, 100, 19)}, t0.Add(time.Minute), v1alpha1.ReasonConnectionHealthy, t0.Add(6 * time.Minute), "19 of 100"},
		{"failures that left the window", []v1alpha1.TrafficMinute{minute(0, 50, 50), minute(6, 30, 0)}, t0.Add(7 * time.Minute),
			v1alpha1.ReasonConnectionHealthy, t0.Add(12 * time.Minute), "0 of 30"},
	} {
		c, next := Degraded(tc.recent, tc.now)
		if c.Reason != tc.want || !next.Equal(tc.wantNext) || !strings.Contains(c.Message, tc.message) {
			t.Errorf("%s: %+v next %v; want %s next %v with %q", tc.name, c, next, tc.want, tc.wantNext, tc.message)
		}
	}
}

func TestAddRecent(t *testing.T) {
	t0 := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	m := Minutes{}
	m.Add(t0.Add(10*time.Second), OutcomeSuccess)
	m.Add(t0.Add(20*time.Second), OutcomeServerError)
	m.Add(t0.Add(70*time.Second), OutcomeRefused)
	old := []v1alpha1.TrafficMinute{{Minute: metav1.NewTime(t0.Add(-10 * time.Minute)), Requests: 9}, {Minute: metav1.NewTime(t0), Requests: 1, UpstreamFailures: 1}}
	got := AddRecent(old, m, t0.Add(2*time.Minute))
	if len(got) != 2 || got[0].Requests != 3 || got[0].UpstreamFailures != 2 || got[1].Requests != 1 || got[1].UpstreamFailures != 0 {
		t.Errorf("recent %+v", got)
	}
	if len(old) != 2 || old[1].Requests != 1 {
		t.Error("AddRecent changed what it was given")
	}
}
