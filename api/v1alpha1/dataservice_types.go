package v1alpha1

import metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

// Classification is how sensitive a service's data is. There is no value for
// state secrets: such data is outside the sharing rules (Điều 1.2) and can
// never be published.
//
// +kubebuilder:validation:Enum=Open;Shared;Restricted
type Classification string

const (
	// ClassificationOpen is open data, published to everyone (Điều 10).
	ClassificationOpen Classification = "Open"
	// ClassificationShared is data shared among state agencies.
	ClassificationShared Classification = "Shared"
	// ClassificationRestricted is data shared only with agencies that the
	// provider names.
	ClassificationRestricted Classification = "Restricted"
)

// Audience says who may use a service.
//
// +kubebuilder:validation:Enum=Public;Province;Listed
type Audience string

const (
	// AudiencePublic is open data: anyone, with no credential (Điều 10).
	AudiencePublic Audience = "Public"
	// AudienceProvince is every agency inside the province that holds a
	// live agreement (Điều 3.5).
	AudienceProvince Audience = "Province"
	// AudienceListed is only the agencies in access.consumers.
	AudienceListed Audience = "Listed"
)

// Protocol is the service's interface style, for the catalog.
//
// +kubebuilder:validation:Enum=REST;SOAP;GraphQL;OData;File
type Protocol string

// UpdateFrequency is how often the service's data changes, for the catalog
// (DCAT accrualPeriodicity).
//
// +kubebuilder:validation:Enum=Realtime;Daily;Weekly;Monthly;Quarterly;Yearly;Irregular
type UpdateFrequency string

// SchemaFormat is the language of a service's schema document.
//
// +kubebuilder:validation:Enum=OpenAPI;WSDL;JSONSchema;XSD;GraphQL;Other
type SchemaFormat string

// RateUnit is the period of a rate limit.
//
// +kubebuilder:validation:Enum=Second;Minute;Hour;Day
type RateUnit string

// URL is an absolute http or https URL.
//
// +kubebuilder:validation:MinLength=1
// +kubebuilder:validation:MaxLength=2048
// +kubebuilder:validation:XValidation:rule="isURL(self) && url(self).getScheme() in ['http', 'https'] && size(url(self).getHostname()) > 0",message="must be an absolute http or https URL, for example https://stnmt.example.gov.vn/api/dat-dai"
type URL string

// SchemaReference points to the document that describes the service's data.
type SchemaReference struct {
	// format is the schema language: OpenAPI, WSDL, JSONSchema, XSD, GraphQL
	// or Other.
	// +required
	Format SchemaFormat `json:"format"`

	// url is where the schema document can be read.
	// +required
	URL URL `json:"url"`
}

// Backend is what serves the data: a Kubernetes Service in the
// DataService's namespace (serviceName and port), or a system outside the
// cluster reached over HTTPS (external). Services without a selector,
// backed by EndpointSlices that point at a virtual machine, are fine.
//
// +kubebuilder:validation:XValidation:rule="has(self.external) != has(self.serviceName)",message="name either a Service in this namespace (serviceName and port) or a system outside the cluster (external), and not both"
// +kubebuilder:validation:XValidation:rule="has(self.serviceName) == has(self.port)",message="serviceName and port go together: name the Service and the port that serves the data"
type Backend struct {
	// serviceName is the name of the Service in the DataService's namespace.
	// +optional
	ServiceName ObjectName `json:"serviceName,omitempty"`

	// port is the Service port that serves the data.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=65535
	// +optional
	Port int32 `json:"port,omitempty"`

	// external is a system outside the cluster, such as a national or a
	// ministry's data service, that the gateway reaches over HTTPS. Only
	// the DIC's agency publishes one: consumers in the province use it
	// through the LGSP with their own keys, and the gateway presents the
	// province's credential upstream.
	// +optional
	External *ExternalBackend `json:"external,omitempty"`
}

// ExternalBackend is a data service outside the cluster, reached over
// HTTPS: the gateway checks its certificate against the system's roots or
// the CA named here, sends the URL's host name as SNI, and adds the
// province's credential to each request.
type ExternalBackend struct {
	// url is where the service is reached: https, a DNS host name (not an
	// IP address), an optional port (443 when absent) and an optional path
	// under which the consumer's path is appended, for example
	// https://api.ndxp.example.vn/dan-cu/v1.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=2048
	// +kubebuilder:validation:XValidation:rule="self.startsWith('https://')",message="must be an https URL: the gateway reaches a system outside the cluster only over TLS, for example https://api.ndxp.example.vn/dan-cu/v1"
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^https://([a-z0-9]([-a-z0-9]*[a-z0-9])?[.])+[a-z]([-a-z0-9]*[a-z0-9])?(:[0-9]{1,5})?(/[A-Za-z0-9._~-]+)*/?$')",message="must be https://, a DNS host name in lowercase (not an IP address: the gateway checks the upstream's certificate against it), an optional port, and a clean path of letters, digits and . _ ~ - between slashes, with no query, fragment or user information (credentials go in credentialSecretRef, never in the URL), for example https://api.ndxp.example.vn:8443/dan-cu/v1"
	// +kubebuilder:validation:XValidation:rule="!isURL(self) || url(self).getPort() == '' || int(url(self).getPort()) <= 65535",message="the port must be at most 65535"
	// +required
	URL string `json:"url"`

	// caCertificateRef names a ConfigMap in this namespace whose key ca.crt
	// holds the CA certificates (PEM) that the upstream's certificate must
	// chain to. Absent means the system's trusted roots.
	// +optional
	CACertificateRef ObjectName `json:"caCertificateRef,omitempty"`

	// credentialSecretRef names a Secret in this namespace whose key
	// "credential" holds the value the gateway puts in credentialHeader of
	// every request it sends upstream, for example "Bearer <token>": the
	// province's own credential for the external platform. It never leaves
	// the gateway: consumers present their LGSP keys, which the gateway
	// removes. Rotating it means changing the Secret; no agreement is
	// touched. Absent means the upstream needs no credential.
	// +optional
	CredentialSecretRef ObjectName `json:"credentialSecretRef,omitempty"`

	// credentialHeader is the request header that carries the credential.
	// Absent means Authorization.
	// +optional
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=128
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9-]+$') && self.lowerAscii() != 'x-api-key' && self.lowerAscii() != 'x-lgsp-consumer' && self.lowerAscii() != 'host'",message="must be an HTTP header name (letters, digits and -), and not X-API-Key, X-LGSP-Consumer or Host, which the gateway itself sets or removes"
	CredentialHeader string `json:"credentialHeader,omitempty"`
}

// Route is where the service is published on the LGSP gateway.
type Route struct {
	// pathPrefix is the path under the LGSP's public URL at which the service
	// is reached. It defaults to /<agency>/<service>/<version>. It is an
	// absolute, clean path: it starts with a slash, has no trailing slash,
	// and no empty, "." or ".." segments.
	// +optional
	// +kubebuilder:validation:MinLength=2
	// +kubebuilder:validation:MaxLength=256
	// +kubebuilder:validation:XValidation:rule="self.matches('^(/[A-Za-z0-9._~-]+)+$') && !self.split('/').exists(s, s == '.' || s == '..')",message="pathPrefix must be an absolute, clean URL path such as /so-tnmt/dat-dai/v1: it starts with /, has no trailing slash, no empty, '.' or '..' segments, and uses only letters, digits and . _ ~ -"
	PathPrefix string `json:"pathPrefix,omitempty"`
}

// RateLimit caps how many requests one consumer may make.
type RateLimit struct {
	// requests is the number of requests allowed per unit.
	// +kubebuilder:validation:Minimum=1
	// +kubebuilder:validation:Maximum=1000000
	// +required
	Requests int32 `json:"requests"`

	// unit is the period over which requests are counted: Second, Minute,
	// Hour or Day.
	// +required
	Unit RateUnit `json:"unit"`
}

// Consent is the provider's consent for one named agency to use the service.
//
// +kubebuilder:validation:XValidation:rule="!has(self.validFrom) || !has(self.validUntil) || self.validUntil > self.validFrom",message="validUntil must be later than validFrom"
type Consent struct {
	// agency is the name of the consumer's Agency.
	// +required
	Agency ObjectName `json:"agency"`

	// documentRef cites the provider's decision to share with this agency.
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// validFrom is when the consent takes effect; absent means at once.
	// +optional
	ValidFrom *metav1.Time `json:"validFrom,omitempty"`

	// validUntil is when the consent ends; absent means until the provider
	// removes it.
	// +optional
	ValidUntil *metav1.Time `json:"validUntil,omitempty"`

	// rateLimit caps this consumer's requests, over all its agreements and
	// keys for this service; absent means no cap beyond the gateway's own.
	// Under the envoy-gateway profile the operator writes it into a
	// BackendTrafficPolicy; a request over the cap gets HTTP 429. The count
	// is kept by each gateway replica on its own (Envoy's local rate limit).
	// Not allowed on open data, and on at most 16 consumers of a service.
	// +optional
	RateLimit *RateLimit `json:"rateLimit,omitempty"`
}

// ConsumerRefusal is the provider's written refusal of one agency's
// request.
//
// +kubebuilder:validation:XValidation:rule="has(self.legalBasis)",message="a refusal must cite its legal basis in legalBasis: the rules require a written refusal with its reasons and the legal basis (Decree 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP)"
type ConsumerRefusal struct {
	// agency is the name of the refused agency's Agency.
	// +required
	Agency ObjectName `json:"agency"`

	WrittenRefusal `json:",inline"`
}

// Access is who may use the service.
//
// +kubebuilder:validation:XValidation:rule="!has(self.refusals) || !has(self.consumers) || !self.refusals.exists(r, self.consumers.exists(c, c.agency == r.agency))",message="an agency cannot be both in consumers and in refusals: consent and a written refusal contradict each other; remove the agency from one of the two"
// +kubebuilder:validation:XValidation:rule="self.audience != 'Listed' || (has(self.consumers) && size(self.consumers) > 0)",message="audience Listed needs at least one entry in consumers: name the agencies that may use this service"
// +kubebuilder:validation:XValidation:rule="self.audience != 'Public' || !has(self.consumers) || self.consumers.all(c, !has(c.rateLimit))",message="rateLimit needs an API key to tell consumers apart, and open data (audience Public) is served without one: remove rateLimit, or choose audience Province or Listed"
// +kubebuilder:validation:XValidation:rule="!has(self.consumers) || self.consumers.filter(c, has(c.rateLimit)).size() <= 16",message="at most 16 consumers of one service may have a rateLimit: the LGSP gateway (Envoy Gateway) keeps 16 rate-limit rules per route"
type Access struct {
	// audience is who may use the service: Public (open data, no
	// credential), Province (every agency inside the province that holds an
	// agreement) or Listed (only the agencies in consumers).
	// +default="Province"
	// +optional
	Audience Audience `json:"audience,omitempty"`

	// consumers is the provider's consent for named agencies. It is required
	// for audience Listed, and for every body outside the province whatever
	// the audience (Điều 17.3).
	// +optional
	// +listType=map
	// +listMapKey=agency
	// +kubebuilder:validation:MaxItems=500
	Consumers []Consent `json:"consumers,omitempty"`

	// refusals are the provider's written refusals of named agencies: an
	// agreement of a refused agency is RefusedByProvider, its message
	// quotes the reason and the legal basis, and it gets no key. An agency
	// cannot be in consumers and refusals at once.
	// +optional
	// +listType=map
	// +listMapKey=agency
	// +kubebuilder:validation:MaxItems=50
	Refusals []ConsumerRefusal `json:"refusals,omitempty"`
}

// OpenData describes a Public service as open data (Điều 10).
type OpenData struct {
	// license is the licence under which the data is published, for example
	// "CC-BY-4.0".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=256
	// +required
	License string `json:"license"`

	// lastUpdated is when the published data was last refreshed.
	// +optional
	LastUpdated *metav1.Time `json:"lastUpdated,omitempty"`

	// refreshInterval is how often the data must be refreshed. Absent means
	// the operator's default, three months under Điều 10.4.
	// +optional
	// +kubebuilder:validation:XValidation:rule="duration(self) >= duration('24h')",message="refreshInterval must be at least 24h"
	RefreshInterval *metav1.Duration `json:"refreshInterval,omitempty"`
}

// Review records the provider's periodic review of the service (Điều 3.3).
type Review struct {
	// lastReviewed is when the service was last reviewed.
	// +optional
	LastReviewed *metav1.Time `json:"lastReviewed,omitempty"`

	// documentRef cites the review's record.
	// +optional
	DocumentRef DocumentReference `json:"documentRef,omitempty"`
}

// DataServiceSpec describes a data service for the catalog and says how it is
// served and who may use it.
//
// +kubebuilder:validation:XValidation:rule="!has(self.openData) || self.access.audience == 'Public'",message="openData describes open data and is only allowed with access.audience Public"
// +kubebuilder:validation:XValidation:rule="self.access.audience != 'Public' || self.classification == 'Open'",message="only classification Open may have access.audience Public: Shared and Restricted data are used under agreements"
// +kubebuilder:validation:XValidation:rule="self.classification != 'Restricted' || self.access.audience == 'Listed'",message="Restricted data may be shared only with the agencies the provider names: set access.audience to Listed"
type DataServiceSpec struct {
	// title is the service's name in the catalog, in Vietnamese with
	// diacritics, for example "Tra cứu thông tin thửa đất".
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=512
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\p{Cc}\\p{Cf}]*$')",message="must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 256",message="must be at most 256 characters"
	// +required
	Title string `json:"title"`

	// description says what data the service gives and for what use.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=8192
	// +kubebuilder:validation:XValidation:rule="self.matches(r'^[^\\x00-\\x08\\x0B\\x0C\\x0E-\\x1F\\x7F-\\x9F\\p{Cf}]*$')",message="must be readable text: no control characters (such as BEL or NUL; line breaks and tabs are fine) and no invisible format characters (such as a zero-width space or a right-to-left override)"
	// +kubebuilder:validation:XValidation:rule="!self.matches(r'^[\\s\\p{Z}]*$')",message="must not be blank"
	// +kubebuilder:validation:XValidation:rule="size(self) <= 4096",message="must be at most 4096 characters"
	// +required
	Description string `json:"description"`

	// version is the service's interface version, for example "v1". It is
	// part of the default route path.
	// +kubebuilder:validation:MinLength=1
	// +kubebuilder:validation:MaxLength=32
	// +kubebuilder:validation:XValidation:rule="self.matches('^[A-Za-z0-9][A-Za-z0-9._-]*$')",message="version must start with a letter or digit and use only letters, digits and . _ -, for example v1 or 2.0"
	// +required
	Version string `json:"version"`

	// protocol is the interface style: REST, SOAP, GraphQL, OData or File.
	// +default="REST"
	// +optional
	Protocol Protocol `json:"protocol,omitempty"`

	// documentationURL is where people read how to use the service.
	// +optional
	DocumentationURL URL `json:"documentationURL,omitempty"`

	// schema points to the document that describes the service's data.
	// +optional
	Schema *SchemaReference `json:"schema,omitempty"`

	// dataOwner is who answers for the data. Absent means the agency's
	// primary focal point.
	// +optional
	DataOwner *Contact `json:"dataOwner,omitempty"`

	// updateFrequency is how often the data changes: Realtime, Daily,
	// Weekly, Monthly, Quarterly, Yearly or Irregular.
	// +optional
	UpdateFrequency UpdateFrequency `json:"updateFrequency,omitempty"`

	// tags are keywords for the catalog.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=20
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=64
	Tags []string `json:"tags,omitempty"`

	// dataElements are the identifiers of the national Common Data
	// Dictionary's data elements that the service serves, as the
	// dictionary writes them, for the national catalog.
	// +optional
	// +listType=set
	// +kubebuilder:validation:MaxItems=100
	// +kubebuilder:validation:items:MinLength=1
	// +kubebuilder:validation:items:MaxLength=128
	// +kubebuilder:validation:items:Pattern=`^[A-Za-z0-9][A-Za-z0-9._:/-]*$`
	DataElements []string `json:"dataElements,omitempty"`

	// classification is how sensitive the data is: Open, Shared or
	// Restricted. State secrets are outside the sharing rules (Điều 1.2) and
	// cannot be published.
	// +required
	Classification Classification `json:"classification"`

	// backend is what serves the data: a Service in this namespace, or a
	// system outside the cluster (external, published by the DIC only).
	// +required
	Backend Backend `json:"backend"` //nolint:kubeapilinter // required: every service names what serves it, a Service or a system outside the cluster (its CEL rules say which)

	// route is where the service is published on the LGSP gateway.
	// +optional
	Route Route `json:"route,omitempty"`

	// access is who may use the service.
	// +required
	Access Access `json:"access"` //nolint:kubeapilinter // required from the start: optional would change what a manifest without access means

	// openData describes a Public service as open data.
	// +optional
	OpenData *OpenData `json:"openData,omitempty"`

	// review records the provider's periodic review of the service.
	// +optional
	Review Review `json:"review,omitempty"`
}

// DataServiceStatus is what the operator observed of a data service.
type DataServiceStatus struct {
	// conditions describe the service's state: Accepted, RouteAccepted,
	// NetworkIsolated, Ready, and the regulation's clocks ReviewDue and
	// OpenDataStale.
	// +optional
	// +listType=map
	// +listMapKey=type
	// +kubebuilder:validation:MaxItems=16
	Conditions []metav1.Condition `json:"conditions,omitempty"`

	// observedGeneration is the metadata.generation that this status
	// describes.
	// +optional
	ObservedGeneration int64 `json:"observedGeneration,omitempty"`

	// url is the public URL at which the service is reached through the
	// LGSP gateway; empty while its route is withdrawn (not accepted, a
	// path conflict, no Gateway API).
	// +optional
	// +kubebuilder:validation:MaxLength=2048
	URL string `json:"url,omitempty"`

	// pathPrefix is the path prefix in effect: spec.route.pathPrefix, or the
	// default derived from the agency, service and version.
	// +optional
	// +kubebuilder:validation:MaxLength=256
	PathPrefix string `json:"pathPrefix,omitempty"`

	// liveAgreements is the number of agreements whose credentials the
	// gateway accepts for this service.
	// +optional
	LiveAgreements int32 `json:"liveAgreements,omitempty"`

	// recentTraffic counts the requests the gateway carried for the
	// service and those that failed upstream (5xx, or no response), minute
	// by minute over the last minutes, from the access logs: what
	// ConnectionDegraded is decided on.
	// +optional
	// +listType=map
	// +listMapKey=minute
	// +kubebuilder:validation:MaxItems=6
	RecentTraffic []TrafficMinute `json:"recentTraffic,omitempty"`

	// appraisal is what the DIC's appraisal of the service covers: the
	// appraisal's document and the terms it was given on. While the spec is
	// less restricted than these terms, the service is published on them
	// (Ready is False, AppraisalOutdated).
	// +optional
	Appraisal *AppraisedTerms `json:"appraisal,omitempty"`
}

// TrafficMinute counts one minute of a service's requests.
type TrafficMinute struct {
	// minute is the minute's start, in UTC.
	// +required
	Minute metav1.Time `json:"minute"`

	// requests is the number of requests the gateway carried.
	// +optional
	// +kubebuilder:validation:Minimum=0
	Requests int64 `json:"requests,omitempty"`

	// upstreamFailures is the number of those the backend answered with a
	// server error (5xx), or did not answer.
	// +optional
	// +kubebuilder:validation:Minimum=0
	UpstreamFailures int64 `json:"upstreamFailures,omitempty"`
}

// AppraisedTerms are the terms a DIC appraisal covers.
type AppraisedTerms struct {
	// documentRef cites the appraisal document.
	// +required
	DocumentRef DocumentReference `json:"documentRef"`

	// appraisedAt is when the appraisal was issued.
	// +required
	AppraisedAt metav1.Time `json:"appraisedAt"`

	// classification is the classification appraised.
	// +required
	Classification Classification `json:"classification"`

	// audience is the audience appraised.
	// +required
	Audience Audience `json:"audience"`
}

// DataService is a data-sharing service (dịch vụ chia sẻ dữ liệu) that an
// agency publishes in the catalog and through the LGSP gateway.
//
// +kubebuilder:object:root=true
// +kubebuilder:subresource:status
// +kubebuilder:resource:shortName=dsvc,categories=datashare
// +kubebuilder:validation:XValidation:rule="self.metadata.name.matches('^[a-z0-9]([-a-z0-9]*[a-z0-9])?$') && size(self.metadata.name) <= 63",message="a DataService name is a DNS label (at most 63 lowercase letters, digits and '-'): it is part of the route path and of generated names"
// +kubebuilder:printcolumn:name="URL",type=string,JSONPath=`.status.url`
// +kubebuilder:printcolumn:name="Audience",type=string,JSONPath=`.spec.access.audience`
// +kubebuilder:printcolumn:name="Live",type=integer,JSONPath=`.status.liveAgreements`
// +kubebuilder:printcolumn:name="Ready",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].status`
// +kubebuilder:printcolumn:name="Reason",type=string,JSONPath=`.status.conditions[?(@.type=="Ready")].reason`
// +kubebuilder:printcolumn:name="Age",type=date,JSONPath=`.metadata.creationTimestamp`
type DataService struct {
	metav1.TypeMeta `json:",inline"`
	// metadata is the object's name, namespace, labels and annotations.
	// +optional
	metav1.ObjectMeta `json:"metadata,omitempty"`

	// spec describes the service and who may use it.
	// +required
	Spec DataServiceSpec `json:"spec"`

	// status is what the operator observed of the service.
	// +optional
	Status DataServiceStatus `json:"status,omitempty"`
}

// DataServiceList is a list of DataServices.
//
// +kubebuilder:object:root=true
type DataServiceList struct {
	metav1.TypeMeta `json:",inline"`
	metav1.ListMeta `json:"metadata,omitempty"`
	Items           []DataService `json:"items"`
}
