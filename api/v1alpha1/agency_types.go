package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// AgencyLevel is where an agency sits in the administration. Province,
// Department, District and Commune are inside the province; Central,
// OtherProvince and National are outside it, and their use of a service
// needs the Department of Information and Communications' endorsement
// (Điều 17.3).
//
// +kubebuilder:validation:Enum=Province;Department;District;Commune;Central;OtherProvince;National
type AgencyLevel string

const (
	// LevelProvince is a province-level body: UBND tỉnh and its offices.
	LevelProvince AgencyLevel = "Province"
	// LevelDepartment is a sở, ban or ngành of the province.
	LevelDepartment AgencyLevel = "Department"
	// LevelDistrict is an UBND huyện, thị xã or thành phố.
	LevelDistrict AgencyLevel = "District"
	// LevelCommune is an UBND xã, phường or thị trấn.
	LevelCommune AgencyLevel = "Commune"
	// LevelCentral is a bộ or ngành trung ương: outside the province.
	LevelCentral AgencyLevel = "Central"
	// LevelOtherProvince is another province: outside the province.
	LevelOtherProvince AgencyLevel = "OtherProvince"
	// LevelNational is the national data integration and sharing
	// platform, which uses a service on behalf of national bodies: outside
	// the province, and reached on the LGSP's national listener when the
	// operator has one.
	LevelNational AgencyLevel = "National"
)

// OutsideProvince reports whether an agency at this level is outside the
// province, so that its use of a service needs the DIC's endorsement.
func (l AgencyLevel) OutsideProvince() bool {
	return l == LevelCentral || l == LevelOtherProvince || l == LevelNational
}

// AgencySpec is the DIC's register entry for one agency.
//
// +kubebuilder:validation:XValidation:rule="!has(self.endorsements) || size(self.endorsements) == 0 || self.level in ['Central', 'OtherProvince', 'National']",message="endorsements are the DIC's consent for a body outside the province (level Central, OtherProvince or National); an agency inside the province needs none"
// +kubebuilder:validation:XValidation:rule="!has(self.declinedEndorsements) || !has(self.endorsements) || !self.declinedEndorsements.exists(d, self.endorsements.exists(e, e.service == d.service))",message="a service cannot be both in endorsements and in declinedEndorsements: an endorsement and a written refusal contradict each other; remove the service from one of the two"
type AgencySpec struct {
	// displayName is the agency's official name in Vietnamese, with
	// diacritics, for example "Sở Tài nguyên và Môi trường".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 256",message="must be at most 256 characters"
	// +required
	DisplayName string `json:"displayName"`

	// level is where the agency sits: Province, Department, District or
	// Commune inside the province; Central, OtherProvince or National (the
	// national data platform) outside it.
	// +required
	Level AgencyLevel `json:"level"`

	// parent is the name of the Agency this one reports to, for example the
	// district of a commune. It is informational, for the catalog.
	// +optional
	Parent ObjectName `json:"parent,omitempty"`

	// namespace is the one namespace that holds this agency's FocalPoints,
	// DataServices and SharingAgreements. No two agencies share a namespace.
	// It cannot be changed after creation: moving an agency means
	// registering it anew.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="namespace cannot be changed after the agency is registered: register a new Agency for the new namespace and retire this one"
	// +required
	Namespace ObjectName `json:"namespace"`

	// appraisedServices records the DIC's appraisal of this agency's data
	// services (Điều 14.1). When the operator requires appraisal, a
	// DataService that is not listed here is not published.
	// +optional
	// +listType=map
	// +listMapKey=service
	// +kubebuilder:validation:MaxItems=500
	AppraisedServices []ServiceAppraisal `json:"appraisedServices,omitempty"`

	// endorsements records the DIC's consent for this body outside the
	// province to use a given data service (Điều 17.3). Only agencies whose
	// level is Central, OtherProvince or National may have endorsements.
	// +optional
	// +listType=map
	// +listMapKey=service
	// +kubebuilder:validation:MaxItems=500
	Endorsements []Endorsement `json:"endorsements,omitempty"`

	// declinedEndorsements records the DIC's written refusals to endorse
	// this body's use of a data service: its agreements for that service
	// are RefusedByCoordinator, with the reason and the legal basis. A
	// service cannot be endorsed and declined at once.
	// +optional
	// +listType=map
	// +listMapKey=service
	// +kubebuilder:validation:MaxItems=50
	DeclinedEndorsements []DeclinedEndorsement `json:"declinedEndorsements,omitempty"`
}

// DeclinedEndorsement is the DIC's written refusal to endorse a body
// outside the province for one data service (Điều 17.3).
//
// +kubebuilder:validation:XValidation:rule="has(self.legalBasis)",message="a refusal must cite its legal basis in legalBasis: the rules require a written refusal with its reasons and the legal basis (Decree 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP)"
type DeclinedEndorsement struct {
	// service is the DataService, as namespace/name.
	// +required
	Service ServiceKey `json:"service"`

	WrittenRefusal `json:",inline"`
}

// AwaitingRequest is a request that an agency must answer in writing.
type AwaitingRequest struct {
	// agreement is the SharingAgreement that asks, as namespace/name.
	// +required
	// +kubebuilder:validation:MinLength=3
	// +kubebuilder:validation:MaxLength=127
	Agreement string `json:"agreement"`

	// service is the DataService it asks for, as namespace/name.
	// +required
	Service ServiceKey `json:"service"`

	// consumer is the agency that asks.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Consumer string `json:"consumer,omitempty"`

	// state is what the request waits for: AwaitingProviderConsent or
	// AwaitingCoordinatorEndorsement.
	// +required
	// +kubebuilder:validation:MaxLength=64
	State ConditionReason `json:"state"`

	// respondBy is when the answer is due (working days, in the province's
	// time).
	// +optional
	RespondBy *metav1.Time `json:"respondBy,omitempty"`

	// overdue is true once respondBy has passed with no answer.
	// +optional
	Overdue bool `json:"overdue,omitempty"`
}

// ServiceAppraisal is the DIC's appraisal of one of the agency's services.
type ServiceAppraisal struct {
	// service is the name of the DataService in the agency's namespace.
	// +required
	Service ObjectName `json:"service"`

	// documentRef cites the appraisal document.
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// appraisedAt is when the appraisal was issued.
	// +required
	AppraisedAt metav1.Time `json:"appraisedAt"`

	// classification is the classification the DIC appraised the service
	// on. When absent, the appraisal covers the classification the service
	// had when the operator first saw the appraisal (its
	// status.appraisal). A service made less restricted than this is
	// published on the appraised terms until the DIC appraises it again.
	// +optional
	Classification Classification `json:"classification,omitempty"`

	// audience is the audience the DIC appraised the service for, read as
	// classification is.
	// +optional
	Audience Audience `json:"audience,omitempty"`
}

// Endorsement is the DIC's consent for a body outside the province to use
// one data service, for the window it gives.
//
// +kubebuilder:validation:XValidation:rule="!has(self.validFrom) || !has(self.validUntil) || self.validUntil > self.validFrom",message="validUntil must be later than validFrom"
type Endorsement struct {
	// service is the endorsed DataService, as namespace/name.
	// +required
	Service ServiceKey `json:"service"`

	// documentRef cites the DIC's document that grants the endorsement.
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// validFrom is when the endorsement takes effect; absent means at once.
	// +optional
	ValidFrom *metav1.Time `json:"validFrom,omitempty"`

	// validUntil is when the endorsement ends; absent means until the DIC
	// removes it.
	// +optional
	ValidUntil *metav1.Time `json:"validUntil,omitempty"`
}

// AgreementCounts counts sharing agreements by state.
type AgreementCounts struct {
	// total is the number of agreements.
	// +optional
	Total int32 `json:"total,omitempty"`

	// active is the number of agreements that are live: credentials issued
	// and accepted at the gateway.
	// +optional
	Active int32 `json:"active,omitempty"`

	// byState counts agreements by their Ready reason, for example
	// {"Active": 3, "AwaitingProviderConsent": 1}.
	// +optional
	ByState map[string]int32 `json:"byState,omitempty"`
}

// KeyMonth counts the gateway keys of one month for the agreements on an
// agency's services.
type KeyMonth struct {
	// month is the calendar month in the province's time zone, as YYYY-MM.
	// +kubebuilder:validation:Pattern=`^[0-9]{4}-(0[1-9]|1[0-2])$`
	// +kubebuilder:validation:MaxLength=7
	// +required
	Month string `json:"month"`

	// issued is the number of keys issued that month: first keys and
	// rotations.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Issued int32 `json:"issued,omitempty"`

	// rotated is the number of those keys that replaced an agreement's
	// current key.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Rotated int32 `json:"rotated,omitempty"`

	// revoked is the number of keys removed that month because their
	// agreement stopped being live or was deleted. Keys retired at the end
	// of a rotation's grace period are not counted.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Revoked int32 `json:"revoked,omitempty"`
}

// AgencyStatus is what the operator observed of an agency.
type AgencyStatus struct {
	// conditions describe the agency's state. Ready is True when its
	// namespace exists, no other agency claims it, and it has exactly one
	// active primary focal point.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation that this status
	// describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// focalPoints are the names of the agency's active focal points,
	// primary first.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=50
	// +kubebuilder:validation:items:MaxLength=253
	FocalPoints []string `json:"focalPoints,omitempty"`

	// servicesProvided is the number of DataServices in the agency's
	// namespace.
	// +optional
	ServicesProvided int32 `json:"servicesProvided,omitempty"`

	// servicesReady is the number of those DataServices that are Ready.
	// +optional
	ServicesReady int32 `json:"servicesReady,omitempty"`

	// agreementsProvided counts agreements by other agencies to use this
	// agency's services.
	// +optional
	AgreementsProvided AgreementCounts `json:"agreementsProvided,omitempty"`

	// agreementsConsumed counts this agency's own agreements to use other
	// agencies' services.
	// +optional
	AgreementsConsumed AgreementCounts `json:"agreementsConsumed,omitempty"`

	// responsesOverdue counts the requests this agency must answer that
	// are past their deadline: agreements on its services that await its
	// consent and, for the DIC, the endorsements it has neither given nor
	// declined.
	// +optional
	ResponsesOverdue int32 `json:"responsesOverdue,omitempty"`

	// overdueRequests is set on the DIC's Agency only: every request in the
	// province past its deadline, as namespace/name of the agreement, for
	// the DIC to follow up (Điều 23). At most 100 are listed, oldest
	// deadline first.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MaxLength=127
	// +listType=atomic
	OverdueRequests []string `json:"overdueRequests,omitempty"`

	// awaitingAnswer lists the requests this agency must answer in writing,
	// overdue or not, earliest deadline first (at most 100): agreements on
	// its services that await its consent and, on the DIC's Agency, those
	// that await its endorsement. A provider's focal point reads them here,
	// although the agreements live in the consumers' namespaces.
	// +optional
	// +kubebuilder:validation:MaxItems=100
	// +listType=atomic
	AwaitingAnswer []AwaitingRequest `json:"awaitingAnswer,omitempty"`

	// keyHistory counts, month by month, the gateway keys issued and
	// revoked for agreements on this agency's services, oldest month first;
	// the last 24 months with any are kept. The portal's statistics show it
	// (Điều 17.1.đ).
	// +optional
	// +listType=map
	// +listMapKey=month
	// +kubebuilder:validation:MaxItems=24
	KeyHistory []KeyMonth `json:"keyHistory,omitempty"`
}

// Agency is the register entry of one state agency or outside body. The
// register is cluster-scoped and written only by the Department of
// Information and Communications (Sở TT&TT).
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:scope=Cluster,shortName=ag,categories=datashare
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63 && self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="an Agency name is a DNS label (at most 63 lowercase letters, digits and '-', no dots): it is used in labels, generated names, URL paths and the consumer id the gateway forwards"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.parent) || self.spec.parent != self.metadata.name",message="an agency cannot be its own parent"
// +kubebuilder:printcolumn:name="Display Name",type=string,JSONPath=`.spec.displayName`
// +kubebuilder:printcolumn:name="Level",type=string,JSONPath=`.spec.level`
// +kubebuilder:printcolumn:name="Namespace",type=string,JSONPath=`.spec.namespace`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type Agency struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's name, namespace, labels and annotations.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the DIC's register entry for the agency.
	// +required
	Spec AgencySpec `json:"spec"`

	// status is what the operator observed of the agency.
	// +optional
	Status AgencyStatus `json:"status,omitempty"`
}

// AgencyList is a list of Agencies.
//
// +kubebuilder:object:root=true
type AgencyList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []Agency `json:"items"`
}
