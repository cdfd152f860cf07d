package portal

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// listReader hands out the same objects on every List, as the informer
// cache does when asked not to copy them: the benchmark measures the
// portal, not a fake client's copying.
type listReader struct {
	agencies    []v1alpha1.Agency
	focalPoints []v1alpha1.FocalPoint
	services    []v1alpha1.DataService
	agreements  []v1alpha1.SharingAgreement
}

func (r *listReader) Get(context.Context, client.ObjectKey, client.Object, ...client.GetOption) error {
	return fmt.Errorf("not used")
}

func (r *listReader) List(_ context.Context, l client.ObjectList, _ ...client.ListOption) error {
	switch l := l.(type) {
	case *v1alpha1.AgencyList:
		l.Items = r.agencies
	case *v1alpha1.FocalPointList:
		l.Items = r.focalPoints
	case *v1alpha1.DataServiceList:
		l.Items = r.services
	case *v1alpha1.SharingAgreementList:
		l.Items = r.agreements
	default:
		return fmt.Errorf("unknown list %T", l)
	}
	return nil
}

// scaledProvince is 100 agencies, 1,000 services and 10,000 agreements,
// a tenth of them waiting for an answer.
func scaledProvince() *listReader {
	r := &listReader{}
	ok := []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Ready"}}
	for a := range 100 {
		ns := fmt.Sprintf("co-quan-%03d", a)
		// Two years of keys on each agency's services.
		var keys []v1alpha1.KeyMonth
		for m := range 24 {
			keys = append(keys, v1alpha1.KeyMonth{Month: fmt.Sprintf("%d-%02d", 2025+m/12, 1+m%12), Issued: 40, Rotated: 30, Revoked: 5})
		}
		r.agencies = append(r.agencies, v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns},
			Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan " + ns, Namespace: v1alpha1.ObjectName(ns)}, Status: v1alpha1.AgencyStatus{Conditions: ok, KeyHistory: keys}})
		r.focalPoints = append(r.focalPoints, v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "dau-moi"},
			Spec:   v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Person: v1alpha1.Contact{Name: "Cán bộ " + ns, Email: "dau-moi@example.gov.vn"}},
			Status: v1alpha1.FocalPointStatus{Agency: ns, Conditions: ok}})
		for s := range 10 {
			r.services = append(r.services, v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("dich-vu-%d", s)},
				Spec: v1alpha1.DataServiceSpec{Title: fmt.Sprintf("Dịch vụ %d của %s", s, ns), Description: "Mô tả", Classification: v1alpha1.ClassificationShared,
					Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince}, Tags: []string{"the", "tag"}},
				Status: v1alpha1.DataServiceStatus{URL: "https://lgsp.example.gov.vn/" + ns, LiveAgreements: 10, Conditions: ok}})
		}
	}
	for g := range 10000 {
		consumer := fmt.Sprintf("co-quan-%03d", g%100)
		provider := fmt.Sprintf("co-quan-%03d", (g/100)%100)
		sa := v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: consumer, Name: fmt.Sprintf("tt-%d", g)},
			Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(provider), Name: v1alpha1.ObjectName(fmt.Sprintf("dich-vu-%d", g%10))}},
			Status: v1alpha1.SharingAgreementStatus{ConsumerAgency: consumer, ProviderAgency: provider, Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Active"}}}}
		if g%10 == 0 {
			sa.Status.Conditions = []metav1.Condition{{Type: "Ready", Status: metav1.ConditionFalse, Reason: "AwaitingProviderConsent", Message: "agency " + provider + " must list agency " + consumer}}
		}
		r.agreements = append(r.agreements, sa)
	}
	return r
}

// BenchmarkPages serves the catalog, a service page, the statistics page
// and what waits for whom (as the DIC) at 100 agencies, 1,000 services and
// 10,000 agreements, and reports each page's p95 and the heap the world
// takes.
func BenchmarkPages(b *testing.B) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	world := scaledProvince()
	runtime.GC()
	runtime.ReadMemStats(&after)
	b.Logf("the world (100 agencies, 1,000 services, 10,000 agreements) takes %.1f MiB of heap", float64(after.HeapInuse-before.HeapInuse)/(1<<20))
	s := &Server{Reader: world, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard()}
	h, err := s.Handler()
	if err != nil {
		b.Fatal(err)
	}
	for _, page := range []struct{ name, path string }{
		{"catalog", "/catalog"},
		{"service", "/services/co-quan-042/dich-vu-3"},
		{"statistics", "/statistics"},
		{"waiting", "/waiting"},
	} {
		b.Run(page.name, func(b *testing.B) {
			var times []time.Duration
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, page.path, nil)
				r.Header.Set("Authorization", "Bearer dic")
				w := httptest.NewRecorder()
				start := time.Now()
				h.ServeHTTP(w, r)
				times = append(times, time.Since(start))
				if w.Code != http.StatusOK {
					b.Fatalf("%s: %d", page.path, w.Code)
				}
			}
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)*95/100].Microseconds())/1000, "p95-ms")
		})
	}
}
