// Package publishing decides, without a client, whether a DataService is
// published through the LGSP gateway, and what each of its conditions says:
// who must act when it is not. Reconcilers, and later the catalog, call it
// with what they read.
package publishing

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/calendar"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// Inputs is what a service's publication depends on.
type Inputs struct {
	Service *v1alpha1.DataService
	// Agency holds the service's namespace; nil when no Agency does.
	Agency *v1alpha1.Agency
	Rules  config.Rules
	// GatewayAPIInstalled says whether the CRDs the profile needs are
	// installed: Gateway API, and Envoy Gateway for envoy-gateway.
	GatewayAPIInstalled bool
	// ExternalAPIInstalled says whether the CRDs that reach a backend
	// outside the cluster are installed: Envoy Gateway's Backend and
	// HTTPRouteFilter, Gateway API's BackendTLSPolicy v1.
	ExternalAPIInstalled bool
	// Gateway is the configured LGSP Gateway; nil when it does not exist.
	Gateway *gatewayv1.Gateway
	// Backend is the backend Service; nil when it does not exist.
	Backend *corev1.Service
	// SamePath are the DataServices that publish, or ask for, the same path
	// prefix (ds itself may be among them).
	SamePath []v1alpha1.DataService
	// Route is the service's HTTPRoute as the gateway reports on it; nil
	// when it does not exist.
	Route *gatewayv1.HTTPRoute
	// RegisteredConsumers says, for each agency spec.access.consumers
	// names, whether an Agency of that name exists.
	RegisteredConsumers map[string]bool
	// Nationals are the registered agencies of level National that
	// spec.access.consumers names.
	Nationals []v1alpha1.Agency
	Now       time.Time
}

// AgencyName is the name of the service's agency, or its namespace while
// no agency holds it: what its default path and its objects' labels use.
func (in Inputs) AgencyName() string {
	if in.Agency != nil {
		return in.Agency.Name
	}
	return in.Service.Namespace
}

// RouteAction is what happens to a service's HTTPRoute and its policies.
type RouteAction string

const (
	// RouteApply writes the route and its policies as rendered.
	RouteApply RouteAction = "Apply"
	// RouteHold leaves the route as it is (or absent), because the
	// Gateway or its listener cannot be read right now: a missing or
	// misnamed Gateway must not unpublish the province. The policies are
	// still written, so that keys come and go with consent.
	RouteHold RouteAction = "Hold"
	// RouteWithdraw deletes the route and its policies.
	RouteWithdraw RouteAction = "Withdraw"
)

// Decision is what the operator makes of a service.
type Decision struct {
	// Route says what happens to the route and its policies.
	Route RouteAction
	// SectionName is the Gateway listener the route attaches to; empty
	// for every listener.
	SectionName string
	// NationalSectionName is the national listener the route attaches to
	// as well, when the service is offered to the national platform;
	// empty when it is not, or there is no national listener.
	NationalSectionName string
	// NationalConsumers are the National agencies the provider consents
	// to: with a national listener, the gateway accepts their keys only
	// with the national platform's client certificate.
	NationalConsumers []string
	// PathPrefix is where the service is published, and URL its public
	// address; URL is empty while the route is withdrawn.
	PathPrefix string
	URL        string
	// Conditions are every condition of the service, Ready included.
	Conditions []conditions.Condition
	// Next is when a clock (review, open-data refresh) next turns; zero when
	// none will.
	Next time.Time
	// Appraisal is what the DIC's appraisal covers, for status.appraisal;
	// nil when the service is not appraised.
	Appraisal *v1alpha1.AppraisedTerms
	// Published is the service as it is published: the service itself, or
	// narrowed to the appraised terms (AsAppraised). The routes and
	// policies are rendered from it.
	Published *v1alpha1.DataService
}

// Decide says whether a service is published and why. Whether it is
// offered for sharing (Accepted: its agency, its appraisal) is consent, on
// which agreements and their keys rest; whether it can be reached right
// now (Reachable: the Gateway, the listener, the backend, the path, the
// gateway's verdict) is reported and decides the route, never the keys.
func Decide(in Inputs) Decision {
	appraisal := AppraisedTerms(in.Service, in.Agency)
	widened := Widened(in.Service, appraisal)
	in.Service = AsAppraised(in.Service, appraisal)
	ds := in.Service
	d := Decision{PathPrefix: names.PathPrefix(ds, in.AgencyName()), Appraisal: appraisal, Published: ds}
	url := names.ServiceURL(in.Rules.PublicBaseURL, d.PathPrefix)

	accepted := accept(in)
	var reachable conditions.Condition
	d.Route, d.SectionName, reachable = reach(in, accepted.Status == metav1.ConditionTrue, d.PathPrefix)
	if d.Route != RouteWithdraw {
		d.URL = url
	}
	routeAccepted := conditions.Unknown(v1alpha1.ConditionRouteAccepted, v1alpha1.ReasonNotPublished, "the route is withdrawn: "+reachable.Message)
	if d.Route != RouteWithdraw {
		routeAccepted = routeAcceptance(in, d.SectionName)
	}
	if reachable.Reason == "" {
		// Everything the operator checks holds: the gateway has the last word.
		reachable = fromRouteAcceptance(routeAccepted)
		if unresolved := unresolvedRefs(in, d.SectionName); unresolved != nil && reachable.Status == metav1.ConditionTrue {
			reachable = *unresolved
		}
	}
	isolated := isolation(in)
	review, reviewNext := reviewClock(in)
	stale, staleNext := openDataClock(in)
	offer := OfferNationally(ds, in.Nationals, in.Now)
	var national conditions.Condition
	d.NationalSectionName, national = AttachNationally(in.Gateway, in.Rules, offer.Agencies)
	if d.Route == RouteWithdraw || !Protected(ds, in.Rules) {
		// Open data is on every listener already; a withdrawn route is
		// nowhere.
		d.NationalSectionName = ""
	}
	if ds.Spec.Access.Audience == v1alpha1.AudiencePublic {
		national = conditions.True(v1alpha1.ConditionOfferedNationally, v1alpha1.ReasonOfferedNationally,
			"open data is offered to everyone, the national platform included, on every listener, and is in the national catalog")
	}
	d.NationalConsumers = NationalConsumers(ds, in.Nationals)

	var ready conditions.Condition
	switch {
	case accepted.Status != metav1.ConditionTrue:
		ready = conditions.False(v1alpha1.ConditionReady, accepted.Reason, accepted.Message)
	case reachable.Status != metav1.ConditionTrue:
		ready = conditions.False(v1alpha1.ConditionReady, reachable.Reason, reachable.Message)
	case len(widened) > 0:
		ready = conditions.False(v1alpha1.ConditionReady, v1alpha1.ReasonAppraisalOutdated, fmt.Sprintf(
			"the service was made less restricted than the DIC appraised it (%s, %s): %s. It stays published at %s on the appraised terms (%s, %s), and agreements that hold under them stay live, until the DIC appraises it again: the DIC must renew the appraisal of %s in spec.appraisedServices of Agency %s (documentRef, appraisedAt, classification and audience)",
			appraisal.DocumentRef, appraisal.AppraisedAt.Format(time.DateOnly), strings.Join(widened, ", "), url,
			appraisal.Classification, appraisal.Audience, ds.Name, in.AgencyName()))
	default:
		ready = conditions.True(v1alpha1.ConditionReady, v1alpha1.ReasonReady,
			"published at "+url)
	}
	d.Conditions = []conditions.Condition{accepted, reachable, routeAccepted, isolated, ready, consumersKnown(in), review, stale, national}
	d.Next = clock.Earliest(reviewNext, staleNext, offer.Next)
	return d
}

// accept checks that the service is offered for sharing — the consent
// side, what only the agency and the DIC can change — and names who must
// act.
func accept(in Inputs) conditions.Condition {
	ds := in.Service
	no := func(r v1alpha1.ConditionReason, format string, args ...any) conditions.Condition {
		return conditions.False(v1alpha1.ConditionAccepted, r, fmt.Sprintf(format, args...))
	}
	switch {
	case in.Agency == nil:
		return no(v1alpha1.ReasonAgencyNotReady, "no Agency holds namespace %s: the DIC (Sở TT&TT) must register the agency, and label the namespace %s=<agency>, before it can publish", ds.Namespace, v1alpha1.LabelAgency)
	case !meta.IsStatusConditionTrue(in.Agency.Status.Conditions, string(v1alpha1.ConditionReady)):
		why := "it has not been reconciled yet"
		if c := meta.FindStatusCondition(in.Agency.Status.Conditions, string(v1alpha1.ConditionReady)); c != nil {
			why = c.Message
		}
		return no(v1alpha1.ReasonAgencyNotReady, "agency %s is not Ready, so it cannot publish (Điều 20): %s", in.Agency.Name, why)
	case ds.Spec.Backend.External != nil && in.Agency.Name != in.Rules.CoordinatorAgency:
		return no(v1alpha1.ReasonExternalNotCoordinator, "spec.backend.external names a system outside the cluster, which only the DIC (agency %s) publishes for the province: agency %s must name a Service of its own in spec.backend, or ask the DIC to publish the external service",
			in.Rules.CoordinatorAgency, in.Agency.Name)
	case ds.Spec.Backend.External != nil && in.Rules.Enforcement != config.EnforcementEnvoyGateway:
		return no(v1alpha1.ReasonExternalNeedsEnvoyGateway, "spec.backend.external is reached through Envoy Gateway (a Backend, TLS to the upstream, the province's credential added by the gateway), and the operator runs with --enforcement=%s: the platform team must use the envoy-gateway profile",
			in.Rules.Enforcement)
	case in.Rules.RequireAppraisal && findAppraisal(in.Agency, ds.Name) == nil:
		return no(v1alpha1.ReasonNotAppraised, "the DIC has not appraised this service (Điều 14.1): the DIC must add %s to spec.appraisedServices of Agency %s", ds.Name, in.Agency.Name)
	}
	return conditions.True(v1alpha1.ConditionAccepted, v1alpha1.ReasonAccepted, "the service is offered for sharing: its agency is Ready and it may be published")
}

// reach checks what stands between a request and the backend, in the
// order a person would fix things, and says what happens to the route. It
// returns a Reachable condition with an empty reason when nothing the
// operator checks stands in the way.
func reach(in Inputs, accepted bool, pathPrefix string) (RouteAction, string, conditions.Condition) {
	ds := in.Service
	agency := in.AgencyName()
	no := func(r v1alpha1.ConditionReason, format string, args ...any) conditions.Condition {
		return conditions.False(v1alpha1.ConditionReachable, r, fmt.Sprintf(format, args...))
	}
	switch {
	case !in.GatewayAPIInstalled:
		crds := "the Gateway API CRDs are"
		if in.Rules.Enforcement == config.EnforcementEnvoyGateway {
			crds = "the Gateway API and Envoy Gateway CRDs are"
		}
		return RouteWithdraw, "", no(v1alpha1.ReasonGatewayAPIMissing, "%s not installed in the cluster: the platform team must install them; the service is published as soon as they are", crds)
	case !accepted:
		return RouteWithdraw, "", conditions.Unknown(v1alpha1.ConditionReachable, v1alpha1.ReasonNotPublished, "the route is withdrawn until the service is accepted")
	case ds.Spec.Backend.External != nil && !in.ExternalAPIInstalled:
		return RouteWithdraw, "", no(v1alpha1.ReasonGatewayAPIMissing, "a backend outside the cluster is reached through Envoy Gateway's Backend and HTTPRouteFilter and Gateway API's BackendTLSPolicy (v1, Gateway API 1.4 or later), which are not all installed: the platform team must install them; the service is published as soon as they are")
	}
	if holder := PathHolder(ds, in.SamePath); holder != nil {
		return RouteWithdraw, "", no(v1alpha1.ReasonPathConflict, "path %s is already published by DataService %s/%s, created earlier: agency %s must set spec.route.pathPrefix to another path",
			pathPrefix, holder.Namespace, holder.Name, agency)
	}
	at := Attach(in.Gateway, in.Rules, Protected(in.Service, in.Rules))
	if at.Problem != nil {
		return RouteHold, "", *at.Problem
	}
	if ds.Spec.Backend.External != nil {
		// Outside the cluster: the gateway's verdict on the route, its
		// Backend and its TLS is the only word.
		return RouteApply, at.SectionName, conditions.Condition{Type: v1alpha1.ConditionReachable}
	}
	if in.Backend == nil {
		return RouteApply, at.SectionName, no(v1alpha1.ReasonBackendNotFound, "Service %s does not exist in namespace %s: agency %s must create it (for a system on a virtual machine, a Service without a selector and an EndpointSlice); the route carries no backend until then",
			ds.Spec.Backend.ServiceName, ds.Namespace, agency)
	}
	if _, ok := BackendPort(in.Backend, ds.Spec.Backend.Port); !ok {
		return RouteApply, at.SectionName, no(v1alpha1.ReasonBackendPortNotFound, "Service %s has no port %d (it has %s): agency %s must correct spec.backend.port or the Service; the route carries no backend until then",
			ds.Spec.Backend.ServiceName, ds.Spec.Backend.Port, portList(in.Backend), agency)
	}
	return RouteApply, at.SectionName, conditions.Condition{Type: v1alpha1.ConditionReachable}
}

// fromRouteAcceptance turns the gateway's verdict on the route into
// Reachable.
func fromRouteAcceptance(routeAccepted conditions.Condition) conditions.Condition {
	switch routeAccepted.Status {
	case metav1.ConditionTrue:
		return conditions.True(v1alpha1.ConditionReachable, v1alpha1.ReasonReachable, "the gateway accepted the route and routes requests to the backend")
	case metav1.ConditionFalse:
		return conditions.False(v1alpha1.ConditionReachable, v1alpha1.ReasonRouteNotAccepted, routeAccepted.Message)
	default:
		return conditions.Unknown(v1alpha1.ConditionReachable, v1alpha1.ReasonWaitingForGateway, routeAccepted.Message)
	}
}

// unresolvedRefs is the Reachable condition when the gateway accepted the
// route but cannot resolve what it refers to (ResolvedRefs False: a CA
// ConfigMap or a Backend missing, for instance): requests then fail, though
// the route is accepted. Nil when the refs are resolved or not reported.
func unresolvedRefs(in Inputs, sectionName string) *conditions.Condition {
	p := routeParent(in, sectionName)
	if p == nil {
		return nil
	}
	c := meta.FindStatusCondition(p.Conditions, string(gatewayv1.RouteConditionResolvedRefs))
	if c == nil || c.Status != metav1.ConditionFalse || c.ObservedGeneration < in.Route.Generation && c.ObservedGeneration != 0 {
		return nil
	}
	r := conditions.False(v1alpha1.ConditionReachable, v1alpha1.ReasonRouteRefsUnresolved, fmt.Sprintf(
		"the gateway (%s) accepted the route but cannot resolve what it refers to (%s: %s): requests fail until the object it names is fixed", p.ControllerName, c.Reason, c.Message))
	return &r
}

// routeParent is the route's status for the LGSP Gateway (and the
// listener, when one is named); nil when the gateway has not reported.
func routeParent(in Inputs, sectionName string) *gatewayv1.RouteParentStatus {
	if in.Route == nil {
		return nil
	}
	gw := in.Rules.Gateway
	for i, p := range in.Route.Status.Parents {
		ref := p.ParentRef
		ns := in.Route.Namespace
		if ref.Namespace != nil {
			ns = string(*ref.Namespace)
		}
		if string(ref.Name) != gw.Name || ns != gw.Namespace {
			continue
		}
		if sectionName != "" && (ref.SectionName == nil || string(*ref.SectionName) != sectionName) {
			continue
		}
		return &in.Route.Status.Parents[i]
	}
	return nil
}

// routeAcceptance mirrors what the gateway implementation wrote in the
// route's status for the LGSP Gateway (and the listener, when one is
// named).
func routeAcceptance(in Inputs, sectionName string) conditions.Condition {
	waiting := conditions.Unknown(v1alpha1.ConditionRouteAccepted, v1alpha1.ReasonWaitingForGateway,
		fmt.Sprintf("the gateway has not reported on route %s yet", names.ServiceObjectName(in.Service)))
	p := routeParent(in, sectionName)
	if p == nil {
		return waiting
	}
	c := meta.FindStatusCondition(p.Conditions, string(gatewayv1.RouteConditionAccepted))
	if c == nil || c.ObservedGeneration < in.Route.Generation && c.ObservedGeneration != 0 {
		return waiting
	}
	msg := fmt.Sprintf("the gateway (%s) reports %s: %s", p.ControllerName, c.Reason, c.Message)
	return conditions.Condition{Type: v1alpha1.ConditionRouteAccepted, Status: c.Status, Reason: v1alpha1.ConditionReason(c.Reason), Message: msg}
}

// isolation says whether a NetworkPolicy keeps the backend reachable only
// through the gateway.
func isolation(in Inputs) conditions.Condition {
	ds, svc := in.Service, in.Backend
	switch {
	case ds.Spec.Backend.External != nil:
		return conditions.False(v1alpha1.ConditionNetworkIsolated, v1alpha1.ReasonExternalBackend,
			fmt.Sprintf("the backend is outside the cluster (%s): no NetworkPolicy applies; requests leave through the gateway's proxies, whose egress the platform team controls", ExternalHost(ds)))
	case svc == nil:
		return conditions.Unknown(v1alpha1.ConditionNetworkIsolated, v1alpha1.ReasonBackendNotFound,
			fmt.Sprintf("Service %s does not exist, so there is nothing to isolate yet", ds.Spec.Backend.ServiceName))
	case len(svc.Spec.Selector) == 0:
		return conditions.False(v1alpha1.ConditionNetworkIsolated, v1alpha1.ReasonSelectorlessBackend,
			fmt.Sprintf("Service %s has no selector (a system outside the cluster, such as a virtual machine): no NetworkPolicy can restrict who reaches it; the agency must allow only the gateway's addresses at its own firewall", svc.Name))
	}
	if _, ok := BackendPort(svc, ds.Spec.Backend.Port); !ok {
		return conditions.Unknown(v1alpha1.ConditionNetworkIsolated, v1alpha1.ReasonBackendPortNotFound,
			fmt.Sprintf("Service %s has no port %d, so there is nothing to isolate yet", svc.Name, ds.Spec.Backend.Port))
	}
	return conditions.True(v1alpha1.ConditionNetworkIsolated, v1alpha1.ReasonIsolated,
		fmt.Sprintf("NetworkPolicy %s admits port %d of Service %s only from the gateway's proxies in namespace %s and from namespace %s",
			names.ServiceObjectName(ds), ds.Spec.Backend.Port, svc.Name, in.Rules.ProxyPodNamespace(), ds.Namespace))
}

// consumersKnown reports consents that name an agency nobody registered:
// kept, since its Agency may be registered later, but never silent.
func consumersKnown(in Inputs) conditions.Condition {
	var unknown []string
	for _, c := range in.Service.Spec.Access.Consumers {
		if !in.RegisteredConsumers[string(c.Agency)] {
			unknown = append(unknown, string(c.Agency))
		}
	}
	if len(unknown) > 0 {
		return conditions.False(v1alpha1.ConditionConsumersKnown, v1alpha1.ReasonUnknownConsumer,
			fmt.Sprintf("spec.access.consumers names %s, which no Agency is: the provider must correct the name, or the DIC register the agency; the consent is kept meanwhile",
				strings.Join(unknown, ", ")))
	}
	return conditions.True(v1alpha1.ConditionConsumersKnown, v1alpha1.ReasonConsumersRegistered, "every agency spec.access.consumers names is registered")
}

// ReviewDue is when a service's yearly review (Điều 3.3) falls due: the
// last review plus the review period, on the calendar (a year is the same
// date a year on: see calendar.AddPeriod). ok is false when no review is
// recorded: it was due from the start.
func ReviewDue(ds *v1alpha1.DataService, rules config.Rules) (due time.Time, ok bool) {
	last := ds.Spec.Review.LastReviewed
	if last == nil {
		return time.Time{}, false
	}
	return calendar.AddPeriod(last.Time, rules.ReviewPeriod), true
}

// OpenDataDue is when open data must next be refreshed (Điều 10.4): the
// last refresh plus the service's interval, or the province's, on the
// calendar (whole years count calendar years; 2160h stays 90 days: see
// calendar.AddPeriod). ok is
// false for a service that is not open data; a service never refreshed is
// due at the zero time.
func OpenDataDue(ds *v1alpha1.DataService, rules config.Rules) (due time.Time, ok bool) {
	if ds.Spec.Access.Audience != v1alpha1.AudiencePublic {
		return time.Time{}, false
	}
	interval := rules.OpenDataRefresh
	od := ds.Spec.OpenData
	if od == nil || od.LastUpdated == nil {
		return time.Time{}, true
	}
	if od.RefreshInterval != nil {
		interval = od.RefreshInterval.Duration
	}
	return calendar.AddPeriod(od.LastUpdated.Time, interval), true
}

// reviewClock turns True when the yearly review (Điều 3.3) falls due.
func reviewClock(in Inputs) (conditions.Condition, time.Time) {
	due, reviewed := ReviewDue(in.Service, in.Rules)
	if !reviewed {
		return conditions.True(v1alpha1.ConditionReviewDue, v1alpha1.ReasonNeverReviewed,
			"no review is recorded: the agency must review the service and record spec.review.lastReviewed (Điều 3.3)"), time.Time{}
	}
	if !in.Now.Before(due) {
		return conditions.True(v1alpha1.ConditionReviewDue, v1alpha1.ReasonReviewOverdue,
			fmt.Sprintf("the review was due at %s: the agency must review the service and update spec.review.lastReviewed (Điều 3.3)", clock.Format(due))), time.Time{}
	}
	return conditions.False(v1alpha1.ConditionReviewDue, v1alpha1.ReasonReviewCurrent,
		fmt.Sprintf("the next review is due at %s", clock.Format(due))), due
}

// openDataClock turns True when open data was not refreshed within its
// interval (Điều 10.4).
func openDataClock(in Inputs) (conditions.Condition, time.Time) {
	due, open := OpenDataDue(in.Service, in.Rules)
	switch {
	case !open:
		return conditions.False(v1alpha1.ConditionOpenDataStale, v1alpha1.ReasonNotOpenData, "the service is not open data"), time.Time{}
	case due.IsZero():
		return conditions.True(v1alpha1.ConditionOpenDataStale, v1alpha1.ReasonNeverRefreshed,
			"no refresh is recorded: the agency must publish the data and record spec.openData.lastUpdated (Điều 10.4)"), time.Time{}
	}
	if !in.Now.Before(due) {
		return conditions.True(v1alpha1.ConditionOpenDataStale, v1alpha1.ReasonOpenDataOverdue,
			fmt.Sprintf("the open data was due for refresh at %s: the agency must refresh it and update spec.openData.lastUpdated (Điều 10.4)", clock.Format(due))), time.Time{}
	}
	return conditions.False(v1alpha1.ConditionOpenDataStale, v1alpha1.ReasonOpenDataFresh,
		fmt.Sprintf("the next refresh is due at %s", clock.Format(due))), due
}

func portList(svc *corev1.Service) string {
	ports := make([]string, 0, len(svc.Spec.Ports))
	for _, p := range svc.Spec.Ports {
		ports = append(ports, strconv.Itoa(int(p.Port)))
	}
	sort.Strings(ports)
	if len(ports) == 0 {
		return "no ports"
	}
	return strings.Join(ports, ", ")
}

// PathHolder returns the DataService that keeps a path prefix that several
// ask for — the oldest, as the oldest claim keeps nothing else: it is the
// twin of registry.NamespaceHolder's rule for paths — or nil when ds keeps
// it. Services being deleted claim nothing.
func PathHolder(ds *v1alpha1.DataService, samePath []v1alpha1.DataService) *v1alpha1.DataService {
	contenders := []*v1alpha1.DataService{ds}
	for i := range samePath {
		other := &samePath[i]
		if other.DeletionTimestamp == nil && (other.Namespace != ds.Namespace || other.Name != ds.Name) {
			contenders = append(contenders, other)
		}
	}
	if oldest := clock.Oldest(contenders); oldest != ds {
		return oldest
	}
	return nil
}

// Protected says whether the gateway checks keys on a service's route:
// under the envoy-gateway profile, for every service that is not open
// data.
func Protected(ds *v1alpha1.DataService, cfg config.Rules) bool {
	return cfg.Enforcement == config.EnforcementEnvoyGateway && ds.Spec.Access.Audience != v1alpha1.AudiencePublic
}

// BackendPort finds the Service port that a DataService names; svc may be
// nil.
func BackendPort(svc *corev1.Service, port int32) (corev1.ServicePort, bool) {
	if svc == nil {
		return corev1.ServicePort{}, false
	}
	for _, p := range svc.Spec.Ports {
		if p.Port == port {
			return p, true
		}
	}
	return corev1.ServicePort{}, false
}
