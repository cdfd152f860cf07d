package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// ServiceReference names the DataService an agreement uses.
type ServiceReference struct {
	// namespace is the provider agency's namespace.
	// +required
	Namespace ObjectName `json:"namespace"`

	// name is the DataService's name.
	// +required
	Name ObjectName `json:"name"`
}

// CredentialPolicy says how the agreement's API key is managed.
type CredentialPolicy struct {
	// rotationInterval is how long a key is used before a new one is issued.
	// The old key stays valid at the gateway for the operator's grace period.
	// +default="2160h"
	// +optional
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('1h')",message="rotationInterval must be at least 1h"
	RotationInterval *metav1.Duration `json:"rotationInterval,omitempty"`
}

// SharingAgreementSpec is the consumer's request to use a data service.
//
// +kubebuilder:validation:XValidation:rule="!has(self.validFrom) || !has(self.validUntil) || self.validUntil > self.validFrom",message="validUntil must be later than validFrom"
type SharingAgreementSpec struct {
	// service is the DataService to use. It cannot be changed after
	// creation: using another service is another agreement.
	// +kubebuilder:validation:XValidation:rule="self == oldSelf",message="service cannot be changed after the agreement is created: create a new SharingAgreement for the other service"
	// +required
	Service ServiceReference `json:"service"`

	// purpose says what the consumer uses the data for.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\p{Cf}]*$')",message="must be readable text: no control characters (such as BEL or NUL; line breaks and tabs are fine) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 1024",message="must be at most 1024 characters"
	// +required
	Purpose string `json:"purpose"`

	// legalBasis cites the legal ground for using the data, for example
	// "Nghị định 47/2020/NĐ-CP, Điều 10".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=1024
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 512",message="must be at most 512 characters"
	// +required
	LegalBasis string `json:"legalBasis"`

	// validFrom is when the agreement takes effect; absent means at once.
	// +optional
	ValidFrom *metav1.Time `json:"validFrom,omitempty"`

	// validUntil is when the agreement ends; absent means until it is
	// deleted or a consent ends.
	// +optional
	ValidUntil *metav1.Time `json:"validUntil,omitempty"`

	// credentials says how the agreement's API key is managed.
	// +optional
	Credentials CredentialPolicy `json:"credentials,omitempty"`
}

// CredentialStatus describes the key currently issued for an agreement. It
// never holds the key itself.
type CredentialStatus struct {
	// secretName is the Secret in the consumer's namespace that holds the
	// key, the endpoint URL, the header to send the key in, and the expiry.
	// +optional
	// +kubebuilder:validation:MaxLength=253
	SecretName string `json:"secretName,omitempty"`

	// issuedAt is when the current key was issued.
	// +optional
	IssuedAt *metav1.Time `json:"issuedAt,omitempty"`

	// nextRotationAt is when the next key will be issued.
	// +optional
	NextRotationAt *metav1.Time `json:"nextRotationAt,omitempty"`

	// keyIDs are the ids of the keys the operator issued for this agreement
	// and the gateway accepts: the current key, and rotated keys in their
	// grace period. Only the operator writes status, so this is how it
	// knows its own keys: a gateway-side key Secret whose id is not listed
	// here was not issued by the operator, is never listed in a
	// SecurityPolicy, and is deleted.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=8
	// +kubebuilder:validation:items:MaxLength=16
	KeyIDs []string `json:"keyIDs,omitempty"`
}

// SharingAgreementStatus is what the operator observed of an agreement.
type SharingAgreementStatus struct {
	// conditions describe the agreement's state. The Ready condition's reason
	// is the state (Active, AwaitingProviderConsent, Expired, ...) and its
	// message says what is missing and who must act.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation that this status
	// describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// consumerAgency is the Agency that claims the agreement's namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	ConsumerAgency string `json:"consumerAgency,omitempty"`

	// providerAgency is the Agency that claims the service's namespace.
	// +optional
	// +kubebuilder:validation:MaxLength=63
	ProviderAgency string `json:"providerAgency,omitempty"`

	// endpoint is the URL the consumer calls.
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	Endpoint string `json:"endpoint,omitempty"`

	// expiresAt is when the agreement stops being live unless something
	// changes: the earliest end of the agreement, the provider's consent,
	// the DIC's endorsement and the consumer's focal point appointment.
	// +optional
	ExpiresAt *metav1.Time `json:"expiresAt,omitempty"`

	// credential describes the key currently issued; it never holds the key.
	// +optional
	Credential CredentialStatus `json:"credential,omitempty"`

	// request records when the agreement asked for an answer (the
	// provider's consent, or the DIC's endorsement) and by when one is due.
	// +optional
	Request *RequestStatus `json:"request,omitempty"`

	// usage is what the LGSP gateway carried for this agreement, as its
	// access logs report it: the last request, and the requests and errors
	// of this month and of each of the twelve before, in the province's
	// time zone. Written at most once per flush interval.
	// +optional
	Usage *Usage `json:"usage,omitempty"`
}

// Usage is an agreement's traffic through the LGSP gateway.
type Usage struct {
	// lastRequestAt is when the gateway last carried a request of this
	// agreement.
	// +optional
	LastRequestAt *metav1.Time `json:"lastRequestAt,omitempty"`

	// months are the requests and errors month by month, oldest first: this
	// month and at most the twelve before it.
	// +optional
	// +listType=map
	// +listMapKey=month
	// +kubebuilder:validation:MaxItems=13
	Months []UsageMonth `json:"months,omitempty"`
}

// UsageMonth counts one month of an agreement's requests.
type UsageMonth struct {
	// month is the calendar month in the province's time zone, as YYYY-MM.
	// +kubebuilder:validation:Pattern=`^[0-9]{4}-(0[1-9]|1[0-2])$`
	// +kubebuilder:validation:MaxLength=7
	// +required
	Month string `json:"month"`

	// requests is the number of requests the gateway carried.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Requests int64 `json:"requests,omitempty"`

	// errors is the number of those not answered with success: a status of
	// 400 or more (refused, rate limited, a client or a server error), or
	// no response at all.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Errors int64 `json:"errors,omitempty"`
}

// RequestStatus is an agreement's request for an answer. The operator
// records it the first time the agreement waits for the provider or the
// DIC, and keeps it across restarts; a change of spec.service makes a new
// request.
type RequestStatus struct {
	// service is the DataService asked for, as namespace/name.
	// +kubebuilder:validation:MaxLength=127
	// +required
	Service string `json:"service"`

	// requestedAt is when the agreement first waited for an answer.
	// +required
	RequestedAt metav1.Time `json:"requestedAt"`

	// respondBy is the end of the last working day the answering party
	// has: requestedAt plus the province's working days for an answer
	// (two by default), skipping weekends and holidays, in the province's
	// time zone.
	// +required
	RespondBy metav1.Time `json:"respondBy"`

	// answeredAt is when the request was first answered: the agreement
	// became live, or was refused in writing. No deadline runs after it.
	// +optional
	AnsweredAt *metav1.Time `json:"answeredAt,omitempty"`
}

// SharingAgreement is a consumer agency's use of another agency's data
// service (kết nối, khai thác dữ liệu). It lives in the consumer's namespace
// and is live only when every party the rules require has consented.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=sag,categories=datashare
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",message="a SharingAgreement name is a DNS label (at most 63 lowercase letters, digits and '-'): it is part of Secret names and of the consumer's client id"
// +kubebuilder:printcolumn:name="Service",type=string,JSONPath=`.spec.service.name`
// +kubebuilder:printcolumn:name="Provider",type=string,JSONPath=`.status.providerAgency`
// +kubebuilder:printcolumn:name="Consumer",type=string,JSONPath=`.status.consumerAgency`
// +kubebuilder:printcolumn:name="State",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Expires",type=string,JSONPath=`.status.expiresAt`
// +kubebuilder:printcolumn:name="Response",type=string,JSONPath=`.status.conditions[?(@.type=="ResponseOverdue")].reason`
// +kubebuilder:printcolumn:name="Respond By",type=string,JSONPath=`.status.request.respondBy`,priority=1
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type SharingAgreement struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's name, namespace, labels and annotations.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec is the consumer's request to use a data service.
	// +required
	Spec SharingAgreementSpec `json:"spec"`

	// status is what the operator observed of the agreement.
	// +optional
	Status SharingAgreementStatus `json:"status,omitempty"`
}

// SharingAgreementList is a list of SharingAgreements.
//
// +kubebuilder:object:root=true
type SharingAgreementList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []SharingAgreement `json:"items"`
}
