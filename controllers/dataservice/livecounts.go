package dataservice

import (
	"sync"
	"time"

	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"k8s.io/apimachinery/pkg/types"
)

// liveCounts holds back the write of a DataService's live-agreement count,
// as an Agency's counts are: while keys are issued and revoked, the count
// in the status is written summaryDelay after it first fell behind, once
// for every change in that time, instead of once per key. The key groups,
// which the gateway reads, are never held back; the count is for people.
type liveCounts struct {
	mu sync.Mutex
	// behind is, for each service whose status count is behind, the
	// moment the count must be written.
	behind map[types.NamespacedName]time.Time
}

// due says whether a service's count, which differs from its status
// (stale true) or not, is to be written at now; when not, the moment it
// will be.
func (l *liveCounts) due(service types.NamespacedName, stale bool, now time.Time) (bool, time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !stale {
		delete(l.behind, service)
		return false, time.Time{}
	}
	at, ok := l.behind[service]
	if !ok {
		if l.behind == nil {
			l.behind = map[types.NamespacedName]time.Time{}
		}
		at = now.Add(kit.SummaryDelay)
		l.behind[service] = at
	}
	if now.Before(at) {
		return false, at
	}
	delete(l.behind, service)
	return true, time.Time{}
}
