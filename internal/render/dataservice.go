package render

import (
	"net"
	"net/url"
	"slices"
	"strings"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/utils/ptr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
)

// ServiceInputs is what a DataService's gateway objects are made from.
type ServiceInputs struct {
	Service *v1alpha1.DataService
	// Agency is the name of the provider Agency.
	Agency string
	Rules  config.Rules
	// Backend is the backend Service; nil when it does not exist.
	Backend *corev1.Service
	// SectionName is the listener of the LGSP Gateway the route attaches
	// to; empty for every listener.
	SectionName string
	// NationalSectionName is the national listener the route attaches to
	// as well; empty when it does not.
	NationalSectionName string
	// NationalConsumers are the National agencies the provider consents
	// to; with a national listener, their keys need its client
	// certificate.
	NationalConsumers []string
	// LiveKeys is how many keys of live agreements the gateway accepts: a
	// protected route with none has no backend.
	LiveKeys int
	// KeyGroups is how many key groups (see GroupKeys) hold the keys of
	// the service's live agreements.
	KeyGroups int
}

// ServiceObjects are the objects a DataService is published through. A nil
// field is an object that must not exist.
type ServiceObjects struct {
	Route          *gatewayv1.HTTPRoute
	SecurityPolicy *egv1a1.SecurityPolicy
	// TrafficPolicy holds the rate limits of the provider's consents.
	TrafficPolicy *egv1a1.BackendTrafficPolicy
	NetworkPolicy *networkingv1.NetworkPolicy
	// Upstream, UpstreamTLS and Credential exist for a backend outside the
	// cluster: its address, the TLS the gateway speaks to it, and the
	// province's credential the gateway adds to each request.
	Upstream    *egv1a1.Backend
	UpstreamTLS *gatewayv1.BackendTLSPolicy
	Credential  *egv1a1.HTTPRouteFilter
}

// ServiceLabels are the labels of every object generated for a DataService,
// so that `kubectl get httproute,securitypolicy,networkpolicy -l
// datashare.lgsp.vn/data-service=<name>` finds them all.
func ServiceLabels(ds *v1alpha1.DataService, agency string) map[string]string {
	return map[string]string{
		v1alpha1.LabelManagedBy:   v1alpha1.ManagedByOperator,
		v1alpha1.LabelAgency:      agency,
		v1alpha1.LabelDataService: ds.Name,
	}
}

// Service renders the objects that publish a DataService. The route always
// exists; the SecurityPolicy exists for non-public services under the
// envoy-gateway profile, and with it the BackendTrafficPolicy when a
// consent caps a consumer's rate; the NetworkPolicy exists when the backend
// Service selects pods. A backend outside the cluster has its Backend, its
// TLS and, when it names one, its credential filter.
func Service(in ServiceInputs) ServiceObjects {
	objs := ServiceObjects{
		SecurityPolicy: securityPolicy(in),
		TrafficPolicy:  trafficPolicy(in),
		NetworkPolicy:  networkPolicy(in),
	}
	ext, isExternal := publishing.ParseExternal(in.Service)
	if !isExternal {
		objs.Route = route(in, nil)
		return objs
	}
	objs.Route = route(in, &ext)
	objs.Upstream, objs.UpstreamTLS, objs.Credential = upstream(in, ext), upstreamTLS(in, ext), credentialInjection(in)
	return objs
}

func objectMeta(in ServiceInputs) metav1.ObjectMeta {
	ds := in.Service
	return metav1.ObjectMeta{
		Name:            names.ServiceObjectName(ds),
		Namespace:       ds.Namespace,
		Labels:          ServiceLabels(ds, in.Agency),
		OwnerReferences: []metav1.OwnerReference{controllerRef("DataService", ds.Name, ds.UID)},
	}
}

// route sends the service's path prefix, rewritten to /, to its backend.
// A non-public service with no live agreement, and a service whose backend
// Service or port is missing, get a rule with no backend: whatever the auth
// layer does, no request can reach the backend, and the gateway answers
// with an error (Gateway API requires a 500 for a rule whose backends are
// all missing, or a 404 when the rule has none). This is the second
// barrier: the SecurityPolicy never lists an empty set of keys.
func route(in ServiceInputs, ext *publishing.External) *gatewayv1.HTTPRoute {
	ds := in.Service
	base, _ := url.Parse(in.Rules.PublicBaseURL)
	prefix := names.PathPrefix(ds, in.Agency)
	rule := gatewayv1.HTTPRouteRule{
		Matches: []gatewayv1.HTTPRouteMatch{{Path: &gatewayv1.HTTPPathMatch{
			Type:  ptr.To(gatewayv1.PathMatchPathPrefix),
			Value: ptr.To(strings.TrimSuffix(base.Path, "/") + prefix),
		}}},
		Filters: []gatewayv1.HTTPRouteFilter{{
			Type: gatewayv1.HTTPRouteFilterURLRewrite,
			URLRewrite: &gatewayv1.HTTPURLRewriteFilter{Path: &gatewayv1.HTTPPathModifier{
				Type:               gatewayv1.PrefixMatchHTTPPathModifier,
				ReplacePrefixMatch: ptr.To("/"),
			}},
		}},
	}
	public := ds.Spec.Access.Audience == v1alpha1.AudiencePublic
	if public || in.Rules.Enforcement != config.EnforcementEnvoyGateway {
		// No key is checked here by the gateway (open data, or the profile
		// none), so a consumer header that a caller sends is not to be
		// believed. Where keys are checked, the API key filter sets it.
		rule.Filters = append(rule.Filters, gatewayv1.HTTPRouteFilter{
			Type:                  gatewayv1.HTTPRouteFilterRequestHeaderModifier,
			RequestHeaderModifier: &gatewayv1.HTTPHeaderFilter{Remove: []string{v1alpha1.HeaderConsumer}},
		})
	}
	_, backendFound := publishing.BackendPort(in.Backend, ds.Spec.Backend.Port)
	if backendFound && (public || in.LiveKeys > 0) {
		rule.BackendRefs = []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
			BackendObjectReference: gatewayv1.BackendObjectReference{
				Name: gatewayv1.ObjectName(ds.Spec.Backend.ServiceName),
				Port: ptr.To(gatewayv1.PortNumber(ds.Spec.Backend.Port)),
			},
		}}}
	}
	if ext != nil {
		external(&rule, in, *ext, public || in.LiveKeys > 0)
	}

	parent := gatewayv1.ParentReference{
		Group:     ptr.To(gatewayv1.Group(gatewayv1.GroupName)),
		Kind:      ptr.To(gatewayv1.Kind("Gateway")),
		Namespace: ptr.To(gatewayv1.Namespace(in.Rules.Gateway.Namespace)),
		Name:      gatewayv1.ObjectName(in.Rules.Gateway.Name),
	}
	if in.SectionName != "" {
		parent.SectionName = ptr.To(gatewayv1.SectionName(in.SectionName))
	}
	parents := []gatewayv1.ParentReference{parent}
	if in.NationalSectionName != "" {
		national := *parent.DeepCopy()
		national.SectionName = ptr.To(gatewayv1.SectionName(in.NationalSectionName))
		parents = append(parents, national)
	}
	r := &gatewayv1.HTTPRoute{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "HTTPRoute"},
		ObjectMeta: objectMeta(in),
		Spec: gatewayv1.HTTPRouteSpec{
			CommonRouteSpec: gatewayv1.CommonRouteSpec{ParentRefs: parents},
			Rules:           []gatewayv1.HTTPRouteRule{rule},
		},
	}
	// A route's hostnames are DNS names; a base URL on an IP address
	// leaves the route open to any host the listener accepts.
	if host := base.Hostname(); host != "" && net.ParseIP(host) == nil {
		r.Spec.Hostnames = []gatewayv1.Hostname{gatewayv1.Hostname(host)}
	}
	return r
}

// securityPolicy requires an API key from one of the live agreements: the
// service's sentinel first, then its key groups, which hold the keys. The
// sentinel's key is held by nobody; it keeps the list from ever being
// empty, because Envoy's per-route list replaces the listener's only when
// it is not empty, and the listener's holds the keys of another service.
// The policy names groups, not keys, so it is written again only when a
// group is added: every Secret it names always exists (Envoy Gateway
// answers 500 to every request of a route whose policy names a missing
// Secret).
func securityPolicy(in ServiceInputs) *egv1a1.SecurityPolicy {
	ds := in.Service
	if !publishing.Protected(ds, in.Rules) {
		return nil
	}
	secrets := []string{names.SentinelName(ds)}
	for i := range max(in.KeyGroups, 1) {
		secrets = append(secrets, names.KeyGroupName(ds, i))
	}
	refs := make([]gatewayv1.SecretObjectReference, 0, len(secrets))
	for _, name := range secrets {
		refs = append(refs, gatewayv1.SecretObjectReference{
			Group: ptr.To(gatewayv1.Group("")),
			Kind:  ptr.To(gatewayv1.Kind("Secret")),
			Name:  gatewayv1.ObjectName(name),
		})
	}
	return &egv1a1.SecurityPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: egv1a1.GroupVersion.String(), Kind: egv1a1.KindSecurityPolicy},
		ObjectMeta: objectMeta(in),
		Spec: egv1a1.SecurityPolicySpec{
			PolicyTargetReferences: routeTarget(ds),
			APIKeyAuth: &egv1a1.APIKeyAuth{
				CredentialRefs:        refs,
				ExtractFrom:           []*egv1a1.ExtractFrom{{Headers: []string{v1alpha1.HeaderAPIKey}}},
				ForwardClientIDHeader: ptr.To(v1alpha1.HeaderConsumer),
				Sanitize:              ptr.To(true),
			},
			Authorization: nationalOnly(in),
		},
	}
}

// trafficPolicy caps the requests of each consumer whose consent carries a
// rateLimit. The gateway knows a request's consumer only from its key: the
// SecurityPolicy puts the key's client id, "<consumer agency>.<agreement>.
// <key id>", in X-LGSP-Consumer before the rate limit is counted (Envoy
// Gateway runs API key authentication before rate limiting), and a rule
// matches every client id of one agency, so that all the agency's
// agreements and keys for this service share its one budget. Agency names
// are DNS labels, without dots or regular-expression syntax.
//
// The limit is Envoy Gateway's local rate limit: each proxy replica counts
// on its own, so N replicas admit up to N times the limit. A global limit
// needs Envoy Gateway's rate-limit service, which a province may not run.
// The policy merges into one the platform team may have on the Gateway
// (timeouts, retries), instead of replacing it for this route.
func trafficPolicy(in ServiceInputs) *egv1a1.BackendTrafficPolicy {
	ds := in.Service
	if !publishing.Protected(ds, in.Rules) {
		return nil
	}
	var rules []egv1a1.RateLimitRule
	for _, c := range ds.Spec.Access.Consumers {
		if c.RateLimit == nil {
			continue
		}
		rules = append(rules, egv1a1.RateLimitRule{
			ClientSelectors: []egv1a1.RateLimitSelectCondition{{Headers: []egv1a1.HeaderMatch{{
				Type:  ptr.To(egv1a1.HeaderMatchRegularExpression),
				Name:  v1alpha1.HeaderConsumer,
				Value: ptr.To(names.ConsumerPattern(string(c.Agency))),
			}}}},
			Limit: egv1a1.RateLimitValue{Requests: uint32(c.RateLimit.Requests), Unit: egv1a1.RateLimitUnit(c.RateLimit.Unit)},
		})
	}
	if len(rules) == 0 {
		return nil
	}
	// The order of consumers in the spec is the provider's; the policy
	// does not depend on it.
	slices.SortFunc(rules, func(a, b egv1a1.RateLimitRule) int {
		return strings.Compare(*a.ClientSelectors[0].Headers[0].Value, *b.ClientSelectors[0].Headers[0].Value)
	})
	return &egv1a1.BackendTrafficPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: egv1a1.GroupVersion.String(), Kind: egv1a1.KindBackendTrafficPolicy},
		ObjectMeta: objectMeta(in),
		Spec: egv1a1.BackendTrafficPolicySpec{
			PolicyTargetReferences: routeTarget(ds),
			MergeType:              ptr.To(egv1a1.StrategicMerge),
			RateLimit:              &egv1a1.RateLimitSpec{Local: &egv1a1.LocalRateLimit{Rules: rules}},
		},
	}
}

// routeTarget points a policy at the service's HTTPRoute.
func routeTarget(ds *v1alpha1.DataService) egv1a1.PolicyTargetReferences {
	return egv1a1.PolicyTargetReferences{
		TargetRefs: []gatewayv1.LocalPolicyTargetReferenceWithSectionName{{
			LocalPolicyTargetReference: gatewayv1.LocalPolicyTargetReference{
				Group: gatewayv1.GroupName,
				Kind:  "HTTPRoute",
				Name:  gatewayv1.ObjectName(names.ServiceObjectName(ds)),
			},
		}},
	}
}

// networkPolicy admits traffic to the backend's pods, on the backend port,
// only from the gateway's proxy pods and from the agency's own namespace
// (Điều 9.5: agencies connect through the LGSP). A Service without a
// selector (a system on a virtual machine) has no pods to protect here.
func networkPolicy(in ServiceInputs) *networkingv1.NetworkPolicy {
	ds, svc := in.Service, in.Backend
	if svc == nil || len(svc.Spec.Selector) == 0 {
		return nil
	}
	port, ok := publishing.BackendPort(svc, ds.Spec.Backend.Port)
	if !ok {
		return nil
	}
	target := port.TargetPort
	if target.Type == intstr.Int && target.IntVal == 0 || target.Type == intstr.String && target.StrVal == "" {
		target = intstr.FromInt32(port.Port)
	}
	protocol := port.Protocol
	if protocol == "" {
		protocol = corev1.ProtocolTCP
	}
	return &networkingv1.NetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: networkingv1.SchemeGroupVersion.String(), Kind: "NetworkPolicy"},
		ObjectMeta: objectMeta(in),
		Spec: networkingv1.NetworkPolicySpec{
			PodSelector: metav1.LabelSelector{MatchLabels: svc.Spec.Selector},
			PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress},
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From: []networkingv1.NetworkPolicyPeer{
					{
						NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{corev1.LabelMetadataName: in.Rules.ProxyPodNamespace()}},
						PodSelector:       &metav1.LabelSelector{MatchLabels: in.Rules.ProxySelector},
					},
					{PodSelector: &metav1.LabelSelector{}},
				},
				Ports: []networkingv1.NetworkPolicyPort{{Protocol: &protocol, Port: &target}},
			}},
		},
	}
}
