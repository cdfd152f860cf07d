package main

import (
	"strings"
	"testing"
	"time"
)

// The report's ratios are the benchmark's headline figures: against the
// output floor alone, and against the three parts, in time and in the
// API server's and etcd's CPU.
func TestFloorRowsRatios(t *testing.T) {
	cpu := func(api, etcd time.Duration) cpuUse {
		return cpuUse{apiServer: api * time.Second, etcd: etcd * time.Second}
	}
	f := floors{
		output:     floorPhase{took: 100 * time.Second, cpu: cpu(150, 50)},
		events:     floorPhase{took: 10 * time.Second, cpu: cpu(15, 5)},
		keyPatches: floorPhase{took: 10 * time.Second, cpu: cpu(25, 5)},
	}
	for _, c := range []struct {
		name       string
		converging cpuUse
		want       []string
		absent     string
	}{
		{"with CPU", cpu(240, 60), []string{
			"| ratio operator / output floor | 1.44 | ≤ 1.2 |",
			"| ratio operator / the three parts together (the least the design writes) | 1.20 | |",
			"| API server and etcd CPU, operator / output floor, / the three parts | 1.50 / 1.20 | |",
		}, ""},
		{"CPU not measured", cpuUse{}, []string{"| ratio operator / output floor | 1.44 | ≤ 1.2 |"}, "API server and etcd CPU"},
	} {
		var b strings.Builder
		floorRows(&b, 144*time.Second, c.converging, f)
		for _, w := range c.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s: the rows lack %q:\n%s", c.name, w, b.String())
			}
		}
		if c.absent != "" && strings.Contains(b.String(), c.absent) {
			t.Errorf("%s: the rows report %q though the operator's CPU was not measured:\n%s", c.name, c.absent, b.String())
		}
	}
}
