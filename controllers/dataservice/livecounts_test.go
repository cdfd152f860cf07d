package dataservice

import (
	"testing"
	"time"

	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"k8s.io/apimachinery/pkg/types"
)

func TestLiveCountsAreWrittenOnceForAllKeysOfSummaryDelay(t *testing.T) {
	var counts liveCounts
	a, b := types.NamespacedName{Namespace: "so-tp", Name: "a"}, types.NamespacedName{Namespace: "so-tp", Name: "b"}
	t0 := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	for _, step := range []struct {
		what    string
		service types.NamespacedName
		stale   bool
		now     time.Time
		write   bool
		at      time.Time
	}{
		{"a count in step is not written", a, false, t0, false, time.Time{}},
		{"a count that falls behind waits", a, true, t0, false, t0.Add(kit.SummaryDelay)},
		{"another key in the meantime does not push the moment back", a, true, t0.Add(3 * time.Second), false, t0.Add(kit.SummaryDelay)},
		{"another service keeps its own moment", b, true, t0.Add(3 * time.Second), false, t0.Add(3*time.Second + kit.SummaryDelay)},
		{"at the moment, the count is written", a, true, t0.Add(kit.SummaryDelay), true, time.Time{}},
		{"and the next change waits afresh", a, true, t0.Add(kit.SummaryDelay + time.Second), false, t0.Add(kit.SummaryDelay + time.Second + kit.SummaryDelay)},
		{"a count back in step by itself forgets the moment", a, false, t0.Add(kit.SummaryDelay + 2*time.Second), false, time.Time{}},
		{"so the next change waits afresh too", a, true, t0.Add(kit.SummaryDelay + 3*time.Second), false, t0.Add(kit.SummaryDelay + 3*time.Second + kit.SummaryDelay)},
	} {
		write, at := counts.due(step.service, step.stale, step.now)
		if write != step.write || !at.Equal(step.at) {
			t.Errorf("%s: due = %v, %v; want %v, %v", step.what, write, at, step.write, step.at)
		}
	}
}
