package controllers

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// table is one of the tables kubectl prints: its column names and rows,
// each row a map from column name to cell.
type table struct {
	columns []string
	rows    []map[string]string
}

// parseTables reads kubectl's printed tables (a cell kubectl leaves blank
// reads as ""). Cells are cut at the columns'
// start in the header (kubectl aligns them in runes), so a cell may hold
// spaces.
func parseTables(out string) []table {
	var tables []table
	var starts []int
	for _, line := range strings.Split(out, "\n") {
		runes := []rune(line)
		switch {
		case strings.TrimSpace(line) == "":
			starts = nil
		case starts == nil:
			t := table{}
			for i, r := range runes {
				// kubectl pads columns with at least three spaces; a
				// header such as DISPLAY NAME holds one.
				if r != ' ' && (i == 0 || i >= 2 && runes[i-1] == ' ' && runes[i-2] == ' ') {
					starts = append(starts, i)
					end := strings.Index(string(runes[i:]), "   ")
					if end < 0 {
						end = len(string(runes[i:]))
					}
					t.columns = append(t.columns, strings.TrimSpace(string(runes[i:])[:end]))
				}
			}
			tables = append(tables, t)
		default:
			row := map[string]string{}
			for c, start := range starts {
				end := len(runes)
				if c+1 < len(starts) {
					end = min(starts[c+1], len(runes))
				}
				if start < len(runes) {
					row[tables[len(tables)-1].columns[c]] = strings.TrimSpace(string(runes[start:end]))
				}
			}
			tables[len(tables)-1].rows = append(tables[len(tables)-1].rows, row)
		}
	}
	return tables
}

// find returns the row of the table whose columns include column, with
// NAME name.
func find(tables []table, column, name string) (map[string]string, bool) {
	for _, t := range tables {
		for _, c := range t.columns {
			if c != column {
				continue
			}
			for _, r := range t.rows {
				if strings.HasSuffix(r["NAME"], name) {
					return r, true
				}
			}
		}
	}
	return nil, false
}

// TestKubectlGetTellsTheTruth runs the stock kubectl against the test API
// server and reads `kubectl get datashare -A` as a person would: dates
// right for the past and the future, every kind's reason, the provider of
// an agreement, and a URL only for a published service.
func TestKubectlGetTellsTheTruth(t *testing.T) {
	ds := publishedService(t, "so-kt-in", "bang-gia", v1alpha1.AudienceProvince)
	consumerAgency(t, "ubnd-kt-in", v1alpha1.LevelDistrict)
	until := operatorClock.Now().Add(400 * 24 * time.Hour).UTC().Truncate(time.Second)
	sa := agreement("ubnd-kt-in", "bang-gia", ds)
	sa.Spec.ValidUntil = &metav1.Time{Time: until}
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	rememberKey(issuedKey(t, sa))
	// A service its agency may not publish yet: no URL.
	unpublished := dataService("so-kt-in", "chua-tham-dinh")
	create(t, unpublished)
	waitForReason(t, unpublished, metav1.ConditionFalse, v1alpha1.ReasonNotAppraised)
	// An appointment that ended 40 hours ago.
	ended := operatorClock.Now().Add(-40 * time.Hour).UTC().Truncate(time.Second)
	fp := newFocalPoint(t, "so-kt-in", "pho-cu", v1alpha1.RoleDeputy, appointment{from: ended.Add(-24 * time.Hour), until: ended}, "cu@so-kt-in")
	waitForReason(t, fp, metav1.ConditionFalse, v1alpha1.ReasonAppointmentEnded)

	out := kubectlGet(t, "datashare", "-A")
	t.Logf("kubectl get datashare -A (excerpt):\n%s", out)
	tables := parseTables(out)

	checks := []struct {
		what, column, name, want string
	}{
		{"a future expiry", "EXPIRES", "sharingagreement.datashare.lgsp.vn/bang-gia", until.Format(time.RFC3339)},
		{"the provider of an agreement", "PROVIDER", "sharingagreement.datashare.lgsp.vn/bang-gia", "so-kt-in"},
		{"an appointment that ended", "UNTIL", "focalpoint.datashare.lgsp.vn/pho-cu", ended.Format(time.RFC3339)},
		{"a focal point's reason", "REASON", "focalpoint.datashare.lgsp.vn/pho-cu", string(v1alpha1.ReasonAppointmentEnded)},
		{"an agency's reason", "REASON", "agency.datashare.lgsp.vn/so-kt-in", string(v1alpha1.ReasonReady)},
		{"a service's reason", "REASON", "dataservice.datashare.lgsp.vn/chua-tham-dinh", string(v1alpha1.ReasonNotAppraised)},
		{"no URL for a service that is not published", "URL", "dataservice.datashare.lgsp.vn/chua-tham-dinh", ""},
		{"the URL of a published service", "URL", "dataservice.datashare.lgsp.vn/bang-gia", "https://lgsp.soctrang.gov.vn/so-kt-in/bang-gia/v1"},
	}
	for _, c := range checks {
		row, ok := find(tables, c.column, c.name)
		if !ok {
			t.Errorf("%s: no row %s in a table with a %s column", c.what, c.name, c.column)
			continue
		}
		if row[c.column] != c.want {
			t.Errorf("%s: %s shows %s %q, want %q", c.what, c.name, c.column, row[c.column], c.want)
		}
	}
}

// kubectlGet runs the stock kubectl get against the test API server as
// its administrator and returns what it printed.
func kubectlGet(t *testing.T, args ...string) string {
	t.Helper()
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is not installed; the tests need the stock kubectl")
	}
	kubeconfig := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteAdminKubeconfig("kubectl-reader", kubeconfig); err != nil {
		t.Fatal(err)
	}
	// A discovery cache of its own: kubectl keys its cache by host and
	// port, and an earlier test API server on the same port would leave
	// the kinds it served.
	out, err := exec.Command(kubectl, append([]string{"--kubeconfig", kubeconfig, "--cache-dir", t.TempDir(), "get"}, args...)...).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl get %v: %v\n%s", args, err, out)
	}
	return string(out)
}
