// Package accesslog is the collector of the LGSP gateway's access logs:
// Envoy streams every request to it over gRPC (Envoy's Access Log
// Service), it maps each to its DataService and agreement, counts it in
// the metrics at once, and adds it to the agreement's status.usage at
// each flush. Every replica of the operator receives its share and
// flushes it: writes are guarded by the agreement's resourceVersion, so
// that two replicas, or a write racing the cache, never count a request
// twice; a write that loses the race is tried again at the next flush.
package accesslog

import (
	"context"
	"strings"
	"sync"
	"time"

	accesslogdatav3 "github.com/envoyproxy/go-control-plane/envoy/data/accesslog/v3"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/traffic"
)

// consumerHeader is the consumer header as Envoy reports request headers:
// lower case.
var consumerHeader = strings.ToLower(v1alpha1.HeaderConsumer)

// Collector counts the requests of the access logs. Its memory is bounded
// by the agreements that had requests since the last flush, never by the
// number of requests: an entry that names no live agreement is counted in
// the metrics only, under a bounded label.
type Collector struct {
	// Reader is the operator's cache: the DataServices, Agencies and
	// agreements an entry is mapped to.
	Reader client.Reader
	// Zone is the province's: months are its months.
	Zone *time.Location
	// Now is the operator's clock, for an entry that carries no time.
	Now func() time.Time

	mu      sync.Mutex
	pending map[client.ObjectKey]*traffic.Tally
	// recent are the services' requests and upstream failures by minute,
	// since the last flush.
	recent map[client.ObjectKey]traffic.Minutes
}

// entry is what the collector reads of one access-log entry.
type entry struct {
	route    string
	consumer string
	// requestID is the X-Request-ID the gateway kept or made: what traces
	// the exchange end to end.
	requestID string
	code      uint32
	at        time.Time
	duration  time.Duration
	bytes     uint64
}

func entryOf(e *accesslogdatav3.HTTPAccessLogEntry) entry {
	common := e.GetCommonProperties()
	out := entry{
		route:     common.GetRouteName(),
		consumer:  e.GetRequest().GetRequestHeaders()[consumerHeader],
		requestID: e.GetRequest().GetRequestId(),
		code:      e.GetResponse().GetResponseCode().GetValue(),
		bytes:     e.GetResponse().GetResponseBodyBytes(),
	}
	if t := common.GetStartTime(); t != nil {
		out.at = t.AsTime()
	}
	if d := common.GetTimeToLastDownstreamTxByte(); d != nil {
		out.duration = d.AsDuration()
	}
	return out
}

// Count maps one entry to its service and agreement and counts it.
func (c *Collector) Count(ctx context.Context, e *accesslogdatav3.HTTPAccessLogEntry) {
	en := entryOf(e)
	outcome := traffic.OutcomeOf(en.code)
	ns, name, ok := traffic.ServiceOfRoute(en.route)
	ds := &v1alpha1.DataService{}
	if !ok || c.Reader.Get(ctx, client.ObjectKey{Namespace: ns, Name: name}, ds) != nil {
		ignored.WithLabelValues(ignoredUnownedRoute).Inc()
		return
	}
	service := ns + "/" + name
	observe(service, outcome, en)
	c.countMinute(client.ObjectKey{Namespace: ns, Name: name}, en.at, outcome)
	if ds.Spec.Access.Audience == v1alpha1.AudiencePublic {
		// Open data is counted per service: nobody is named.
		requests.WithLabelValues(service, consumerOpenData, string(outcome)).Inc()
		return
	}
	agreement, consumer, ok := c.agreementOf(ctx, en.consumer, ds)
	if !ok {
		// Refused before any key matched (no key, a wrong one), or a key
		// of no live agreement: the service's failures, nobody's usage.
		// Its request id lets the platform team find it in the gateway's
		// and the backend's logs; the consumer header is not logged, as
		// it may be anything a caller sent.
		requests.WithLabelValues(service, consumerUnknown, string(outcome)).Inc()
		ctrl.LoggerFrom(ctx).V(1).Info("a request of no live agreement", "service", service, "outcome", outcome, "requestID", en.requestID)
		return
	}
	requests.WithLabelValues(service, consumer, string(outcome)).Inc()
	responseBytes.WithLabelValues(service, consumer).Add(float64(en.bytes))
	at := en.at
	if at.IsZero() {
		at = c.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[client.ObjectKey]*traffic.Tally{}
	}
	t := c.pending[agreement]
	if t == nil {
		t = &traffic.Tally{}
		c.pending[agreement] = t
	}
	t.Add(at, outcome, c.Zone)
}

// agreementOf finds the agreement whose key the consumer header names,
// for service ds: the agency it names holds a namespace, the agreement is
// there and asks for ds, and the key is one it recorded.
func (c *Collector) agreementOf(ctx context.Context, header string, ds *v1alpha1.DataService) (client.ObjectKey, string, bool) {
	caller, ok := traffic.CallerOf(header)
	if !ok {
		return client.ObjectKey{}, "", false
	}
	agency := &v1alpha1.Agency{}
	if c.Reader.Get(ctx, client.ObjectKey{Name: caller.Agency}, agency) != nil {
		return client.ObjectKey{}, "", false
	}
	key := client.ObjectKey{Namespace: string(agency.Spec.Namespace), Name: caller.Agreement}
	sa := &v1alpha1.SharingAgreement{}
	if c.Reader.Get(ctx, key, sa) != nil || string(sa.Spec.Service.Namespace) != ds.Namespace || string(sa.Spec.Service.Name) != ds.Name {
		return client.ObjectKey{}, "", false
	}
	for _, id := range sa.Status.Credential.KeyIDs {
		if id == caller.KeyID {
			return key, caller.Agency, true
		}
	}
	return client.ObjectKey{}, "", false
}

// countMinute counts a request in its service's minute, for
// ConnectionDegraded.
func (c *Collector) countMinute(service client.ObjectKey, at time.Time, outcome traffic.Outcome) {
	if at.IsZero() {
		at = c.Now()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recent == nil {
		c.recent = map[client.ObjectKey]traffic.Minutes{}
	}
	if c.recent[service] == nil {
		c.recent[service] = traffic.Minutes{}
	}
	c.recent[service].Add(at, outcome)
}

// drainRecent takes the services' minutes counted since the last flush.
func (c *Collector) drainRecent() map[client.ObjectKey]traffic.Minutes {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.recent
	c.recent = nil
	return out
}

// giveBackRecent puts back minutes a flush could not write.
func (c *Collector) giveBackRecent(key client.ObjectKey, m traffic.Minutes) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.recent == nil {
		c.recent = map[client.ObjectKey]traffic.Minutes{}
	}
	if have := c.recent[key]; have != nil {
		have.Merge(m)
		return
	}
	c.recent[key] = m
}

// drain takes what was counted since the last flush.
func (c *Collector) drain() map[client.ObjectKey]*traffic.Tally {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.pending
	c.pending = nil
	return out
}

// giveBack puts back a tally a flush could not write, for the next.
func (c *Collector) giveBack(key client.ObjectKey, t *traffic.Tally) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pending == nil {
		c.pending = map[client.ObjectKey]*traffic.Tally{}
	}
	if have := c.pending[key]; have != nil {
		have.Merge(*t)
		return
	}
	c.pending[key] = t
}
