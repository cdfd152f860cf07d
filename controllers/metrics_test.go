package controllers

import (
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/prometheus/client_golang/prometheus"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/metrics"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/accesslog"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestKeyMetricsCountIssueAndRevocation issues a key, rotates it and
// deletes the agreement, and reads the counters, the revocation
// histogram and the provider's key history.
func TestKeyMetricsCountIssueAndRevocation(t *testing.T) {
	issued, rotated := registered(t, "datashare_keys_issued_total", ""), registered(t, "datashare_keys_rotated_total", "")
	revoked := registered(t, "datashare_keys_revoked_total", deleted)
	observed := registered(t, "datashare_key_revocation_duration_seconds", deleted)

	_, sa, key := liveAgreement(t, "so-nv-dl", "dia-diem", "ubnd-metric")
	if got := registered(t, "datashare_keys_issued_total", "") - issued; got != 1 {
		t.Fatalf("keys issued went up by %v for one live agreement", got)
	}
	update(t, sa, func(sa *v1alpha1.SharingAgreement) {
		sa.Annotations = map[string]string{v1alpha1.AnnotationRotateKey: sa.Status.Credential.IssuedAt.Add(time.Second).UTC().Format(time.RFC3339)}
	})
	advanceTo(t, sa.Status.Credential.IssuedAt.Add(time.Second))
	eventually(t, 10*time.Second, "the key is rotated", func() error {
		if k := consumerKey(t, sa); k == "" || k == key {
			return errorf("still the first key")
		}
		return nil
	})
	rememberKey(consumerKey(t, sa))
	if got := registered(t, "datashare_keys_rotated_total", "") - rotated; got != 1 {
		t.Errorf("keys rotated went up by %v for one rotation", got)
	}
	if got := registered(t, "datashare_keys_issued_total", "") - issued; got != 2 {
		t.Errorf("keys issued went up by %v for a first key and a rotation", got)
	}

	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	waitKeysGone(t, sa, time.Now())
	eventually(t, 10*time.Second, "the revocation is counted", func() error {
		// Both keys, the current one and the one in its grace period.
		if got := registered(t, "datashare_keys_revoked_total", deleted) - revoked; got != 2 {
			return errorf("keys revoked (Deleted) went up by %v", got)
		}
		if got := registered(t, "datashare_key_revocation_duration_seconds", deleted) - observed; got != 1 {
			return errorf("%v revocation(s) observed", got)
		}
		return nil
	})
	// The provider's agency is new to this test: its history holds this
	// agreement's keys only (in one month or two, as the clock may have
	// passed a month's end).
	eventuallyAfter(t, operatorClock, kit.KeyHistoryDelay, "the provider's key history counts the keys", func() error {
		a := &v1alpha1.Agency{}
		if err := k8s.Get(ctx, client.ObjectKey{Name: "so-nv-dl"}, a); err != nil {
			return err
		}
		var total v1alpha1.KeyMonth
		for _, m := range a.Status.KeyHistory {
			total.Issued, total.Rotated, total.Revoked = total.Issued+m.Issued, total.Rotated+m.Rotated, total.Revoked+m.Revoked
		}
		if total != (v1alpha1.KeyMonth{Issued: 2, Rotated: 1, Revoked: 2}) || len(a.Status.KeyHistory) == 0 {
			return errorf("keyHistory is %+v: want 2 issued, 1 rotated, 2 revoked", a.Status.KeyHistory)
		}
		return nil
	})
}

// TestAScrapeSendsNoRequest scrapes the registry: the state of sharing is
// read from the cache, never listed from the API server.
func TestAScrapeSendsNoRequest(t *testing.T) {
	liveAgreement(t, "so-nv-sc", "lich-hop", "ubnd-scrape")
	before := operatorRequests.Counts()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range families {
		found = found || (f.GetName() == "datashare_agreements" && len(f.GetMetric()) > 0)
	}
	if !found {
		t.Fatal("no datashare_agreements series")
	}
	// The operator reads agreements past the cache when it issues a key, so
	// only the other three kinds tell: a scrape that listed from the API
	// server would list them all.
	lists := operatorRequests.Since(before, func(r testenv.Request) bool {
		return r.Verb == http.MethodGet && (r.Resource == "agencies" || r.Resource == "focalpoints" || r.Resource == "dataservices")
	})
	if len(lists) != 0 {
		t.Fatalf("a scrape listed from the API server: %v", lists)
	}
}

// deleted is the revocation reason of a deleted agreement.
const deleted = "Deleted"

// registered reads a key metric as Prometheus scrapes it: a counter's
// value, or a histogram's count of observations, with label reason when
// one is given.
func registered(t *testing.T, name, reason string) float64 {
	t.Helper()
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
		for _, m := range f.GetMetric() {
			if reason != "" && !hasLabel(m, "reason", reason) {
				continue
			}
			if h := m.GetHistogram(); h != nil {
				return float64(h.GetSampleCount())
			}
			return m.GetCounter().GetValue()
		}
	}
	t.Fatalf("no series %s{reason=%q} in the registry", name, reason)
	return 0
}

func hasLabel(m *dto.Metric, name, value string) bool {
	for _, l := range m.GetLabel() {
		if l.GetName() == name && l.GetValue() == value {
			return true
		}
	}
	return false
}

// TestDashboardReadsOnlyExportedMetrics parses every query of the Grafana
// dashboard and of the alert rules with Prometheus's own parser
// (bin/promqlnames) and checks that each metric it reads is one the
// operator exports: a renamed metric fails here, not on a blank panel.
func TestDashboardReadsOnlyExportedMetrics(t *testing.T) {
	// controller-runtime exports a controller's metrics once it starts.
	eventually(t, 20*time.Second, "the four controllers have started", func() error {
		counts, err := testenv.ReconcileCounts()
		if err != nil || len(counts) < 4 {
			return errorf("controllers started: %v %v", counts, err)
		}
		return nil
	})
	exported := exportedMetricNames(t)
	var exprs []string
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "grafana", "datashare-dashboard.json"))
	if err != nil {
		t.Fatal(err)
	}
	var dashboard struct {
		Panels []struct {
			Title   string
			Targets []struct{ Expr string }
		}
	}
	if err := json.Unmarshal(raw, &dashboard); err != nil {
		t.Fatalf("the dashboard is not valid JSON: %v", err)
	}
	for _, p := range dashboard.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, target := range p.Targets {
			exprs = append(exprs, target.Expr)
		}
	}
	raw, err = os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "prometheus", "alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var rules struct {
		Groups []struct {
			Rules []struct{ Alert, Expr string }
		}
	}
	if err := yaml.Unmarshal(raw, &rules); err != nil {
		t.Fatal(err)
	}
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			exprs = append(exprs, r.Expr)
		}
	}

	tool := filepath.Join(testenv.RepoRoot(), "bin", "promqlnames")
	cmd := exec.Command(tool)
	// One expression a line.
	cmd.Stdin = strings.NewReader(strings.Join(oneLine(exprs), "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s (make test builds it): %v\n%s", tool, err, out)
	}
	read := map[string]bool{}
	for _, name := range strings.Fields(string(out)) {
		read[name] = true
		if !exported[name] {
			t.Errorf("a query reads %s, which the operator does not export", name)
		}
	}
	t.Logf("%d queries read %d metrics, all exported", len(exprs), len(read))
}

func oneLine(exprs []string) []string {
	out := make([]string, len(exprs))
	for i, e := range exprs {
		out[i] = strings.Join(strings.Fields(e), " ")
	}
	return out
}

// exportedMetricNames lists the series names the operator's registry
// serves: every family gathered (controller-runtime's included), the
// state-of-sharing metrics whether or not an object exists yet, and a
// histogram's _bucket, _count and _sum.
func exportedMetricNames(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}
	add := func(name string, histogram bool) {
		names[name] = true
		if histogram {
			for _, suffix := range []string{"_bucket", "_count", "_sum"} {
				names[name+suffix] = true
			}
		}
	}
	families, err := metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		add(f.GetName(), f.GetType() == dto.MetricType_HISTOGRAM)
	}
	// The traffic metrics have no series before the first request.
	for _, c := range accesslog.Collectors() {
		one := make(chan *prometheus.Desc, 1)
		c.Describe(one)
		close(one)
		_, histogram := c.(*prometheus.HistogramVec)
		for d := range one {
			if m := regexp.MustCompile(`fqName: "([^"]+)"`).FindStringSubmatch(d.String()); m != nil {
				add(m[1], histogram)
			}
		}
	}
	descs := make(chan *prometheus.Desc, 64)
	(&sharingCollector{}).Describe(descs)
	close(descs)
	fqName := regexp.MustCompile(`fqName: "([^"]+)"`)
	for d := range descs {
		m := fqName.FindStringSubmatch(d.String())
		if m == nil {
			t.Fatalf("cannot read the name of %s", d)
		}
		add(m[1], false)
	}
	return names
}
