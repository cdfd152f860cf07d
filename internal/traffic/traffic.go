// Package traffic counts the requests the LGSP gateway carries, from its
// access logs: which agreement each belongs to, how it ended, and the
// monthly totals an agreement's status keeps. It is pure: the collector
// that receives the logs, and writes the counts, is in controllers/accesslog.
package traffic

import (
	"slices"
	"strings"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// Outcome is how a request ended, as the metrics label it.
type Outcome string

// The outcomes of a request.
const (
	// OutcomeSuccess: answered below 400.
	OutcomeSuccess Outcome = "success"
	// OutcomeRefused: the gateway or the backend refused the caller (401,
	// 403): a key missing, wrong or revoked.
	OutcomeRefused Outcome = "refused"
	// OutcomeRateLimited: over the consumer's rate limit (429).
	OutcomeRateLimited Outcome = "rate_limited"
	// OutcomeClientError: any other 4xx.
	OutcomeClientError Outcome = "client_error"
	// OutcomeServerError: a 5xx, or no response at all (the upstream could
	// not be reached, the connection was reset).
	OutcomeServerError Outcome = "server_error"
)

// Outcomes are every outcome, in the order the metrics export them.
var Outcomes = []Outcome{OutcomeSuccess, OutcomeRefused, OutcomeRateLimited, OutcomeClientError, OutcomeServerError}

// OutcomeOf is how a request that ended with HTTP status code ended; 0 is
// no response.
func OutcomeOf(code uint32) Outcome {
	switch {
	case code == 0 || code >= 500:
		return OutcomeServerError
	case code == 401 || code == 403:
		return OutcomeRefused
	case code == 429:
		return OutcomeRateLimited
	case code >= 400:
		return OutcomeClientError
	default:
		return OutcomeSuccess
	}
}

// Failed says whether an outcome counts as an error of its agreement.
func (o Outcome) Failed() bool { return o != OutcomeSuccess }

// ServiceOfRoute names the DataService, as namespace and name, whose route
// Envoy Gateway reports as routeName ("httproute/<namespace>/<route>/rule/
// <n>/match/<m>/<host>"); false for a route the operator did not write.
func ServiceOfRoute(routeName string) (namespace, name string, ok bool) {
	parts := strings.Split(routeName, "/")
	if len(parts) < 3 || parts[0] != "httproute" {
		return "", "", false
	}
	name, ok = strings.CutPrefix(parts[2], names.ServiceObjectName(&v1alpha1.DataService{}))
	if !ok || name == "" || parts[1] == "" {
		return "", "", false
	}
	return parts[1], name, true
}

// Caller is who made a request, as the gateway's API-key filter names it
// in the consumer header: "<consumer agency>.<agreement>.<key id>".
type Caller struct {
	Agency, Agreement, KeyID string
}

// CallerOf reads the consumer header; false when it does not name a key
// the operator issued (the sentinel, an empty or forged value).
func CallerOf(header string) (Caller, bool) {
	parts := strings.Split(header, ".")
	if len(parts) != 3 || slices.Contains(parts, "") {
		return Caller{}, false
	}
	return Caller{Agency: parts[0], Agreement: parts[1], KeyID: parts[2]}, true
}

// MonthsKept is how many months an agreement's usage keeps: this month and
// the twelve before.
const MonthsKept = 13

// Tally is what a flush adds to one agreement's usage.
type Tally struct {
	Requests, Errors int64
	// Last is the latest request's time.
	Last time.Time
	// ByMonth are the requests and errors by month ("2006-01" in the
	// province's zone): a flush interval can cross a month's end.
	ByMonth map[string][2]int64
}

// Add counts one request at moment at that ended in outcome; zone is the
// province's.
func (t *Tally) Add(at time.Time, outcome Outcome, zone *time.Location) {
	if t.ByMonth == nil {
		t.ByMonth = map[string][2]int64{}
	}
	m := t.ByMonth[at.In(zone).Format("2006-01")]
	m[0]++
	t.Requests++
	if outcome.Failed() {
		m[1]++
		t.Errors++
	}
	t.ByMonth[at.In(zone).Format("2006-01")] = m
	if at.After(t.Last) {
		t.Last = at
	}
}

// Merge adds other's counts to t.
func (t *Tally) Merge(other Tally) {
	for month, m := range other.ByMonth {
		if t.ByMonth == nil {
			t.ByMonth = map[string][2]int64{}
		}
		have := t.ByMonth[month]
		t.ByMonth[month] = [2]int64{have[0] + m[0], have[1] + m[1]}
	}
	t.Requests += other.Requests
	t.Errors += other.Errors
	if other.Last.After(t.Last) {
		t.Last = other.Last
	}
}

// AddUsage is usage with t added, keeping the months from the one of now
// back MonthsKept-1 months, oldest first. Counts of months older than that
// are dropped: the status is not an archive (the metrics and the portal's
// downloads are).
func AddUsage(usage *v1alpha1.Usage, t Tally, now time.Time, zone *time.Location) *v1alpha1.Usage {
	out := &v1alpha1.Usage{}
	if usage != nil {
		out = usage.DeepCopy()
	}
	months := map[string]v1alpha1.UsageMonth{}
	for _, m := range out.Months {
		months[m.Month] = m
	}
	for month, c := range t.ByMonth {
		m := months[month]
		m.Month, m.Requests, m.Errors = month, m.Requests+c[0], m.Errors+c[1]
		months[month] = m
	}
	current := now.In(zone)
	first := time.Date(current.Year(), current.Month()-(MonthsKept-1), 1, 0, 0, 0, 0, zone).Format("2006-01")
	out.Months = out.Months[:0]
	for month, m := range months {
		if month >= first {
			out.Months = append(out.Months, m)
		}
	}
	slices.SortFunc(out.Months, func(a, b v1alpha1.UsageMonth) int { return strings.Compare(a.Month, b.Month) })
	if !t.Last.IsZero() && (out.LastRequestAt == nil || t.Last.After(out.LastRequestAt.Time)) {
		last := t.Last.Truncate(time.Second)
		out.LastRequestAt = &metav1.Time{Time: last}
	}
	return out
}
