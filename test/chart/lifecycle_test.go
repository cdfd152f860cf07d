package chart

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/discovery"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestTheServerSaysItsVersion: the test API server is built with the
// version of the Kubernetes release its tool module pins, as Kubernetes'
// own build stamps it, so that helm's kubeVersion check and `kubectl
// version` read it.
func TestTheServerSaysItsVersion(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "hack", "envtest", "kube-apiserver", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`k8s\.io/kubernetes (v\d+\.\d+\.\d+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("hack/envtest/kube-apiserver/go.mod does not pin k8s.io/kubernetes")
	}
	want := string(m[1])
	dc, err := discovery.NewDiscoveryClientForConfig(env.Config)
	if err != nil {
		t.Fatal(err)
	}
	v, err := dc.ServerVersion()
	if err != nil {
		t.Fatal(err)
	}
	if v.GitVersion != want || v.Major != "1" || !strings.HasPrefix(want, "v1."+v.Minor+".") {
		t.Fatalf("the API server says %s (major %q, minor %q), want %s: rebuild bin/kube-apiserver (make envtest-bins)", v.GitVersion, v.Major, v.Minor, want)
	}
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Fatal("kubectl is not installed; the tests need the stock kubectl")
	}
	out, err := exec.Command(kubectl, "--kubeconfig", kubeconfig(t), "version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Server Version: "+want) {
		t.Fatalf("kubectl version: %v\n%s", err, out)
	}
}

var (
	adminKubeconfig    string
	ctx                = context.Background()
	admissionPolicyGVK = schema.GroupVersionKind{Group: "admissionregistration.k8s.io", Version: "v1", Kind: "ValidatingAdmissionPolicy"}
)

// kubeconfig is an admin kubeconfig for helm and kubectl.
func kubeconfig(t *testing.T) string {
	t.Helper()
	if adminKubeconfig == "" {
		path := filepath.Join(os.TempDir(), "datashare-chart-test-"+strings.ReplaceAll(time.Now().Format("150405.000000"), ".", "")+".kubeconfig")
		if err := env.WriteAdminKubeconfig("chart-tester", path); err != nil {
			t.Fatal(err)
		}
		adminKubeconfig = path
	}
	return adminKubeconfig
}

// helmIn runs helm against the test API server.
func helmIn(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return testenv.Helm(t, append(args, "--kubeconfig", kubeconfig(t))...)
}

// restrictedNamespace creates a namespace that enforces the restricted Pod
// Security Standard.
func restrictedNamespace(t *testing.T, name string) {
	t.Helper()
	levels := map[string]string{}
	for _, mode := range []string{"enforce", "warn", "audit"} {
		levels["pod-security.kubernetes.io/"+mode] = "restricted"
	}
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: levels}}); err != nil {
		t.Fatal(err)
	}
}

func present(t *testing.T, obj client.Object) bool {
	t.Helper()
	err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj)
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

// TestChartLifecycleUnderHelm installs, upgrades, uninstalls and installs
// again with the helm the project builds, against the real API server, in a
// namespace that enforces the restricted Pod Security Standard. No kubelet
// runs here, so no pod starts; every object is real.
func TestChartLifecycleUnderHelm(t *testing.T) {
	const ns, release = "ds-life", "ds"
	restrictedNamespace(t, ns)
	fullname := release + "-datashare-operator"
	deployment := &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fullname}}
	operatorRole := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: fullname}}
	operatorBinding := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fullname}}
	catalogRole := &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: v1alpha1.CatalogReaderClusterRole}}
	policy := &metav1.PartialObjectMetadata{ObjectMeta: metav1.ObjectMeta{Name: "datashare-operator-owned-objects"}}
	policy.SetGroupVersionKind(admissionPolicyGVK)
	agencyCRD := &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "agencies.datashare.lgsp.vn"}}
	metricsPolicy := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fullname + "-metrics"}}

	// helm install, default values.
	out, err := helmIn(t, "install", release, chart, "-n", ns, "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL, "--set", "lgsp.coordinatorAgency=so-tttt")
	if err != nil {
		t.Fatalf("helm install: %v\n%s", err, out)
	}
	if strings.Contains(out, "PodSecurity") {
		t.Errorf("helm install warned about Pod Security:\n%s", out)
	}
	for _, obj := range []client.Object{deployment, operatorRole, operatorBinding, catalogRole, policy, agencyCRD} {
		if !present(t, obj) {
			t.Errorf("helm install did not create %T %s", obj, obj.GetName())
		}
	}
	if !hasArg(deployment, "--enforcement=envoy-gateway") {
		t.Errorf("default arguments: %v", deployment.Spec.Template.Spec.Containers[0].Args)
	}
	t.Log("helm install (default values): Deployment, RBAC, the three focal-point roles, the ownership policy and the CRDs created; no Pod Security warning")

	// A custom resource the province keeps.
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "so-tttt", Labels: map[string]string{v1alpha1.LabelAgency: "so-tttt"}}}); err != nil {
		t.Fatal(err)
	}
	agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tttt"}, Spec: v1alpha1.AgencySpec{
		DisplayName: "Sở Thông tin và Truyền thông", Level: v1alpha1.LevelDepartment, Namespace: "so-tttt"}}
	if err := k8s.Create(ctx, agency); err != nil {
		t.Fatal(err)
	}

	// helm upgrade, every value it can change here changed.
	out, err = helmIn(t, "upgrade", release, chart, "-n", ns, "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL, "--set", "lgsp.coordinatorAgency=so-khcn", "--set", "lgsp.enforcement=none",
		"--set", "concurrency=8", "--set", "ownershipPolicy.enabled=false", "--set", "metrics.networkPolicy.enabled=true",
		"--set", "lgsp.focalPointSubjectPrefix=oidc:")
	if err != nil {
		t.Fatalf("helm upgrade: %v\n%s", err, out)
	}
	if !present(t, deployment) || !hasArg(deployment, "--coordinator-agency=so-khcn") || !hasArg(deployment, "--enforcement=none") ||
		!hasArg(deployment, "--concurrency=8") || !hasArg(deployment, "--focal-point-subject-prefix=oidc:") {
		t.Errorf("helm upgrade did not change the arguments: %v", deployment.Spec.Template.Spec.Containers[0].Args)
	}
	if present(t, policy) {
		t.Error("helm upgrade with ownershipPolicy.enabled=false left the policy behind")
	}
	if !present(t, metricsPolicy) {
		t.Error("helm upgrade did not create the metrics NetworkPolicy")
	}
	t.Log("helm upgrade: arguments changed, the ownership policy removed, the metrics NetworkPolicy added")
	systemSubjectsBehindThePrefixAreRefused(t)

	// A second release into another namespace is refused: the CRDs, the
	// focal-point roles and the ownership policy are the cluster's one set,
	// and two operators would fight over the same agreements.
	restrictedNamespace(t, "ds-other")
	out, err = helmIn(t, "install", "ds2", chart, "-n", "ds-other", "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL, "--set", "lgsp.coordinatorAgency=so-tttt")
	if err == nil || !strings.Contains(out, "exists and cannot be imported into the current release") {
		t.Errorf("a second install must be refused, naming what belongs to the first: %v\n%s", err, out)
	}
	if present(t, &appsv1.Deployment{ObjectMeta: metav1.ObjectMeta{Namespace: "ds-other", Name: "ds2-datashare-operator"}}) {
		t.Error("the refused second install left a Deployment")
	}
	t.Logf("a second install into another namespace is refused: %s", firstLine(out))

	// helm uninstall with crds.keep on (the default): the CRDs and the
	// province's objects stay; the operator and its RBAC go.
	if out, err = helmIn(t, "uninstall", release, "-n", ns); err != nil {
		t.Fatalf("helm uninstall: %v\n%s", err, out)
	}
	for _, obj := range []client.Object{deployment, operatorRole, operatorBinding, catalogRole, metricsPolicy} {
		if present(t, obj) {
			t.Errorf("helm uninstall left %T %s", obj, obj.GetName())
		}
	}
	if !present(t, agencyCRD) || !present(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tttt"}}) {
		t.Fatal("with crds.keep on, uninstalling must keep the CRDs and the agencies")
	}
	t.Log("helm uninstall (crds.keep on): Deployment and RBAC gone; the CRDs and the Agency kept")

	// Installed again, it takes the kept CRDs back; uninstalled with
	// crds.keep off, the CRDs and the custom resources go.
	if out, err = helmIn(t, "install", release, chart, "-n", ns, "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL, "--set", "lgsp.coordinatorAgency=so-tttt", "--set", "crds.keep=false"); err != nil {
		t.Fatalf("helm install over kept CRDs: %v\n%s", err, out)
	}
	if !present(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tttt"}}) {
		t.Fatal("installing again must keep the agencies")
	}
	if out, err = helmIn(t, "uninstall", release, "-n", ns); err != nil {
		t.Fatalf("helm uninstall: %v\n%s", err, out)
	}
	if err := testenv.Eventually(30*time.Second, func() error {
		if present(t, &apiextensionsv1.CustomResourceDefinition{ObjectMeta: metav1.ObjectMeta{Name: "agencies.datashare.lgsp.vn"}}) {
			return fmt.Errorf("CRD agencies.datashare.lgsp.vn is still there")
		}
		return nil
	}); err != nil {
		t.Fatalf("with crds.keep off, uninstalling must delete the CRDs: %v", err)
	}
	t.Log("helm install over the kept CRDs adopts them; helm uninstall (crds.keep off): the CRDs, and with them the Agency, deleted")

	// helm install with every value changed (but the ServiceMonitor, whose
	// CRD comes with the Prometheus Operator, which this API server lacks).
	valuesFile := filepath.Join(t.TempDir(), "values.yaml")
	if err := os.WriteFile(valuesFile, []byte(nonDefault), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err = helmIn(t, "install", release, chart, "-n", ns, "-f", valuesFile, "--set", "metrics.serviceMonitor.enabled=false")
	if err != nil {
		t.Fatalf("helm install, every value changed: %v\n%s", err, out)
	}
	if !present(t, deployment) || !hasArg(deployment, "--lgsp-gateway=lgsp-gw/lgsp-public/https") || *deployment.Spec.Replicas != 3 || !present(t, metricsPolicy) {
		t.Errorf("helm install with every value changed: %v", deployment.Spec.Template.Spec.Containers[0].Args)
	}
	if out, err = helmIn(t, "uninstall", release, "-n", ns); err != nil {
		t.Fatalf("helm uninstall: %v\n%s", err, out)
	}
	if present(t, deployment) || present(t, operatorRole) {
		t.Error("helm uninstall left the operator behind")
	}
	t.Log("helm install (every value changed) and uninstall")
}

func hasArg(d *appsv1.Deployment, arg string) bool {
	for _, a := range d.Spec.Template.Spec.Containers[0].Args {
		if a == arg {
			return true
		}
	}
	return false
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// systemSubjectsBehindThePrefixAreRefused: with the identity provider's
// prefix set, the chart's admission policy refuses a FocalPoint that names
// the cluster's own users and groups behind it, whatever their kind, and
// still admits the officers the identity provider names.
func systemSubjectsBehindThePrefixAreRefused(t *testing.T) {
	t.Helper()
	focalPoint := func(name string, subjects ...v1alpha1.Subject) *v1alpha1.FocalPoint {
		return &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: "so-tttt"}, Spec: v1alpha1.FocalPointSpec{
			Person: v1alpha1.Contact{Name: "Cán bộ", Email: "cb@so-tttt.gov.vn"}, Role: v1alpha1.RoleDeputy, Subjects: subjects,
			Appointment: v1alpha1.Appointment{DocumentRef: "QĐ", ValidFrom: metav1.NewTime(time.Now().Add(-time.Hour))}}}
	}
	officer := v1alpha1.Subject{Kind: v1alpha1.SubjectUser, Name: "oidc:lan@so-tttt.gov.vn"}
	// The policy is in force once the API server has compiled it.
	if err := testenv.Eventually(30*time.Second, func() error {
		probe := focalPoint("probe", v1alpha1.Subject{Kind: v1alpha1.SubjectGroup, Name: "oidc:system:authenticated"})
		if err := k8s.Create(ctx, probe); err == nil {
			_ = k8s.Delete(ctx, probe)
			return fmt.Errorf("a focal point naming Group oidc:system:authenticated was admitted")
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, subject := range []v1alpha1.Subject{
		{Kind: v1alpha1.SubjectGroup, Name: "oidc:system:authenticated"},
		{Kind: v1alpha1.SubjectUser, Name: "oidc:system:anonymous"},
		{Kind: v1alpha1.SubjectGroup, Name: "oidc:system:serviceaccounts"},
		{Kind: v1alpha1.SubjectUser, Name: "oidc:system:serviceaccount:kube-system:default"},
	} {
		err := k8s.Create(ctx, focalPoint("system", officer, subject))
		want := subject.Kind + " " + v1alpha1.SubjectKind(subject.Name) + " is the cluster's own system: user or group behind the identity provider's prefix oidc:"
		if err == nil || !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), string(want)) {
			t.Errorf("a focal point naming %s %s: want the policy's refusal naming it, got %v", subject.Kind, subject.Name, err)
		}
	}
	admitted := focalPoint("officer", officer)
	if err := k8s.Create(ctx, admitted); err != nil {
		t.Fatalf("a focal point naming only %s was refused: %v", officer.Name, err)
	}
	if err := k8s.Delete(ctx, admitted); err != nil {
		t.Fatal(err)
	}
	t.Log("with lgsp.focalPointSubjectPrefix=oidc:, focal points naming oidc:system: users and groups are refused; an officer is admitted")
}
