package v1alpha1

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
