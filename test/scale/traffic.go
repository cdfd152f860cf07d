package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	accesslogdatav3 "github.com/envoyproxy/go-control-plane/envoy/data/accesslog/v3"
	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/service/accesslog/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// trafficStreams are the Envoy streams the traffic phase opens at once,
// and trafficFlush the operator's --usage-flush-interval while it runs.
const (
	trafficStreams = 4
	trafficFlush   = 10 * time.Second
)

// trafficFigures are what the traffic phase measured: the entries the
// collector took a second with the operator running, and the usage writes
// it made over the window.
type trafficFigures struct {
	agreements int
	entries    int64
	perSecond  float64
	window     time.Duration
	writes     int
}

func (f trafficFigures) String() string {
	if f.entries == 0 {
		return ""
	}
	return fmt.Sprintf("\n## The access-log collector\n\n| figure | value |\n|---|---|\n"+
		"| entries streamed (%d streams, %d agreements) | %d |\n| entries ingested a second, the operator running | %.0f |\n"+
		"| usage writes over %s (flush every %s) | %d, at most one per agreement per flush: %d agreements × %d flushes |\n",
		trafficStreams, f.agreements, f.entries, f.perSecond, f.window.Round(time.Second), trafficFlush, f.writes, f.agreements, int(f.window/trafficFlush))
}

// measureTraffic streams, as Envoy does, one entry after another for the
// live agreements to the operator's collector at addr for d, then counts
// how fast it took them (from its metrics) and how many usage writes it
// made over three flushes.
func measureTraffic(ctx context.Context, c client.Reader, reqs *testenv.RequestCounter, addr string, d time.Duration) (trafficFigures, error) {
	list := &v1alpha1.SharingAgreementList{}
	if err := c.List(ctx, list); err != nil {
		return trafficFigures{}, err
	}
	at := timestamppb.Now()
	var entries []*accesslogdatav3.HTTPAccessLogEntry
	for _, sa := range list.Items {
		if len(sa.Status.Credential.KeyIDs) == 0 || sa.Status.ConsumerAgency == "" {
			continue
		}
		entries = append(entries, &accesslogdatav3.HTTPAccessLogEntry{
			CommonProperties: &accesslogdatav3.AccessLogCommon{RouteName: "httproute/" + string(sa.Spec.Service.Namespace) + "/datashare-" + string(sa.Spec.Service.Name) + "/rule/0/match/0/*", StartTime: at},
			Request:          &accesslogdatav3.HTTPRequestProperties{RequestHeaders: map[string]string{"x-lgsp-consumer": sa.Status.ConsumerAgency + "." + sa.Name + "." + sa.Status.Credential.KeyIDs[0]}},
			Response:         &accesslogdatav3.HTTPResponseProperties{ResponseCode: wrapperspb.UInt32(200), ResponseBodyBytes: 2048},
		})
	}
	if len(entries) == 0 {
		return trafficFigures{}, fmt.Errorf("no live agreement to send traffic for")
	}
	before := reqs.Counts()
	counted0, err := requestsCounted()
	if err != nil {
		return trafficFigures{}, err
	}
	var sent atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, trafficStreams)
	for s := range trafficStreams {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- stream(ctx, addr, entries, s, start.Add(d), &sent)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return trafficFigures{}, err
		}
	}
	var ingested time.Duration
	for deadline := time.Now().Add(time.Minute); ; {
		counted, err := requestsCounted()
		if err != nil {
			return trafficFigures{}, err
		}
		if int64(counted-counted0) >= sent.Load() {
			ingested = time.Since(start)
			break
		}
		if time.Now().After(deadline) {
			return trafficFigures{}, fmt.Errorf("the collector counted %v of %d entries", counted-counted0, sent.Load())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Three flushes' worth of writes after the stream: the operator is
	// otherwise idle, so its agreement writes are the collector's.
	time.Sleep(time.Until(start.Add(d + 3*trafficFlush)))
	window := time.Since(start)
	writes := 0
	for _, n := range reqs.Since(before, func(r testenv.Request) bool {
		return r.Verb == http.MethodPatch && r.Resource == "sharingagreements/status"
	}) {
		writes += n
	}
	return trafficFigures{agreements: len(entries), entries: sent.Load(), perSecond: float64(sent.Load()) / ingested.Seconds(),
		writes: writes, window: window}, nil
}

// stream sends entries, in batches of 100 from offset, until deadline.
func stream(ctx context.Context, addr string, entries []*accesslogdatav3.HTTPAccessLogEntry, offset int, deadline time.Time, sent *atomic.Int64) error {
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		return err
	}
	defer func() { _ = conn.Close() }()
	s, err := accesslogv3.NewAccessLogServiceClient(conn).StreamAccessLogs(ctx)
	if err != nil {
		return err
	}
	const batch = 100
	for i := offset * batch; time.Now().Before(deadline); i += batch {
		var logs []*accesslogdatav3.HTTPAccessLogEntry
		for j := range batch {
			logs = append(logs, entries[(i+j)%len(entries)])
		}
		if err := s.Send(&accesslogv3.StreamAccessLogsMessage{LogEntries: &accesslogv3.StreamAccessLogsMessage_HttpLogs{
			HttpLogs: &accesslogv3.StreamAccessLogsMessage_HTTPAccessLogEntries{LogEntry: logs}}}); err != nil {
			return err
		}
		sent.Add(batch)
	}
	_, err = s.CloseAndRecv()
	return err
}

// requestsCounted is datashare_requests_total summed, as Prometheus reads it.
func requestsCounted() (float64, error) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return 0, err
	}
	var total float64
	for _, f := range families {
		if f.GetName() == "datashare_requests_total" {
			for _, m := range f.GetMetric() {
				total += m.GetCounter().GetValue()
			}
		}
	}
	return total, nil
}
