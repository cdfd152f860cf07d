package accesslog

import (
	"context"
	"testing"
	"time"

	accesslogv3 "github.com/envoyproxy/go-control-plane/envoy/service/accesslog/v3"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestAStopClosesEnvoysStreamsAndFlushes: Envoy keeps its stream open for
// ever; a stopping operator closes it after a grace and still writes what
// it counted.
func TestAStopClosesEnvoysStreamsAndFlushes(t *testing.T) {
	reader, entries := province(2)
	objs := &v1alpha1.SharingAgreementList{}
	if err := reader.List(context.Background(), objs); err != nil {
		t.Fatal(err)
	}
	var toWrite []client.Object
	for i := range objs.Items {
		toWrite = append(toWrite, &objs.Items[i])
	}
	writer := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(toWrite...).WithStatusSubresource(&v1alpha1.SharingAgreement{}, &v1alpha1.DataService{}).Build()
	s := &Server{Collector: &Collector{Reader: reader, Zone: time.UTC, Now: time.Now}, Client: writer,
		Address: testenv.FreeAddr(t), FlushInterval: time.Hour, After: time.After, Now: time.Now}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Start(ctx) }()

	conn, err := grpc.NewClient(s.Address, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = conn.Close() }()
	var stream accesslogv3.AccessLogService_StreamAccessLogsClient
	if err := testenv.Eventually(10*time.Second, func() error {
		var err error
		if stream, err = accesslogv3.NewAccessLogServiceClient(conn).StreamAccessLogs(context.Background()); err != nil {
			return err
		}
		return stream.Send(&accesslogv3.StreamAccessLogsMessage{LogEntries: &accesslogv3.StreamAccessLogsMessage_HttpLogs{
			HttpLogs: &accesslogv3.StreamAccessLogsMessage_HTTPAccessLogEntries{LogEntry: entries[:1]}}})
	}); err != nil {
		t.Fatal(err)
	}
	// Counted, and the stream left open, as Envoy leaves it.
	if err := testenv.Eventually(10*time.Second, func() error {
		s.Collector.mu.Lock()
		defer s.Collector.mu.Unlock()
		if len(s.Collector.pending) == 0 {
			return context.DeadlineExceeded
		}
		return nil
	}); err != nil {
		t.Fatal("the entry was not counted")
	}
	stop()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the collector did not stop with a stream open")
	}
	sa := &v1alpha1.SharingAgreement{}
	if err := writer.Get(context.Background(), client.ObjectKeyFromObject(&objs.Items[0]), sa); err != nil {
		t.Fatal(err)
	}
	if sa.Status.Usage == nil || len(sa.Status.Usage.Months) != 1 || sa.Status.Usage.Months[0].Requests != 1 {
		t.Errorf("the last flush did not write the count: %+v", sa.Status.Usage)
	}
}
