package controllers

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	accesslogdatav3 "github.com/envoyproxy/go-control-plane/envoy/data/accesslog/v3"
	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/service/accesslog/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/accesslog"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// accessLogEntry is what Envoy sends for one request through the route of
// DataService ns/ds, with the given request headers.
func accessLogEntry(ns, ds string, code uint32, at time.Time, headers map[string]string) *accesslogdatav3.HTTPAccessLogEntry {
	return &accesslogdatav3.HTTPAccessLogEntry{
		CommonProperties: &accesslogdatav3.AccessLogCommon{
			RouteName:                  "httproute/" + ns + "/datashare-" + ds + "/rule/0/match/0/lgsp_example_gov_vn",
			StartTime:                  timestamppb.New(at),
			TimeToLastDownstreamTxByte: durationpb.New(40 * time.Millisecond),
		},
		Request:  &accesslogdatav3.HTTPRequestProperties{RequestHeaders: headers},
		Response: &accesslogdatav3.HTTPResponseProperties{ResponseCode: wrapperspb.UInt32(code), ResponseBodyBytes: 512},
	}
}

// streamAccessLogs sends entries to the operator as one Envoy would, over
// the Access Log Service's gRPC stream, and closes it.
func streamAccessLogs(t *testing.T, entries ...*accesslogdatav3.HTTPAccessLogEntry) {
	t.Helper()
	conn, err := grpc.NewClient(accessLogAddr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	stream, err := accesslogv3.NewAccessLogServiceClient(conn).StreamAccessLogs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := stream.Send(&accesslogv3.StreamAccessLogsMessage{
		Identifier: &accesslogv3.StreamAccessLogsMessage_Identifier{LogName: "datashare"},
		LogEntries: &accesslogv3.StreamAccessLogsMessage_HttpLogs{HttpLogs: &accesslogv3.StreamAccessLogsMessage_HTTPAccessLogEntries{LogEntry: entries}},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := stream.CloseAndRecv(); err != nil {
		t.Fatal(err)
	}
}

// requestsCounted reads datashare_requests_total for one service, consumer
// and outcome, as Prometheus scrapes it.
func requestsCounted(t *testing.T, service, consumer, outcome string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "datashare_requests_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			if hasLabel(m, "service", service) && hasLabel(m, "consumer", consumer) && hasLabel(m, "outcome", outcome) {
				return m.GetCounter().GetValue()
			}
		}
	}
	return 0
}

// TestUsageComesFromTheGatewaysAccessLogs streams Envoy's access-log
// entries, built with Envoy's own Go types, to the operator over gRPC: each
// request counts once for its agreement and outcome in the metrics at once
// and in the agreement's status.usage at the next flush, adding to what
// was flushed before; a refused request without a key, and a route the
// operator did not write, count for nobody (the first is logged with its
// request id, for tracing); a key header Envoy was wrongly
// told to log reaches neither the status, the metrics nor the logs.
func TestUsageComesFromTheGatewaysAccessLogs(t *testing.T) {
	ds, sa, key := liveAgreement(t, "so-luu-luong", "ho-tich", "ubnd-luu-luong")
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	caller := names.ClientID("ubnd-luu-luong", sa, sa.Status.Credential.KeyIDs[0])
	service := ds.Namespace + "/" + ds.Name
	now := operatorClock.Now()
	withKey := map[string]string{"x-lgsp-consumer": caller, "x-api-key": key}
	refused := accessLogEntry(ds.Namespace, ds.Name, 401, now, nil)
	refused.Request.RequestId = "6f1c2a9e-refused-request"
	streamAccessLogs(t,
		accessLogEntry(ds.Namespace, ds.Name, 200, now, withKey),
		accessLogEntry(ds.Namespace, ds.Name, 200, now, map[string]string{"x-lgsp-consumer": caller}),
		accessLogEntry(ds.Namespace, ds.Name, 200, now, map[string]string{"x-lgsp-consumer": caller}),
		accessLogEntry(ds.Namespace, ds.Name, 503, now.Add(time.Second), map[string]string{"x-lgsp-consumer": caller}),
		refused,
		accessLogEntry(ds.Namespace, ds.Name, 200, now, map[string]string{"x-lgsp-consumer": "ubnd-luu-luong.khong-co.abc"}),
		&accesslogdatav3.HTTPAccessLogEntry{CommonProperties: &accesslogdatav3.AccessLogCommon{RouteName: "httproute/so-luu-luong/portal/rule/0"},
			Response: &accesslogdatav3.HTTPResponseProperties{ResponseCode: wrapperspb.UInt32(200)}},
	)
	eventually(t, 10*time.Second, "the metrics count each request once", func() error {
		for _, c := range []struct {
			consumer, outcome string
			want              float64
		}{
			{"ubnd-luu-luong", "success", 3}, {"ubnd-luu-luong", "server_error", 1},
			{"unknown", "refused", 1}, {"unknown", "success", 1},
		} {
			if got := requestsCounted(t, service, c.consumer, c.outcome); got != c.want {
				return errorf("%s %s: %v requests, want %v", c.consumer, c.outcome, got, c.want)
			}
		}
		return nil
	})

	// The request that counted for nobody can be traced by its id.
	if !strings.Contains(operatorLogs.String(), `"requestID": "6f1c2a9e-refused-request"`) {
		t.Error("the operator's log does not give the refused request's id")
	}
	month := now.In(mustZone(t)).Format("2006-01")
	usageIs := func(requests, errs int64) {
		t.Helper()
		eventuallyAfter(t, operatorClock, usageFlushInterval, "the flush writes the usage", func() error {
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
				return err
			}
			u := sa.Status.Usage
			if u == nil || len(u.Months) != 1 || u.Months[0] != (v1alpha1.UsageMonth{Month: month, Requests: requests, Errors: errs}) {
				return errorf("status.usage is %+v, want %s: %d requests, %d errors", u, month, requests, errs)
			}
			if u.LastRequestAt == nil || !u.LastRequestAt.Time.Equal(now.Add(time.Second).Truncate(time.Second)) {
				return errorf("lastRequestAt is %v", u.LastRequestAt)
			}
			return nil
		})
	}
	usageIs(4, 1)
	// What was flushed stays: the next flush adds to it.
	streamAccessLogs(t, accessLogEntry(ds.Namespace, ds.Name, 429, now, map[string]string{"x-lgsp-consumer": caller}))
	eventually(t, 10*time.Second, "the rate-limited request is counted", func() error {
		if got := requestsCounted(t, service, "ubnd-luu-luong", "rate_limited"); got != 1 {
			return errorf("%v", got)
		}
		return nil
	})
	usageIs(5, 2)

	status, err := json.Marshal(sa.Status)
	if err != nil {
		t.Fatal(err)
	}
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	scraped, err := json.Marshal(families)
	if err != nil {
		t.Fatal(err)
	}
	for where, text := range map[string]string{"status": string(status), "metrics": string(scraped), "logs": operatorLogs.String()} {
		if strings.Contains(text, key) {
			t.Errorf("the key sent in an access-log entry reached the %s", where)
		}
	}
}

func mustZone(t *testing.T) *time.Location {
	t.Helper()
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return zone
}

// TestAGrantWithNoRequestsIsReportedUnused: a live agreement that carries
// no request for the unused-grant period says so, with the moment it
// became live, without leaving Active; a request, once flushed, clears it.
func TestAGrantWithNoRequestsIsReportedUnused(t *testing.T) {
	ds, sa, _ := liveAgreement(t, "so-khong-dung", "ban-do", "ubnd-khong-dung")
	c := waitForUnused(t, sa, v1alpha1.ReasonInUse)
	if !strings.Contains(c.Message, "since it became live at") {
		t.Errorf("Unused: %q", c.Message)
	}
	advanceTo(t, operatorClock.Now().Add(unusedGrantPeriod))
	c = waitForUnused(t, sa, v1alpha1.ReasonNoRequests)
	if !strings.Contains(c.Message, "the provider and the DIC review this grant at the yearly review") {
		t.Errorf("Unused: %q", c.Message)
	}
	if ready, _ := conditionOf(t, sa, v1alpha1.ConditionReady); ready == nil || ready.Reason != string(v1alpha1.ReasonActive) {
		t.Errorf("an unused grant left Active: %+v", ready)
	}

	caller := names.ClientID("ubnd-khong-dung", sa, sa.Status.Credential.KeyIDs[0])
	streamAccessLogs(t, accessLogEntry(ds.Namespace, ds.Name, 200, operatorClock.Now(), map[string]string{"x-lgsp-consumer": caller}))
	eventually(t, 10*time.Second, "the request is counted", func() error {
		if requestsCounted(t, ds.Namespace+"/"+ds.Name, "ubnd-khong-dung", "success") != 1 {
			return errorf("not yet")
		}
		return nil
	})
	eventuallyAfter(t, operatorClock, usageFlushInterval, "the flushed request clears Unused", func() error {
		c, err := conditionOf(t, sa, v1alpha1.ConditionUnused)
		if err != nil {
			return err
		}
		if c == nil || c.Reason != string(v1alpha1.ReasonInUse) || !strings.Contains(c.Message, "since its last request at") {
			return errorf("Unused is %+v", c)
		}
		return nil
	})
}

// waitForUnused waits until the agreement's Unused condition has reason.
func waitForUnused(t *testing.T, sa *v1alpha1.SharingAgreement, reason v1alpha1.ConditionReason) *metav1.Condition {
	t.Helper()
	var c *metav1.Condition
	eventually(t, 20*time.Second, "Unused is "+string(reason), func() error {
		var err error
		if c, err = conditionOf(t, sa, v1alpha1.ConditionUnused); err != nil {
			return err
		}
		if c == nil || c.Reason != string(reason) {
			return errorf("Unused is %+v", c)
		}
		return nil
	})
	return c
}

// TestAFailingConnectionIsReported: when a fifth or more of a service's
// requests fail upstream over five minutes, its DataService says
// ConnectionDegraded with the figures (Ready is not its to decide); once
// the failures leave the window it says so no more.
func TestAFailingConnectionIsReported(t *testing.T) {
	ds, sa, _ := liveAgreement(t, "so-ket-noi", "cong-van", "ubnd-ket-noi")
	caller := names.ClientID("ubnd-ket-noi", sa, sa.Status.Credential.KeyIDs[0])
	now := operatorClock.Now()
	var entries []*accesslogdatav3.HTTPAccessLogEntry
	for i := range 25 {
		code := uint32(200)
		if i%5 < 2 {
			code = 503
		}
		entries = append(entries, accessLogEntry(ds.Namespace, ds.Name, code, now, map[string]string{"x-lgsp-consumer": caller}))
	}
	streamAccessLogs(t, entries...)
	eventually(t, 10*time.Second, "the requests are counted", func() error {
		if got := requestsCounted(t, ds.Namespace+"/"+ds.Name, "ubnd-ket-noi", "server_error"); got != 10 {
			return errorf("%v server errors counted", got)
		}
		return nil
	})
	var c *metav1.Condition
	eventuallyAfter(t, operatorClock, usageFlushInterval, "the service says its connection is degraded", func() error {
		var err error
		if c, err = conditionOf(t, ds, v1alpha1.ConditionConnectionDegraded); err != nil {
			return err
		}
		if c == nil || c.Reason != string(v1alpha1.ReasonUpstreamFailing) {
			return errorf("ConnectionDegraded is %+v", c)
		}
		return nil
	})
	if !strings.Contains(c.Message, "10 of 25 requests (40%) failed upstream over the last 5m0s") {
		t.Errorf("ConnectionDegraded: %q", c.Message)
	}
	advanceTo(t, now.Add(7*time.Minute))
	eventually(t, 20*time.Second, "the failures leave the window", func() error {
		c, err := conditionOf(t, ds, v1alpha1.ConditionConnectionDegraded)
		if err != nil {
			return err
		}
		if c == nil || c.Reason != string(v1alpha1.ReasonConnectionHealthy) {
			return errorf("ConnectionDegraded is %+v", c)
		}
		return nil
	})
}

// TestTwoCollectorsNeverCountTwice: a second collector (another replica,
// or the operator after a restart) flushes into the same agreement as the
// running one, with the same stale read of it: each request counts once,
// and what one flushed the other keeps.
func TestTwoCollectorsNeverCountTwice(t *testing.T) {
	ds, sa, _ := liveAgreement(t, "so-hai-ban-sao", "thong-ke", "ubnd-hai-ban-sao")
	caller := names.ClientID("ubnd-hai-ban-sao", sa, sa.Status.Credential.KeyIDs[0])
	zone := mustZone(t)
	now := operatorClock.Now()
	replica := func() *accesslog.Server {
		return &accesslog.Server{Collector: &accesslog.Collector{Reader: k8s, Zone: zone, Now: operatorClock.Now}, Client: k8s, Now: operatorClock.Now}
	}
	first, second := replica(), replica()
	// The second reads the agreement as it was before the first's flush,
	// as a cache that has not caught up would.
	stale := sa.DeepCopy()
	second.Client = &staleOnce{Client: k8s, object: stale}
	for i := range 3 {
		first.Collector.Count(ctx, accessLogEntry(ds.Namespace, ds.Name, 200, now.Add(time.Duration(i)*time.Second), map[string]string{"x-lgsp-consumer": caller}))
	}
	for range 2 {
		second.Collector.Count(ctx, accessLogEntry(ds.Namespace, ds.Name, 500, now, map[string]string{"x-lgsp-consumer": caller}))
	}
	// The second's write, on its stale read, loses on the agreement's
	// resourceVersion and keeps its counts for its next flush.
	first.Flush(ctx)
	second.Flush(ctx)
	second.Flush(ctx)
	month := now.In(zone).Format("2006-01")
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	if u := sa.Status.Usage; u == nil || len(u.Months) != 1 || u.Months[0] != (v1alpha1.UsageMonth{Month: month, Requests: 5, Errors: 2}) {
		t.Fatalf("status.usage is %+v, want %s: 5 requests, 2 errors", sa.Status.Usage, month)
	}
	// A collector started afresh (a restart) adds to what was flushed.
	restarted := replica()
	restarted.Collector.Count(ctx, accessLogEntry(ds.Namespace, ds.Name, 200, now, map[string]string{"x-lgsp-consumer": caller}))
	restarted.Flush(ctx)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	if got := sa.Status.Usage.Months[0]; got.Requests != 6 || got.Errors != 2 {
		t.Errorf("after a restart, usage is %+v, want 6 requests, 2 errors", got)
	}
}

// staleOnce answers its first Get of a SharingAgreement with object, a
// copy read earlier.
type staleOnce struct {
	client.Client
	object *v1alpha1.SharingAgreement
	served bool
}

func (s *staleOnce) Get(ctx context.Context, key client.ObjectKey, obj client.Object, opts ...client.GetOption) error {
	if sa, ok := obj.(*v1alpha1.SharingAgreement); ok && !s.served {
		s.served = true
		s.object.DeepCopyInto(sa)
		return nil
	}
	return s.Client.Get(ctx, key, obj, opts...)
}
