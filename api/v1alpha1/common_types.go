package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Text that people read (names, titles, descriptions, purposes, document
// references) is checked by CEL rules: readable characters only (no control
// or invisible format characters), not blank, and a limit counted in
// characters. The OpenAPI maxLength beside each, twice the limit, only
// bounds the API server's cost estimate for those rules; its message would
// speak of bytes.

// DocumentReference cites the legal document behind a decision, for example
// "Quyết định số 1234/QĐ-UBND ngày 15/3/2026" or "Công văn 56/STTTT-CĐS".
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=512
// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
// +kubebuilder:validation:XValidation:rule="size(self) <= 256",message="must be at most 256 characters"
type DocumentReference string

// ObjectName is the name of a Kubernetes object that this API refers to.
// It is a DNS-1123 label, because it also appears in generated names,
// labels and URL paths.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=63
// +kubebuilder:validation:Pattern=`^[a-z0-9]([-a-z0-9]*[a-z0-9])?$`
type ObjectName string

// ServiceKey names a DataService as "namespace/name".
//
// +kubebuilder:validation:MinLength=3
// +kubebuilder:validation:MaxLength=127
// +kubebuilder:validation:XValidation:rule="self.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?$')",message="must name a DataService as namespace/name, for example so-tnmt/dat-dai"
type ServiceKey string

// Contact is how people reach a person or a unit. At least one of email and
// phone is given, because the rules publish contacts for every focal point
// and data owner.
//
// +kubebuilder:validation:XValidation:rule="has(self.email) || has(self.phone)",message="give at least an email or a phone number: contacts are published so that other agencies can reach this person"
type Contact struct {
	// name is the full name of the person, or the name of the unit, in
	// Vietnamese with diacritics, for example "Nguyễn Văn An".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 128",message="must be at most 128 characters"
	// +required
	Name string `json:"name"`

	// title is the person's position, for example "Phó Giám đốc".
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 128",message="must be at most 128 characters"
	Title string `json:"title,omitempty"`

	// email is the work email address.
	// +optional
	// +kubebuilder:validation:MaxLength=254
	// +kubebuilder:validation:Format=email
	Email string `json:"email,omitempty"`

	// phone is a telephone number: digits, spaces, dots, dashes and
	// parentheses, optionally starting with +, for example "+84 299 3822 123".
	// +optional
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[+]?[0-9][0-9 ().-]{5,30}$')",message="phone must be a telephone number such as +84 299 3822 123: digits, spaces, dots, dashes and parentheses, optionally starting with +"
	Phone string `json:"phone,omitempty"`
}

// RefusalReason says, for the party refused, why: in plain words, on one
// or more lines.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\p{Cf}]*$')",message="must be readable text: no control characters (such as BEL or NUL; line breaks and tabs are fine) and no invisible format characters (such as a zero-width space or a right-to-left override)"
// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
// +kubebuilder:validation:XValidation:rule="size(self) <= 1024",message="must be at most 1024 characters"
type RefusalReason string

// LegalBasis cites the law a decision rests on, for example
// "Nghị định 47/2020/NĐ-CP, Điều 10".
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=1024
// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
// +kubebuilder:validation:XValidation:rule="size(self) <= 512",message="must be at most 512 characters"
type LegalBasis string

// WrittenRefusal is a refusal in writing, as the rules require of a party
// that will not share: its reason, the legal basis, the document and the
// date (Decree 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP). It is
// kept on record in the object until the party withdraws it.
type WrittenRefusal struct {
	// reason says why the request is refused.
	// +required
	Reason RefusalReason `json:"reason"`

	// legalBasis cites the law the refusal rests on. Required: the API
	// server refuses a refusal without it, with a message that says so.
	// +optional
	LegalBasis LegalBasis `json:"legalBasis,omitempty"`

	// documentRef cites the written refusal sent to the requesting agency.
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// refusedAt is the date of the written refusal.
	// +required
	RefusedAt metav1.Time `json:"refusedAt"`
}
