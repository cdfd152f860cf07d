// Package chart tests the Helm chart and the kustomize install: they lint,
// render with default and non-default values, pass a server-side dry run
// against a real API server, and refuse bad values with a clear message.
package chart

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

var (
	env   *testenv.Env
	k8s   client.Client
	chart = filepath.Join(testenv.RepoRoot(), "charts", "datashare-operator")
)

const (
	namespace = "datashare-system"
	// kubeVersion is the test API server's; helm template assumes an old
	// one unless told, and the chart requires 1.30 or later.
	kubeVersion = "1.37.2"
)

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	// The chart installs the CRDs itself.
	if env, err = testenv.Start(testenv.WithoutOwnCRDs(), testenv.WithPrometheusOperatorCRDs()); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := k8s.Create(context.Background(), &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespace}}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

func TestHelmLint(t *testing.T) {
	out, err := testenv.Helm(t, "lint", chart, "--strict", "--set", "lgsp.coordinatorAgency=so-tttt", "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL)
	if err != nil || !strings.Contains(out, "1 chart(s) linted, 0 chart(s) failed") {
		t.Fatalf("helm lint: %v\n%s", err, out)
	}
}

// nonDefault sets every value away from its default.
const nonDefault = `
replicaCount: 3
image: {repository: registry.soctrang.gov.vn/lgsp/datashare-operator, tag: "0.1.1", pullPolicy: Always}
lgsp:
  gateway: {namespace: lgsp-gw, name: lgsp-public, listener: https}
  publicBaseURL: https://dichvucong.soctrang.gov.vn/lgsp
  coordinatorAgency: so-khcn
  enforcement: none
  requireAppraisal: false
  reviewPeriod: 4380h
  openDataRefresh: 720h
  keyRotationGrace: 1h
  allowPlaintextKeys: true
  focalPointSubjectPrefix: "oidc:"
  requests: {workingDays: 3, timeZone: Asia/Bangkok, holidays: ["2026-09-01", "2026-09-02"]}
  proxy:
    namespace: envoy-gateway-system
    selector: {gateway.envoyproxy.io/owning-gateway-name: lgsp-public}
concurrency: 8
leaderElection: {enabled: false}
crds: {install: true, keep: false}
metrics:
  port: 9443
  serviceMonitor: {enabled: true, interval: 1m}
  prometheusRule: {enabled: true, labels: {release: kube-prometheus-stack}}
  grafanaDashboard: {enabled: true, namespace: monitoring, labels: {grafana_dashboard: "1"}}
  networkPolicy: {enabled: true, fromNamespaceLabels: {team: observability}}
health: {port: 9081}
logLevel: debug
priorityClassName: system-cluster-critical
nodeSelector: {kubernetes.io/os: linux}
portal:
  publicURL: https://du-lieu.soctrang.gov.vn/cong
  replicaCount: 2
  port: 8090
  httpRoute: {enabled: true, hostnames: [du-lieu.example.gov.vn], pathPrefix: /cong}
`

func TestChartRendersAndPassesServerSideDryRun(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values string
		// wantArgs must all be among the operator's arguments.
		wantArgs []string
		keepCRDs bool
		// portalURL is the portal's --public-url.
		portalURL string
	}{
		{name: "defaults", values: "lgsp: {coordinatorAgency: so-tttt, publicBaseURL: " + testenv.SampleBaseURL + "}\nportal: {publicURL: " + testenv.SamplePortalURL + "}\n", keepCRDs: true,
			wantArgs: []string{"--coordinator-agency=so-tttt", "--lgsp-gateway=lgsp-system/lgsp", "--enforcement=envoy-gateway", "--allow-plaintext-keys=false",
				"--leader-elect=true", "--leader-election-namespace=" + namespace,
				"--gateway-proxy-selector=app.kubernetes.io/component=proxy,app.kubernetes.io/name=envoy",
				"--response-working-days=2", "--time-zone=Asia/Ho_Chi_Minh", "--holidays=2026-01-01,2026-02-16,"},
			portalURL: testenv.SamplePortalURL},
		{name: "every value changed", values: nonDefault, keepCRDs: false,
			wantArgs: []string{"--coordinator-agency=so-khcn", "--lgsp-gateway=lgsp-gw/lgsp-public/https", "--enforcement=none",
				"--require-appraisal=false", "--review-period=4380h", "--key-rotation-grace=1h", "--allow-plaintext-keys=true", "--focal-point-subject-prefix=oidc:", "--leader-elect=false",
				"--gateway-proxy-namespace=envoy-gateway-system", "--metrics-bind-address=:9443", "--zap-log-level=debug", "--concurrency=8",
				"--response-working-days=3", "--time-zone=Asia/Bangkok", "--holidays=2026-09-01,2026-09-02"},
			portalURL: "https://du-lieu.soctrang.gov.vn/cong"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			valuesFile := filepath.Join(t.TempDir(), "values.yaml")
			if err := os.WriteFile(valuesFile, []byte(tc.values), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := testenv.Helm(t, "template", "datashare", chart, "--namespace", namespace, "-f", valuesFile, "--kube-version", kubeVersion)
			if err != nil {
				t.Fatalf("helm template: %v\n%s", err, out)
			}
			objs := decode(t, out)
			kinds := map[string]int{}
			for _, obj := range objs {
				kinds[obj.GetKind()]++
				if obj.GetKind() == "CustomResourceDefinition" {
					_, kept := obj.GetAnnotations()["helm.sh/resource-policy"]
					if kept != tc.keepCRDs {
						t.Errorf("CRD %s: kept on uninstall = %v, want %v", obj.GetName(), kept, tc.keepCRDs)
					}
				}
				switch {
				case obj.GetKind() == "Deployment" && strings.HasSuffix(obj.GetName(), "-portal"):
					checkPortal(t, obj, tc.portalURL)
				case obj.GetKind() == "Deployment":
					checkDeployment(t, obj, tc.wantArgs)
				}
				if obj.GetKind() == "PrometheusRule" {
					checkPrometheusRule(t, obj)
				}
				dryRun(t, obj)
			}
			for _, kind := range []string{"CustomResourceDefinition", "ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Deployment", "Service"} {
				if kinds[kind] == 0 {
					t.Errorf("the chart renders no %s", kind)
				}
			}
			if kinds["CustomResourceDefinition"] != 4 || kinds["ClusterRole"] != 5 || kinds["Deployment"] != 2 {
				t.Errorf("want 4 CRDs, 5 ClusterRoles (the operator's, the portal's, and the focal-point, province and catalog roles) and 2 Deployments (the operator and the portal), got %v", kinds)
			}
			if tc.name != "defaults" && kinds["HTTPRoute"] != 1 {
				t.Errorf("the portal's HTTPRoute is not rendered: %v", kinds)
			}
			// The monitoring objects are optional, off by default.
			monitoring := 0
			if tc.name != "defaults" {
				monitoring = 1
			}
			for _, kind := range []string{"ServiceMonitor", "PrometheusRule"} {
				if kinds[kind] != monitoring {
					t.Errorf("%d %s rendered, want %d", kinds[kind], kind, monitoring)
				}
			}
			t.Logf("rendered and dry-run applied: %v", kinds)
		})
	}
}

// checkDeployment checks the restricted Pod Security Standard, probes,
// resources and the operator's arguments.
func checkDeployment(t *testing.T, obj *unstructured.Unstructured, wantArgs []string) {
	t.Helper()
	pod, _, _ := unstructured.NestedMap(obj.Object, "spec", "template", "spec")
	checkRestricted(t, obj.GetName(), pod)
	for path, want := range map[string]any{
		"containers.0.livenessProbe.httpGet.path":  "/healthz",
		"containers.0.readinessProbe.httpGet.path": "/readyz",
		"containers.0.resources.requests.cpu":      "100m",
	} {
		if got := lookup(pod, path); got != want {
			t.Errorf("Deployment %s = %v, want %v", path, got, want)
		}
	}
	args := fmt.Sprint(lookup(pod, "containers.0.args"))
	for _, a := range wantArgs {
		if !strings.Contains(args, a) {
			t.Errorf("the operator's arguments %s lack %s", args, a)
		}
	}
	// The operator accepts the settings the chart renders.
	cfg := config.Default()
	fs := flag.NewFlagSet("operator", flag.ContinueOnError)
	cfg.Bind(fs)
	var operatorArgs []string
	list, _ := lookup(pod, "containers.0.args").([]any)
	for _, a := range list {
		if s := fmt.Sprint(a); !strings.HasPrefix(s, "--zap-") && !strings.HasPrefix(s, "--kubeconfig") {
			operatorArgs = append(operatorArgs, s)
		}
	}
	if err := fs.Parse(operatorArgs); err != nil {
		t.Fatalf("the operator does not parse the chart's arguments: %v", err)
	}
	if err := cfg.Validate(); err != nil {
		t.Errorf("the operator refuses the chart's arguments: %v", err)
	}
}

// lookup follows a dotted path through maps and lists.
func lookup(v any, path string) any {
	for _, part := range strings.Split(path, ".") {
		switch t := v.(type) {
		case map[string]any:
			v = t[part]
		case []any:
			var i int
			if _, err := fmt.Sscan(part, &i); err != nil || i >= len(t) {
				return nil
			}
			v = t[i]
		default:
			return nil
		}
	}
	return v
}

// dryRun applies obj with server-side apply as a dry run (the test API
// server knows the Prometheus Operator's kinds too), and fails the test on
// a refusal.
func dryRun(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	if obj.GetNamespace() != "" && obj.GetNamespace() != namespace {
		// A dry run needs the namespace to exist.
		ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: obj.GetNamespace()}}
		if err := k8s.Create(context.Background(), ns); err != nil && !apierrors.IsAlreadyExists(err) {
			t.Fatal(err)
		}
	}
	err := k8s.Apply(context.Background(), client.ApplyConfigurationFromUnstructured(obj), client.DryRunAll, client.FieldOwner("chart-test"), client.ForceOwnership)
	if err != nil {
		t.Errorf("server-side dry run refused %s %s: %v", obj.GetKind(), obj.GetName(), err)
	}
}

// checkRestricted checks a pod template against the restricted Pod
// Security Standard.
func checkRestricted(t *testing.T, name string, pod map[string]any) {
	t.Helper()
	for path, want := range map[string]any{
		"securityContext.runAsNonRoot":                          true,
		"securityContext.seccompProfile.type":                   "RuntimeDefault",
		"containers.0.securityContext.allowPrivilegeEscalation": false,
		"containers.0.securityContext.readOnlyRootFilesystem":   true,
		"containers.0.securityContext.capabilities.drop.0":      "ALL",
	} {
		if got := lookup(pod, path); got != want {
			t.Errorf("Deployment %s: %s = %v, want %v", name, path, got, want)
		}
	}
}

// checkPortal checks the portal's Deployment: the restricted Pod Security
// Standard, the portal mode of the operator's image, its own service
// account, and pods the operator's selector does not match.
func checkPortal(t *testing.T, obj *unstructured.Unstructured, publicURL string) {
	t.Helper()
	pod, _, _ := unstructured.NestedMap(obj.Object, "spec", "template", "spec")
	checkRestricted(t, obj.GetName(), pod)
	for path, want := range map[string]any{
		"containers.0.args.0":                      "portal",
		"containers.0.args.2":                      "--public-url=" + publicURL,
		"containers.0.readinessProbe.httpGet.path": "/healthz",
		"serviceAccountName":                       obj.GetName(),
	} {
		if got := lookup(pod, path); got != want {
			t.Errorf("portal Deployment %s = %v, want %v", path, got, want)
		}
	}
	labels, _, _ := unstructured.NestedStringMap(obj.Object, "spec", "template", "metadata", "labels")
	if labels["app.kubernetes.io/name"] != "datashare-portal" {
		t.Errorf("the portal's pods are labelled %v: the operator's selector would match them", labels)
	}
}

// checkPrometheusRule checks that the chart ships the very rules promtool
// tests in config/prometheus.
func checkPrometheusRule(t *testing.T, obj *unstructured.Unstructured) {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(testenv.RepoRoot(), "config", "prometheus", "alerts.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := yaml.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	spec, _, _ := unstructured.NestedMap(obj.Object, "spec")
	if !reflect.DeepEqual(spec, want) {
		t.Errorf("the PrometheusRule's spec is not config/prometheus/alerts.yaml:\n%v\nwant\n%v", spec, want)
	}
}

func TestChartSchemaRefusesBadValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  []string
		want string
	}{
		{"no coordinator agency", nil, "lgsp.coordinatorAgency is required: the name of the DIC's Agency (Sở TT&TT), for example --set lgsp.coordinatorAgency=so-tttt"},
		{"no base URL", nil, "lgsp.publicBaseURL is required: the province's LGSP address, for example --set lgsp.publicBaseURL=https://lgsp.example.gov.vn"},
		{"an enforcement profile that does not exist", []string{"lgsp.enforcement=istio"}, "at '/lgsp/enforcement': value must be one of 'envoy-gateway', 'none'"},
		{"a coordinator that is not an Agency name", []string{"lgsp.coordinatorAgency=Sở TTTT"}, "at '/lgsp/coordinatorAgency'"},
		{"a base URL with a trailing slash", []string{"lgsp.publicBaseURL=https://lgsp.soctrang.gov.vn/"}, "at '/lgsp/publicBaseURL'"},
		{"a review period in words", []string{"lgsp.reviewPeriod=1 year"}, "at '/lgsp/reviewPeriod'"},
		{"a holiday written the Vietnamese way", []string{"lgsp.requests.holidays={2/9/2026}"}, "at '/lgsp/requests/holidays/0'"},
		{"no working day to answer", []string{"lgsp.requests.workingDays=0"}, "at '/lgsp/requests/workingDays'"},
		{"no replicas", []string{"replicaCount=0"}, "at '/replicaCount': minimum: got 0, want 1"},
		{"a port out of range", []string{"metrics.port=70000"}, "at '/metrics/port'"},
		{"no portal address", []string{"portal.publicURL="}, "portal.publicURL is required while the portal is enabled: its public address, for the IRIs of its DCAT catalogue"},
		{"a portal address with a trailing slash", []string{"portal.publicURL=https://du-lieu.soctrang.gov.vn/"}, "at '/portal/publicURL'"},
		{"a digest cut short", []string{"image.digest=sha256:12ab"}, "at '/image/digest': 'sha256:12ab' does not match pattern"},
		{"a tag given as the digest", []string{"image.digest=v0.1.0"}, "at '/image/digest'"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"template", "datashare", chart, "--kube-version", kubeVersion}
			if tc.name != "no coordinator agency" {
				args = append(args, "--set", "lgsp.coordinatorAgency=so-tttt")
			}
			if tc.name != "no base URL" {
				args = append(args, "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL)
			}
			args = append(args, "--set", "portal.publicURL="+testenv.SamplePortalURL)
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			out, err := testenv.Helm(t, args...)
			if err == nil {
				t.Fatalf("helm rendered a bad value:\n%s", tail(out))
			}
			if !strings.Contains(out, tc.want) {
				t.Fatalf("the refusal does not name %s:\n%s", tc.want, out)
			}
			t.Logf("refused: %s", strings.Join(strings.Fields(out), " "))
		})
	}
}

// TestChartPinsTheImageByDigest renders the image of both Deployments by
// tag (the chart's appVersion by default) and, once image.digest is set,
// by digest alone.
func TestChartPinsTheImageByDigest(t *testing.T) {
	digest := "sha256:" + strings.Repeat("0123456789abcdef", 4)
	for _, tc := range []struct {
		name string
		set  []string
		want string
	}{
		{"by default", nil, "ghcr.io/lgsp-vn/datashare-operator:0.1.0"},
		{"a tag", []string{"image.tag=v0.2.0"}, "ghcr.io/lgsp-vn/datashare-operator:v0.2.0"},
		{"a digest", []string{"image.digest=" + digest, "image.tag=v0.2.0"}, "ghcr.io/lgsp-vn/datashare-operator@" + digest},
		{"a mirror", []string{"image.repository=registry.soctrang.gov.vn/lgsp/datashare-operator", "image.digest=" + digest},
			"registry.soctrang.gov.vn/lgsp/datashare-operator@" + digest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := []string{"template", "datashare", chart, "--kube-version", kubeVersion,
				"--set", "lgsp.coordinatorAgency=so-tttt", "--set", "lgsp.publicBaseURL=" + testenv.SampleBaseURL, "--set", "portal.publicURL=" + testenv.SamplePortalURL}
			for _, s := range tc.set {
				args = append(args, "--set", s)
			}
			out, err := testenv.Helm(t, args...)
			if err != nil {
				t.Fatalf("helm template: %v\n%s", err, tail(out))
			}
			images := 0
			for _, obj := range decode(t, out) {
				if obj.GetKind() != "Deployment" {
					continue
				}
				images++
				if got := lookup(obj.Object, "spec.template.spec.containers.0.image"); got != tc.want {
					t.Errorf("Deployment %s runs %v, want %s", obj.GetName(), got, tc.want)
				}
			}
			if images != 2 {
				t.Errorf("%d Deployments rendered, want the operator's and the portal's", images)
			}
		})
	}
}

// TestKustomizeInstall renders config/default with kubectl's kustomize and
// applies it with a server-side dry run.
func TestKustomizeInstall(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	out, err := exec.Command(kubectl, "kustomize", filepath.Join(testenv.RepoRoot(), "config", "default")).CombinedOutput()
	if err != nil {
		t.Fatalf("kubectl kustomize: %v\n%s", err, out)
	}
	kinds := map[string]int{}
	for _, obj := range decode(t, string(out)) {
		kinds[obj.GetKind()]++
		dryRun(t, obj)
	}
	if kinds["CustomResourceDefinition"] != 4 || kinds["Deployment"] != 2 || kinds["ClusterRole"] != 5 {
		t.Fatalf("config/default renders %v", kinds)
	}
}

func decode(t *testing.T, rendered string) []*unstructured.Unstructured {
	t.Helper()
	objs, err := manifests.Decode([]byte(rendered))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}

// TestTheMetricsPolicyLetsTheAccessLogsIn: the NetworkPolicy the chart
// puts on the operator's pods for its metrics would shut out the gateway's
// access logs; it admits the gateway's proxy pods on the collector's port.
func TestTheMetricsPolicyLetsTheAccessLogsIn(t *testing.T) {
	out, err := testenv.Helm(t, "template", "datashare", chart, "--kube-version", kubeVersion,
		"--set", "lgsp.coordinatorAgency=so-tttt", "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL,
		"--set", "metrics.networkPolicy.enabled=true", "--set", "lgsp.proxy.namespace=envoy-gateway-system")
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, tail(out))
	}
	for _, obj := range decode(t, out) {
		if obj.GetKind() != "NetworkPolicy" || obj.GetName() != "datashare-datashare-operator-metrics" {
			continue
		}
		rules, _ := lookup(obj.Object, "spec.ingress").([]any)
		for _, r := range rules {
			rule := r.(map[string]any)
			if lookup(rule, "ports.0.port") == "accesslog" {
				from := lookup(rule, "from.0").(map[string]any)
				ns := from["namespaceSelector"].(map[string]any)["matchLabels"].(map[string]any)["kubernetes.io/metadata.name"]
				pods := from["podSelector"].(map[string]any)["matchLabels"].(map[string]any)
				if ns != "envoy-gateway-system" || pods["app.kubernetes.io/component"] != "proxy" || pods["app.kubernetes.io/name"] != "envoy" {
					t.Errorf("the access-log rule admits %v pods %v, want the proxies in envoy-gateway-system", ns, pods)
				}
				return
			}
		}
		t.Fatalf("the metrics NetworkPolicy has no rule for the access-log port: %v", rules)
	}
	t.Fatal("no metrics NetworkPolicy rendered")
}
