package testenv

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

func TestByControllerSumsCountersAndGaugesByController(t *testing.T) {
	counter := prometheus.NewCounterVec(prometheus.CounterOpts{Name: "testenv_test_total"}, []string{"controller", "result"})
	gauge := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "testenv_test_depth"}, []string{"controller", "priority"})
	metrics.Registry.MustRegister(counter, gauge)
	t.Cleanup(func() { metrics.Registry.Unregister(counter); metrics.Registry.Unregister(gauge) })
	counter.WithLabelValues("agency", "success").Add(3)
	counter.WithLabelValues("agency", "error").Add(1)
	counter.WithLabelValues("dataservice", "success").Add(2)
	gauge.WithLabelValues("agency", "0").Set(5)
	gauge.WithLabelValues("agency", "-100").Set(7)

	for _, tc := range []struct {
		metric string
		want   map[string]int
	}{
		{"testenv_test_total", map[string]int{"agency": 4, "dataservice": 2}},
		{"testenv_test_depth", map[string]int{"agency": 12}},
		{"testenv_no_such_metric", map[string]int{}},
	} {
		got, err := byController(tc.metric)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.metric, got, tc.want)
		}
		for k, v := range tc.want {
			if got[k] != v {
				t.Errorf("%s: got %v, want %v", tc.metric, got, tc.want)
			}
		}
	}
}
