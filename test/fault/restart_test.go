package fault

import (
	"runtime"
	"testing"
	"time"
	"weak"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/manager"
	"sigs.k8s.io/controller-runtime/pkg/metrics"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestAnOperatorStartedAgainReportsFromItsOwnCache stops an operator and
// starts another in the same process, as the demo, the tests and the scale
// benchmark do: the state-of-sharing metrics come from the running
// operator's cache, and the stopped operator's cache, with every object it
// held, is released. The first operator's collector stayed registered
// before: the metrics missed every change after its stop, and the scale
// benchmark's memory per cached object counted both caches.
func TestAnOperatorStartedAgainReportsFromItsOwnCache(t *testing.T) {
	create(t, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "khoi-dong-lai"}})
	create(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "khoi-dong-lai"}, Spec: v1alpha1.AgencySpec{
		DisplayName: "Cơ quan khởi động lại", Level: v1alpha1.LevelDepartment, Namespace: "khoi-dong-lai"}})

	first, stopFirst := operator(t, nil, nil)
	held := cachedAgency(t, first, "khoi-dong-lai")
	stopFirst()

	create(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "sau-khi-dung"}, Spec: v1alpha1.AgencySpec{
		DisplayName: "Cơ quan sau khi dừng", Level: v1alpha1.LevelDepartment, Namespace: "sau-khi-dung"}})
	second, stopSecond := operator(t, nil, nil)
	defer stopSecond()
	cachedAgency(t, second, "sau-khi-dung")
	deadline := time.Now().Add(10 * time.Second)
	for !reportsAgency(t, "sau-khi-dung") {
		if time.Now().After(deadline) {
			t.Fatal("datashare_agencies does not report the agency created after the first operator stopped")
		}
		time.Sleep(100 * time.Millisecond)
	}
	for held.Value() != nil {
		if time.Now().After(deadline) {
			t.Fatal("the stopped operator's cache is still in memory")
		}
		runtime.GC()
		time.Sleep(100 * time.Millisecond)
	}
}

// cachedAgency waits until an operator's cache holds an Agency, and
// returns a weak pointer to what the cache itself holds of it: its
// conditions, which a list without copies shares.
func cachedAgency(t *testing.T, mgr manager.Manager, name string) weak.Pointer[metav1.Condition] {
	t.Helper()
	if !mgr.GetCache().WaitForCacheSync(ctx) {
		t.Fatal("the operator's cache did not sync")
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		list := &v1alpha1.AgencyList{}
		if err := mgr.GetCache().List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
			t.Fatal(err)
		}
		for i := range list.Items {
			if a := &list.Items[i]; a.Name == name && len(a.Status.Conditions) > 0 {
				return weak.Make(&a.Status.Conditions[0])
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the operator's cache has no Agency %s with a status", name)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// reportsAgency says whether the registry's datashare_agencies has a
// series for an agency.
func reportsAgency(t *testing.T, name string) bool {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != "datashare_agencies" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "agency" && l.GetValue() == name {
					return true
				}
			}
		}
	}
	return false
}
