package release

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	authenticationv1 "k8s.io/api/authentication/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
	"sigs.k8s.io/controller-runtime/pkg/client"

	"github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// The namespace install.yaml installs into, and its two service accounts.
const (
	systemNamespace = "datashare-system"
	operatorAccount = "datashare-operator"
	portalAccount   = "datashare-portal"
)

// process is what the image's runtime configuration tells a runtime to
// run, as umoci writes it (config.json of an OCI runtime bundle).
type process struct {
	Args []string `json:"args"`
	Env  []string `json:"env"`
	User struct {
		UID int `json:"uid"`
		GID int `json:"gid"`
	} `json:"user"`
}

// unpack fetches the amd64 image from the release's archive as a node's
// runtime would (skopeo picks the platform from the index), unpacks it
// with umoci into a root file system, and returns that and the process
// the image configures.
func unpack(t *testing.T, b built) (string, process) {
	t.Helper()
	work := t.TempDir()
	run(t, "skopeo", "copy", "--quiet", "--override-os", "linux", "--override-arch", "amd64",
		"oci-archive:"+b.archive(t), "oci:"+filepath.Join(work, "layout")+":run")
	bundle := filepath.Join(work, "bundle")
	run(t, "umoci", "unpack", "--image", filepath.Join(work, "layout")+":run", bundle)
	raw, err := os.ReadFile(filepath.Join(bundle, "config.json"))
	if err != nil {
		t.Fatal(err)
	}
	var spec struct {
		Process process `json:"process"`
	}
	if err := json.Unmarshal(raw, &spec); err != nil {
		t.Fatal(err)
	}
	return filepath.Join(bundle, "rootfs"), spec.Process
}

func TestTheUnpackedImageRunsOnTheAPIServer(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Fatal("this test runs the image's binary in a chroot, which needs root: run make test as root, as CI does")
	}
	b := theRelease(t)
	rootfs, proc := unpack(t, b)
	if proc.User.UID != 65532 || proc.User.GID != 65532 || len(proc.Args) != 1 || proc.Args[0] != "/manager" {
		t.Fatalf("the runtime would run %v as %d:%d, want /manager as 65532:65532", proc.Args, proc.User.UID, proc.User.GID)
	}
	for _, absent := range []string{"bin/sh", "usr/share/zoneinfo"} {
		if _, err := os.Stat(filepath.Join(rootfs, absent)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("/%s is in the image (%v): no shell, and the time zones come from the binary", absent, err)
		}
	}
	if out := chroot(t, rootfs, proc, nil, "version").output(t); !strings.Contains(out, b.version) {
		t.Errorf("`datashare-operator version` in the image says %q, want %s", out, b.version)
	}

	env, err := testenv.Start(testenv.WithoutOwnCRDs())
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = env.Stop() }()
	admin := filepath.Join(t.TempDir(), "admin.kubeconfig")
	if err := env.WriteAdminKubeconfig("release-test-admin", admin); err != nil {
		t.Fatal(err)
	}
	root := testenv.RepoRoot()
	kubectl(t, admin, "apply", "--server-side", "-f", filepath.Join(b.dir, "install.yaml"))
	kubectl(t, admin, "wait", "--for=condition=Established", "--timeout=60s", "crd", "--all")
	for _, f := range []string{"config/samples/00-namespaces.yaml", "hack/demo/backends.yaml", "config/samples/01-agencies.yaml",
		"config/samples/02-focalpoints.yaml", "config/samples/03-dataservices.yaml", "config/samples/04-sharingagreements.yaml"} {
		kubectl(t, admin, "apply", "--server-side", "-f", filepath.Join(root, f))
	}
	c, err := client.New(env.Config, client.Options{Scheme: scheme.New()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()

	// What install.yaml asks a node to run: the released image, by digest.
	deploy := &appsv1.Deployment{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: systemNamespace, Name: "datashare-operator"}, deploy); err != nil {
		t.Fatal(err)
	}
	container := deploy.Spec.Template.Spec.Containers[0]
	if want := "ghcr.io/lgsp-vn/datashare-operator@" + b.digest; container.Image != want {
		t.Errorf("install.yaml's operator runs %s, want %s", container.Image, want)
	}

	// The operator with install.yaml's arguments and its service account's
	// token, as its pod would run; only the ports are this machine's.
	kube := kubernetes.NewForConfigOrDie(env.Config)
	writeKubeconfig(t, ctx, kube, env.Config.Host, env.Config.CAData, operatorAccount, filepath.Join(rootfs, "kubeconfig", "operator"))
	probe := testenv.FreeAddr(t)
	args := append(append([]string{}, container.Args...), "--metrics-bind-address=0", "--health-probe-bind-address="+probe)
	operator := chroot(t, rootfs, proc, []string{"KUBECONFIG=/kubeconfig/operator"}, args...).start(t)
	defer operator.stop(t)

	agreement := &v1alpha1.SharingAgreement{}
	key := client.ObjectKey{Namespace: "bo-nnmt", Name: "dat-dai-so-tnmt"}
	err = testenv.Eventually(3*time.Minute, func() error {
		if operator.exited() {
			return errors.New("the operator exited")
		}
		// No gateway runs here: the test accepts the routes as it would.
		if err := testenv.AcceptRoutes(ctx, c); err != nil {
			return err
		}
		if err := c.Get(ctx, key, agreement); err != nil {
			return err
		}
		if ready := conditions.Get(agreement.Status.Conditions, v1alpha1.ConditionReady); ready == nil || ready.Reason != "Active" {
			return fmt.Errorf("agreement %s is %+v", key, ready)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the image's operator did not make the sample agreement Active: %v\noperator log:\n%s", err, operator.log())
	}
	lease := &coordinationv1.Lease{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: systemNamespace, Name: "datashare-operator.lgsp.vn"}, lease); err != nil ||
		lease.Spec.HolderIdentity == nil || *lease.Spec.HolderIdentity == "" {
		t.Errorf("the operator holds no lease: %v %+v", err, lease.Spec)
	}
	if code, _ := get(t, "http://"+probe+"/readyz", ""); code != http.StatusOK {
		t.Errorf("/readyz answers %d", code)
	}
	// The province's zone loads from the binary's own copy: the root file
	// system has none, and setup fails on a zone it cannot load.
	start := operator.line("starting the operator")
	t.Logf("the image's operator, as 65532 in a chroot: %s", start)
	for _, want := range []string{`"timeZone":"Asia/Ho_Chi_Minh"`, `"version":"` + b.version + `"`} {
		if !strings.Contains(start, want) {
			t.Errorf("the operator's start line does not say %s:\n%s", want, start)
		}
	}

	// The portal: the same image, its own service account.
	portalDeploy := &appsv1.Deployment{}
	if err := c.Get(ctx, client.ObjectKey{Namespace: systemNamespace, Name: "datashare-portal"}, portalDeploy); err != nil {
		t.Fatal(err)
	}
	writeKubeconfig(t, ctx, kube, env.Config.Host, env.Config.CAData, portalAccount, filepath.Join(rootfs, "kubeconfig", "portal"))
	listen := testenv.FreeAddr(t)
	portalArgs := append(append([]string{}, portalDeploy.Spec.Template.Spec.Containers[0].Args...), "--listen="+listen)
	portal := chroot(t, rootfs, proc, []string{"KUBECONFIG=/kubeconfig/portal"}, portalArgs...).start(t)
	defer portal.stop(t)
	officer := officerToken(t, ctx, kube, c)
	err = testenv.Eventually(time.Minute, func() error {
		if portal.exited() {
			return errors.New("the portal exited")
		}
		code, body := get(t, "http://"+listen+"/catalog", officer)
		if code != http.StatusOK || !strings.Contains(body, "Tra cứu thông tin thửa đất") {
			return fmt.Errorf("/catalog answers %d without the sample service", code)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("the image's portal does not serve the catalog: %v\nportal log:\n%s", err, portal.log())
	}
	if code, _ := get(t, "http://"+listen+"/catalog", ""); code != http.StatusUnauthorized {
		t.Errorf("/catalog answers %d to an anonymous visitor, want 401", code)
	}
}

// officerToken is a token of a service account that the catalog-reader
// role is bound to, as a focal point's would be.
func officerToken(t *testing.T, ctx context.Context, kube kubernetes.Interface, c client.Client) string {
	t.Helper()
	sa := &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "can-bo"}}
	if err := c.Create(ctx, sa); err != nil {
		t.Fatal(err)
	}
	if err := c.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "release-test-catalog-reader"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-catalog-reader"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Namespace: sa.Namespace, Name: sa.Name}}}); err != nil {
		t.Fatal(err)
	}
	tr, err := kube.CoreV1().ServiceAccounts(sa.Namespace).CreateToken(ctx, sa.Name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return tr.Status.Token
}

// writeKubeconfig writes, readable by 65532, a kubeconfig with a token of
// a service account of datashare-system: what the pod's mounted token
// gives it.
func writeKubeconfig(t *testing.T, ctx context.Context, kube kubernetes.Interface, server string, ca []byte, account, path string) {
	t.Helper()
	tr, err := kube.CoreV1().ServiceAccounts(systemNamespace).CreateToken(ctx, account, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		t.Fatalf("a token of %s/%s, which install.yaml creates: %v", systemNamespace, account, err)
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters["test"] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[account] = &clientcmdapi.AuthInfo{Token: tr.Status.Token}
	cfg.Contexts["test"] = &clientcmdapi.Context{Cluster: "test", AuthInfo: account}
	cfg.CurrentContext = "test"
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	raw, err := clientcmd.Write(*cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

func kubectl(t *testing.T, kubeconfig string, args ...string) {
	t.Helper()
	run(t, "kubectl", append([]string{"--kubeconfig", kubeconfig}, args...)...)
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err.Error()
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// contained is a command run as the image's process in its root file
// system: chroot as the image's user, with the image's environment and
// nothing of this machine's.
type contained struct {
	cmd  *exec.Cmd
	out  *testenv.SyncBuffer
	done chan struct{}
}

func chroot(t *testing.T, rootfs string, proc process, env []string, args ...string) *contained {
	t.Helper()
	argv := append([]string{fmt.Sprintf("--userspec=%d:%d", proc.User.UID, proc.User.GID), rootfs}, proc.Args...)
	cmd := exec.Command("chroot", append(argv, args...)...)
	cmd.Env = append(append([]string{}, proc.Env...), env...)
	cmd.Dir = rootfs
	out := &testenv.SyncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	return &contained{cmd: cmd, out: out, done: make(chan struct{})}
}

func (c *contained) output(t *testing.T) string {
	t.Helper()
	if err := c.cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", c.cmd, err, c.out.String())
	}
	return c.out.String()
}

func (c *contained) start(t *testing.T) *contained {
	t.Helper()
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = c.cmd.Wait(); close(c.done) }()
	return c
}

func (c *contained) exited() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// stop ends the process as the kubelet would, with SIGTERM, and fails the
// test if it does not stop within the pod's grace period.
func (c *contained) stop(t *testing.T) {
	t.Helper()
	if c.exited() {
		return
	}
	_ = c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(30 * time.Second):
		_ = c.cmd.Process.Kill()
		t.Errorf("%s did not stop within 30 s of SIGTERM", c.cmd)
	}
}

func (c *contained) log() string { return c.out.String() }

// line is the first line of the log that holds s.
func (c *contained) line(s string) string {
	for _, l := range strings.Split(c.out.String(), "\n") {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
