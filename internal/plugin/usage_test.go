package plugin

import (
	"bytes"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// TestWhyAndStatusTellUsage: why says what the gateway carried this month
// and when last, and that a grant is unused; status lists the unused
// grants. Moments are the province's.
func TestWhyAndStatusTellUsage(t *testing.T) {
	zone, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	o := &options{zone: zone}
	last := metav1.NewTime(time.Date(2026, 12, 5, 17, 30, 0, 0, time.UTC))
	unused := "no request through the gateway since its last request at 2026-09-01T00:00:00Z, more than 2160h0m0s"
	var out bytes.Buffer
	o.whyTable(&out, whyReport{Agreement: "bo-nnmt/dat-dai", Live: true, State: "Active", Message: "live",
		Usage:  &v1alpha1.Usage{LastRequestAt: &last, Months: []v1alpha1.UsageMonth{{Month: "2026-11", Requests: 9}, {Month: "2026-12", Requests: 5, Errors: 2}}},
		Unused: unused})
	for _, want := range []string{"Usage: 5 request(s) in 2026-12, 2 failed; the last at 2026-12-06 00:30 (Asia/Ho_Chi_Minh).", "Unused: " + unused} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("why does not say %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	o.whyTable(&out, whyReport{Agreement: "bo-nnmt/dat-dai", Live: true, State: "Active", Message: "live"})
	if strings.Contains(out.String(), "Usage:") || strings.Contains(out.String(), "Unused:") {
		t.Errorf("why tells usage the operator does not count:\n%s", out.String())
	}

	out.Reset()
	o.statusTable(&out, statusReport{AgreementsByState: map[string]int{"Active": 1}, Unused: []unusedRow{{Agreement: "bo-nnmt/dat-dai", Message: unused}}})
	if !strings.Contains(out.String(), "Unused grants (live, no request through the gateway for the unused-grant period):\n  bo-nnmt/dat-dai\n    "+unused) {
		t.Errorf("status does not list the unused grant:\n%s", out.String())
	}
}
