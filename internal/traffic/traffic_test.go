package traffic

import (
	"strconv"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestOutcomeOf(t *testing.T) {
	for code, want := range map[uint32]Outcome{
		200: OutcomeSuccess, 204: OutcomeSuccess, 304: OutcomeSuccess,
		401: OutcomeRefused, 403: OutcomeRefused, 429: OutcomeRateLimited,
		400: OutcomeClientError, 404: OutcomeClientError,
		500: OutcomeServerError, 503: OutcomeServerError, 0: OutcomeServerError,
	} {
		if got := OutcomeOf(code); got != want {
			t.Errorf("OutcomeOf(%d) = %s, want %s", code, got, want)
		}
	}
}

func TestServiceOfRoute(t *testing.T) {
	for _, tc := range []struct {
		route, ns, name string
		ok              bool
	}{
		{"httproute/so-tnmt/datashare-dat-dai/rule/0/match/0/lgsp_soctrang_gov_vn", "so-tnmt", "dat-dai", true},
		{"httproute/so-tnmt/datashare-dat-dai/rule/0/match/0/*", "so-tnmt", "dat-dai", true},
		{"httproute/so-tnmt/portal/rule/0/match/0/*", "", "", false},
		{"httproute/so-tnmt/datashare-/rule/0", "", "", false},
		{"grpcroute/so-tnmt/datashare-dat-dai/rule/0", "", "", false},
		{"", "", "", false},
	} {
		ns, name, ok := ServiceOfRoute(tc.route)
		if ns != tc.ns || name != tc.name || ok != tc.ok {
			t.Errorf("ServiceOfRoute(%q) = %q %q %v", tc.route, ns, name, ok)
		}
	}
}

func TestCallerOf(t *testing.T) {
	for header, ok := range map[string]bool{
		"ubnd-tp.dat-dai.3f9a": true, "lgsp-sentinel": false, "": false, "a.b": false, "a..c": false, "a.b.c.d": false,
	} {
		if _, got := CallerOf(header); got != ok {
			t.Errorf("CallerOf(%q) ok = %v, want %v", header, got, ok)
		}
	}
	if c, _ := CallerOf("ubnd-tp.dat-dai.3f9a"); c != (Caller{Agency: "ubnd-tp", Agreement: "dat-dai", KeyID: "3f9a"}) {
		t.Errorf("caller %+v", c)
	}
}

// TestAddUsage: counts add up month by month in the province's zone (a
// request at 18:00 UTC on 31 October is November's there), a thirteenth
// month back is dropped, and the last request only moves forward.
func TestAddUsage(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	var tally Tally
	tally.Add(time.Date(2026, 10, 31, 16, 0, 0, 0, time.UTC), OutcomeSuccess, zone)
	tally.Add(time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC), OutcomeRefused, zone)
	tally.Add(time.Date(2026, 11, 2, 1, 0, 0, 0, time.UTC), OutcomeServerError, zone)
	old := &v1alpha1.Usage{LastRequestAt: &metav1.Time{Time: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}, Months: []v1alpha1.UsageMonth{
		{Month: "2025-10", Requests: 9}, {Month: "2025-11", Requests: 4, Errors: 1}, {Month: "2026-10", Requests: 10, Errors: 2},
	}}
	got := AddUsage(old, tally, time.Date(2026, 11, 20, 0, 0, 0, 0, zone), zone)
	var months []string
	for _, m := range got.Months {
		months = append(months, m.Month+":"+itoa(m.Requests)+"/"+itoa(m.Errors))
	}
	if want := "2025-11:4/1 2026-10:11/2 2026-11:2/2"; strings.Join(months, " ") != want {
		t.Errorf("months %s, want %s", strings.Join(months, " "), want)
	}
	if !got.LastRequestAt.Time.Equal(old.LastRequestAt.Time) {
		t.Errorf("the last request went back to %v", got.LastRequestAt)
	}
	if len(old.Months) != 3 || old.Months[2].Requests != 10 {
		t.Error("AddUsage changed the usage it was given")
	}
	var merged Tally
	merged.Merge(tally)
	merged.Merge(tally)
	if merged.Requests != 6 || merged.Errors != 4 || merged.ByMonth["2026-11"] != [2]int64{4, 4} {
		t.Errorf("merged %+v", merged)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
