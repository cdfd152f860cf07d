package v1alpha1

// Labels on the objects the operator writes, so that
// `kubectl get <kind> -l <label>=<value>` finds everything for one agency,
// focal point, service or agreement.
const (
	// LabelManagedBy marks every object the operator writes; the operator's
	// Secret cache is restricted to objects with this label.
	LabelManagedBy = "app.kubernetes.io/managed-by"
	// ManagedByOperator is the value of LabelManagedBy.
	ManagedByOperator = "datashare-operator"

	// LabelAgency names the Agency an object belongs to. On a namespace it
	// is the DIC's word that the namespace belongs to that Agency: an
	// Agency holds its spec.namespace only when the namespace's label names
	// it.
	LabelAgency = "datashare.lgsp.vn/agency"
	// LabelFocalPoint names the FocalPoint whose rights an RBAC binding
	// grants.
	LabelFocalPoint = "datashare.lgsp.vn/focal-point"
	// LabelFocalPointNamespace is the namespace of that FocalPoint, on
	// cluster-scoped bindings.
	LabelFocalPointNamespace = "datashare.lgsp.vn/focal-point-namespace"

	// LabelDataService names the DataService that a generated route,
	// policy, network policy or gateway-side key belongs to.
	LabelDataService = "datashare.lgsp.vn/data-service"
	// LabelAgreement and LabelAgreementNamespace name the SharingAgreement
	// that an issued Secret belongs to.
	LabelAgreement          = "datashare.lgsp.vn/agreement"
	LabelAgreementNamespace = "datashare.lgsp.vn/agreement-namespace"
	// LabelAgreementUID is the UID of that SharingAgreement, on gateway-side
	// keys: a key of an agreement deleted and created again under the same
	// name is not the new one's. Keys issued before the label existed have
	// none.
	LabelAgreementUID = "datashare.lgsp.vn/agreement-uid"
	// LabelConsumerAgency names the consumer Agency of an issued Secret.
	LabelConsumerAgency = "datashare.lgsp.vn/consumer-agency"
	// LabelKeyID names the key an issued Secret holds. The id is random
	// and says nothing about the key.
	LabelKeyID = "datashare.lgsp.vn/key-id"

	// AnnotationIssuedAt is when the key in a consumer Secret was issued.
	AnnotationIssuedAt = "datashare.lgsp.vn/issued-at"
	// AnnotationExpiresAt is when a rotated gateway-side key stops being
	// accepted.
	AnnotationExpiresAt = "datashare.lgsp.vn/expires-at"
	// AnnotationRotateKey, set by a person on a SharingAgreement to a
	// moment (RFC 3339), asks for a new key when that moment is later than
	// the current key's issue: kubectl annotate sag NAME
	// datashare.lgsp.vn/rotate-key=$(date -u +%FT%TZ) --overwrite
	AnnotationRotateKey = "datashare.lgsp.vn/rotate-key"

	// LabelCredential marks a Secret the operator issues: CredentialConsumer
	// for the consumer's copy of a key, CredentialGateway for the key the
	// gateway checks.
	LabelCredential = "datashare.lgsp.vn/credential"
	// CredentialConsumer is the LabelCredential value of a consumer's Secret.
	CredentialConsumer = "consumer"
	// CredentialGateway is the LabelCredential value of a gateway-side key.
	CredentialGateway = "gateway"
	// CredentialSentinel is the LabelCredential value of a protected
	// service's sentinel: a random key that nobody holds, listed in the
	// service's SecurityPolicy so that its list of keys is never empty
	// (Envoy falls back to the listener's keys, those of other services,
	// when a route's list is empty).
	CredentialSentinel = "sentinel"
	// CredentialKeyGroup is the LabelCredential value of one of a protected
	// service's key groups: the Secrets its SecurityPolicy names, which
	// hold the keys of its live agreements, so that a key issued or revoked
	// rewrites one group and never the policy.
	CredentialKeyGroup = "key-group"
)

// ClusterRoles that the project ships and the operator binds.
const (
	// FocalPointClusterRole lets a focal point manage its agency's
	// DataServices and SharingAgreements and read its FocalPoints, in the
	// namespace where it is bound.
	FocalPointClusterRole = "datashare-focal-point"
	// ProvinceFocalPointClusterRole lets a focal point of the coordinator
	// agency read every sharing object and manage Agencies.
	ProvinceFocalPointClusterRole = "datashare-province-focal-point"
	// CatalogReaderClusterRole lets every active focal point read the
	// catalog: the DataServices of every agency and the Agency register,
	// with their status (Điều 8.3).
	CatalogReaderClusterRole = "datashare-catalog-reader"
	// IssuedCredentialsRole is the Role, in each agency namespace, that
	// lets the agency's focal points read the consumer credential Secrets
	// issued there, by name, and nothing else.
	IssuedCredentialsRole = "datashare-issued-credentials"
)

// The HTTP headers of the LGSP contract.
const (
	// HeaderAPIKey is the request header in which a consumer sends its API
	// key. The gateway removes it before the request reaches the backend.
	HeaderAPIKey = "X-API-Key"
	// HeaderConsumer is the header in which the gateway tells the backend
	// which consumer is calling: the client id of the key, that is
	// "<consumer agency>.<agreement>.<key id>". The key id changes with
	// each rotation; the first part names the agency.
	HeaderConsumer = "X-LGSP-Consumer"
)
