package render

import (
	"fmt"
	"strings"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/publishing"
)

// CredentialKey is the key of a credential Secret that holds the value the
// gateway adds upstream: Envoy Gateway's credential injection reads it.
const CredentialKey = "credential"

// external points a route rule at a backend outside the cluster: the
// Backend object on the URL's port, the URL's host as the upstream's Host
// header, the URL's path in place of the service's path prefix, and the
// filter that adds the province's credential. Like a Service backend, it
// is left out while a protected service has no live key.
func external(rule *gatewayv1.HTTPRouteRule, in ServiceInputs, ext publishing.External, serve bool) {
	rewrite := rule.Filters[0].URLRewrite
	rewrite.Hostname = ptr.To(gatewayv1.PreciseHostname(ext.Host))
	rewrite.Path.ReplacePrefixMatch = ptr.To(ext.Path)
	if in.Service.Spec.Backend.External.CredentialSecretRef != "" {
		rule.Filters = append(rule.Filters, gatewayv1.HTTPRouteFilter{
			Type: gatewayv1.HTTPRouteFilterExtensionRef,
			ExtensionRef: &gatewayv1.LocalObjectReference{
				Group: gatewayv1.Group(egv1a1.GroupName),
				Kind:  gatewayv1.Kind(egv1a1.KindHTTPRouteFilter),
				Name:  gatewayv1.ObjectName(names.ServiceObjectName(in.Service)),
			},
		})
	}
	if !serve {
		return
	}
	rule.BackendRefs = []gatewayv1.HTTPBackendRef{{BackendRef: gatewayv1.BackendRef{
		BackendObjectReference: gatewayv1.BackendObjectReference{
			Group: ptr.To(gatewayv1.Group(egv1a1.GroupName)),
			Kind:  ptr.To(gatewayv1.Kind(egv1a1.KindBackend)),
			Name:  gatewayv1.ObjectName(names.ServiceObjectName(in.Service)),
			Port:  ptr.To(gatewayv1.PortNumber(ext.Port)),
		},
	}}}
}

// upstream is the Envoy Gateway Backend of a service outside the cluster:
// its host name and port, resolved by DNS at the gateway. Envoy Gateway
// serves Backends only when its extensionApis.enableBackend is set.
func upstream(in ServiceInputs, ext publishing.External) *egv1a1.Backend {
	return &egv1a1.Backend{
		TypeMeta:   metav1.TypeMeta{APIVersion: egv1a1.GroupVersion.String(), Kind: egv1a1.KindBackend},
		ObjectMeta: objectMeta(in),
		Spec: egv1a1.BackendSpec{
			Endpoints: []egv1a1.BackendEndpoint{{FQDN: &egv1a1.FQDNEndpoint{Hostname: ext.Host, Port: ext.Port}}},
		},
	}
}

// upstreamTLS makes the gateway speak TLS to a service outside the
// cluster, with the URL's host as SNI and as the name the certificate must
// carry, checked against the CA the service names or the system's roots.
func upstreamTLS(in ServiceInputs, ext publishing.External) *gatewayv1.BackendTLSPolicy {
	validation := gatewayv1.BackendTLSPolicyValidation{Hostname: gatewayv1.PreciseHostname(ext.Host)}
	if ca := in.Service.Spec.Backend.External.CACertificateRef; ca != "" {
		validation.CACertificateRefs = []gatewayv1.LocalObjectReference{{Group: "", Kind: "ConfigMap", Name: gatewayv1.ObjectName(ca)}}
	} else {
		validation.WellKnownCACertificates = ptr.To(gatewayv1.WellKnownCACertificatesSystem)
	}
	return &gatewayv1.BackendTLSPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: gatewayv1.GroupVersion.String(), Kind: "BackendTLSPolicy"},
		ObjectMeta: objectMeta(in),
		Spec: gatewayv1.BackendTLSPolicySpec{
			TargetRefs: []gatewayv1.LocalPolicyTargetReferenceWithSectionName{{
				LocalPolicyTargetReference: gatewayv1.LocalPolicyTargetReference{
					Group: gatewayv1.Group(egv1a1.GroupName),
					Kind:  gatewayv1.Kind(egv1a1.KindBackend),
					Name:  gatewayv1.ObjectName(names.ServiceObjectName(in.Service)),
				},
			}},
			Validation: validation,
		},
	}
}

// credentialInjection adds the province's credential for a service outside
// the cluster to each request the gateway sends upstream, replacing any
// value a caller sent in the same header. The Secret stays in the
// service's namespace (the DIC's), read by the gateway alone.
func credentialInjection(in ServiceInputs) *egv1a1.HTTPRouteFilter {
	ext := in.Service.Spec.Backend.External
	if ext.CredentialSecretRef == "" {
		return nil
	}
	injection := &egv1a1.HTTPCredentialInjectionFilter{
		Overwrite: ptr.To(true),
		Credential: egv1a1.InjectedCredential{ValueRef: gatewayv1.SecretObjectReference{
			Group: ptr.To(gatewayv1.Group("")),
			Kind:  ptr.To(gatewayv1.Kind("Secret")),
			Name:  gatewayv1.ObjectName(ext.CredentialSecretRef),
		}},
	}
	if ext.CredentialHeader != "" {
		injection.Header = ptr.To(ext.CredentialHeader)
	}
	return &egv1a1.HTTPRouteFilter{
		TypeMeta:   metav1.TypeMeta{APIVersion: egv1a1.GroupVersion.String(), Kind: egv1a1.KindHTTPRouteFilter},
		ObjectMeta: objectMeta(in),
		Spec:       egv1a1.HTTPRouteFilterSpec{CredentialInjection: injection},
	}
}

// nationalOnly keeps the keys of the national platform to the national
// listener: with one configured, a request that carries a National
// agency's key and came without a verified client certificate is refused
// (403). Envoy Gateway authorizes after API key authentication has put the
// key's client id in X-LGSP-Consumer, which it sets from the key alone.
func nationalOnly(in ServiceInputs) *egv1a1.Authorization {
	if in.Rules.NationalListener == "" || len(in.NationalConsumers) == 0 {
		return nil
	}
	header := strings.ToLower(v1alpha1.HeaderConsumer)
	matches := make([]string, 0, len(in.NationalConsumers))
	for _, agency := range in.NationalConsumers {
		matches = append(matches, fmt.Sprintf("request.headers[%q].matches(%q)", header, names.ConsumerPattern(agency)))
	}
	expr := fmt.Sprintf("!connection.mtls && %q in request.headers && (%s)", header, strings.Join(matches, " || "))
	return &egv1a1.Authorization{
		DefaultAction: ptr.To(egv1a1.AuthorizationActionAllow),
		Rules: []egv1a1.AuthorizationRule{{
			Name:   ptr.To("national-keys-need-the-client-certificate"),
			Action: egv1a1.AuthorizationActionDeny,
			CEL:    ptr.To(egv1a1.CELExpression(expr)),
		}},
	}
}
