package v1alpha1_test

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"
)

// The valid objects that each bad manifest starts from.
const (
	goodAgency = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: Agency
metadata: {name: placeholder}
spec:
  displayName: Sở Tài nguyên và Môi trường tỉnh Sóc Trăng
  level: Department
  namespace: so-tnmt
`
	goodOutsideAgency = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: Agency
metadata: {name: placeholder}
spec:
  displayName: Bộ Nông nghiệp và Môi trường
  level: Central
  namespace: bo-nnmt
  endorsements:
    - service: so-tnmt/dat-dai
      documentRef: Công văn số 530/STTTT-CĐS
`
	goodFocalPoint = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: FocalPoint
metadata: {name: placeholder, namespace: validation}
spec:
  person:
    name: Nguyễn Văn An
    email: nguyen.van.an@stnmt.soctrang.gov.vn
  role: Primary
  appointment:
    documentRef: Quyết định số 112/QĐ-STNMT
    validFrom: "2026-01-15T00:00:00Z"
  subjects:
    - kind: User
      name: nguyen.van.an@stnmt.soctrang.gov.vn
`
	goodDataService = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: DataService
metadata: {name: placeholder, namespace: validation}
spec:
  title: Tra cứu thông tin thửa đất
  description: Tra cứu thông tin thửa đất theo số tờ, số thửa.
  version: v1
  classification: Shared
  backend: {serviceName: dat-dai-api, port: 8080}
  access:
    audience: Province
    consumers:
      - agency: bo-nnmt
        documentRef: Công văn số 890/STNMT-VP
`
	goodPublicService = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: DataService
metadata: {name: placeholder, namespace: validation}
spec:
  title: Số liệu quan trắc môi trường
  description: Kết quả quan trắc chất lượng nước mặt và không khí.
  version: v1
  classification: Open
  backend: {serviceName: quan-trac-files, port: 80}
  access: {audience: Public}
  openData: {license: CC-BY-4.0}
`
	goodAgreement = `
apiVersion: datashare.lgsp.vn/v1alpha1
kind: SharingAgreement
metadata: {name: placeholder, namespace: validation}
spec:
  service: {namespace: so-tnmt, name: dat-dai}
  purpose: Giải quyết thủ tục cấp giấy phép xây dựng.
  legalBasis: Nghị định 47/2020/NĐ-CP, Điều 10
`
)

// remove, as the value of an edit, deletes the field.
var remove = &struct{ remove bool }{true}

// edit sets (or, with remove, deletes) the field at a dotted path such as
// spec.access.consumers[0].validUntil.
type edit struct {
	path  string
	value any
}

// badManifest is a manifest that the API server must refuse, and the words
// of the message that a person reads.
type badManifest struct {
	name string
	base string
	// edits make the bad manifest from base, on create.
	edits []edit
	// updateEdits, when set, are applied to the stored object after base
	// (with edits) was created: the update must be refused.
	updateEdits []edit
	want        string
}

func TestBadManifestsAreRefusedWithTheirMessage(t *testing.T) {
	ctx := context.Background()
	ensureNamespace(t, "validation")

	cases := []badManifest{
		// Agency.
		{name: "agency level outside the enum", base: goodAgency,
			edits: []edit{{"spec.level", "Ward"}},
			want:  `spec.level: Unsupported value: "Ward": supported values: "Province", "Department", "District", "Commune", "Central", "OtherProvince", "National"`},
		{name: "endorsements on an agency inside the province", base: goodAgency,
			edits: []edit{{"spec.endorsements", []any{map[string]any{"service": "so-tnmt/dat-dai", "documentRef": "CV 1"}}}},
			want:  "endorsements are the DIC's consent for a body outside the province (level Central, OtherProvince or National); an agency inside the province needs none"},
		{name: "endorsement that ends before it starts", base: goodOutsideAgency,
			edits: []edit{{"spec.endorsements[0].validFrom", "2027-01-01T00:00:00Z"}, {"spec.endorsements[0].validUntil", "2026-01-01T00:00:00Z"}},
			want:  "spec.endorsements[0]: Invalid value: validUntil must be later than validFrom"},
		{name: "endorsement that does not name namespace/name", base: goodOutsideAgency,
			edits: []edit{{"spec.endorsements[0].service", "dat-dai"}},
			want:  "must name a DataService as namespace/name, for example so-tnmt/dat-dai"},
		{name: "a service endorsed and declined at once", base: goodOutsideAgency,
			edits: []edit{{"spec.declinedEndorsements", []any{map[string]any{"service": "so-tnmt/dat-dai", "reason": "x", "legalBasis": "Điều 17.3", "documentRef": "CV 77", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "a service cannot be both in endorsements and in declinedEndorsements: an endorsement and a written refusal contradict each other; remove the service from one of the two"},
		{name: "a declined endorsement without its legal basis", base: goodOutsideAgency,
			edits: []edit{{"spec.declinedEndorsements", []any{map[string]any{"service": "so-tnmt/khac", "reason": "x", "documentRef": "CV 77", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "a refusal must cite its legal basis in legalBasis"},
		{name: "agency namespace changed after creation", base: goodAgency,
			updateEdits: []edit{{"spec.namespace", "so-tnmt-moi"}},
			want:        "namespace cannot be changed after the agency is registered: register a new Agency for the new namespace and retire this one"},
		{name: "agency namespace that is not a DNS label", base: goodAgency,
			edits: []edit{{"spec.namespace", "So_TNMT"}},
			want:  "spec.namespace: Invalid value: \"So_TNMT\": spec.namespace in body should match"},
		{name: "agency without a namespace", base: goodAgency,
			edits: []edit{{"spec.namespace", remove}},
			want:  "spec.namespace: Required value"},
		{name: "agency display name empty", base: goodAgency,
			edits: []edit{{"spec.displayName", ""}},
			want:  "spec.displayName in body should be at least 1 chars long"},
		{name: "agency display name over 256 characters", base: goodAgency,
			edits: []edit{{"spec.displayName", strings.Repeat("Sở ", 100)}},
			want:  "must be at most 256 characters"},
		{name: "agency display name of zero-width spaces", base: goodAgency,
			edits: []edit{{"spec.displayName", "\u200b\u200b\u200b"}},
			want:  "must be readable text on one line: no control characters (such as BEL, NUL or a line break) and no invisible format characters (such as a zero-width space or a right-to-left override)"},
		{name: "agency display name of spaces", base: goodAgency,
			edits: []edit{{"spec.displayName", " \u00a0 "}},
			want:  "must not be blank"},
		{name: "agency name over 63 characters", base: goodAgency,
			edits: []edit{{"metadata.name", strings.Repeat("a", 64)}},
			want:  "an Agency name is a DNS label (at most 63 lowercase letters, digits and '-', no dots)"},
		{name: "agency name with a dot", base: goodAgency,
			edits: []edit{{"metadata.name", "so-tc.x"}},
			want:  "an Agency name is a DNS label (at most 63 lowercase letters, digits and '-', no dots): it is used in labels, generated names, URL paths and the consumer id the gateway forwards"},
		{name: "agency that is its own parent", base: goodAgency,
			edits: []edit{{"spec.parent", "$NAME"}},
			want:  "an agency cannot be its own parent"},
		{name: "more than 500 appraised services", base: goodAgency,
			edits: []edit{{"spec.appraisedServices", repeat(501, func(i int) any {
				return map[string]any{"service": "dv-" + strconv.Itoa(i), "documentRef": "CV", "appraisedAt": "2026-03-10T00:00:00Z"}
			})}},
			want: "spec.appraisedServices: Too many: 501: must have at most 500 items"},

		// FocalPoint.
		{name: "focal point with no way to contact the person", base: goodFocalPoint,
			edits: []edit{{"spec.person.email", remove}},
			want:  "give at least an email or a phone number: contacts are published so that other agencies can reach this person"},
		{name: "focal point with a malformed email", base: goodFocalPoint,
			edits: []edit{{"spec.person.email", "nguyen.van.an(at)stnmt"}},
			want:  "spec.person.email in body must be of type email"},
		{name: "focal point with a malformed phone", base: goodFocalPoint,
			edits: []edit{{"spec.person.phone", "gọi văn phòng"}},
			want:  "phone must be a telephone number such as +84 299 3822 123"},
		{name: "appointment that ends before it starts", base: goodFocalPoint,
			edits: []edit{{"spec.appointment.validUntil", "2025-12-31T00:00:00Z"}},
			want:  "spec.appointment: Invalid value: validUntil must be later than validFrom"},
		{name: "appointment without a start", base: goodFocalPoint,
			edits: []edit{{"spec.appointment.validFrom", remove}},
			want:  "spec.appointment.validFrom: Required value"},
		{name: "focal point role outside the enum", base: goodFocalPoint,
			edits: []edit{{"spec.role", "Chief"}},
			want:  `spec.role: Unsupported value: "Chief": supported values: "Primary", "Deputy"`},
		{name: "subject with an empty name", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0].name", ""}},
			want:  "spec.subjects[0].name in body should be at least 1 chars long"},
		{name: "subject of a kind that is not User or Group", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0].kind", "ServiceAccount"}},
			want:  `spec.subjects[0].kind: Unsupported value: "ServiceAccount": supported values: "User", "Group"`},
		{name: "subject system:authenticated", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0]", map[string]any{"kind": "Group", "name": "system:authenticated"}}},
			want:  "a focal point's subjects are the people and groups of the identity provider who act for the agency: a 'system:' user or group (system:authenticated, system:unauthenticated, system:masters, a service account, a node) would hand the agency's rights to everyone, to the cluster itself or to a program; bind programs with RBAC of their own"},
		{name: "subject system:unauthenticated", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0]", map[string]any{"kind": "Group", "name": "system:unauthenticated"}}},
			want:  "a focal point's subjects are the people and groups of the identity provider who act for the agency"},
		{name: "subject system:masters", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0]", map[string]any{"kind": "Group", "name": "system:masters"}}},
			want:  "a focal point's subjects are the people and groups of the identity provider who act for the agency"},
		{name: "subject: every service account of a namespace", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[0]", map[string]any{"kind": "Group", "name": "system:serviceaccounts:validation"}}},
			want:  "a focal point's subjects are the people and groups of the identity provider who act for the agency"},
		{name: "subject: a service account of another namespace", base: goodFocalPoint,
			edits: []edit{{"spec.subjects[1]", map[string]any{"kind": "User", "name": "system:serviceaccount:kube-system:default"}}},
			want:  "a focal point's subjects are the people and groups of the identity provider who act for the agency"},
		{name: "more than 20 subjects", base: goodFocalPoint,
			edits: []edit{{"spec.subjects", repeat(21, func(i int) any {
				return map[string]any{"kind": "User", "name": "u" + strconv.Itoa(i)}
			})}},
			want: "spec.subjects: Too many: 21: must have at most 20 items"},

		// DataService: a backend outside the cluster.
		{name: "a backend that names both a Service and an external system", base: goodDataService,
			edits: []edit{{"spec.backend.external", map[string]any{"url": "https://api.ndxp.example.vn/dan-cu/v1"}}},
			want:  "name either a Service in this namespace (serviceName and port) or a system outside the cluster (external), and not both"},
		{name: "a backend that names nothing", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{}}},
			want:  "name either a Service in this namespace (serviceName and port) or a system outside the cluster (external), and not both"},
		{name: "a Service backend without its port", base: goodDataService,
			edits: []edit{{"spec.backend.port", remove}},
			want:  "serviceName and port go together"},
		{name: "an external backend over plain HTTP", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "http://api.ndxp.example.vn/dan-cu"}}}},
			want:  "must be an https URL: the gateway reaches a system outside the cluster only over TLS"},
		{name: "an external backend on an IP address", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "https://203.0.113.7/dan-cu"}}}},
			want:  "a DNS host name in lowercase (not an IP address"},
		{name: "an external backend with a credential in its URL", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "https://tinh:matkhau@api.ndxp.example.vn/dan-cu"}}}},
			want:  "credentials go in credentialSecretRef, never in the URL"},
		{name: "an external backend with a query", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "https://api.ndxp.example.vn/dan-cu?token=x"}}}},
			want:  "with no query, fragment or user information"},
		{name: "an external backend on a port over 65535", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "https://api.ndxp.example.vn:70000/dan-cu"}}}},
			want:  "the port must be at most 65535"},
		{name: "an external credential put in the key header", base: goodDataService,
			edits: []edit{{"spec.backend", map[string]any{"external": map[string]any{"url": "https://api.ndxp.example.vn/dan-cu", "credentialSecretRef": "ndxp", "credentialHeader": "X-Api-Key"}}}},
			want:  "not X-API-Key, X-LGSP-Consumer or Host"},
		{name: "a data element identifier with a space", base: goodDataService,
			edits: []edit{{"spec.dataElements", []any{"DC CongDan"}}},
			want:  "spec.dataElements[0] in body should match"},
		// DataService.
		{name: "a refusal without its legal basis", base: goodDataService,
			edits: []edit{{"spec.access.refusals", []any{map[string]any{"agency": "ubnd-x", "reason": "dữ liệu cá nhân", "documentRef": "CV 12", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "a refusal must cite its legal basis in legalBasis: the rules require a written refusal with its reasons and the legal basis (Decree 47/2020/NĐ-CP as amended by Decree 194/2025/NĐ-CP)"},
		{name: "a refusal without a reason", base: goodDataService,
			edits: []edit{{"spec.access.refusals", []any{map[string]any{"agency": "ubnd-x", "legalBasis": "Luật Dữ liệu", "documentRef": "CV 12", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "spec.access.refusals[0].reason: Required value"},
		{name: "an agency consented to and refused at once", base: goodDataService,
			edits: []edit{{"spec.access.refusals", []any{map[string]any{"agency": "bo-nnmt", "reason": "x", "legalBasis": "Luật Dữ liệu", "documentRef": "CV 12", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "an agency cannot be both in consumers and in refusals: consent and a written refusal contradict each other; remove the agency from one of the two"},
		{name: "a refusal with a blank legal basis", base: goodDataService,
			edits: []edit{{"spec.access.refusals", []any{map[string]any{"agency": "ubnd-x", "reason": "x", "legalBasis": "  ", "documentRef": "CV 12", "refusedAt": "2026-11-20T00:00:00Z"}}}},
			want:  "must not be blank"},
		{name: "service title of zero-width spaces", base: goodDataService,
			edits: []edit{{"spec.title", "\u200b\u200c\u200d\ufeff"}},
			want:  "must be readable text on one line"},
		{name: "service title of spaces only", base: goodDataService,
			edits: []edit{{"spec.title", "   "}},
			want:  "must not be blank"},
		{name: "service description with a right-to-left override, BEL and NUL", base: goodDataService,
			edits: []edit{{"spec.description", "Tra cứu \u202eevil\u202c \u0007\u0000"}},
			want:  "must be readable text: no control characters (such as BEL or NUL; line breaks and tabs are fine) and no invisible format characters (such as a zero-width space or a right-to-left override)"},
		{name: "service description of blanks", base: goodDataService,
			edits: []edit{{"spec.description", "\n \n"}},
			want:  "must not be blank"},
		{name: "service description over 4096 characters", base: goodDataService,
			edits: []edit{{"spec.description", strings.Repeat("đ", 4097)}},
			want:  "must be at most 4096 characters"},
		{name: "focal point name of a right-to-left override", base: goodFocalPoint,
			edits: []edit{{"spec.person.name", "Nguyễn\u202eVăn An"}},
			want:  "must be readable text on one line"},
		{name: "document reference with a NUL", base: goodFocalPoint,
			edits: []edit{{"spec.appointment.documentRef", "QĐ 12\u0000"}},
			want:  "must be readable text on one line"},
		{name: "classification meaning a state secret", base: goodDataService,
			edits: []edit{{"spec.classification", "StateSecret"}},
			want:  `spec.classification: Unsupported value: "StateSecret": supported values: "Open", "Shared", "Restricted"`},
		{name: "classification outside the enum", base: goodDataService,
			edits: []edit{{"spec.classification", "Internal"}},
			want:  `spec.classification: Unsupported value: "Internal"`},
		{name: "audience Listed with no consumers", base: goodDataService,
			edits: []edit{{"spec.access.audience", "Listed"}, {"spec.access.consumers", remove}},
			want:  "audience Listed needs at least one entry in consumers: name the agencies that may use this service"},
		{name: "openData on a service that is not Public", base: goodDataService,
			edits: []edit{{"spec.openData", map[string]any{"license": "CC-BY-4.0"}}},
			want:  "openData describes open data and is only allowed with access.audience Public"},
		{name: "Public audience for Shared data", base: goodPublicService,
			edits: []edit{{"spec.classification", "Shared"}, {"spec.openData", remove}},
			want:  "only classification Open may have access.audience Public: Shared and Restricted data are used under agreements"},
		{name: "Restricted data open to the whole province", base: goodDataService,
			edits: []edit{{"spec.classification", "Restricted"}},
			want:  "Restricted data may be shared only with the agencies the provider names: set access.audience to Listed"},
		{name: "path prefix that is not absolute", base: goodDataService,
			edits: []edit{{"spec.route.pathPrefix", "so-tnmt/dat-dai"}},
			want:  "pathPrefix must be an absolute, clean URL path such as /so-tnmt/dat-dai/v1"},
		{name: "path prefix with a dot-dot segment", base: goodDataService,
			edits: []edit{{"spec.route.pathPrefix", "/so-tnmt/../so-yte"}},
			want:  "pathPrefix must be an absolute, clean URL path"},
		{name: "path prefix with an empty segment", base: goodDataService,
			edits: []edit{{"spec.route.pathPrefix", "/so-tnmt//dat-dai"}},
			want:  "pathPrefix must be an absolute, clean URL path"},
		{name: "path prefix with a trailing slash", base: goodDataService,
			edits: []edit{{"spec.route.pathPrefix", "/so-tnmt/dat-dai/"}},
			want:  "pathPrefix must be an absolute, clean URL path"},
		{name: "path prefix with a query", base: goodDataService,
			edits: []edit{{"spec.route.pathPrefix", "/so-tnmt/dat-dai?v=1"}},
			want:  "pathPrefix must be an absolute, clean URL path"},
		{name: "backend port 0", base: goodDataService,
			edits: []edit{{"spec.backend.port", int64(0)}},
			want:  "spec.backend.port in body should be greater than or equal to 1"},
		{name: "backend port above 65535", base: goodDataService,
			edits: []edit{{"spec.backend.port", int64(70000)}},
			want:  "spec.backend.port in body should be less than or equal to 65535"},
		{name: "consent that ends before it starts", base: goodDataService,
			edits: []edit{{"spec.access.consumers[0].validFrom", "2026-06-01T00:00:00Z"}, {"spec.access.consumers[0].validUntil", "2026-06-01T00:00:00Z"}},
			want:  "spec.access.consumers[0]: Invalid value: validUntil must be later than validFrom"},
		{name: "the same agency consented twice", base: goodDataService,
			edits: []edit{{"spec.access.consumers[1]", map[string]any{"agency": "bo-nnmt", "documentRef": "CV 2"}}},
			want:  `spec.access.consumers[1]: Duplicate value: {"agency":"bo-nnmt"}`},
		{name: "rate limit of zero requests", base: goodDataService,
			edits: []edit{{"spec.access.consumers[0].rateLimit", map[string]any{"requests": int64(0), "unit": "Minute"}}},
			want:  "spec.access.consumers[0].rateLimit.requests in body should be greater than or equal to 1"},
		{name: "rate limit on open data", base: goodPublicService,
			edits: []edit{{"spec.access.consumers", []any{map[string]any{"agency": "bo-nnmt", "documentRef": "CV 2", "rateLimit": map[string]any{"requests": int64(10), "unit": "Second"}}}}},
			want:  "rateLimit needs an API key to tell consumers apart, and open data (audience Public) is served without one"},
		{name: "rate limits on 17 consumers", base: goodDataService,
			edits: []edit{{"spec.access.consumers", repeat(17, func(i int) any {
				return map[string]any{"agency": "ubnd-" + strconv.Itoa(i), "documentRef": "CV 2", "rateLimit": map[string]any{"requests": int64(10), "unit": "Second"}}
			})}},
			want: "at most 16 consumers of one service may have a rateLimit"},
		{name: "more than 20 tags", base: goodDataService,
			edits: []edit{{"spec.tags", repeat(21, func(i int) any { return "tag-" + strconv.Itoa(i) })}},
			want:  "spec.tags: Too many: 21: must have at most 20 items"},
		{name: "documentation URL that is not http or https", base: goodDataService,
			edits: []edit{{"spec.documentationURL", "ftp://stnmt.soctrang.gov.vn/docs"}},
			want:  "must be an absolute http or https URL, for example https://stnmt.example.gov.vn/api/dat-dai"},
		{name: "documentation URL without a host", base: goodDataService,
			edits: []edit{{"spec.documentationURL", "https:///docs"}},
			want:  "must be an absolute http or https URL"},
		{name: "version with a space", base: goodDataService,
			edits: []edit{{"spec.version", "v 1"}},
			want:  "version must start with a letter or digit and use only letters, digits and . _ -, for example v1 or 2.0"},
		{name: "open data refreshed more often than daily", base: goodPublicService,
			edits: []edit{{"spec.openData.refreshInterval", "1h"}},
			want:  "refreshInterval must be at least 24h"},
		{name: "data service name over 63 characters", base: goodDataService,
			edits: []edit{{"metadata.name", strings.Repeat("d", 64)}},
			want:  "a DataService name is a DNS label (at most 63 lowercase letters, digits and '-')"},
		{name: "data service name with a dot", base: goodDataService,
			edits: []edit{{"metadata.name", "dat-dai.v1"}},
			want:  "a DataService name is a DNS label"},

		// SharingAgreement.
		{name: "agreement that ends before it starts", base: goodAgreement,
			edits: []edit{{"spec.validFrom", "2027-01-01T00:00:00Z"}, {"spec.validUntil", "2026-12-31T00:00:00Z"}},
			want:  "spec: Invalid value: validUntil must be later than validFrom"},
		{name: "agreement service changed after creation", base: goodAgreement,
			updateEdits: []edit{{"spec.service.name", "quan-trac-moi-truong"}},
			want:        "service cannot be changed after the agreement is created: create a new SharingAgreement for the other service"},
		{name: "agreement purpose of blanks and a line break", base: goodAgreement,
			edits: []edit{{"spec.purpose", " \n\t "}},
			want:  "must not be blank"},
		{name: "agreement legal basis with a line break", base: goodAgreement,
			edits: []edit{{"spec.legalBasis", "Nghị định 47/2020\nĐiều 10"}},
			want:  "must be readable text on one line"},
		{name: "agreement without a purpose", base: goodAgreement,
			edits: []edit{{"spec.purpose", ""}},
			want:  "spec.purpose in body should be at least 1 chars long"},
		{name: "agreement without the service's namespace", base: goodAgreement,
			edits: []edit{{"spec.service.namespace", remove}},
			want:  "spec.service.namespace: Required value"},
		{name: "key rotation more often than hourly", base: goodAgreement,
			edits: []edit{{"spec.credentials.rotationInterval", "10m"}},
			want:  "rotationInterval must be at least 1h"},
		{name: "agreement name over 63 characters", base: goodAgreement,
			edits: []edit{{"metadata.name", strings.Repeat("s", 64)}},
			want:  "a SharingAgreement name is a DNS label (at most 63 lowercase letters, digits and '-'): it is part of Secret names and of the consumer's client id"},
		{name: "agreement name with a dot", base: goodAgreement,
			edits: []edit{{"metadata.name", "dat-dai.2026"}},
			want:  "a SharingAgreement name is a DNS label"},
	}

	if len(cases) < 30 {
		t.Fatalf("the suite must hold at least 30 bad manifests, has %d", len(cases))
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			name := fmt.Sprintf("bad-%d", i)
			obj := manifest(t, tc.base, name)
			for _, e := range tc.edits {
				apply(t, obj.Object, e, obj.GetName())
			}

			if tc.updateEdits == nil {
				err := k8s.Create(ctx, obj)
				assertRefused(t, err, tc.want)
				probe := &unstructured.Unstructured{}
				probe.SetGroupVersionKind(obj.GroupVersionKind())
				err = k8s.Get(ctx, client.ObjectKeyFromObject(obj), probe)
				if !apierrors.IsNotFound(err) {
					t.Fatalf("a refused manifest must leave nothing behind; Get returned %v", err)
				}
				return
			}

			if err := k8s.Create(ctx, obj); err != nil {
				t.Fatalf("create the valid object: %v", err)
			}
			t.Cleanup(func() { _ = k8s.Delete(ctx, obj) })
			stored := obj.DeepCopy()
			changed := obj.DeepCopy()
			for _, e := range tc.updateEdits {
				apply(t, changed.Object, e, name)
			}
			assertRefused(t, k8s.Update(ctx, changed), tc.want)

			after := obj.DeepCopy()
			if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), after); err != nil {
				t.Fatal(err)
			}
			if after.GetResourceVersion() != stored.GetResourceVersion() {
				t.Fatalf("a refused update must change nothing: resourceVersion went from %s to %s",
					stored.GetResourceVersion(), after.GetResourceVersion())
			}
		})
	}
}

// TestReadableTextIsAccepted: Vietnamese with diacritics, a description
// over several lines, and a limit counted in characters, not bytes (4,096
// two-byte letters).
func TestReadableTextIsAccepted(t *testing.T) {
	obj := manifest(t, goodDataService, "readable-text")
	apply(t, obj.Object, edit{"spec.title", "Tra cứu thông tin thửa đất – Sở Tài nguyên và Môi trường"}, obj.GetName())
	apply(t, obj.Object, edit{"spec.description", "Dòng một.\r\n\tDòng hai: " + strings.Repeat("đ", 4000)}, obj.GetName())
	if err := k8s.Create(t.Context(), obj); err != nil {
		t.Fatalf("readable Vietnamese text within its limit must be accepted: %v", err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
}

// TestSixteenRateLimitsAreAccepted is the edge of the limit refused above
// at 17: as many capped consumers as the gateway takes rules for.
func TestSixteenRateLimitsAreAccepted(t *testing.T) {
	obj := manifest(t, goodDataService, "sixteen-rate-limits")
	apply(t, obj.Object, edit{"spec.access.consumers", repeat(16, func(i int) any {
		return map[string]any{"agency": "ubnd-" + strconv.Itoa(i), "documentRef": "CV 2", "rateLimit": map[string]any{"requests": int64(10), "unit": "Second"}}
	})}, obj.GetName())
	if err := k8s.Create(t.Context(), obj); err != nil {
		t.Fatalf("16 capped consumers must be accepted: %v", err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
}

// assertRefused checks that the API server refused the request as invalid,
// with a message that contains want.
func assertRefused(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("the API server accepted a bad manifest; want it refused with %q", want)
	}
	if !apierrors.IsInvalid(err) {
		t.Fatalf("want an Invalid error, got %T: %v", err, err)
	}
	if !strings.Contains(err.Error(), want) {
		t.Fatalf("the refusal does not say what a person needs to read.\n got: %v\nwant: …%s…", err, want)
	}
}

func manifest(t *testing.T, doc, name string) *unstructured.Unstructured {
	t.Helper()
	obj := &unstructured.Unstructured{}
	if err := yaml.Unmarshal([]byte(doc), &obj.Object); err != nil {
		t.Fatal(err)
	}
	obj.SetName(name)
	return obj
}

func repeat(n int, item func(i int) any) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = item(i)
	}
	return out
}

var indexed = regexp.MustCompile(`^([A-Za-z]+)\[(\d+)\]$`)

// apply makes one edit. "$NAME" as a value stands for the object's name.
func apply(t *testing.T, obj map[string]any, e edit, name string) {
	t.Helper()
	if e.value == "$NAME" {
		e.value = name
	}
	parts := strings.Split(e.path, ".")
	var cur any = obj
	for i, part := range parts {
		last := i == len(parts)-1
		key, index := part, -1
		if m := indexed.FindStringSubmatch(part); m != nil {
			key = m[1]
			index, _ = strconv.Atoi(m[2])
		}
		parent := cur.(map[string]any)
		if index < 0 {
			if last {
				if e.value == remove {
					delete(parent, key)
				} else {
					parent[key] = e.value
				}
				return
			}
			if _, ok := parent[key]; !ok {
				parent[key] = map[string]any{}
			}
			cur = parent[key]
			continue
		}
		list, _ := parent[key].([]any)
		if index > len(list) {
			t.Fatalf("edit %s: index %d beyond the list", e.path, index)
		}
		if index == len(list) {
			list = append(list, map[string]any{})
			parent[key] = list
		}
		if last {
			list[index] = e.value
			return
		}
		cur = list[index]
	}
}

func ensureNamespace(t *testing.T, name string) {
	t.Helper()
	ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name}}
	if err := k8s.Create(context.Background(), ns); err != nil && !apierrors.IsAlreadyExists(err) {
		t.Fatal(err)
	}
}

// TestAnExternalBackendIsAccepted: the DIC's service of a national platform,
// with its CA, its credential and the national data elements it serves.
func TestAnExternalBackendIsAccepted(t *testing.T) {
	obj := manifest(t, goodDataService, "external-backend")
	apply(t, obj.Object, edit{"spec.backend", map[string]any{"external": map[string]any{
		"url": "https://api.ndxp.example.vn:8443/dan-cu/v1", "caCertificateRef": "ndxp-ca", "credentialSecretRef": "ndxp-credential", "credentialHeader": "Authorization"}}}, obj.GetName())
	apply(t, obj.Object, edit{"spec.dataElements", []any{"DC.CongDan.SoDinhDanh", "urn:cdd:0001"}}, obj.GetName())
	if err := k8s.Create(t.Context(), obj); err != nil {
		t.Fatalf("an external backend must be accepted: %v", err)
	}
	t.Cleanup(func() { _ = k8s.Delete(context.Background(), obj) })
}
