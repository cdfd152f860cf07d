package registry

import (
	"cmp"
	"slices"
	"time"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// KeyHistoryMonths is how many months of key counts an Agency's status
// keeps: two years, enough to compare a year with the one before.
const KeyHistoryMonths = 24

// KeyMonthOf is the month, as an Agency's key history names it, of a
// moment in the province's time zone.
func KeyMonthOf(t time.Time, zone *time.Location) string {
	return t.In(zone).Format("2006-01")
}

// AddKeyCounts adds counts to an agency's key history: months already
// there are summed, new ones inserted in order, and only the latest
// KeyHistoryMonths are kept. Neither argument is changed.
func AddKeyCounts(history, counts []v1alpha1.KeyMonth) []v1alpha1.KeyMonth {
	if len(counts) == 0 {
		return history
	}
	out := slices.Clone(history)
	for _, c := range counts {
		i, found := slices.BinarySearchFunc(out, c.Month, func(m v1alpha1.KeyMonth, month string) int { return cmp.Compare(m.Month, month) })
		if !found {
			out = slices.Insert(out, i, v1alpha1.KeyMonth{Month: c.Month})
		}
		out[i].Issued += c.Issued
		out[i].Rotated += c.Rotated
		out[i].Revoked += c.Revoked
	}
	if len(out) > KeyHistoryMonths {
		out = out[len(out)-KeyHistoryMonths:]
	}
	return out
}
