// Package gateway asks Envoy Gateway's own translator (egctl x translate,
// built from the Envoy Gateway module the operator uses) what the gateway
// would program from the objects the operator renders: that it accepts
// every route and policy, and that no request gets in on another service's
// key.
package gateway

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestEgctlIsTheOperatorsEnvoyGateway: the translator that judges the
// rendered objects is the one whose API types the operator writes.
func TestEgctlIsTheOperatorsEnvoyGateway(t *testing.T) {
	const module = "github.com/envoyproxy/gateway"
	root := testenv.RepoRoot()
	ours, tool := moduleVersion(t, filepath.Join(root, "go.mod"), module), moduleVersion(t, filepath.Join(root, "hack", "egctl", "go.mod"), module)
	if ours != tool {
		t.Fatalf("the operator uses %s %s, egctl is built from %s: change hack/egctl/go.mod to match", module, ours, tool)
	}
}

// TestEveryGoldenOutputPassesEnvoyGateway translates each golden output on
// its own.
func TestEveryGoldenOutputPassesEnvoyGateway(t *testing.T) {
	for i, c := range readGoldens(t) {
		t.Run(c.name, func(t *testing.T) {
			w := newWorld(t)
			w.addCase(t, c, i, "", "")
			counts := check(t, w, w.translate(t))
			for route, n := range counts {
				t.Logf("%s: %d per-route credential(s) (%d live key(s) and the sentinel)", route, n, n-1)
			}
		})
	}
}

// TestAllGoldenOutputsTogetherOnOneGateway puts every golden case on one
// Gateway, each in a namespace of its own and under a path of its own: the
// listener-level key list then holds the keys of whichever protected route
// Envoy Gateway met first, and no route may fall back to it.
func TestAllGoldenOutputsTogetherOnOneGateway(t *testing.T) {
	w := newWorld(t)
	cases := readGoldens(t)
	for i, c := range cases {
		w.addCase(t, c, i, fmt.Sprintf("case-%d", i), "/"+c.name)
	}
	counts := check(t, w, w.translate(t))
	if len(counts) == 0 {
		t.Fatal("no protected route was checked")
	}
	t.Logf("%d protected routes on one listener; per-route credentials: %v", len(counts), counts)
}

// TestAnEmptyKeyListFallsBackToTheListenersKeys is the reason for the
// sentinel: with it removed from a policy that has no live key, Envoy
// Gateway gives that route no per-route list, and the listener-level list
// — another service's keys — applies. If this ever stops being true, the
// sentinel is still harmless.
func TestAnEmptyKeyListFallsBackToTheListenersKeys(t *testing.T) {
	cases := readGoldens(t)
	var withKeys, withoutKeys goldenCase
	for _, c := range cases {
		switch c.name {
		case "province-one-agreement":
			withKeys = c
		case "province-no-agreement":
			withoutKeys = c
		}
	}
	if withKeys.out == nil || withoutKeys.out == nil {
		t.Fatal("the golden cases province-one-agreement and province-no-agreement are needed")
	}
	w := newWorld(t)
	w.addCase(t, withKeys, 0, "a", "/a")
	bare := deepCopy(t, withoutKeys.out)
	get(bare, "securityPolicy", "spec", "apiKeyAuth").(map[string]any)["credentialRefs"] = []any{}
	// No backend either: the second barrier is what the sentinel keeps from
	// being the only one.
	w.addCase(t, goldenCase{name: "bare", in: withoutKeys.in, out: bare}, 1, "b", "/b")

	out := w.translate(t)
	routes := envoyRoutes(t, out)
	bRoute := routes["b/datashare-dat-dai"]
	if len(bRoute) != 1 {
		t.Fatalf("the bare route is programmed %d times", len(bRoute))
	}
	perRoute := clientsOf(get(bRoute[0].route, "typedPerFilterConfig", "envoy.filters.http.api_key_auth", "credentials"))
	effective := perRoute
	if len(perRoute) == 0 {
		effective = clientsOf(get(listenerKeyAuth(t, out, bRoute[0].config), "credentials"))
	}
	others := append([]string{"lgsp-sentinel"}, w.keys["a/datashare-dat-dai"]...)
	if len(perRoute) != 0 || !slices.Equal(sorted(effective), sorted(others)) {
		t.Fatalf("per-route %v, effective %v: expected Envoy to fall back to the other service's keys %v", perRoute, effective, others)
	}
	t.Logf("without the sentinel, route b accepts the keys of route a: %v", effective)
}

// TestAPolicyNamingAMissingSecretFailsItsRoute is the reason for the key
// groups: when a Secret a SecurityPolicy names does not exist, Envoy
// Gateway answers 500 to every request of the route, whoever's key it
// carries. A policy that named one Secret per key failed its service this
// way for every consumer between a key's deletion and the policy's next
// write; the groups a policy names always exist, and a revoked key leaves
// its group instead.
func TestAPolicyNamingAMissingSecretFailsItsRoute(t *testing.T) {
	c, _ := goldenCaseNamed(t, "province-one-agreement")
	w := newWorld(t)
	w.addCase(t, c, 0, "a", "/a")
	var kept []map[string]any
	for _, d := range w.docs {
		if d["kind"] == "Secret" && strings.HasPrefix(str(d, "metadata", "name"), "datashare-keys-") {
			continue
		}
		kept = append(kept, d)
	}
	if len(kept) != len(w.docs)-1 {
		t.Fatalf("the case has %d key groups, want 1", len(w.docs)-len(kept))
	}
	w.docs = kept
	routes := envoyRoutes(t, w.translate(t))["a/datashare-dat-dai"]
	if len(routes) != 1 {
		t.Fatalf("the route is programmed %d times", len(routes))
	}
	if status := get(routes[0].route, "directResponse", "status"); fmt.Sprint(status) != "500" {
		t.Fatalf("with its key group missing the route answers %v, not 500 to every request", status)
	}
}

// envoyRoute is one Envoy route and the route configuration (listener) it
// is in.
type envoyRoute struct {
	config string
	route  any
}

// envoyRoutes maps each HTTPRoute ("namespace/name") to the Envoy routes
// programmed for it.
func envoyRoutes(t *testing.T, out map[string]any) map[string][]envoyRoute {
	t.Helper()
	routes := map[string][]envoyRoute{}
	for _, cfg := range configs(t, out, "RoutesConfigDump") {
		for _, rc := range list(get(cfg, "dynamicRouteConfigs")) {
			name := str(rc, "routeConfig", "name")
			for _, vh := range list(get(rc, "routeConfig", "virtualHosts")) {
				for _, r := range list(get(vh, "routes")) {
					for _, res := range list(get(r, "metadata", "filterMetadata", "envoy-gateway", "resources")) {
						if str(res, "kind") == "HTTPRoute" {
							key := str(res, "namespace") + "/" + str(res, "name")
							routes[key] = append(routes[key], envoyRoute{config: name, route: r})
						}
					}
				}
			}
		}
	}
	return routes
}

// configs returns the xDS dumps of one type for the LGSP Gateway.
func configs(t *testing.T, out map[string]any, dump string) []any {
	t.Helper()
	var found []any
	for _, c := range list(get(out, "xds", "lgsp-system/lgsp", "configs")) {
		if strings.HasSuffix(str(c, "@type"), "."+dump) {
			found = append(found, c)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no %s in egctl's output", dump)
	}
	return found
}

// listenerKeyAuth is the listener-level API key filter of the listener
// whose route configuration is routeConfig.
func listenerKeyAuth(t *testing.T, out map[string]any, routeConfig string) any {
	t.Helper()
	hcm, _ := filterChainOf(t, out, routeConfig)
	for _, hf := range list(get(hcm, "httpFilters")) {
		if str(hf, "name") == "envoy.filters.http.api_key_auth" {
			return get(hf, "typedConfig")
		}
	}
	return nil
}

// filterChainOf finds the filter chain that serves routeConfig: its HTTP
// connection manager and the chain itself (which holds the TLS context).
func filterChainOf(t *testing.T, out map[string]any, routeConfig string) (hcm, chain any) {
	t.Helper()
	for _, dump := range configs(t, out, "ListenersConfigDump") {
		for _, l := range list(get(dump, "dynamicListeners")) {
			for _, fc := range list(get(l, "activeState", "listener", "filterChains")) {
				for _, f := range list(get(fc, "filters")) {
					if str(get(f, "typedConfig"), "rds", "routeConfigName") == routeConfig {
						return get(f, "typedConfig"), fc
					}
				}
			}
		}
	}
	return nil, nil
}

func clientsOf(creds any) []string {
	var clients []string
	for _, c := range list(creds) {
		clients = append(clients, str(c, "client"))
	}
	return clients
}

func keysOf(creds any) []string {
	var keys []string
	for _, c := range list(creds) {
		keys = append(keys, str(c, "key"))
	}
	return keys
}

// check asserts what the gateway would program for the world, and returns
// the number of per-route credentials of each protected route.
func check(t *testing.T, w *world, out map[string]any) map[string]int {
	t.Helper()
	acceptedEverything(t, out)
	routes := envoyRoutes(t, out)
	counts := map[string]int{}
	for _, d := range w.docs {
		if d["kind"] != "HTTPRoute" {
			continue
		}
		key := str(d, "metadata", "namespace") + "/" + str(d, "metadata", "name")
		programmed := routes[key]
		if len(programmed) == 0 {
			t.Errorf("%s: no Envoy route", key)
			continue
		}
		if !w.protected[key] {
			for _, r := range programmed {
				if !slices.Contains(stringsOf(get(r.route, "requestHeadersToRemove")), v1alpha1.HeaderConsumer) {
					t.Errorf("%s (%s): no key is checked, so %s from the client must be removed", key, r.config, v1alpha1.HeaderConsumer)
				}
			}
			continue
		}
		// Once on the province's HTTPS listener, and once more on the
		// national listener when the route names it (a service offered to
		// the national platform): nowhere else.
		want := []string{"lgsp-system/lgsp/https"}
		if slices.ContainsFunc(list(get(d, "spec", "parentRefs")), func(p any) bool { return str(p, "sectionName") == nationalListener }) {
			want = append(want, "lgsp-system/lgsp/"+nationalListener)
		}
		var where []string
		for _, r := range programmed {
			where = append(where, r.config)
		}
		if !slices.Equal(sorted(where), want) {
			t.Errorf("%s: a protected route must be programmed on %v; it is on %v", key, want, where)
			continue
		}
		for _, r := range programmed {
			counts[key] = checkKeys(t, w, out, key, r)
			checkRateLimits(t, w, key, r)
		}
	}
	return counts
}

// checkKeys asserts that a protected route accepts exactly its own live
// keys and its sentinel, and nothing of another service.
func checkKeys(t *testing.T, w *world, out map[string]any, key string, r envoyRoute) int {
	t.Helper()
	auth := get(r.route, "typedPerFilterConfig", "envoy.filters.http.api_key_auth")
	creds := get(auth, "credentials")
	if len(list(creds)) == 0 {
		t.Errorf("%s: the per-route key list is empty, so the listener's keys apply", key)
		creds = get(listenerKeyAuth(t, out, r.config), "credentials")
	}
	want := append([]string{v1alpha1.CredentialSentinel}, w.keys[key]...)
	got := clientsOf(creds)
	for i, c := range got {
		if c == "lgsp-sentinel" {
			got[i] = v1alpha1.CredentialSentinel
		}
	}
	if !slices.Equal(sorted(got), sorted(want)) {
		t.Errorf("%s: the gateway accepts the clients %v, want %v", key, got, want)
	}
	// No key of another service is valid here.
	for _, k := range keysOf(creds) {
		for other, clients := range w.keys {
			for _, c := range clients {
				if other != key && w.clientKeys[c] == k {
					t.Errorf("%s accepts the key of %s on %s", key, c, other)
				}
			}
		}
		for other, s := range w.sentinels {
			if other != key && s == k {
				t.Errorf("%s accepts the sentinel of %s", key, other)
			}
		}
	}
	if str(auth, "forwarding", "header") != v1alpha1.HeaderConsumer || get(auth, "forwarding", "hideCredentials") != true {
		t.Errorf("%s: the filter must set %s and hide the key from the backend: %v", key, v1alpha1.HeaderConsumer, get(auth, "forwarding"))
	}
	if src := list(get(auth, "keySources")); len(src) != 1 || str(src[0], "header") != v1alpha1.HeaderAPIKey {
		t.Errorf("%s: keys must be read from %s only: %v", key, v1alpha1.HeaderAPIKey, src)
	}
	return len(list(creds))
}

// checkRateLimits asserts that each consent's cap becomes one bucket, with
// its numbers, matched on its agency's client ids.
func checkRateLimits(t *testing.T, w *world, key string, r envoyRoute) {
	t.Helper()
	var policy map[string]any
	for _, d := range w.docs {
		if d["kind"] == "BackendTrafficPolicy" && str(d, "metadata", "namespace")+"/"+str(d, "spec", "targetRefs", 0, "name") == key {
			policy = d
		}
	}
	limit := get(r.route, "typedPerFilterConfig", "envoy.filters.http.local_ratelimit")
	if policy == nil {
		if limit != nil {
			t.Errorf("%s: a rate limit nobody asked for", key)
		}
		return
	}
	rules := list(get(policy, "spec", "rateLimit", "local", "rules"))
	descriptors, actions := list(get(limit, "descriptors")), list(get(limit, "rateLimits"))
	if len(descriptors) != len(rules) || len(actions) != len(rules) {
		t.Errorf("%s: %d descriptors and %d actions for %d capped agencies", key, len(descriptors), len(actions), len(rules))
		return
	}
	seconds := map[string]string{"Second": "1s", "Minute": "60s", "Hour": "3600s", "Day": "86400s"}
	for _, rule := range rules {
		regex := str(rule, "clientSelectors", 0, "headers", 0, "value")
		var descriptorKey string
		for _, a := range actions {
			m := get(a, "actions", 0, "headerValueMatch")
			if str(m, "headers", 0, "name") == v1alpha1.HeaderConsumer && str(m, "headers", 0, "stringMatch", "safeRegex", "regex") == regex {
				descriptorKey = str(m, "descriptorKey")
			}
		}
		var bucket any
		for _, d := range descriptors {
			if str(d, "entries", 0, "key") == descriptorKey {
				bucket = get(d, "tokenBucket")
			}
		}
		requests := fmt.Sprint(get(rule, "limit", "requests"))
		if descriptorKey == "" || fmt.Sprint(get(bucket, "maxTokens")) != requests || str(bucket, "fillInterval") != seconds[str(rule, "limit", "unit")] {
			t.Errorf("%s: the cap %s %s/%s becomes %v", key, regex, requests, str(rule, "limit", "unit"), bucket)
		}
	}
}

// acceptedEverything asserts that the translator accepted every route
// (with its references resolved) and every policy.
func acceptedEverything(t *testing.T, out map[string]any) {
	t.Helper()
	for _, r := range list(get(out, "httpRoutes")) {
		name := str(r, "metadata", "namespace") + "/" + str(r, "metadata", "name")
		parents := list(get(r, "status", "parents"))
		if len(parents) == 0 {
			t.Errorf("HTTPRoute %s: no parent reported", name)
		}
		for _, p := range parents {
			for _, ct := range []string{"Accepted", "ResolvedRefs"} {
				if c := condition(p, ct); str(c, "status") != "True" {
					t.Errorf("HTTPRoute %s on %s: %s is %v", name, str(p, "parentRef", "sectionName"), ct, c)
				}
			}
		}
	}
	for _, kind := range []string{"securityPolicies", "backendTrafficPolicies", "backendTLSPolicies", "clientTrafficPolicies"} {
		for _, p := range list(get(out, kind)) {
			name := str(p, "metadata", "namespace") + "/" + str(p, "metadata", "name")
			ancestors := list(get(p, "status", "ancestors"))
			if len(ancestors) == 0 {
				t.Errorf("%s %s: no status", kind, name)
			}
			for _, a := range ancestors {
				if c := condition(a, "Accepted"); str(c, "status") != "True" {
					t.Errorf("%s %s: Accepted is %v", kind, name, c)
				}
			}
		}
	}
}

func condition(v any, typ string) any {
	for _, c := range list(get(v, "conditions")) {
		if str(c, "type") == typ {
			return c
		}
	}
	return nil
}

func stringsOf(v any) []string {
	var s []string
	for _, x := range list(v) {
		if str, ok := x.(string); ok {
			s = append(s, str)
		}
	}
	return s
}
