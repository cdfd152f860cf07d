package accesslog

import (
	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// The traffic metrics. Their labels are services ("namespace/name"),
// consumer agencies and outcomes: at most one series per service and
// outcome for each consumer agency with a live agreement on it, plus
// consumerOpenData and consumerUnknown. Never a key, a client id or a
// person.
var (
	requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "datashare_requests_total",
		Help: "Requests the LGSP gateway carried, by DataService, consumer agency (open-data for open data, unknown when no live agreement's key was used) and outcome.",
	}, []string{"service", "consumer", "outcome"})
	duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "datashare_request_duration_seconds",
		Help:    "Time from the first byte of a request to the last byte of its response, at the gateway, by DataService and outcome.",
		Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30},
	}, []string{"service", "outcome"})
	responseBytes = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "datashare_response_bytes_total",
		Help: "Bytes of response bodies the gateway sent to consumers with a live agreement, by DataService and consumer agency.",
	}, []string{"service", "consumer"})
	ignored = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "datashare_access_log_entries_ignored_total",
		Help: "Access-log entries not counted for any DataService: their route is not one the operator wrote.",
	}, []string{"reason"})
	usageWrites = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "datashare_usage_writes_total",
		Help: "Writes of agreements' status.usage by the collector's flushes, by result (written, or conflict: tried again at the next flush).",
	}, []string{"result"})
)

const (
	consumerOpenData    = "open-data"
	consumerUnknown     = "unknown"
	ignoredUnownedRoute = "unowned_route"
)

// Collectors are the traffic metrics, for what reads their names before
// any request made a series (the dashboard's test).
func Collectors() []prometheus.Collector {
	return []prometheus.Collector{requests, duration, responseBytes, ignored, usageWrites}
}

func init() {
	metrics.Registry.MustRegister(requests, duration, responseBytes, ignored, usageWrites)
	ignored.WithLabelValues(ignoredUnownedRoute)
	for _, r := range []string{"written", "conflict"} {
		usageWrites.WithLabelValues(r)
	}
}

func observe(service string, outcome traffic.Outcome, e entry) {
	duration.WithLabelValues(service, string(outcome)).Observe(e.duration.Seconds())
}
