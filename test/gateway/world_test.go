package gateway

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// goldenDir holds the renderer's golden files: the objects the operator
// writes for each kind of service.
var goldenDir = filepath.Join(testenv.RepoRoot(), "internal", "render", "testdata")

// goldenCase is one golden file pair, read as plain YAML.
type goldenCase struct {
	name string
	in   map[string]any
	out  map[string]any
}

func readGoldens(t *testing.T) []goldenCase {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join(goldenDir, "*.out.yaml"))
	if err != nil || len(paths) == 0 {
		t.Fatalf("no golden outputs in %s: %v", goldenDir, err)
	}
	var cases []goldenCase
	for _, p := range paths {
		c := goldenCase{name: strings.TrimSuffix(filepath.Base(p), ".out.yaml")}
		for file, into := range map[string]*map[string]any{p: &c.out, strings.Replace(p, ".out.", ".in.", 1): &c.in} {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			if err := yaml.Unmarshal(raw, into); err != nil {
				t.Fatalf("%s: %v", file, err)
			}
		}
		cases = append(cases, c)
	}
	return cases
}

// nationalListener is the Gateway's listener for the national platform.
const nationalListener = "national"

// world is the input of one translation: a Gateway with an HTTP and two
// HTTPS listeners (the province's and the national platform's), and the
// objects of one or more services.
type world struct {
	docs []map[string]any
	// keys maps each service's route ("namespace/name") to the client ids
	// its live keys carry, and clientKeys each client id to its key.
	keys       map[string][]string
	clientKeys map[string]string
	// protected lists the routes that carry a SecurityPolicy.
	protected map[string]bool
	// sentinels maps each protected route to its sentinel's key.
	sentinels map[string]string
	// upstreamCredential is the credential the gateway adds for a backend
	// outside the cluster, when a case has one.
	upstreamCredential string
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cert, key := selfSignedCertificate(t, "lgsp.soctrang.gov.vn")
	w := &world{keys: map[string][]string{}, clientKeys: map[string]string{}, protected: map[string]bool{}, sentinels: map[string]string{}}
	allRoutes := map[string]any{"namespaces": map[string]any{"from": "All"}}
	w.add(map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": map[string]any{"name": "envoy-gateway"},
		"spec": map[string]any{"controllerName": "gateway.envoyproxy.io/gatewayclass-controller"},
	}, map[string]any{
		"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": map[string]any{"name": "lgsp", "namespace": "lgsp-system"},
		"spec": map[string]any{"gatewayClassName": "envoy-gateway", "listeners": []any{
			map[string]any{"name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": allRoutes},
			map[string]any{"name": "https", "port": 443, "protocol": "HTTPS", "allowedRoutes": allRoutes,
				"tls": map[string]any{"mode": "Terminate", "certificateRefs": []any{map[string]any{"name": "lgsp-tls"}}}},
			// Where the national platform connects (the operator's
			// --national-listener in the goldens that name it).
			map[string]any{"name": nationalListener, "port": 8443, "protocol": "HTTPS", "allowedRoutes": allRoutes,
				"tls": map[string]any{"mode": "Terminate", "certificateRefs": []any{map[string]any{"name": "lgsp-tls"}}}},
		}},
	}, secret("lgsp-system", "lgsp-tls", map[string]string{"tls.crt": cert, "tls.key": key}, "kubernetes.io/tls"))
	return w
}

func (w *world) add(docs ...map[string]any) { w.docs = append(w.docs, docs...) }

// addCase adds a golden case's objects: what the operator renders, the
// backend Service (with a cluster IP, as egctl routes to it), and a key
// Secret for each credential the SecurityPolicy names: the sentinel, and a
// key group holding a key for each of the case's live keys. A key's client
// id names the consumer agency the key's name mentions, as the operator's
// client ids do. ns and prefix, when not empty, move the case to a
// namespace of its own and put its path under a prefix,
// so that many cases share one Gateway without colliding.
func (w *world) addCase(t *testing.T, c goldenCase, index int, ns, prefix string) {
	t.Helper()
	route, _ := c.out["httpRoute"].(map[string]any)
	if route == nil {
		t.Fatalf("%s: no route", c.name)
	}
	var objs []map[string]any
	for _, k := range []string{"httpRoute", "securityPolicy", "backendTrafficPolicy", "backend", "backendTLSPolicy", "httpRouteFilter"} {
		if o, ok := c.out[k].(map[string]any); ok {
			objs = append(objs, deepCopy(t, o))
		}
	}
	// What a backend outside the cluster names: the CA its certificate
	// chains to, and the province's credential for it.
	for _, ref := range list(get(c.out, "backendTLSPolicy", "spec", "validation", "caCertificateRefs")) {
		ca, _ := selfSignedCertificate(t, "ca.example.vn")
		objs = append(objs, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
			"metadata": map[string]any{"name": str(ref, "name")}, "data": map[string]any{"ca.crt": ca}})
	}
	if name := str(c.out, "httpRouteFilter", "spec", "credentialInjection", "credential", "valueRef", "name"); name != "" {
		w.upstreamCredential = "Bearer " + randomKey(t)
		objs = append(objs, secret("", name, map[string]string{"credential": w.upstreamCredential}, ""))
	}
	if b, ok := c.in["backend"].(map[string]any); ok {
		b = deepCopy(t, b)
		b["apiVersion"], b["kind"] = "v1", "Service"
		b["spec"].(map[string]any)["clusterIP"] = fmt.Sprintf("10.96.0.%d", 10+index)
		objs = append(objs, b)
	}
	if ns == "" {
		ns = str(route, "metadata", "namespace")
	}
	for _, o := range objs {
		o["metadata"].(map[string]any)["namespace"] = ns
		delete(o["metadata"].(map[string]any), "ownerReferences")
	}
	if prefix != "" {
		m := get(objs[0], "spec", "rules", 0, "matches", 0, "path").(map[string]any)
		m["value"] = prefix + m["value"].(string)
	}
	routeKey := ns + "/" + str(route, "metadata", "name")
	w.add(objs...)

	policy, _ := c.out["securityPolicy"].(map[string]any)
	if policy == nil {
		return
	}
	w.protected[routeKey] = true
	var consumers []string
	for _, cons := range list(get(c.in, "service", "spec", "access", "consumers")) {
		consumers = append(consumers, str(cons, "agency"))
	}
	for i, ref := range list(get(policy, "spec", "apiKeyAuth", "credentialRefs")) {
		name := str(ref, "name")
		key := randomKey(t)
		if strings.HasPrefix(name, "datashare-sentinel.") {
			w.sentinels[routeKey] = key
			w.add(secret(ns, name, map[string]string{names.SentinelClientID: key}, ""))
			continue
		}
		// A key group holds the keys of the case's live agreements, each
		// named after its consumer, as the operator's client ids are.
		held := map[string]string{}
		for j, keyName := range distinct(stringsOf(c.in["gatewayKeys"])) {
			client := fmt.Sprintf("%s.agreement-%d.k%d%d", consumerIn(keyName, consumers), index, i, j)
			if j > 0 {
				key = randomKey(t)
			}
			w.keys[routeKey] = append(w.keys[routeKey], client)
			w.clientKeys[client] = key
			held[client] = key
		}
		w.add(secret(ns, name, held, ""))
	}
}

// distinct drops the repeats from names, keeping their order.
func distinct(names []string) []string {
	var out []string
	for _, n := range names {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// consumerIn returns the longest of the consumer agencies that the key
// Secret's name mentions, or the city's People's Committee.
func consumerIn(name string, consumers []string) string {
	best := "ubnd-tp-soc-trang"
	found := ""
	for _, c := range consumers {
		if strings.Contains(name, c) && len(c) > len(found) {
			found = c
		}
	}
	if found != "" {
		return found
	}
	return best
}

// translate runs Envoy Gateway's own translator over the world and returns
// the Gateway API objects with the status it gives them, and the xDS.
func (w *world) translate(t *testing.T) map[string]any {
	t.Helper()
	egctl := filepath.Join(testenv.RepoRoot(), "bin", "egctl")
	if _, err := os.Stat(egctl); err != nil {
		t.Fatalf("%s is missing: `make test` builds it (make %s)", egctl, egctl)
	}
	var in bytes.Buffer
	for _, d := range w.docs {
		raw, err := yaml.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		in.WriteString("---\n")
		in.Write(raw)
	}
	file := filepath.Join(t.TempDir(), "world.yaml")
	if err := os.WriteFile(file, in.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(egctl, "x", "translate", "--from", "gateway-api", "--to", "gateway-api,xds", "-t", "all", "-o", "yaml", "-f", file)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("egctl x translate: %v\n%s", err, stderr.String())
	}
	out := map[string]any{}
	if err := yaml.Unmarshal(stdout.Bytes(), &out); err != nil {
		t.Fatalf("egctl output: %v", err)
	}
	return out
}

func secret(ns, name string, data map[string]string, typ string) map[string]any {
	encoded := map[string]any{}
	for k, v := range data {
		encoded[k] = base64.StdEncoding.EncodeToString([]byte(v))
	}
	s := map[string]any{"apiVersion": "v1", "kind": "Secret", "metadata": map[string]any{"name": name, "namespace": ns}, "data": encoded}
	if typ != "" {
		s["type"] = typ
	}
	return s
}

func randomKey(t *testing.T) string {
	t.Helper()
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// selfSignedCertificate returns a PEM certificate and key for host, for
// the HTTPS listener.
func selfSignedCertificate(t *testing.T, host string) (string, string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host, "*.soctrang.gov.vn"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}))
}

// get walks a decoded YAML document by map keys and list indexes; nil when
// a step is missing.
func get(v any, path ...any) any {
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil
			}
			v = m[k]
		case int:
			l, ok := v.([]any)
			if !ok || k >= len(l) {
				return nil
			}
			v = l[k]
		}
	}
	return v
}

func str(v any, path ...any) string {
	s, _ := get(v, path...).(string)
	return s
}

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func deepCopy(t *testing.T, m map[string]any) map[string]any {
	t.Helper()
	raw, err := yaml.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	if err := yaml.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// moduleVersion reads the version of a module required by a go.mod.
func moduleVersion(t *testing.T, gomod, module string) string {
	t.Helper()
	raw, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^\s*(?:require\s+)?` + regexp.QuoteMeta(module) + `\s+(v\S+)`).FindSubmatch(raw)
	if m == nil {
		t.Fatalf("%s does not require %s", gomod, module)
	}
	return string(m[1])
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}
