package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ConditionType is the type of a condition on any kind of this API.
type ConditionType string

// ConditionReason is the reason of a condition: a CamelCase word that states
// the cause, for people and for tools such as Argo CD and kubectl wait.
type ConditionReason string

// Condition types shared by every kind.
const (
	// ConditionReady summarizes every other condition of the object. It is
	// what Argo CD, kstatus and `kubectl wait --for=condition=Ready` read.
	// For a SharingAgreement, its reason is the agreement's state.
	ConditionReady ConditionType = "Ready"
	// ConditionStalled is True when the object is not Ready and will not
	// become Ready until someone acts; its reason and message are those of
	// Ready. kstatus, Flux and kubectl wait read it as "failed".
	ConditionStalled ConditionType = "Stalled"
)

// Reasons used by every kind.
const (
	// ReasonReconciling means the operator has seen the object but not yet
	// decided its state; the condition is Unknown.
	ReasonReconciling ConditionReason = "Reconciling"
	// ReasonReady means every requirement holds.
	ReasonReady ConditionReason = "Ready"
	// ReasonProgressing, on Stalled=False, means the object is not Ready yet
	// and will become Ready without anyone acting: a gateway to report, a
	// moment to come.
	ReasonProgressing ConditionReason = "Progressing"
)

// Agency reasons, on its Ready condition.
const (
	// ReasonNamespaceNotFound: spec.namespace does not exist. The DIC must
	// create it.
	ReasonNamespaceNotFound ConditionReason = "NamespaceNotFound"
	// ReasonNamespaceClaimed: the namespace's label names another Agency.
	ReasonNamespaceClaimed ConditionReason = "NamespaceClaimed"
	// ReasonNamespaceNotLabelled: the namespace does not carry the label
	// datashare.lgsp.vn/agency that names the agency it belongs to.
	ReasonNamespaceNotLabelled ConditionReason = "NamespaceNotLabelled"
	// ReasonNoFocalPoint: the agency has no active primary focal point.
	ReasonNoFocalPoint ConditionReason = "NoFocalPoint"
	// ReasonFocalPointUnbound: the active primary focal point holds no
	// rights, because its subjects cannot be bound (outside the identity
	// provider's prefix, or the cluster's own users and groups).
	ReasonFocalPointUnbound ConditionReason = "FocalPointUnbound"
)

// FocalPoint condition types.
const (
	// ConditionActive is True inside the appointment window.
	ConditionActive ConditionType = "Active"
	// ConditionBound is True when the focal point's subjects hold their
	// rights through a RoleBinding or ClusterRoleBinding.
	ConditionBound ConditionType = "Bound"
)

// FocalPoint reasons.
const (
	// ReasonAppointed: the appointment is in effect.
	ReasonAppointed ConditionReason = "Appointed"
	// ReasonAppointmentNotStarted: the appointment starts in the future.
	ReasonAppointmentNotStarted ConditionReason = "AppointmentNotStarted"
	// ReasonAppointmentEnded: the appointment's validUntil has passed.
	ReasonAppointmentEnded ConditionReason = "AppointmentEnded"
	// ReasonDuplicatePrimary: another active primary focal point exists in
	// the same agency.
	ReasonDuplicatePrimary ConditionReason = "DuplicatePrimary"
	// ReasonSubjectOutsideIdentityProvider: a subject's name lacks the
	// identity provider's prefix the operator is configured with.
	ReasonSubjectOutsideIdentityProvider ConditionReason = "SubjectOutsideIdentityProvider"
	// ReasonSystemSubject: a subject names one of the cluster's own users or
	// groups ("system:..."), with or without the identity provider's prefix.
	ReasonSystemSubject ConditionReason = "SystemSubject"
	// ReasonEarlierAgency: the focal point was appointed for another agency,
	// which held its namespace before the agency that holds it now.
	ReasonEarlierAgency ConditionReason = "EarlierAgency"
	// ReasonNoAgency: no Agency claims the focal point's namespace.
	ReasonNoAgency ConditionReason = "NoAgency"
	// ReasonBound: the rights are granted.
	ReasonBound ConditionReason = "Bound"
	// ReasonNotBound: the rights are not granted, because the focal point is
	// not active or not valid.
	ReasonNotBound ConditionReason = "NotBound"
)

// Agency condition types.
const (
	// ConditionEndorsementsKnown is True when every DataService that
	// spec.endorsements names exists. An unknown one is kept (the service
	// may be published later) and reported here; it does not block Ready.
	ConditionEndorsementsKnown ConditionType = "EndorsementsKnown"
)

// Agency reasons of EndorsementsKnown.
const (
	// ReasonEndorsedServicesFound: every endorsed service exists.
	ReasonEndorsedServicesFound ConditionReason = "EndorsedServicesFound"
	// ReasonUnknownService: an endorsement names a service that does not
	// exist.
	ReasonUnknownService ConditionReason = "UnknownService"
)

// DataService condition types.
const (
	// ConditionAccepted is True when the service is offered for sharing:
	// its agency is Ready and, when appraisal is required, the DIC has
	// appraised it. It is what agreements rest on: while it holds, their
	// keys stay, whether or not the service can be reached right now.
	ConditionAccepted ConditionType = "Accepted"
	// ConditionReachable is True when requests can reach the service
	// through the LGSP gateway now: the Gateway and a listener for it exist,
	// the backend exists with the port, the path is its own, and the
	// gateway accepted the route. Unknown while the gateway has not
	// reported. A fault here is reported and withdraws or holds the route,
	// but never touches a key.
	ConditionReachable ConditionType = "Reachable"
	// ConditionRouteAccepted mirrors the LGSP gateway's acceptance of the
	// service's HTTPRoute; Unknown until the gateway reports.
	ConditionRouteAccepted ConditionType = "RouteAccepted"
	// ConditionNetworkIsolated is True when a NetworkPolicy admits traffic
	// to the backend only from the gateway and the agency's own namespace.
	ConditionNetworkIsolated ConditionType = "NetworkIsolated"
	// ConditionConsumersKnown is True when every agency that
	// spec.access.consumers names is registered. An unknown name is kept
	// (its Agency may come later) and reported here; it does not block
	// Ready.
	ConditionConsumersKnown ConditionType = "ConsumersKnown"
	// ConditionReviewDue is True when the yearly review (Điều 3.3) is due.
	// It does not block Ready.
	ConditionReviewDue ConditionType = "ReviewDue"
	// ConditionOpenDataStale is True when open data was not refreshed within
	// its interval (Điều 10.4). It does not block Ready.
	ConditionOpenDataStale ConditionType = "OpenDataStale"
	// ConditionConnectionDegraded is True when a high share of the
	// service's requests failed upstream (5xx, or no response) over the
	// last five minutes, as the gateway's access logs report them. It does
	// not affect Ready.
	ConditionConnectionDegraded ConditionType = "ConnectionDegraded"
	// ConditionOfferedNationally is True when the service is offered to
	// the national data platform: an agency of level National holds the
	// provider's consent and the DIC's endorsement, and (with the
	// operator's --national-listener) the route attaches to the national
	// listener. It does not affect Ready.
	ConditionOfferedNationally ConditionType = "OfferedNationally"
)

// DataService reasons.
const (
	// ReasonAgencyNotReady: the provider agency is not Ready.
	ReasonAgencyNotReady ConditionReason = "AgencyNotReady"
	// ReasonUpstreamFailing: a high share of requests failed upstream over
	// the last five minutes (ConnectionDegraded is True).
	ReasonUpstreamFailing ConditionReason = "UpstreamFailing"
	// ReasonConnectionHealthy: few or no requests failed upstream over the
	// last five minutes (ConnectionDegraded is False).
	ReasonConnectionHealthy ConditionReason = "ConnectionHealthy"
	// ReasonAppraisalOutdated: the service was made less restricted
	// (classification or audience) than the DIC appraised it; it is
	// published on the appraised terms until the DIC appraises it again.
	ReasonAppraisalOutdated ConditionReason = "AppraisalOutdated"
	// ReasonNotAppraised: the DIC has not appraised the service.
	ReasonNotAppraised ConditionReason = "NotAppraised"
	// ReasonBackendNotFound: the backend Service does not exist.
	ReasonBackendNotFound ConditionReason = "BackendNotFound"
	// ReasonBackendPortNotFound: the backend Service has no such port.
	ReasonBackendPortNotFound ConditionReason = "BackendPortNotFound"
	// ReasonPathConflict: an older DataService already uses the path prefix.
	ReasonPathConflict ConditionReason = "PathConflict"
	// ReasonGatewayNotFound: the configured LGSP Gateway does not exist.
	// What is published stays as it is until it exists again.
	ReasonGatewayNotFound ConditionReason = "GatewayNotFound"
	// ReasonListenerNotFound: the listener named in the operator's
	// --lgsp-gateway is not on the Gateway. What is published stays as it
	// is.
	ReasonListenerNotFound ConditionReason = "ListenerNotFound"
	// ReasonNoTLSListener: the Gateway has no HTTPS listener on which a
	// protected service's keys could travel (or has several and none is
	// named). What is published stays as it is.
	ReasonNoTLSListener ConditionReason = "NoTLSListener"
	// ReasonReachable: the gateway accepted the route and routes requests
	// to the backend.
	ReasonReachable ConditionReason = "Reachable"
	// ReasonGatewayAPIMissing: the Gateway API or Envoy Gateway CRDs are not
	// installed in the cluster.
	ReasonGatewayAPIMissing ConditionReason = "GatewayAPIMissing"
	// ReasonSelectorlessBackend: the backend Service has no selector (a
	// system on a virtual machine), so no NetworkPolicy can protect it.
	ReasonSelectorlessBackend ConditionReason = "SelectorlessBackend"
	// ReasonRouteRefsUnresolved: the gateway accepted the route but cannot
	// resolve an object it refers to (its ResolvedRefs condition is False):
	// requests fail.
	ReasonRouteRefsUnresolved ConditionReason = "RouteRefsUnresolved"
	// ReasonOfferedNationally: the provider consents to, and the DIC
	// endorses, an agency of level National for the service.
	ReasonOfferedNationally ConditionReason = "OfferedNationally"
	// ReasonNotOfferedNationally: no agency of level National holds both
	// consents for the service.
	ReasonNotOfferedNationally ConditionReason = "NotOfferedNationally"
	// ReasonExternalBackend: the backend is outside the cluster, so no
	// NetworkPolicy applies; requests leave through the gateway's proxies.
	ReasonExternalBackend ConditionReason = "ExternalBackend"
	// ReasonExternalNotCoordinator: a backend outside the cluster is named
	// by a service of an agency other than the DIC, which alone publishes
	// national and ministry services.
	ReasonExternalNotCoordinator ConditionReason = "ExternalNotCoordinator"
	// ReasonExternalNeedsEnvoyGateway: a backend outside the cluster is
	// reached with Envoy Gateway's Backend and credential injection, which
	// the enforcement profile none does not write.
	ReasonExternalNeedsEnvoyGateway ConditionReason = "ExternalNeedsEnvoyGateway"
	// ReasonAccepted: the service is valid and allowed to be published.
	ReasonAccepted ConditionReason = "Accepted"
	// ReasonNotPublished: the service is not accepted, so its route is
	// withdrawn and the gateway has nothing to report.
	ReasonNotPublished ConditionReason = "NotPublished"
	// ReasonWaitingForGateway: the route exists, and the gateway
	// implementation has not reported on it yet.
	ReasonWaitingForGateway ConditionReason = "WaitingForGateway"
	// ReasonRouteNotAccepted: the gateway refused the route; the message
	// repeats what the gateway said.
	ReasonRouteNotAccepted ConditionReason = "RouteNotAccepted"
	// ReasonIsolated: a NetworkPolicy admits traffic to the backend only
	// from the gateway and the agency's own namespace.
	ReasonIsolated ConditionReason = "Isolated"
	// ReasonReviewCurrent: the last review is within the review period.
	ReasonReviewCurrent ConditionReason = "ReviewCurrent"
	// ReasonReviewOverdue: the review period has passed since the last
	// review.
	ReasonReviewOverdue ConditionReason = "ReviewOverdue"
	// ReasonNeverReviewed: no review is recorded.
	ReasonNeverReviewed ConditionReason = "NeverReviewed"
	// ReasonOpenDataFresh: open data was refreshed within its interval.
	ReasonOpenDataFresh ConditionReason = "Fresh"
	// ReasonOpenDataOverdue: the refresh interval has passed since the
	// last refresh.
	ReasonOpenDataOverdue ConditionReason = "RefreshOverdue"
	// ReasonNeverRefreshed: no refresh of the open data is recorded.
	ReasonNeverRefreshed ConditionReason = "NeverRefreshed"
	// ReasonConsumersRegistered: every consumer the provider names is a
	// registered Agency.
	ReasonConsumersRegistered ConditionReason = "ConsumersRegistered"
	// ReasonUnknownConsumer: spec.access.consumers names an agency that is
	// not registered.
	ReasonUnknownConsumer ConditionReason = "UnknownConsumer"
	// ReasonNotOpenData: the service is not Public, so it is not open data
	// and has no refresh clock.
	ReasonNotOpenData ConditionReason = "NotOpenData"
)

// SharingAgreement condition types.
const (
	// ConditionCredentialIssued is True when the consumer holds a key that
	// the gateway accepts.
	ConditionCredentialIssued ConditionType = "CredentialIssued"
	// ConditionServiceReachable mirrors the DataService's Reachable
	// condition: whether requests with the key get through right now. It
	// does not decide the keys: those follow consent alone.
	ConditionServiceReachable ConditionType = "ServiceReachable"
	// ConditionResponseOverdue is True when the party the agreement waits
	// for (the provider, or the DIC for an outside body) has neither
	// consented nor refused in writing by status.request.respondBy.
	ConditionResponseOverdue ConditionType = "ResponseOverdue"
	// ConditionUnused is True when a live agreement's grant has carried no
	// request through the gateway for the operator's --unused-grant-period:
	// the provider and the DIC review it at the yearly review (Điều 3.3).
	// It does not affect Ready. Set only while the gateway's access logs
	// are counted.
	ConditionUnused ConditionType = "Unused"
)

// SharingAgreement reasons of ResponseOverdue.
const (
	// ReasonResponseOverdue (True): the deadline passed without consent or
	// a written refusal.
	ReasonResponseOverdue ConditionReason = "ResponseOverdue"
	// ReasonAwaitingResponse (False): the agreement waits for an answer,
	// and the deadline has not passed.
	ReasonAwaitingResponse ConditionReason = "AwaitingResponse"
	// ReasonAnswered (False): the request was answered, by consent or by a
	// written refusal.
	ReasonAnswered ConditionReason = "Answered"
	// ReasonNoRequest (False): the agreement has never waited for anyone's
	// answer.
	ReasonNoRequest ConditionReason = "NoRequest"
)

// SharingAgreement states: the reasons of its Ready condition.
const (
	// ReasonInUse: the grant carried a request within the unused-grant
	// period (Unused is False).
	ReasonInUse ConditionReason = "InUse"
	// ReasonNoRequests: no request within the unused-grant period (Unused
	// is True).
	ReasonNoRequests ConditionReason = "NoRequests"
	// ReasonNotLive: the agreement is not live, so nothing is granted to
	// use (Unused is False).
	ReasonNotLive ConditionReason = "NotLive"
	// ReasonActive: every consent holds; the key is issued and accepted.
	ReasonActive ConditionReason = "Active"
	// ReasonAwaitingProviderConsent: the provider has not listed the
	// consumer in access.consumers.
	ReasonAwaitingProviderConsent ConditionReason = "AwaitingProviderConsent"
	// ReasonAwaitingCoordinatorEndorsement: a body outside the province
	// lacks the DIC's endorsement.
	ReasonAwaitingCoordinatorEndorsement ConditionReason = "AwaitingCoordinatorEndorsement"
	// ReasonRefusedByProvider: the provider refused the consumer in
	// writing (access.refusals), with the reason and the legal basis.
	ReasonRefusedByProvider ConditionReason = "RefusedByProvider"
	// ReasonRefusedByCoordinator: the DIC declined in writing to endorse
	// a body outside the province for the service
	// (declinedEndorsements).
	ReasonRefusedByCoordinator ConditionReason = "RefusedByCoordinator"
	// ReasonConsumerHasNoFocalPoint: the consumer agency has no active
	// primary focal point.
	ReasonConsumerHasNoFocalPoint ConditionReason = "ConsumerHasNoFocalPoint"
	// ReasonServiceNotReady: the DataService does not exist or is not
	// offered for sharing (its agency is not Ready, or it is not
	// appraised). No key is issued.
	ReasonServiceNotReady ConditionReason = "ServiceNotReady"
	// ReasonServiceUnreachable: every consent holds and the key stays
	// issued, but the service cannot be reached right now (the Gateway,
	// its listener, the backend or the route's acceptance is missing); the
	// same key works again when it can.
	ReasonServiceUnreachable ConditionReason = "ServiceUnreachable"
	// ReasonNotYetValid: a window (agreement, consent, endorsement) has not
	// started.
	ReasonNotYetValid ConditionReason = "NotYetValid"
	// ReasonExpired: a window (agreement, consent, endorsement) has ended.
	ReasonExpired ConditionReason = "Expired"
	// ReasonNoConsumerAgency: no Agency claims the agreement's namespace.
	ReasonNoConsumerAgency ConditionReason = "NoConsumerAgency"
	// ReasonSelfSharing: the service belongs to the consumer's own agency,
	// which needs no agreement.
	ReasonSelfSharing ConditionReason = "SelfSharing"
	// ReasonPublicService: the service is open data and needs no
	// credential.
	ReasonPublicService ConditionReason = "PublicService"
	// ReasonIssued: the key is issued.
	ReasonIssued ConditionReason = "Issued"
	// ReasonNotIssued: no key is issued, because the agreement is not live.
	ReasonNotIssued ConditionReason = "NotIssued"
)

// GetConditions returns the agency's conditions.
func (a *Agency) GetConditions() []metav1.Condition { return a.Status.Conditions }

// GetConditions returns the focal point's conditions.
func (f *FocalPoint) GetConditions() []metav1.Condition { return f.Status.Conditions }

// GetConditions returns the data service's conditions.
func (d *DataService) GetConditions() []metav1.Condition { return d.Status.Conditions }

// GetConditions returns the agreement's conditions.
func (s *SharingAgreement) GetConditions() []metav1.Condition { return s.Status.Conditions }

// StatusConditions returns the agency's conditions, to set.
func (a *Agency) StatusConditions() *[]metav1.Condition { return &a.Status.Conditions }

// StatusConditions returns the focal point's conditions, to set.
func (f *FocalPoint) StatusConditions() *[]metav1.Condition { return &f.Status.Conditions }

// StatusConditions returns the data service's conditions, to set.
func (d *DataService) StatusConditions() *[]metav1.Condition { return &d.Status.Conditions }

// StatusConditions returns the agreement's conditions, to set.
func (s *SharingAgreement) StatusConditions() *[]metav1.Condition { return &s.Status.Conditions }

// SetObservedGeneration records the generation the agency's status
// describes.
func (a *Agency) SetObservedGeneration(g int64) { a.Status.ObservedGeneration = g }

// SetObservedGeneration records the generation the focal point's status
// describes.
func (f *FocalPoint) SetObservedGeneration(g int64) { f.Status.ObservedGeneration = g }

// SetObservedGeneration records the generation the data service's status
// describes.
func (d *DataService) SetObservedGeneration(g int64) { d.Status.ObservedGeneration = g }

// SetObservedGeneration records the generation the agreement's status
// describes.
func (s *SharingAgreement) SetObservedGeneration(g int64) { s.Status.ObservedGeneration = g }
