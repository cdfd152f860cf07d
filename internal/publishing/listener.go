package publishing

import (
	"fmt"
	"slices"
	"strings"

	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
)

// Attachment is where a service's route attaches on the LGSP Gateway.
type Attachment struct {
	// SectionName is the listener the route names; empty attaches it to
	// every listener of the Gateway (open data only).
	SectionName string
	// Problem, when not nil, is the Reachable condition that says why the
	// route cannot attach; what is published then stays as it is.
	Problem *conditions.Condition
}

// Attach chooses the listener of gw that a service's route attaches to.
// A protected service's keys travel only over TLS, on exactly one listener:
// the one the operator's --lgsp-gateway names, or else the Gateway's only
// HTTPS listener (with allowPlaintextKeys, its only HTTP listener when it has
// no HTTPS one). One listener also keeps one rate-limit bucket per agency:
// Envoy counts each listener's copy of a route on its own. Open data may use
// every listener, or the one named. gw is nil when the Gateway does not
// exist.
func Attach(gw *gatewayv1.Gateway, cfg config.Rules, protected bool) Attachment {
	ref := cfg.Gateway
	problem := func(r v1alpha1.ConditionReason, format string, args ...any) Attachment {
		c := conditions.False(v1alpha1.ConditionReachable, r, fmt.Sprintf(format, args...)+"; what is published stays as it is until then")
		return Attachment{Problem: &c}
	}
	if gw == nil {
		return problem(v1alpha1.ReasonGatewayNotFound, "the LGSP Gateway %s/%s does not exist: the platform team must create it, or correct the operator's --lgsp-gateway",
			ref.Namespace, ref.Name)
	}
	if ref.SectionName != "" {
		l := findListener(gw, ref.SectionName)
		switch {
		case l == nil:
			return problem(v1alpha1.ReasonListenerNotFound, "the LGSP Gateway %s/%s has no listener %q (it has %s): the platform team must add it, or correct the operator's --lgsp-gateway",
				ref.Namespace, ref.Name, ref.SectionName, listenerList(gw))
		case protected && !carriesKeys(l.Protocol, cfg.AllowPlaintextKeys):
			return problem(v1alpha1.ReasonNoTLSListener, "listener %q of the LGSP Gateway %s/%s is %s, and API keys travel only over HTTPS: the platform team must name an HTTPS listener in the operator's --lgsp-gateway",
				ref.SectionName, ref.Namespace, ref.Name, l.Protocol)
		case !servesHTTPRoutes(l.Protocol):
			return problem(v1alpha1.ReasonListenerNotFound, "listener %q of the LGSP Gateway %s/%s is %s, which carries no HTTPRoute: the platform team must name an HTTP or HTTPS listener in the operator's --lgsp-gateway",
				ref.SectionName, ref.Namespace, ref.Name, l.Protocol)
		}
		return Attachment{SectionName: ref.SectionName}
	}
	if !protected {
		return Attachment{}
	}
	candidates := slices.DeleteFunc(listenersOf(gw, gatewayv1.HTTPSProtocolType), func(l string) bool { return l == cfg.NationalListener })
	if len(candidates) == 0 && cfg.AllowPlaintextKeys {
		candidates = listenersOf(gw, gatewayv1.HTTPProtocolType)
	}
	switch len(candidates) {
	case 0:
		return problem(v1alpha1.ReasonNoTLSListener, "the LGSP Gateway %s/%s has no HTTPS listener (it has %s), and API keys travel only over HTTPS: the platform team must add one",
			ref.Namespace, ref.Name, listenerList(gw))
	case 1:
		return Attachment{SectionName: candidates[0]}
	}
	return problem(v1alpha1.ReasonNoTLSListener, "the LGSP Gateway %s/%s has %d HTTPS listeners (%s), and a protected service attaches to exactly one: the platform team must name one in the operator's --lgsp-gateway as namespace/name/listener",
		ref.Namespace, ref.Name, len(candidates), strings.Join(candidates, ", "))
}

func findListener(gw *gatewayv1.Gateway, name string) *gatewayv1.Listener {
	for i := range gw.Spec.Listeners {
		if string(gw.Spec.Listeners[i].Name) == name {
			return &gw.Spec.Listeners[i]
		}
	}
	return nil
}

func listenersOf(gw *gatewayv1.Gateway, protocol gatewayv1.ProtocolType) []string {
	var names []string
	for _, l := range gw.Spec.Listeners {
		if l.Protocol == protocol {
			names = append(names, string(l.Name))
		}
	}
	return names
}

func carriesKeys(p gatewayv1.ProtocolType, allowPlaintext bool) bool {
	return p == gatewayv1.HTTPSProtocolType || allowPlaintext && p == gatewayv1.HTTPProtocolType
}

func servesHTTPRoutes(p gatewayv1.ProtocolType) bool {
	return p == gatewayv1.HTTPSProtocolType || p == gatewayv1.HTTPProtocolType
}

func listenerList(gw *gatewayv1.Gateway) string {
	if len(gw.Spec.Listeners) == 0 {
		return "no listeners"
	}
	parts := make([]string, 0, len(gw.Spec.Listeners))
	for _, l := range gw.Spec.Listeners {
		parts = append(parts, fmt.Sprintf("%s (%s)", l.Name, l.Protocol))
	}
	return strings.Join(parts, ", ")
}

// AttachNationally says where a service offered to the national data
// platform also attaches: the operator's --national-listener, which must
// be an HTTPS listener of the LGSP Gateway. The condition is
// OfferedNationally; section is empty when the route does not attach
// there.
func AttachNationally(gw *gatewayv1.Gateway, cfg config.Rules, offered []string) (section string, c conditions.Condition) {
	const typ = v1alpha1.ConditionOfferedNationally
	switch {
	case len(offered) == 0:
		return "", conditions.False(typ, v1alpha1.ReasonNotOfferedNationally,
			"no agency of level National holds both the provider's consent (spec.access.consumers) and the DIC's endorsement for this service: it is not offered to the national platform")
	case cfg.NationalListener == "":
		return "", conditions.True(typ, v1alpha1.ReasonOfferedNationally, fmt.Sprintf(
			"offered to %s, with the provider's consent and the DIC's endorsement; the operator has no --national-listener, so the national platform connects on the province's listener", strings.Join(offered, ", ")))
	case gw == nil:
		return "", conditions.Unknown(typ, v1alpha1.ReasonGatewayNotFound, "the LGSP Gateway does not exist, so the national listener cannot be read")
	}
	l := findListener(gw, cfg.NationalListener)
	switch {
	case l == nil:
		return "", conditions.False(typ, v1alpha1.ReasonListenerNotFound, fmt.Sprintf(
			"offered to %s, but the LGSP Gateway %s/%s has no listener %q (it has %s): the platform team must add the national listener, with client certificates, or correct the operator's --national-listener",
			strings.Join(offered, ", "), gw.Namespace, gw.Name, cfg.NationalListener, listenerList(gw)))
	case l.Protocol != gatewayv1.HTTPSProtocolType:
		return "", conditions.False(typ, v1alpha1.ReasonNoTLSListener, fmt.Sprintf(
			"offered to %s, but listener %q of the LGSP Gateway %s/%s is %s: the national platform connects only over HTTPS with a client certificate; the platform team must make it HTTPS",
			strings.Join(offered, ", "), cfg.NationalListener, gw.Namespace, gw.Name, l.Protocol))
	}
	return cfg.NationalListener, conditions.True(typ, v1alpha1.ReasonOfferedNationally, fmt.Sprintf(
		"offered to %s on the national listener %q of the LGSP Gateway, with the provider's consent and the DIC's endorsement", strings.Join(offered, ", "), cfg.NationalListener))
}
