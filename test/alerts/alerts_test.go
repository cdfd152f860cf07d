// Package alerts checks the alert rules the chart ships with Prometheus's
// own promtool, built by `make test` into bin/.
package alerts

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var dir = filepath.Join(testenv.RepoRoot(), "config", "prometheus")

func promtool(t *testing.T, args ...string) {
	t.Helper()
	bin := filepath.Join(testenv.RepoRoot(), "bin", "promtool")
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s is missing: run `make test`, which builds it from hack/promtool", bin)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("promtool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	t.Logf("promtool %s:\n%s", strings.Join(args, " "), out)
}

func TestRulesPassPromtoolCheck(t *testing.T) {
	promtool(t, "check", "rules", "alerts.yaml")
}

func TestRulesPassTheirUnitTests(t *testing.T) {
	promtool(t, "test", "rules", "alerts_test.yaml")
}

type rule struct {
	Alert       string
	Annotations map[string]string
}

func alerts(t *testing.T) []rule {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(dir, "alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct{ Groups []struct{ Rules []rule } }
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	var out []rule
	for _, g := range file.Groups {
		out = append(out, g.Rules...)
	}
	if len(out) == 0 {
		t.Fatal("no alerts in alerts.yaml")
	}
	return out
}

// TestEveryAlertIsTestedFiringAndNot: the unit tests evaluate every alert
// at a moment it fires and at one it does not.
func TestEveryAlertIsTestedFiringAndNot(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(dir, "alerts_test.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Tests []struct {
			AlertRuleTest []struct {
				Alertname string
				ExpAlerts []map[string]any `json:"exp_alerts"`
			} `json:"alert_rule_test"`
		}
	}
	if err := yaml.Unmarshal(raw, &file); err != nil {
		t.Fatal(err)
	}
	firing, silent := map[string]bool{}, map[string]bool{}
	for _, test := range file.Tests {
		for _, c := range test.AlertRuleTest {
			if len(c.ExpAlerts) > 0 {
				firing[c.Alertname] = true
			} else {
				silent[c.Alertname] = true
			}
		}
	}
	for _, a := range alerts(t) {
		if !firing[a.Alert] || !silent[a.Alert] {
			t.Errorf("alert %s: tested firing %v, not firing %v; want both", a.Alert, firing[a.Alert], silent[a.Alert])
		}
	}
}

// TestEveryAlertHasARunbook: each alert's runbook_url points at a section
// of docs/operations.md, and each says who must act.
func TestEveryAlertHasARunbook(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "docs", "operations.md"))
	if err != nil {
		t.Fatal(err)
	}
	anchors := map[string]bool{}
	heading := regexp.MustCompile(`(?m)^#+\s+(.+)$`)
	for _, m := range heading.FindAllStringSubmatch(string(raw), -1) {
		anchors[githubAnchor(m[1])] = true
	}
	for _, a := range alerts(t) {
		url := a.Annotations["runbook_url"]
		_, anchor, ok := strings.Cut(url, "docs/operations.md#")
		if !ok || !anchors[anchor] {
			t.Errorf("alert %s: runbook_url %q names no section of docs/operations.md", a.Alert, url)
		}
		if !strings.Contains(a.Annotations["description"], "must") {
			t.Errorf("alert %s: the description does not say who must act: %q", a.Alert, a.Annotations["description"])
		}
	}
}

// githubAnchor is the anchor GitHub gives a heading: lower case, spaces
// as hyphens, punctuation dropped.
func githubAnchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}
