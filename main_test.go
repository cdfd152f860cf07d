package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// buildOperator compiles this command once for the tests below.
func buildOperator(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "datashare-operator")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// TestBadFlagsStopTheOperatorWithTheFlagNamed checks that a bad setting is
// refused at start-up, before the operator touches the cluster.
func TestBadFlagsStopTheOperatorWithTheFlagNamed(t *testing.T) {
	bin := buildOperator(t)
	cmd := exec.Command(bin, "--coordinator-agency=", "--enforcement=istio", "--public-base-url=lgsp.soctrang.gov.vn")
	cmd.Env = append(os.Environ(), "KUBECONFIG=/nonexistent")
	out, err := cmd.CombinedOutput()
	var exitErr *exec.ExitError
	if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 {
		t.Fatalf("want exit code 2, got %v\n%s", err, out)
	}
	for _, want := range []string{
		"--coordinator-agency: is required",
		`--enforcement: "istio" is not a profile`,
		`--public-base-url: "lgsp.soctrang.gov.vn" must start with https://`,
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output does not say %q:\n%s", want, out)
		}
	}
}

// TestThePortalNeedsItsPublicAddress: without --public-url the portal
// would make its catalogue's IRIs from whatever Host a request carries; it
// refuses to start, naming the flag.
func TestThePortalNeedsItsPublicAddress(t *testing.T) {
	bin := buildOperator(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"portal"}, "--public-url: is required: for example https://du-lieu.example.gov.vn"},
		{[]string{"portal", "--public-url=https://du-lieu.soctrang.gov.vn/"}, "must not end with a slash"},
		{[]string{"portal", "--public-url=du-lieu.soctrang.gov.vn"}, "must start with https://"},
	} {
		cmd := exec.Command(bin, tc.args...)
		cmd.Env = append(os.Environ(), "KUBECONFIG=/nonexistent")
		out, err := cmd.CombinedOutput()
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) || exitErr.ExitCode() != 2 || !strings.Contains(string(out), tc.want) {
			t.Errorf("%v: %v, want exit 2 saying %q:\n%s", tc.args, err, tc.want, out)
		}
	}
}

// TestOperatorStartsWithProbesMetricsAndLeaderElection runs the built
// operator against a real API server.
func TestOperatorStartsWithProbesMetricsAndLeaderElection(t *testing.T) {
	bin := buildOperator(t)
	env, err := testenv.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = env.Stop() })

	kubeconfigPath := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteAdminKubeconfig("operator", kubeconfigPath); err != nil {
		t.Fatal(err)
	}
	k8s, err := client.New(env.Config, client.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "datashare-system"}}); err != nil {
		t.Fatal(err)
	}

	probeAddr, metricsAddr := testenv.FreeAddr(t), testenv.FreeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "--kubeconfig="+kubeconfigPath, "--coordinator-agency=so-tttt", "--public-base-url="+testenv.SampleBaseURL,
		"--health-probe-bind-address="+probeAddr, "--metrics-bind-address="+metricsAddr,
		"--leader-elect=true", "--leader-election-namespace=datashare-system")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("operator output:\n%s", logs.String())
		}
	})

	for _, path := range []string{"/healthz", "/readyz"} {
		waitFor(t, path+" answers 200", func() bool {
			resp, err := http.Get("http://" + probeAddr + path)
			if err != nil {
				return false
			}
			resp.Body.Close()
			return resp.StatusCode == http.StatusOK
		})
	}

	waitFor(t, "the leader-election lease is held", func() bool {
		lease := &coordinationv1.Lease{}
		err := k8s.Get(ctx, client.ObjectKey{Namespace: "datashare-system", Name: leaderElectionID}, lease)
		return err == nil && lease.Spec.HolderIdentity != nil && *lease.Spec.HolderIdentity != ""
	})

	// Metrics are served over HTTPS to authorized callers only: a caller
	// with no credentials is turned away.
	insecure := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}}
	var status int
	waitFor(t, "the metrics endpoint answers", func() bool {
		resp, err := insecure.Get("https://" + metricsAddr + "/metrics")
		if err != nil {
			return false
		}
		resp.Body.Close()
		status = resp.StatusCode
		return true
	})
	if status != http.StatusUnauthorized && status != http.StatusForbidden {
		t.Fatalf("an anonymous caller got %d from /metrics; want 401 or 403", status)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	err := testenv.EventuallyEvery(60*time.Second, 200*time.Millisecond, func() error {
		if !cond() {
			return errors.New("not yet")
		}
		return nil
	})
	if err != nil {
		t.Fatalf("waiting until %s: %v", what, err)
	}
}
