package fault

import (
	"context"
	"runtime"
	"testing"
	"time"
	"weak"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/wait"
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
	poll(t, "datashare_agencies reports the agency created after the first operator stopped", func() (bool, error) {
		return reportsAgency(t, "sau-khi-dung"), nil
	})
	poll(t, "the stopped operator's cache is released", func() (bool, error) {
		runtime.GC()
		return held.Value() == nil, nil
	})
}

// poll checks done every 100 ms until it says so, for up to 10 s.
func poll(t *testing.T, what string, done func() (bool, error)) {
	t.Helper()
	if err := wait.PollUntilContextTimeout(ctx, 100*time.Millisecond, 10*time.Second, true, func(context.Context) (bool, error) {
		return done()
	}); err != nil {
		t.Fatalf("%s: %v", what, err)
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
	var held weak.Pointer[metav1.Condition]
	poll(t, "the operator's cache holds Agency "+name+" with a status", func() (bool, error) {
		list := &v1alpha1.AgencyList{}
		if err := mgr.GetCache().List(ctx, list, client.UnsafeDisableDeepCopy); err != nil {
			return false, err
		}
		for i := range list.Items {
			if a := &list.Items[i]; a.Name == name && len(a.Status.Conditions) > 0 {
				held = weak.Make(&a.Status.Conditions[0])
				return true, nil
			}
		}
		return false, nil
	})
	return held
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
