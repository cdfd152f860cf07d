package registry

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestAddKeyCounts(t *testing.T) {
	m := func(month string, issued, rotated, revoked int32) v1alpha1.KeyMonth {
		return v1alpha1.KeyMonth{Month: month, Issued: issued, Rotated: rotated, Revoked: revoked}
	}
	var twoYears []v1alpha1.KeyMonth
	for i := range KeyHistoryMonths {
		twoYears = append(twoYears, m(fmt.Sprintf("%04d-%02d", 2024+i/12, 1+i%12), 1, 0, 0))
	}
	for _, tc := range []struct {
		name            string
		history, counts []v1alpha1.KeyMonth
		want            []v1alpha1.KeyMonth
	}{
		{name: "nothing to add", history: []v1alpha1.KeyMonth{m("2026-10", 1, 0, 0)}, want: []v1alpha1.KeyMonth{m("2026-10", 1, 0, 0)}},
		{name: "first month", counts: []v1alpha1.KeyMonth{m("2026-11", 2, 0, 1)}, want: []v1alpha1.KeyMonth{m("2026-11", 2, 0, 1)}},
		{name: "same month summed", history: []v1alpha1.KeyMonth{m("2026-11", 2, 1, 0)}, counts: []v1alpha1.KeyMonth{m("2026-11", 1, 1, 3)},
			want: []v1alpha1.KeyMonth{m("2026-11", 3, 2, 3)}},
		{name: "months kept in order", history: []v1alpha1.KeyMonth{m("2026-09", 1, 0, 0), m("2026-11", 1, 0, 0)},
			counts: []v1alpha1.KeyMonth{m("2026-12", 0, 0, 1), m("2026-10", 4, 0, 0)},
			want:   []v1alpha1.KeyMonth{m("2026-09", 1, 0, 0), m("2026-10", 4, 0, 0), m("2026-11", 1, 0, 0), m("2026-12", 0, 0, 1)}},
		{name: "oldest month dropped after two years", history: twoYears, counts: []v1alpha1.KeyMonth{m("2026-01", 5, 0, 0)},
			want: append(append([]v1alpha1.KeyMonth{}, twoYears[1:]...), m("2026-01", 5, 0, 0))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := fmt.Sprint(tc.history)
			got := AddKeyCounts(tc.history, tc.counts)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("AddKeyCounts = %+v\nwant %+v", got, tc.want)
			}
			if fmt.Sprint(tc.history) != before {
				t.Errorf("AddKeyCounts changed its argument: %s, was %s", fmt.Sprint(tc.history), before)
			}
		})
	}
}

func TestKeyMonthOf(t *testing.T) {
	zone := time.FixedZone("ICT", 7*3600)
	// 20:00 UTC on the last day of a month is already the next month at +7.
	if got := KeyMonthOf(time.Date(2026, 11, 30, 20, 0, 0, 0, time.UTC), zone); got != "2026-12" {
		t.Errorf("KeyMonthOf = %s, want 2026-12", got)
	}
	if got := KeyMonthOf(time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), zone); got != "2026-11" {
		t.Errorf("KeyMonthOf = %s, want 2026-11", got)
	}
}
