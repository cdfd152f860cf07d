package gateway

import (
	"bytes"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// goldenCaseNamed is the golden case of that name.
func goldenCaseNamed(t *testing.T, name string) (goldenCase, int) {
	t.Helper()
	for i, c := range readGoldens(t) {
		if c.name == name {
			return c, i
		}
	}
	t.Fatalf("the golden case %s is needed", name)
	return goldenCase{}, 0
}

// TestAnExternalServiceIsReachedOverTLSWithTheProvincesCredential gives
// Envoy Gateway's translator a service whose backend is outside the
// cluster: the route's cluster is the URL's host name and port, resolved by
// DNS, spoken to over TLS with the host as SNI and as the name the
// certificate must carry, checked against the CA the service names; the
// upstream gets the URL's host and path; the consumer's key is checked
// first and hidden from the upstream, and the province's credential is
// added after it, read by the gateway from the DIC's Secret and written
// into no configuration.
func TestAnExternalServiceIsReachedOverTLSWithTheProvincesCredential(t *testing.T) {
	c, i := goldenCaseNamed(t, "external-service")
	w := newWorld(t)
	w.addCase(t, c, i, "", "")
	out := w.translate(t)
	acceptedEverything(t, out)
	if w.upstreamCredential == "" {
		t.Fatal("the case names no credential Secret")
	}
	ns, name := str(c.out, "httpRoute", "metadata", "namespace"), str(c.out, "httpRoute", "metadata", "name")
	key := ns + "/" + name
	host := str(c.out, "backend", "spec", "endpoints", 0, "fqdn", "hostname")

	clusterName := "httproute/" + key + "/rule/0"
	var cluster any
	for _, dump := range configs(t, out, "ClustersConfigDump") {
		for _, cl := range list(get(dump, "dynamicActiveClusters")) {
			if str(cl, "cluster", "name") == clusterName {
				cluster = get(cl, "cluster")
			}
		}
	}
	if cluster == nil {
		t.Fatalf("no cluster %s", clusterName)
	}
	if got := str(cluster, "clusterType", "name"); got != "envoy.cluster.dns" {
		t.Errorf("cluster type is %q, want DNS resolution of the host name", got)
	}
	endpoint := get(cluster, "loadAssignment", "endpoints", 0, "lbEndpoints", 0, "endpoint", "address", "socketAddress")
	if str(endpoint, "address") != host || get(endpoint, "portValue") != float64(8443) {
		t.Errorf("the cluster's endpoint is %v, want %s:8443", endpoint, host)
	}
	tls := get(cluster, "transportSocketMatches", 0, "transportSocket", "typedConfig")
	if !strings.HasSuffix(str(tls, "@type"), "UpstreamTlsContext") || str(tls, "sni") != host {
		t.Errorf("the upstream is not spoken to over TLS with SNI %s: %v", host, tls)
	}
	validation := get(tls, "commonTlsContext", "combinedValidationContext")
	if str(validation, "defaultValidationContext", "matchTypedSubjectAltNames", 0, "matcher", "exact") != host {
		t.Errorf("the upstream's certificate is not checked for %s: %v", host, validation)
	}
	if !strings.Contains(str(validation, "validationContextSdsSecretConfig", "name"), "-ca") {
		t.Errorf("the upstream's certificate is not checked against the named CA: %v", validation)
	}

	routes := envoyRoutes(t, out)[key]
	if len(routes) != 1 {
		t.Fatalf("%s is programmed %d times, want once", key, len(routes))
	}
	r := get(routes[0].route, "route")
	if str(r, "hostRewriteLiteral") != host || str(r, "prefixRewrite") != "/dan-cu/v1" || str(r, "cluster") != clusterName {
		t.Errorf("the route sends %v, want host %s, path /dan-cu/v1, cluster %s", r, host, clusterName)
	}
	perRoute := get(routes[0].route, "typedPerFilterConfig").(map[string]any)
	var injector string
	for name := range perRoute {
		if strings.HasPrefix(name, "envoy.filters.http.credential_injector/") {
			injector = name
		}
	}
	if injector == "" || perRoute["envoy.filters.http.api_key_auth"] == nil {
		t.Fatalf("the route does not both check the key and add the credential: %v", perRoute)
	}
	if get(perRoute, "envoy.filters.http.api_key_auth", "forwarding", "hideCredentials") != true {
		t.Error("the consumer's key is not removed before the upstream")
	}

	filters := httpFilters(t, out, routes[0].config)
	keyAt, injectAt := slices.Index(filters, "envoy.filters.http.api_key_auth"), slices.Index(filters, injector)
	if keyAt < 0 || injectAt < keyAt {
		t.Errorf("the key must be checked before the credential is added: filters are %v", filters)
	}
	raw, err := yaml.Marshal(out)
	if err != nil {
		t.Fatal(err)
	}
	secretValue := strings.TrimPrefix(w.upstreamCredential, "Bearer ")
	if bytes.Contains(raw, []byte(secretValue)) {
		t.Error("the province's credential is written into the gateway's configuration: it must stay in its Secret, read by the proxy alone")
	}
}

// TestTheNationalListenerTakesOnlyTheNationalPlatform gives the translator
// the chart's policy for the national listener, a service offered to the
// national platform and a provincial service: the national listener
// requires a client certificate signed by the national CA, and the
// province's listener does not; the offered service is on both listeners,
// the provincial one only on the province's; on the offered service, a
// request carrying the national platform's key without a verified client
// certificate is denied.
func TestTheNationalListenerTakesOnlyTheNationalPlatform(t *testing.T) {
	offered, i := goldenCaseNamed(t, "offered-nationally")
	provincial, j := goldenCaseNamed(t, "province-one-agreement")
	w := newWorld(t)
	policy := chartNationalListener(t, "ndxp-ca")
	ca, _ := selfSignedCertificate(t, "ca.ndxp.example.vn")
	w.add(policy, map[string]any{"apiVersion": "v1", "kind": "ConfigMap",
		"metadata": map[string]any{"name": "ndxp-ca", "namespace": "lgsp-system"}, "data": map[string]any{"ca.crt": ca}})
	w.addCase(t, offered, i, "", "")
	w.addCase(t, provincial, j, "tinh", "/tinh")
	out := w.translate(t)
	acceptedEverything(t, out)

	for listener, want := range map[string]bool{"lgsp-system/lgsp/" + nationalListener: true, "lgsp-system/lgsp/https": false} {
		tls := downstreamTLS(t, out, listener)
		if tls == nil {
			t.Fatalf("listener %s has no TLS", listener)
		}
		if got := get(tls, "requireClientCertificate") == true; got != want {
			t.Errorf("listener %s: requires a client certificate = %v, want %v", listener, got, want)
		}
	}

	routes := envoyRoutes(t, out)
	onNational := func(key string) bool {
		return slices.ContainsFunc(routes[key], func(r envoyRoute) bool { return r.config == "lgsp-system/lgsp/"+nationalListener })
	}
	offeredKey := str(offered.out, "httpRoute", "metadata", "namespace") + "/" + str(offered.out, "httpRoute", "metadata", "name")
	if !onNational(offeredKey) {
		t.Errorf("%s is offered nationally and is not on the national listener", offeredKey)
	}
	provincialKey := "tinh/" + str(provincial.out, "httpRoute", "metadata", "name")
	if len(routes[provincialKey]) == 0 || onNational(provincialKey) {
		t.Errorf("%s is provincial: it must be on the province's listener only; it is on %v", provincialKey, routes[provincialKey])
	}

	for _, r := range routes[offeredKey] {
		rbac := get(r.route, "typedPerFilterConfig", "envoy.filters.http.rbac", "rbac", "matcher", "matcherList", "matchers", 0)
		if str(rbac, "onMatch", "action", "typedConfig", "action") != "DENY" {
			t.Errorf("%s on %s: no rule denies the national platform's key without its certificate: %v", offeredKey, r.config, rbac)
			continue
		}
		expr, err := yaml.Marshal(get(rbac, "predicate"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"field: mtls", "name: connection", "stringValue: x-lgsp-consumer", `stringValue: ^ndxp\..+$`} {
			if !bytes.Contains(expr, []byte(want)) {
				t.Errorf("%s on %s: the deny rule's expression lacks %q:\n%s", offeredKey, r.config, want, expr)
			}
		}
	}
	if rbac := get(routes[provincialKey][0].route, "typedPerFilterConfig", "envoy.filters.http.rbac"); rbac != nil {
		t.Errorf("%s consents to no national platform and needs no rule: %v", provincialKey, rbac)
	}
}

// chartNationalListener renders the chart's ClientTrafficPolicy for the
// national listener.
func chartNationalListener(t *testing.T, caConfigMap string) map[string]any {
	t.Helper()
	objs := helmTemplate(t, []string{"templates/national.yaml"}, "lgsp.national.listener="+nationalListener, "lgsp.national.caConfigMap="+caConfigMap)
	if len(objs) != 1 || objs[0].GetKind() != "ClientTrafficPolicy" {
		t.Fatalf("the chart renders %d objects for the national listener, want its ClientTrafficPolicy", len(objs))
	}
	return objs[0].Object
}

// httpFilters are the names of the HTTP filters, in order, of the listener
// whose route configuration is routeConfig.
func httpFilters(t *testing.T, out map[string]any, routeConfig string) []string {
	t.Helper()
	hcm, _ := filterChainOf(t, out, routeConfig)
	var names []string
	for _, hf := range list(get(hcm, "httpFilters")) {
		names = append(names, str(hf, "name"))
	}
	return names
}

// downstreamTLS is the TLS context of the filter chain that serves
// routeConfig.
func downstreamTLS(t *testing.T, out map[string]any, routeConfig string) any {
	t.Helper()
	_, chain := filterChainOf(t, out, routeConfig)
	return get(chain, "transportSocket", "typedConfig")
}

// TestAMissingCAIsReportedAsUnreachable removes the CA ConfigMap the
// external service names: Envoy Gateway still accepts the route but cannot
// resolve its TLS, and the operator, reading the route's status as the
// translator wrote it, says the service is not Reachable
// (RouteRefsUnresolved) with the gateway's words.
func TestAMissingCAIsReportedAsUnreachable(t *testing.T) {
	c, i := goldenCaseNamed(t, "external-service")
	w := newWorld(t)
	w.addCase(t, c, i, "", "")
	w.docs = slices.DeleteFunc(w.docs, func(d map[string]any) bool { return d["kind"] == "ConfigMap" })
	out := w.translate(t)
	routes := list(get(out, "httpRoutes"))
	if len(routes) != 1 {
		t.Fatalf("%d routes", len(routes))
	}
	raw, err := yaml.Marshal(routes[0])
	if err != nil {
		t.Fatal(err)
	}
	route := &gatewayv1.HTTPRoute{}
	if err := yaml.Unmarshal(raw, route); err != nil {
		t.Fatal(err)
	}
	var ds v1alpha1.DataService
	if raw, err = yaml.Marshal(c.in["service"]); err != nil || yaml.Unmarshal(raw, &ds) != nil {
		t.Fatalf("the golden service: %v", err)
	}
	cfg := config.Default()
	cfg.CoordinatorAgency, cfg.PublicBaseURL = "so-tttt", testenv.SampleBaseURL
	agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-tttt"}, Spec: v1alpha1.AgencySpec{Namespace: "so-tttt",
		AppraisedServices: []v1alpha1.ServiceAppraisal{{Service: v1alpha1.ObjectName(ds.Name), DocumentRef: "CV"}}},
		Status: v1alpha1.AgencyStatus{Conditions: []metav1.Condition{{Type: "Ready", Status: metav1.ConditionTrue, Reason: "Ready"}}}}
	gw := &gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Namespace: "lgsp-system", Name: "lgsp"}}
	gw.Spec.Listeners = []gatewayv1.Listener{{Name: "https", Protocol: gatewayv1.HTTPSProtocolType}}
	d := publishing.Decide(publishing.Inputs{Service: &ds, Agency: agency, Rules: cfg.Rules, GatewayAPIInstalled: true, ExternalAPIInstalled: true, Gateway: gw, Route: route, Now: time.Now()})
	at := slices.IndexFunc(d.Conditions, func(c conditions.Condition) bool { return c.Type == v1alpha1.ConditionReachable })
	if at < 0 {
		t.Fatal("no Reachable condition")
	}
	cond := d.Conditions[at]
	if cond.Reason != v1alpha1.ReasonRouteRefsUnresolved || !strings.Contains(cond.Message, "ndxp-ca") {
		t.Errorf("Reachable is %s: %s", cond.Reason, cond.Message)
	}
	t.Logf("Reachable %s: %s", cond.Reason, cond.Message)
}
