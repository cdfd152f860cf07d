package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var update = flag.Bool("update", false, "rewrite the plugin's golden outputs in testdata/")

// plugin runs `kubectl datashare args...` with the stock kubectl, which
// finds the plugin on PATH, as the user of kubeconfig. It returns the
// output and the exit code.
type plugin struct {
	t          *testing.T
	path       string // PATH with the plugin first
	kubeconfig string
}

func (p plugin) run(args ...string) (string, int) {
	p.t.Helper()
	var out bytes.Buffer
	cmd := exec.Command("kubectl", append([]string{"datashare"}, args...)...)
	cmd.Env = append(os.Environ(), "PATH="+p.path, "KUBECONFIG="+p.kubeconfig, "NO_COLOR=")
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitCode()
	} else if err != nil {
		p.t.Fatalf("kubectl datashare %v: %v", args, err)
	}
	return out.String(), code
}

// volatile are the parts of the output that change from run to run: the
// deadline of a request made when the demo started, and key ids.
var volatile = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(answer (?:due by|overdue since)) \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(Asia/Ho_Chi_Minh\)`), "$1 <respondBy>"},
	{regexp.MustCompile(`key ids [0-9a-f]+(, [0-9a-f]+)*`), "key ids <key ids>"},
	{regexp.MustCompile(`asked for at \S+:`), "asked for at <now>:"},
}

// golden compares output with testdata/NAME.golden (rewritten with
// -update).
func golden(t *testing.T, name, output string) {
	t.Helper()
	for _, v := range volatile {
		output = v.re.ReplaceAllString(output, v.with)
	}
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(output), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./hack/demo -run TestDemoOnce -update writes it)", err)
	}
	if output != string(want) {
		t.Errorf("kubectl datashare %s differs from %s:\n--- got\n%s\n--- want\n%s", name, path, output, want)
	}
}

// checkPlugin builds kubectl-datashare, puts it on PATH, and runs every
// command on the settled samples, as the administrator and as a focal
// point of so-khdt.
func checkPlugin(t *testing.T, env *testenv.Env, c client.Client, adminKubeconfig string) error {
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "kubectl-datashare"), "./hack/kubectl-datashare")
	build.Dir = testenv.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the plugin: %v\n%s", err, out)
	}
	path := dir + string(os.PathListSeparator) + os.Getenv("PATH")
	admin := plugin{t: t, path: path, kubeconfig: adminKubeconfig}
	var outputs []string
	expect := func(p plugin, wantCode int, name string, args ...string) string {
		t.Helper()
		out, code := p.run(args...)
		outputs = append(outputs, out)
		if code != wantCode {
			t.Errorf("kubectl datashare %s: exit %d, want %d\n%s", strings.Join(args, " "), code, wantCode, out)
		}
		if name != "" {
			golden(t, name, out)
		}
		t.Logf("$ kubectl datashare %s\n%s", strings.Join(args, " "), out)
		return out
	}

	expect(admin, 0, "status", "status")
	expect(admin, 0, "status-agency", "status", "--agency", "so-yte")
	expect(admin, 0, "why-live", "why", "dat-dai-so-tnmt", "-n", "bo-nnmt")
	expect(admin, 3, "why-awaiting", "why", "ho-so-suc-khoe", "-n", "so-khdt")
	expect(admin, 0, "who-can-reach", "who-can-reach", "dat-dai", "-n", "so-tnmt")
	request := expect(admin, 0, "request", "request", "dat-dai", "-n", "so-tnmt", "--as-agency", "so-khdt",
		"--purpose", "Xác minh địa chỉ trụ sở doanh nghiệp", "--legal-basis", "Nghị định 47/2020/NĐ-CP, Điều 10")

	// The manifest request prints is one the API server accepts.
	sa := &v1alpha1.SharingAgreement{}
	if err := yaml.Unmarshal([]byte(request), sa); err != nil {
		t.Fatalf("request printed no manifest: %v", err)
	}
	if err := c.Create(context.Background(), sa, client.DryRunAll); err != nil {
		t.Errorf("the API server refuses the manifest request printed: %v", err)
	}

	// Machine-readable output.
	out := expect(admin, 0, "", "status", "-o", "json")
	var report struct {
		AgreementsByState map[string]int `json:"agreementsByState"`
		Waiting           []struct{ Agreement, State string }
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || report.AgreementsByState["Active"] != 4 ||
		len(report.Waiting) != 1 || report.Waiting[0].Agreement != "so-khdt/ho-so-suc-khoe" {
		t.Errorf("status -o json: %+v %v", report, err)
	}
	out = expect(admin, 3, "", "why", "ho-so-suc-khoe", "-n", "so-khdt", "-o", "yaml")
	var why struct {
		Live   bool
		State  string
		Checks []struct{ What, State, Who string }
	}
	if err := yaml.Unmarshal([]byte(out), &why); err != nil || why.Live || why.State != "AwaitingProviderConsent" || len(why.Checks) == 0 {
		t.Errorf("why -o yaml: %+v %v", why, err)
	}

	// Mistakes get a message and an exit code.
	if out := expect(admin, 1, "", "why", "khong-co", "-n", "bo-nnmt"); !strings.Contains(out, "SharingAgreement bo-nnmt/khong-co does not exist") {
		t.Errorf("a missing agreement: %s", out)
	}
	if out := expect(admin, 2, "", "status", "-o", "xml"); !strings.Contains(out, "-o xml is not a format: use json or yaml") {
		t.Errorf("a wrong format: %s", out)
	}
	if out := expect(admin, 2, "", "request", "dat-dai", "-n", "so-tnmt", "--as-agency", "so-khdt"); !strings.Contains(out, "is required") {
		t.Errorf("a request without its purpose: %s", out)
	}

	// rotate sets the documented annotation.
	expect(admin, 0, "rotate", "rotate", "dat-dai-so-tnmt", "-n", "bo-nnmt")
	rotated := &v1alpha1.SharingAgreement{}
	if err := c.Get(context.Background(), client.ObjectKey{Namespace: "bo-nnmt", Name: "dat-dai-so-tnmt"}, rotated); err != nil {
		return err
	}
	if rotated.Annotations[v1alpha1.AnnotationRotateKey] == "" {
		t.Error("rotate did not set the rotation annotation")
	}

	// As so-khdt's focal point: what its rights hide is said, not failed on.
	focal := plugin{t: t, path: path, kubeconfig: filepath.Join(dir, "focal-point.kubeconfig")}
	if err := env.WriteKubeconfig(envtest.User{Name: "pham.quoc.dung@skhdt.soctrang.gov.vn"}, focal.kubeconfig); err != nil {
		return err
	}
	out = expect(focal, 0, "who-can-reach-as-focal-point", "who-can-reach", "dat-dai", "-n", "so-tnmt")
	if !strings.Contains(out, "Note: you may not read the SharingAgreements of other agencies") {
		t.Errorf("who-can-reach as a focal point of another agency does not say what is hidden:\n%s", out)
	}
	expect(focal, 3, "", "why", "ho-so-suc-khoe", "-n", "so-khdt")

	// As so-yte's focal point, who must answer so-khdt's request, made in
	// so-khdt's namespace, which so-yte may not read: status shows it,
	// from so-yte's Agency (written a moment after the agreement's state).
	provider := plugin{t: t, path: path, kubeconfig: filepath.Join(dir, "provider.kubeconfig")}
	if err := env.WriteKubeconfig(envtest.User{Name: "thach.thi.sari@syt.soctrang.gov.vn"}, provider.kubeconfig); err != nil {
		return err
	}
	if err := testenv.Eventually(30*time.Second, func() error {
		if out, _ := provider.run("status", "--agency", "so-yte"); !strings.Contains(out, "so-khdt/ho-so-suc-khoe") {
			return fmt.Errorf("no request to answer:\n%s", out)
		}
		return nil
	}); err != nil {
		t.Errorf("status --agency so-yte, as so-yte's focal point: %v", err)
	}
	expect(provider, 0, "status-agency-as-provider", "status", "--agency", "so-yte")
	// A provider asks who reaches its own service: its backend's
	// NetworkPolicy is its own to read, its consumers are counted.
	expect(provider, 0, "who-can-reach-as-provider", "who-can-reach", "ho-so-suc-khoe", "-n", "so-yte")
	// Without --agency, a focal point reads its own agency's namespace, not
	// the kubeconfig's "default".
	if out := expect(provider, 0, "", "status"); !strings.Contains(out, "showing namespace so-yte") || strings.Contains(out, "namespace default") {
		t.Errorf("status as so-yte's focal point does not show its own agency:\n%s", out)
	}

	// No command prints key material.
	secrets := &corev1.SecretList{}
	if err := c.List(context.Background(), secrets, client.HasLabels{v1alpha1.LabelCredential}); err != nil {
		return err
	}
	if len(secrets.Items) == 0 {
		t.Error("no credential Secrets to look for")
	}
	all := strings.Join(outputs, "\n")
	keys := 0
	for _, s := range secrets.Items {
		for field, v := range s.Data {
			// A consumer's Secret also holds its endpoint; a gateway key
			// holds only the key.
			if s.Labels[v1alpha1.LabelCredential] == v1alpha1.CredentialConsumer && field != render.SecretKeyAPIKey {
				continue
			}
			keys++
			if strings.Contains(all, string(v)) {
				t.Errorf("a plugin output holds the key of Secret %s/%s", s.Namespace, s.Name)
			}
		}
	}
	if keys == 0 {
		t.Error("no keys to look for")
	}
	return nil
}
