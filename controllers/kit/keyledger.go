package kit

import (
	"sync"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/event"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/registry"
)

// KeyHistoryDelay is how long counts wait for a reconcile of their Agency
// before the ledger asks for one.
const KeyHistoryDelay = 30 * time.Second

// KeyLedger carries the counts of keys issued and revoked to the key
// history in each provider's Agency status. The agreement controller
// records each key as it goes; the Agency controller adds what is pending
// to the status it writes anyway (the counts of agreements change at the
// same moments), so that a key costs no write of its own.
//
// Counts recorded but not yet written are lost if the process stops first:
// at most KeyHistoryDelay's worth, as the key counters of the metrics
// restart from zero.
type KeyLedger struct {
	zone *time.Location
	// notify asks the Agency controller to look at a provider's namespace.
	notify chan event.GenericEvent

	mu sync.Mutex
	// pending are the counts not yet written, by provider namespace.
	pending map[string][]v1alpha1.KeyMonth
	// written is the history this process last wrote for a namespace: the
	// base of the next write, since the cache may not show it yet.
	written map[string][]v1alpha1.KeyMonth
}

// Notifications are the provider namespaces whose counts wait for their
// Agency's next status write, as events for the Agency controller's watch.
func (l *KeyLedger) Notifications() <-chan event.GenericEvent { return l.notify }

// NewKeyLedger is an empty ledger whose months are the province's (zone).
func NewKeyLedger(zone *time.Location) *KeyLedger {
	return &KeyLedger{zone: zone, notify: make(chan event.GenericEvent, 1024),
		pending: map[string][]v1alpha1.KeyMonth{}, written: map[string][]v1alpha1.KeyMonth{}}
}

// Issued records a key Issued at a moment for an agreement on a service
// in namespace; rotated when it replaced the agreement's current key.
func (l *KeyLedger) Issued(namespace string, at time.Time, rotated bool) {
	m := v1alpha1.KeyMonth{Month: registry.KeyMonthOf(at, l.zone), Issued: 1}
	if rotated {
		m.Rotated = 1
	}
	l.add(namespace, m)
}

// Revoked records n keys removed at a moment for an agreement on a
// service in namespace.
func (l *KeyLedger) Revoked(namespace string, at time.Time, n int) {
	if n > 0 {
		l.add(namespace, v1alpha1.KeyMonth{Month: registry.KeyMonthOf(at, l.zone), Revoked: int32(n)})
	}
}

func (l *KeyLedger) add(namespace string, m v1alpha1.KeyMonth) {
	l.mu.Lock()
	first := len(l.pending[namespace]) == 0
	l.pending[namespace] = registry.AddKeyCounts(l.pending[namespace], []v1alpha1.KeyMonth{m})
	l.mu.Unlock()
	if first {
		l.Look(namespace)
	}
}

// Look asks the Agency controller to Look at the agency holding
// namespace.
func (l *KeyLedger) Look(namespace string) {
	l.notify <- event.GenericEvent{Object: &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: namespace}}}
}

// History is the key History to write for namespace, from recorded (the
// status as the cache shows it) or what this process last wrote, with
// the pending counts added; and those counts, to settle once written.
func (l *KeyLedger) History(namespace string, recorded []v1alpha1.KeyMonth) (next, counted []v1alpha1.KeyMonth) {
	l.mu.Lock()
	defer l.mu.Unlock()
	base, ok := l.written[namespace]
	if !ok {
		base = recorded
	}
	counted = l.pending[namespace]
	return registry.AddKeyCounts(base, counted), counted
}

// Wrote settles counted, written to namespace's Agency as history. What
// was recorded in the meantime asks for another look.
func (l *KeyLedger) Wrote(namespace string, history, counted []v1alpha1.KeyMonth) {
	if l.Settle(namespace, history, counted) {
		l.Look(namespace)
	}
}

// Settle subtracts counted from the pending counts and reports whether
// any are left.
func (l *KeyLedger) Settle(namespace string, history, counted []v1alpha1.KeyMonth) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.written[namespace] = history
	left := l.pending[namespace][:0:0]
	for _, p := range l.pending[namespace] {
		for _, c := range counted {
			if c.Month == p.Month {
				p.Issued, p.Rotated, p.Revoked = p.Issued-c.Issued, p.Rotated-c.Rotated, p.Revoked-c.Revoked
			}
		}
		if p.Issued != 0 || p.Rotated != 0 || p.Revoked != 0 {
			left = append(left, p)
		}
	}
	if len(left) == 0 {
		delete(l.pending, namespace)
		return false
	}
	l.pending[namespace] = left
	return true
}
