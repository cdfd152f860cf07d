package gateway

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// chartAccessLog renders the chart's access-log objects (the collector's
// Service, the EnvoyProxy telemetry and its ReferenceGrant) and its
// request-id policy.
func chartAccessLog(t *testing.T) []map[string]any {
	t.Helper()
	objs := helmTemplate(t, []string{"templates/accesslog.yaml", "templates/request_id.yaml"})
	var docs []map[string]any
	for _, o := range objs {
		if o.GetKind() == "Service" {
			// egctl routes to a Service's cluster IP.
			o.Object["spec"].(map[string]any)["clusterIP"] = "10.96.9.1"
		}
		docs = append(docs, o.Object)
	}
	if len(docs) != 4 {
		t.Fatalf("the chart renders %d access-log objects, want the Service, the EnvoyProxy, the ReferenceGrant and the ClientTrafficPolicy", len(docs))
	}
	return docs
}

// helmTemplate renders the chart's templates named in showOnly with the
// helm the project builds, released as "ds" in datashare-system, with the
// required values and sets ("key=value").
func helmTemplate(t *testing.T, showOnly []string, sets ...string) []*unstructured.Unstructured {
	t.Helper()
	args := []string{"template", "ds", filepath.Join(testenv.RepoRoot(), "charts", "datashare-operator"), "-n", "datashare-system", "--kube-version", "1.32.0"}
	for _, template := range showOnly {
		args = append(args, "--show-only", template)
	}
	for _, set := range append([]string{"lgsp.publicBaseURL=" + testenv.SampleBaseURL, "portal.publicURL=" + testenv.SamplePortalURL, "lgsp.coordinatorAgency=so-tttt"}, sets...) {
		args = append(args, "--set", set)
	}
	out, err := testenv.Helm(t, args...)
	if err != nil {
		t.Fatalf("helm template: %v\n%s", err, out)
	}
	objs, err := manifests.Decode([]byte(out))
	if err != nil {
		t.Fatal(err)
	}
	return objs
}

// TestTheGatewayLogsToTheCollectorAndNeverTheKey gives Envoy Gateway's
// translator the chart's EnvoyProxy, named by the LGSP Gateway, with a
// protected service: every listener sends its access log to the
// collector's Service over HTTP/2 (gRPC), logging of the request's headers
// only the consumer header; the key header is in no access-log
// configuration at all; and every listener keeps a caller's X-Request-ID or
// makes one (the chart's ClientTrafficPolicy).
func TestTheGatewayLogsToTheCollectorAndNeverTheKey(t *testing.T) {
	protected, _ := goldenCaseNamed(t, "province-one-agreement")
	w := newWorld(t)
	telemetry := chartAccessLog(t)
	var proxyName string
	for _, d := range telemetry {
		if d["kind"] == "EnvoyProxy" {
			proxyName = str(d, "metadata", "name")
		}
	}
	get(w.docs[1], "spec").(map[string]any)["infrastructure"] = map[string]any{
		"parametersRef": map[string]any{"group": "gateway.envoyproxy.io", "kind": "EnvoyProxy", "name": proxyName}}
	w.add(telemetry...)
	w.addCase(t, protected, 0, "", "")
	out := w.translate(t)

	loggers := accessLoggers(t, out)
	for _, logger := range loggers {
		if strings.Contains(strings.ToLower(mustJSON(t, logger)), "x-api-key") {
			t.Errorf("an access log names the key header: %s", mustJSON(t, logger))
		}
	}
	grpcLoggers := 0
	for _, l := range loggers {
		if str(l, "name") != "envoy.access_loggers.http_grpc" {
			continue
		}
		grpcLoggers++
		cfg := get(l, "typedConfig")
		if h := list(get(cfg, "additionalRequestHeadersToLog")); len(h) != 1 || h[0] != "X-LGSP-Consumer" {
			t.Errorf("the access log records request headers %v, want only X-LGSP-Consumer", h)
		}
		if len(list(get(cfg, "additionalResponseHeadersToLog"))) != 0 || len(list(get(cfg, "additionalResponseTrailersToLog"))) != 0 {
			t.Errorf("the access log records response headers: %s", mustJSON(t, cfg))
		}
		cluster := str(cfg, "commonConfig", "grpcService", "envoyGrpc", "clusterName")
		if ip, port := clusterEndpoint(t, out, cluster); ip != "10.96.9.1" || port != 9001 {
			t.Errorf("the access log goes to cluster %s at %s:%v, not the collector's Service", cluster, ip, port)
		}
	}
	if grpcLoggers == 0 {
		t.Fatalf("no listener sends its access log over gRPC:\n%s", mustJSON(t, loggers))
	}
	// Every exchange carries a request id: the caller's kept, or one made.
	managers := 0
	for _, dump := range configs(t, out, "ListenersConfigDump") {
		for _, l := range list(get(dump, "dynamicListeners")) {
			listener := get(l, "activeState", "listener")
			for _, fc := range append(list(get(listener, "filterChains")), get(listener, "defaultFilterChain")) {
				for _, f := range list(get(fc, "filters")) {
					// The Gateway's listeners route by RDS; Envoy's own
					// readiness listener answers inline.
					if str(f, "name") != "envoy.filters.network.http_connection_manager" || get(f, "typedConfig", "rds") == nil {
						continue
					}
					managers++
					hcm := get(f, "typedConfig")
					if get(hcm, "preserveExternalRequestId") != true || get(hcm, "generateRequestId") == false {
						t.Errorf("listener %s neither keeps nor makes X-Request-ID: %s", str(listener, "name"), mustJSON(t, hcm))
					}
				}
			}
		}
	}
	if managers == 0 {
		t.Fatal("no HTTP connection manager in the gateway's listeners")
	}
	t.Logf("%d gRPC access logs, each to the collector's Service, logging only X-LGSP-Consumer", grpcLoggers)
}

// accessLoggers are every access-log configuration of the gateway's
// listeners and their HTTP connection managers.
func accessLoggers(t *testing.T, out map[string]any) []any {
	t.Helper()
	var found []any
	for _, dump := range configs(t, out, "ListenersConfigDump") {
		for _, l := range list(get(dump, "dynamicListeners")) {
			listener := get(l, "activeState", "listener")
			found = append(found, list(get(listener, "accessLog"))...)
			chains := append(list(get(listener, "filterChains")), get(listener, "defaultFilterChain"))
			for _, fc := range chains {
				for _, f := range list(get(fc, "filters")) {
					found = append(found, list(get(f, "typedConfig", "accessLog"))...)
				}
			}
		}
	}
	return found
}

// clusterEndpoint is the address of a cluster's one endpoint.
func clusterEndpoint(t *testing.T, out map[string]any, cluster string) (string, float64) {
	t.Helper()
	for _, dump := range configs(t, out, "EndpointsConfigDump") {
		for _, e := range list(get(dump, "dynamicEndpointConfigs")) {
			cfg := get(e, "endpointConfig")
			if str(cfg, "clusterName") != cluster {
				continue
			}
			addr := get(cfg, "endpoints", 0, "lbEndpoints", 0, "endpoint", "address", "socketAddress")
			port, _ := get(addr, "portValue").(float64)
			return str(addr, "address"), port
		}
	}
	return "", 0
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
