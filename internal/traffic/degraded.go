package traffic

import (
	"fmt"
	"slices"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
)

// A service's connection is degraded when, over the last DegradedWindow,
// at least DegradedMinRequests requests were carried and at least
// DegradedShare of them failed upstream: a few failures of a quiet service
// are no pattern, and a client's own errors (4xx) are not the connection's.
const (
	DegradedWindow      = 5 * time.Minute
	DegradedMinRequests = 20
	DegradedShare       = 0.2
)

// minutesKept is how many minutes a service's recent traffic keeps: the
// window, and the minute in progress.
const minutesKept = 6

// Minutes counts requests and upstream failures by minute (its start, in
// UTC).
type Minutes map[time.Time][2]int64

// Add counts one request at moment at that ended in outcome.
func (m Minutes) Add(at time.Time, outcome Outcome) {
	minute := at.UTC().Truncate(time.Minute)
	c := m[minute]
	c[0]++
	if outcome == OutcomeServerError {
		c[1]++
	}
	m[minute] = c
}

// Merge adds other's counts to m.
func (m Minutes) Merge(other Minutes) {
	for minute, c := range other {
		have := m[minute]
		m[minute] = [2]int64{have[0] + c[0], have[1] + c[1]}
	}
}

// AddRecent is recent with m added, keeping the minutes of the window
// before now, oldest first.
func AddRecent(recent []v1alpha1.TrafficMinute, m Minutes, now time.Time) []v1alpha1.TrafficMinute {
	all := Minutes{}
	for _, r := range recent {
		all[r.Minute.UTC()] = [2]int64{r.Requests, r.UpstreamFailures}
	}
	all.Merge(m)
	oldest := now.UTC().Truncate(time.Minute).Add(-(minutesKept - 1) * time.Minute)
	out := []v1alpha1.TrafficMinute{}
	for minute, c := range all {
		if !minute.Before(oldest) {
			out = append(out, v1alpha1.TrafficMinute{Minute: metav1.NewTime(minute), Requests: c[0], UpstreamFailures: c[1]})
		}
	}
	slices.SortFunc(out, func(a, b v1alpha1.TrafficMinute) int { return a.Minute.Compare(b.Minute.Time) })
	return out
}

// Degraded is a service's ConnectionDegraded condition at now, from its
// recent traffic, and the moment it may change by the clock alone (the
// oldest minute counted leaving the window).
func Degraded(recent []v1alpha1.TrafficMinute, now time.Time) (conditions.Condition, time.Time) {
	var requests, failures int64
	var since, next time.Time
	for _, r := range recent {
		end := r.Minute.Add(time.Minute)
		if !end.After(now.Add(-DegradedWindow)) {
			continue
		}
		requests += r.Requests
		failures += r.UpstreamFailures
		if r.UpstreamFailures > 0 && since.IsZero() {
			since = r.Minute.Time
		}
		next = clock.Earliest(next, end.Add(DegradedWindow))
	}
	if requests >= DegradedMinRequests && float64(failures) >= DegradedShare*float64(requests) {
		return conditions.True(v1alpha1.ConditionConnectionDegraded, v1alpha1.ReasonUpstreamFailing,
			fmt.Sprintf("%d of %d requests (%.0f%%) failed upstream over the last %s (5xx, or no answer), since %s: the agency must look at its backend, or the platform team at the way to it; consumers keep their keys",
				failures, requests, 100*float64(failures)/float64(requests), DegradedWindow, clock.Format(since))), next
	}
	return conditions.False(v1alpha1.ConditionConnectionDegraded, v1alpha1.ReasonConnectionHealthy,
		fmt.Sprintf("%d of %d requests failed upstream over the last %s", failures, requests, DegradedWindow)), next
}
