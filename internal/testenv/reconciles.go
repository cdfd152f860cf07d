package testenv

import (
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// ReconcileCounts reads controller-runtime's reconcile counter
// (controller_runtime_reconcile_total) from this process's metrics
// registry: every reconcile so far, whatever its result, by controller.
func ReconcileCounts() (map[string]int, error) {
	return byController("controller_runtime_reconcile_total")
}

// QueueDepths reads controller-runtime's workqueue_depth gauge: the
// requests waiting in each controller's queue now, of every priority.
func QueueDepths() (map[string]int, error) {
	return byController("workqueue_depth")
}

// ActiveWorkers reads controller-runtime's active workers gauge
// (controller_runtime_active_workers): the reconciles running now, by
// controller.
func ActiveWorkers() (map[string]int, error) {
	return byController("controller_runtime_active_workers")
}

// byController sums a counter or gauge of this process's metrics registry
// by its controller label.
func byController(metric string) (map[string]int, error) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, f := range families {
		if f.GetName() != metric {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" {
					out[l.GetValue()] += int(m.GetCounter().GetValue() + m.GetGauge().GetValue())
				}
			}
		}
	}
	return out, nil
}
