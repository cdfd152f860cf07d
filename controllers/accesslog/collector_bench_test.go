package accesslog

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	accesslogdatav3 "github.com/envoyproxy/go-control-plane/envoy/data/accesslog/v3"
	"google.golang.org/protobuf/types/known/timestamppb"
	"google.golang.org/protobuf/types/known/wrapperspb"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// province is a ring of agencies, each with one service, agency i using
// the service of agency i+1 with one agreement. It returns a reader of
// them and one access-log entry per agreement.
func province(agencies int) (client.Reader, []*accesslogdatav3.HTTPAccessLogEntry) {
	var objs []client.Object
	var entries []*accesslogdatav3.HTTPAccessLogEntry
	at := timestamppb.New(time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC))
	for i := range agencies {
		ns, provider := fmt.Sprintf("co-quan-%d", i), fmt.Sprintf("co-quan-%d", (i+1)%agencies)
		objs = append(objs,
			&v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns}, Spec: v1alpha1.AgencySpec{Namespace: v1alpha1.ObjectName(ns)}},
			&v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "dich-vu"}, Spec: v1alpha1.DataServiceSpec{Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince}}},
			&v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "dung-chung"},
				Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(provider), Name: "dich-vu"}},
				Status: v1alpha1.SharingAgreementStatus{Credential: v1alpha1.CredentialStatus{KeyIDs: []string{"k1"}}}})
		entries = append(entries, &accesslogdatav3.HTTPAccessLogEntry{
			CommonProperties: &accesslogdatav3.AccessLogCommon{RouteName: "httproute/" + provider + "/datashare-dich-vu/rule/0/match/0/*", StartTime: at},
			Request:          &accesslogdatav3.HTTPRequestProperties{RequestHeaders: map[string]string{consumerHeader: ns + ".dung-chung.k1"}},
			Response:         &accesslogdatav3.HTTPResponseProperties{ResponseCode: wrapperspb.UInt32(200), ResponseBodyBytes: 1024},
		})
	}
	return fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(objs...).Build(), entries
}

// BenchmarkCount is the collector's ingest: entries per second of one
// goroutine (Envoy's streams arrive on several), and the memory its
// pending tallies take per agreement with requests.
func BenchmarkCount(b *testing.B) {
	for _, agreements := range []int{100, 1000} {
		b.Run(fmt.Sprintf("agreements=%d", agreements), func(b *testing.B) {
			reader, entries := province(agreements)
			c := &Collector{Reader: reader, Zone: time.UTC, Now: time.Now}
			ctx := context.Background()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := range b.N {
				c.Count(ctx, entries[i%len(entries)])
			}
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "entries/s")
			runtime.GC()
			runtime.ReadMemStats(&after)
			if n := len(c.drain()); n > 0 && b.N >= agreements {
				b.ReportMetric(float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc))/float64(n), "heap-B/agreement")
			}
		})
	}
}
