package testenv

import (
	"sigs.k8s.io/controller-runtime/pkg/metrics"
)

// ReconcileCounts reads controller-runtime's reconcile counter
// (controller_runtime_reconcile_total) from this process's metrics
// registry: every reconcile so far, whatever its result, by controller.
func ReconcileCounts() (map[string]int, error) {
	families, err := metrics.Registry.Gather()
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for _, f := range families {
		if f.GetName() != "controller_runtime_reconcile_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "controller" {
					out[l.GetValue()] += int(m.GetCounter().GetValue())
				}
			}
		}
	}
	return out, nil
}
