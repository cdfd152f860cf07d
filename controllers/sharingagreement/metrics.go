package sharingagreement

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// The operator's own metrics, beside controller-runtime's in the same
// registry. Labels are agencies, namespaces, object names, kinds and
// reasons: bounded sets. Keys, key ids and people never are.
var (
	keysIssued = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "datashare_keys_issued_total",
		Help: "Gateway keys issued to agreements, the first key of an agreement and every rotation.",
	})
	keysRotated = prometheus.NewCounter(prometheus.CounterOpts{
		Name: "datashare_keys_rotated_total",
		Help: "Gateway keys issued to replace an agreement's current key (scheduled or asked-for rotations).",
	})
	keysRevoked = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "datashare_keys_revoked_total",
		Help: "Gateway keys removed because their agreement stopped being live, by the agreement's state (its Ready reason, or Deleted).",
	}, []string{"reason"})
	revocationSeconds = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "datashare_key_revocation_duration_seconds",
		Help: "Time from an agreement ceasing to be live to the removal of its gateway keys: from the end of its window when it ended by the clock, " +
			"else from the start of the reconcile that found the change (the watch's delay not included).",
		Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30},
	}, []string{"reason"})
)

// reasonDeleted is the revocation reason of an agreement that was deleted.
const reasonDeleted = "Deleted"

func init() {
	metrics.Registry.MustRegister(keysIssued, keysRotated, keysRevoked, revocationSeconds)
	// Exported at zero from the start, so that rate() and the alerts see a
	// first revocation.
	keysRevoked.WithLabelValues(reasonDeleted)
	revocationSeconds.WithLabelValues(reasonDeleted)
}

// observeRevocation counts n gateway keys removed for reason, and the
// time since the agreement stopped being live.
func observeRevocation(n int, reason string, since time.Time, now time.Time) {
	if n == 0 {
		return
	}
	keysRevoked.WithLabelValues(reason).Add(float64(n))
	revocationSeconds.WithLabelValues(reason).Observe(now.Sub(since).Seconds())
}
