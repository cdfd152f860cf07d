package plugin

import (
	"bytes"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

func TestPaintColoursOnlyForATerminal(t *testing.T) {
	plain, colour := &options{}, &options{color: true}
	if got := plain.paint("Active", true); got != "Active" {
		t.Errorf("plain output painted: %q", got)
	}
	if got := colour.paint("Active", true); got != "\x1b[32mActive\x1b[0m" {
		t.Errorf("good news not green: %q", got)
	}
	if got := colour.paint("Missing", false); got != "\x1b[31mMissing\x1b[0m" {
		t.Errorf("bad news not red: %q", got)
	}
	var out bytes.Buffer
	if isTerminal(&out) {
		t.Error("a buffer is not a terminal")
	}
}

// Command lines that cannot run exit 2 with a message, before any request.
func TestUsageErrorsExit2(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"why"}, "accepts 1 arg(s), received 0"},
		{[]string{"status", "extra"}, `unknown command "extra"`},
		{[]string{"--no-such-flag"}, "unknown flag: --no-such-flag"},
		{[]string{"request", "dat-dai", "-n", "so-tnmt"}, "is required"},
		{[]string{"status", "-o", "xml"}, "-o xml is not a format: use json or yaml"},
	} {
		var stdout, stderr bytes.Buffer
		if code := Main(tc.args, &stdout, &stderr); code != ExitUsage || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v: exit %d, %q; want %d and %q", tc.args, code, stderr.String(), ExitUsage, tc.want)
		}
	}
}

// TestWhoCanReachAnExternalService: for a backend outside the cluster the
// report says that no NetworkPolicy applies and why, instead of "nothing
// isolates the backend".
func TestWhoCanReachAnExternalService(t *testing.T) {
	ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tttt", Name: "dan-cu"}}
	ds.Spec.Backend.External = &v1alpha1.ExternalBackend{URL: "https://api.ndxp.example.vn/dan-cu/v1"}
	c := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(ds).Build()
	r, err := whoCanReach(c, "so-tttt", "dan-cu")
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Pods) != 1 || !strings.Contains(r.Pods[0], "outside the cluster (api.ndxp.example.vn)") {
		t.Errorf("who can reach the backend: %v", r.Pods)
	}
}
