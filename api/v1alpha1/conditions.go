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
	// ReasonNamespaceClaimed: an older Agency already claims spec.namespace.
	ReasonNamespaceClaimed ConditionReason = "NamespaceClaimed"
	// ReasonNoFocalPoint: the agency has no active primary focal point.
	ReasonNoFocalPoint ConditionReason = "NoFocalPoint"
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
	// ReasonNoAgency: no Agency claims the focal point's namespace.
	ReasonNoAgency ConditionReason = "NoAgency"
	// ReasonBound: the rights are granted.
	ReasonBound ConditionReason = "Bound"
	// ReasonNotBound: the rights are not granted, because the focal point is
	// not active or not valid.
	ReasonNotBound ConditionReason = "NotBound"
)

// DataService condition types.
const (
	// ConditionAccepted is True when the service is valid and allowed: its
	// agency is Ready, it is appraised when appraisal is required, and its
	// backend exists with the port.
	ConditionAccepted ConditionType = "Accepted"
	// ConditionRouteAccepted mirrors the LGSP gateway's acceptance of the
	// service's HTTPRoute; Unknown until the gateway reports.
	ConditionRouteAccepted ConditionType = "RouteAccepted"
	// ConditionNetworkIsolated is True when a NetworkPolicy admits traffic
	// to the backend only from the gateway and the agency's own namespace.
	ConditionNetworkIsolated ConditionType = "NetworkIsolated"
	// ConditionReviewDue is True when the yearly review (Điều 3.3) is due.
	// It does not block Ready.
	ConditionReviewDue ConditionType = "ReviewDue"
	// ConditionOpenDataStale is True when open data was not refreshed within
	// its interval (Điều 10.4). It does not block Ready.
	ConditionOpenDataStale ConditionType = "OpenDataStale"
)

// DataService reasons.
const (
	// ReasonAgencyNotReady: the provider agency is not Ready.
	ReasonAgencyNotReady ConditionReason = "AgencyNotReady"
	// ReasonNotAppraised: the DIC has not appraised the service.
	ReasonNotAppraised ConditionReason = "NotAppraised"
	// ReasonBackendNotFound: the backend Service does not exist.
	ReasonBackendNotFound ConditionReason = "BackendNotFound"
	// ReasonBackendPortNotFound: the backend Service has no such port.
	ReasonBackendPortNotFound ConditionReason = "BackendPortNotFound"
	// ReasonPathConflict: an older DataService already uses the path prefix.
	ReasonPathConflict ConditionReason = "PathConflict"
	// ReasonGatewayNotFound: the configured LGSP Gateway does not exist.
	ReasonGatewayNotFound ConditionReason = "GatewayNotFound"
	// ReasonGatewayAPIMissing: the Gateway API or Envoy Gateway CRDs are not
	// installed in the cluster.
	ReasonGatewayAPIMissing ConditionReason = "GatewayAPIMissing"
	// ReasonSelectorlessBackend: the backend Service has no selector (a
	// system on a virtual machine), so no NetworkPolicy can protect it.
	ReasonSelectorlessBackend ConditionReason = "SelectorlessBackend"
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
	// ReasonNotOpenData: the service is not Public, so it is not open data
	// and has no refresh clock.
	ReasonNotOpenData ConditionReason = "NotOpenData"
)

// SharingAgreement condition types.
const (
	// ConditionCredentialIssued is True when the consumer holds a key that
	// the gateway accepts.
	ConditionCredentialIssued ConditionType = "CredentialIssued"
)

// SharingAgreement states: the reasons of its Ready condition.
const (
	// ReasonActive: every consent holds; the key is issued and accepted.
	ReasonActive ConditionReason = "Active"
	// ReasonAwaitingProviderConsent: the provider has not listed the
	// consumer in access.consumers.
	ReasonAwaitingProviderConsent ConditionReason = "AwaitingProviderConsent"
	// ReasonAwaitingCoordinatorEndorsement: a body outside the province
	// lacks the DIC's endorsement.
	ReasonAwaitingCoordinatorEndorsement ConditionReason = "AwaitingCoordinatorEndorsement"
	// ReasonConsumerHasNoFocalPoint: the consumer agency has no active
	// primary focal point.
	ReasonConsumerHasNoFocalPoint ConditionReason = "ConsumerHasNoFocalPoint"
	// ReasonServiceNotReady: the DataService does not exist or is not Ready.
	ReasonServiceNotReady ConditionReason = "ServiceNotReady"
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
