// Package testenv starts a real kube-apiserver and etcd (envtest) with the
// operator's CRDs and the Gateway API and Envoy Gateway CRDs installed, so
// that tests check every object against the real schemas and CEL rules.
//
// The binaries come from KUBEBUILDER_ASSETS, or else from the repository's
// bin/ folder, where `make envtest-bins` builds them from Go modules.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	k8sruntime "k8s.io/apimachinery/pkg/runtime"
	"k8s.io/client-go/rest"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"

	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// Modules whose CRD files are installed beside the operator's own. Their
// versions are the ones go.mod requires.
const (
	gatewayAPIModule   = "sigs.k8s.io/gateway-api"
	envoyGatewayModule = "github.com/envoyproxy/gateway"
	// prometheusOperatorModule ships the ServiceMonitor and PrometheusRule
	// CRDs the chart's optional objects need. The operator does not import
	// it, so its version is pinned here, and go mod download fetches it.
	prometheusOperatorModule = "github.com/prometheus-operator/prometheus-operator@v0.85.0"
)

// SampleBaseURL is the sample province's LGSP address, which the tests and
// the demo give the operator: the operator itself names no province.
const SampleBaseURL = "https://lgsp.soctrang.gov.vn"

// SamplePortalURL is the sample province's portal address.
const SamplePortalURL = "https://du-lieu.soctrang.gov.vn"

// Env is a running API server with every CRD the operator reads or writes.
type Env struct {
	*envtest.Environment
	// Config reaches the API server as its administrator.
	Config *rest.Config
}

// RepoRoot is the repository's top folder.
func RepoRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Option changes what Start installs.
type Option func(*options)

type options struct {
	withoutGatewayCRDs, withoutOwnCRDs, withPrometheusOperatorCRDs bool
	etcdQuota                                                      int64
}

// WithEtcdQuota sets etcd's storage quota in bytes: the scale benchmark
// writes more at 100,000 agreements, with the history of its writes until
// the API server compacts it, than etcd's default 2 GiB holds.
func WithEtcdQuota(bytes int64) Option { return func(o *options) { o.etcdQuota = bytes } }

// WithPrometheusOperatorCRDs adds the Prometheus Operator's ServiceMonitor
// and PrometheusRule CRDs, for the chart's optional monitoring objects.
func WithPrometheusOperatorCRDs() Option {
	return func(o *options) { o.withPrometheusOperatorCRDs = true }
}

// WithoutOwnCRDs leaves out this project's CRDs, for tests that install
// them as the Helm chart does.
func WithoutOwnCRDs() Option { return func(o *options) { o.withoutOwnCRDs = true } }

// WithoutGatewayCRDs leaves out the Gateway API and Envoy Gateway CRDs, for
// tests of an operator that starts before they are installed.
func WithoutGatewayCRDs() Option { return func(o *options) { o.withoutGatewayCRDs = true } }

// Start starts the API server and installs the CRDs. Call Stop when done.
func Start(opts ...Option) (*Env, error) {
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	assets := os.Getenv("KUBEBUILDER_ASSETS")
	if assets == "" {
		assets = filepath.Join(RepoRoot(), "bin")
	}
	for _, bin := range []string{"kube-apiserver", "etcd"} {
		if _, err := os.Stat(filepath.Join(assets, bin)); err != nil {
			return nil, fmt.Errorf("envtest needs %s in %s: run `make envtest-bins` (make test does it) or set KUBEBUILDER_ASSETS", bin, assets)
		}
	}

	var crds []*apiextensionsv1.CustomResourceDefinition
	if !o.withoutGatewayCRDs {
		var err error
		if crds, err = GatewayCRDs(); err != nil {
			return nil, err
		}
	}
	if o.withPrometheusOperatorCRDs {
		more, err := prometheusOperatorCRDs()
		if err != nil {
			return nil, err
		}
		crds = append(crds, more...)
	}
	env := &envtest.Environment{BinaryAssetsDirectory: assets, CRDs: crds, ErrorIfCRDPathMissing: true}
	if o.etcdQuota > 0 {
		env.ControlPlane.Etcd = &envtest.Etcd{}
		env.ControlPlane.Etcd.Configure().Set("quota-backend-bytes", strconv.FormatInt(o.etcdQuota, 10))
	}
	if !o.withoutOwnCRDs {
		env.CRDDirectoryPaths = []string{filepath.Join(RepoRoot(), "config", "crd", "bases")}
	}
	cfg, err := env.Start()
	if err != nil {
		return nil, fmt.Errorf("start envtest: %w", err)
	}
	return &Env{Environment: env, Config: cfg}, nil
}

// GatewayCRDs reads the Gateway API standard-channel CRDs and the Envoy
// Gateway CRDs from their Go modules.
func GatewayCRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	gwDir, err := moduleDir(gatewayAPIModule)
	if err != nil {
		return nil, err
	}
	egDir, err := moduleDir(envoyGatewayModule)
	if err != nil {
		return nil, err
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, glob := range []string{
		filepath.Join(gwDir, "config", "crd", "standard", "gateway.networking.k8s.io_*.yaml"),
		filepath.Join(egDir, "charts", "gateway-crds-helm", "templates", "generated", "gateway.envoyproxy.io_*.yaml"),
	} {
		files, err := filepath.Glob(glob)
		if err != nil || len(files) == 0 {
			return nil, fmt.Errorf("no CRD files match %s", glob)
		}
		for _, f := range files {
			found, err := readCRDs(f)
			if err != nil {
				return nil, err
			}
			crds = append(crds, found...)
		}
	}
	return crds, nil
}

// prometheusOperatorCRDs reads the ServiceMonitor and PrometheusRule CRDs
// from the Prometheus Operator's module.
func prometheusOperatorCRDs() ([]*apiextensionsv1.CustomResourceDefinition, error) {
	cmd := exec.Command("go", "mod", "download", "-json", prometheusOperatorModule)
	// Outside any module: the download changes no go.mod or go.sum.
	cmd.Dir = os.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("go mod download %s: %v %s", prometheusOperatorModule, err, stderr.String())
	}
	var module struct{ Dir string }
	if err := json.Unmarshal(out, &module); err != nil || module.Dir == "" {
		return nil, fmt.Errorf("go mod download %s said no folder: %v %s", prometheusOperatorModule, err, out)
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, kind := range []string{"servicemonitors", "prometheusrules"} {
		found, err := readCRDs(filepath.Join(module.Dir, "example", "prometheus-operator-crd", "monitoring.coreos.com_"+kind+".yaml"))
		if err != nil {
			return nil, err
		}
		crds = append(crds, found...)
	}
	return crds, nil
}

// readCRDs decodes the CustomResourceDefinitions in one file and skips any
// other kind (Gateway API ships a ValidatingAdmissionPolicy beside them).
// Lines that are Helm template actions are dropped: Envoy Gateway's chart
// wraps each CRD in one `{{- if ... }}` line and one `{{- end }}` line.
func readCRDs(path string) ([]*apiextensionsv1.CustomResourceDefinition, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var kept []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "{{") {
			kept = append(kept, line)
		}
	}
	objs, err := manifests.Decode([]byte(strings.Join(kept, "\n")))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	var crds []*apiextensionsv1.CustomResourceDefinition
	for _, obj := range objs {
		if obj.GetKind() != "CustomResourceDefinition" {
			continue
		}
		crd := &apiextensionsv1.CustomResourceDefinition{}
		if err := k8sruntime.DefaultUnstructuredConverter.FromUnstructuredWithValidation(obj.Object, crd, true); err != nil {
			return nil, fmt.Errorf("decode CRD %s in %s: %w", obj.GetName(), path, err)
		}
		crds = append(crds, crd)
	}
	return crds, nil
}

// InstallConfig creates, with c, every object of the given files under
// config/ (for example "rbac/role.yaml"): what an install applies, as the
// project ships it.
func InstallConfig(ctx context.Context, c client.Client, files ...string) error {
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join("config", f)
	}
	return Install(ctx, c, paths...)
}

// Install creates, with c, every object of the given files, named from the
// repository's top folder.
func Install(ctx context.Context, c client.Client, files ...string) error {
	for _, file := range files {
		raw, err := os.ReadFile(filepath.Join(RepoRoot(), file))
		if err != nil {
			return err
		}
		objs, err := manifests.Decode(raw)
		if err != nil {
			return fmt.Errorf("%s: %w", file, err)
		}
		for _, obj := range objs {
			if err := c.Create(ctx, obj); err != nil {
				return fmt.Errorf("install %s %s from %s: %w", obj.GetKind(), obj.GetName(), file, err)
			}
		}
	}
	return nil
}

// UserClient is a client that acts as a user of the API server, in groups,
// so that the API server's own RBAC and admission decide what it may do.
func (e *Env) UserClient(t testing.TB, name string, groups ...string) client.Client {
	t.Helper()
	user, err := e.AddUser(envtest.User{Name: name, Groups: groups}, nil)
	if err != nil {
		t.Fatal(err)
	}
	c, err := client.New(user.Config(), client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// AddUserBoundTo adds a user of the API server who holds only a
// ClusterRole, bound with c: what a service account bound to that role
// may do, as a person in the tests.
func (e *Env) AddUserBoundTo(ctx context.Context, c client.Client, name, clusterRole string) (*envtest.AuthenticatedUser, error) {
	if err := c.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: clusterRole + "-" + name},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: clusterRole},
		Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}}}); err != nil {
		return nil, err
	}
	return e.AddUser(envtest.User{Name: name}, nil)
}

// WriteAdminKubeconfig writes, at path, a kubeconfig for a new user of the
// API server in the system:masters group, for kubectl and for a separate
// operator process.
func (e *Env) WriteAdminKubeconfig(name, path string) error {
	return e.WriteKubeconfig(envtest.User{Name: name, Groups: []string{"system:masters"}}, path)
}

// WriteKubeconfig writes a kubeconfig for a user of the test API server,
// who holds only the rights RBAC gives that name and those groups: what
// kubectl, or a plugin, can do as that person.
func (e *Env) WriteKubeconfig(u envtest.User, path string) error {
	user, err := e.AddUser(u, nil)
	if err != nil {
		return err
	}
	raw, err := user.KubeConfig()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return os.WriteFile(path, raw, 0o600)
}

// moduleDir is the folder of a required module in the module cache.
func moduleDir(module string) (string, error) {
	cmd := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module)
	cmd.Dir = RepoRoot()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	dir := strings.TrimSpace(string(out))
	if err != nil || dir == "" {
		return "", fmt.Errorf("locate module %s (run `go mod download`): %v %s", module, err, stderr.String())
	}
	return dir, nil
}
