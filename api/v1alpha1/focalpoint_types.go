package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// FocalPointRole says whether a focal point is the agency's primary officer
// or a deputy.
//
// +kubebuilder:validation:Enum=Primary;Deputy
type FocalPointRole string

const (
	// RolePrimary is the agency's one appointed focal point. An agency needs
	// exactly one active primary to publish or consume (Điều 20).
	RolePrimary FocalPointRole = "Primary"
	// RoleDeputy stands in for the primary and holds the same rights.
	RoleDeputy FocalPointRole = "Deputy"
)

// SubjectKind is the kind of identity a focal point signs in with.
//
// +kubebuilder:validation:Enum=User;Group
type SubjectKind string

const (
	// SubjectUser is a user of the cluster's identity provider.
	SubjectUser SubjectKind = "User"
	// SubjectGroup is a group of the cluster's identity provider.
	SubjectGroup SubjectKind = "Group"
)

// Subject is an identity of the cluster's identity provider that acts for
// the focal point.
type Subject struct {
	// kind is User or Group.
	// +required
	Kind SubjectKind `json:"kind"`

	// name is the user or group name exactly as the identity provider
	// reports it, for example "nguyen.van.an@stnmt.example.gov.vn".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=253
	// +required
	Name string `json:"name"`
}

// Appointment is the decision that appoints the focal point, and the window
// in which it holds.
//
// +kubebuilder:validation:XValidation:rule="!has(self.validUntil) || self.validUntil > self.validFrom",message="validUntil must be later than validFrom"
type Appointment struct {
	// documentRef cites the appointment decision, for example
	// "Quyết định số 12/QĐ-STNMT".
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// validFrom is when the appointment takes effect.
	// +required
	ValidFrom metav1.Time `json:"validFrom"`

	// validUntil is when the appointment ends; absent means until it is
	// replaced.
	// +optional
	ValidUntil *metav1.Time `json:"validUntil,omitempty"`
}

// FocalPointSpec describes the officer and the identities that act for them.
type FocalPointSpec struct {
	// person is the officer, whose contacts the catalog publishes.
	// +required
	Person Contact `json:"person"`

	// role is Primary for the agency's appointed focal point, Deputy for a
	// stand-in.
	// +required
	Role FocalPointRole `json:"role"`

	// appointment is the decision that appoints this focal point. Outside
	// its window the focal point is not active and holds no rights.
	// +required
	Appointment Appointment `json:"appointment"`

	// subjects are the identities, from the cluster's identity provider,
	// that receive the focal point's rights while it is active.
	// +optional
	// +listType=atomic
	// +kubebuilder:validation:MaxItems=20
	Subjects []Subject `json:"subjects,omitempty"`
}

// FocalPointStatus is what the operator observed of a focal point.
type FocalPointStatus struct {
	// conditions describe the focal point's state: Active inside the
	// appointment window, Bound when its rights are granted, and Ready.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=8
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation that this status
	// describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// agency is the name of the Agency this focal point was appointed for:
	// the first that held its namespace while the operator watched it. When
	// another agency takes the namespace over, the focal point gives it no
	// rights (EarlierAgency).
	// +optional
	// +kubebuilder:validation:MaxLength=63
	Agency string `json:"agency,omitempty"`

	// provinceLevel is true for a focal point of the coordinator agency (the
	// DIC), whose rights are province-wide.
	// +optional
	ProvinceLevel bool `json:"provinceLevel,omitempty"`
}

// FocalPoint is an agency's focal point for data sharing (đầu mối quản lý,
// chia sẻ dữ liệu): the officer who manages the agency's services and
// agreements, whose contacts are published.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=fp,categories=datashare
// +kubebuilder:validation:XValidation:rule="size(self.metadata.name) <= 63",message="a FocalPoint name is at most 63 characters: it is used in generated RoleBinding names"
// +kubebuilder:validation:XValidation:rule="!has(self.spec.subjects) || self.spec.subjects.all(s, !s.name.startsWith('system:'))",message="a focal point's subjects are the people and groups of the identity provider who act for the agency: a 'system:' user or group (system:authenticated, system:unauthenticated, system:masters, a service account, a node) would hand the agency's rights to everyone, to the cluster itself or to a program; bind programs with RBAC of their own"
// +kubebuilder:printcolumn:name="Person",type=string,JSONPath=`.spec.person.name`
// +kubebuilder:printcolumn:name="Role",type=string,JSONPath=`.spec.role`
// +kubebuilder:printcolumn:name="Agency",type=string,JSONPath=`.status.agency`
// +kubebuilder:printcolumn:name="Until",type=string,JSONPath=`.spec.appointment.validUntil`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type FocalPoint struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's name, namespace, labels and annotations.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the officer and the identities that act for them.
	// +required
	Spec FocalPointSpec `json:"spec"`

	// status is what the operator observed of the focal point.
	// +optional
	Status FocalPointStatus `json:"status,omitempty"`
}

// FocalPointList is a list of FocalPoints.
//
// +kubebuilder:object:root=true
type FocalPointList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []FocalPoint `json:"items"`
}
