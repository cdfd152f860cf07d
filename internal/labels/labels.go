// Package labels holds the words a person reads for each value of the
// API's enums and condition reasons, in Vietnamese and in English: one
// catalogue for the portal and the kubectl plugin, so that no English enum
// reaches a Vietnamese page.
package labels

// Kind says which enum a value belongs to: the same word can be two values
// (Province is an audience and an agency's level).
type Kind string

// The kinds of value the catalogue labels.
const (
	Reason         Kind = "Reason"
	Role           Kind = "Role"
	Classification Kind = "Classification"
	Audience       Kind = "Audience"
	Level          Kind = "Level"
	// Party is who an agreement waits for (consent.Party).
	Party Kind = "Party"
	// Action is, for each state an agreement can wait in, what the party
	// it waits for must do, in a sentence.
	Action Kind = "Action"
)

// Languages a label is given in.
const (
	Vietnamese = "vi"
	English    = "en"
)

// catalogue holds each value's label, Vietnamese then English.
var catalogue = map[Kind]map[string][2]string{
	Reason: {
		"Reconciling":                    {"Đang xử lý", "Being reconciled"},
		"Ready":                          {"Sẵn sàng", "Ready"},
		"Progressing":                    {"Đang tiến hành", "In progress"},
		"NamespaceNotFound":              {"Không có namespace", "Namespace not found"},
		"NamespaceClaimed":               {"Namespace thuộc cơ quan khác", "Namespace held by another agency"},
		"NamespaceNotLabelled":           {"Namespace chưa được gắn nhãn", "Namespace not labelled"},
		"NoFocalPoint":                   {"Chưa có đầu mối", "No focal point"},
		"FocalPointUnbound":              {"Đầu mối chính chưa được cấp quyền", "Primary focal point holds no rights"},
		"Appointed":                      {"Đã phân công", "Appointed"},
		"AppointmentNotStarted":          {"Chưa đến thời hạn phân công", "Appointment not started"},
		"AppointmentEnded":               {"Hết thời hạn phân công", "Appointment ended"},
		"DuplicatePrimary":               {"Trùng đầu mối chính", "Duplicate primary"},
		"SubjectOutsideIdentityProvider": {"Tài khoản ngoài hệ thống định danh", "Account outside the identity provider"},
		"SystemSubject":                  {"Tài khoản hệ thống của cụm", "The cluster's own account"},
		"EarlierAgency":                  {"Đầu mối của cơ quan trước", "Appointed by an earlier agency"},
		"NoAgency":                       {"Không có cơ quan", "No agency"},
		"Bound":                          {"Đã cấp quyền", "Rights granted"},
		"NotBound":                       {"Chưa cấp quyền", "Rights not granted"},
		"EndorsedServicesFound":          {"Các dịch vụ được chấp thuận đều có", "Endorsed services found"},
		"UnknownService":                 {"Dịch vụ không tồn tại", "Unknown service"},
		"AgencyNotReady":                 {"Cơ quan chưa sẵn sàng", "Agency not ready"},
		"NotAppraised":                   {"Chưa được thẩm định", "Not appraised"},
		"AppraisalOutdated":              {"Thẩm định chưa cập nhật", "Appraisal outdated"},
		"BackendNotFound":                {"Không có hệ thống cung cấp", "Backend not found"},
		"BackendPortNotFound":            {"Sai cổng của hệ thống cung cấp", "Backend port not found"},
		"PathConflict":                   {"Trùng đường dẫn", "Path conflict"},
		"GatewayNotFound":                {"Không có cổng LGSP", "LGSP gateway not found"},
		"ListenerNotFound":               {"Không có cổng nghe", "Listener not found"},
		"NoTLSListener":                  {"Không có cổng nghe HTTPS", "No HTTPS listener"},
		"Reachable":                      {"Kết nối được", "Reachable"},
		"GatewayAPIMissing":              {"Thiếu Gateway API", "Gateway API missing"},
		"SelectorlessBackend":            {"Hệ thống cung cấp không có bộ chọn", "Backend without a selector"},
		"RouteRefsUnresolved":            {"Cổng chưa tìm được đối tượng tuyến tham chiếu", "The gateway cannot resolve what the route names"},
		"ExternalBackend":                {"Hệ thống cung cấp ngoài cụm, qua cổng LGSP", "Backend outside the cluster, through the LGSP"},
		"ExternalNotCoordinator":         {"Chỉ Sở TT&TT công bố dịch vụ bên ngoài", "Only the DIC publishes an outside service"},
		"ExternalNeedsEnvoyGateway":      {"Dịch vụ bên ngoài cần Envoy Gateway", "An outside service needs Envoy Gateway"},
		"OfferedNationally":              {"Cung cấp cho nền tảng quốc gia", "Offered to the national platform"},
		"NotOfferedNationally":           {"Chưa cung cấp cho nền tảng quốc gia", "Not offered to the national platform"},
		"Accepted":                       {"Được chấp nhận", "Accepted"},
		"NotPublished":                   {"Chưa công bố", "Not published"},
		"WaitingForGateway":              {"Chờ cổng LGSP", "Waiting for the gateway"},
		"RouteNotAccepted":               {"Cổng LGSP chưa chấp nhận tuyến", "Route not accepted"},
		"Isolated":                       {"Đã cô lập mạng", "Network isolated"},
		"ReviewCurrent":                  {"Đã rà soát", "Review current"},
		"ReviewOverdue":                  {"Quá hạn rà soát", "Review overdue"},
		"NeverReviewed":                  {"Chưa rà soát", "Never reviewed"},
		"Fresh":                          {"Dữ liệu còn mới", "Fresh"},
		"RefreshOverdue":                 {"Quá hạn cập nhật", "Refresh overdue"},
		"NeverRefreshed":                 {"Chưa cập nhật", "Never refreshed"},
		"ConsumersRegistered":            {"Bên sử dụng đã đăng ký", "Consumers registered"},
		"UnknownConsumer":                {"Bên sử dụng chưa đăng ký", "Unknown consumer"},
		"NotOpenData":                    {"Không phải dữ liệu mở", "Not open data"},
		"ResponseOverdue":                {"Quá hạn trả lời", "Response overdue"},
		"AwaitingResponse":               {"Chờ trả lời", "Awaiting a response"},
		"Answered":                       {"Đã trả lời", "Answered"},
		"NoRequest":                      {"Không có đề nghị", "No request"},
		"Active":                         {"Đang hiệu lực", "Active"},
		"AwaitingProviderConsent":        {"Chờ bên cung cấp đồng ý", "Awaiting the provider's consent"},
		"AwaitingCoordinatorEndorsement": {"Chờ Sở TT&TT chấp thuận", "Awaiting the DIC's endorsement"},
		"RefusedByProvider":              {"Bên cung cấp từ chối", "Refused by the provider"},
		"RefusedByCoordinator":           {"Sở TT&TT từ chối", "Refused by the DIC"},
		"ConsumerHasNoFocalPoint":        {"Bên sử dụng chưa có đầu mối", "Consumer has no focal point"},
		"ServiceNotReady":                {"Dịch vụ chưa sẵn sàng", "Service not ready"},
		"ServiceUnreachable":             {"Không kết nối được dịch vụ", "Service unreachable"},
		"NotYetValid":                    {"Chưa đến thời hạn", "Not yet valid"},
		"Expired":                        {"Hết hạn", "Expired"},
		"NoConsumerAgency":               {"Không có cơ quan sử dụng", "No consumer agency"},
		"SelfSharing":                    {"Cơ quan tự sử dụng dịch vụ của mình", "Own agency's service"},
		"PublicService":                  {"Dữ liệu mở, không cần khóa", "Open data, no key"},
		"Issued":                         {"Đã cấp khóa", "Key issued"},
		"NotIssued":                      {"Chưa cấp khóa", "No key issued"},
		"Other":                          {"Khác", "Other"},
		"InUse":                          {"Đang được sử dụng", "In use"},
		"UpstreamFailing":                {"Kết nối tới hệ thống nguồn đang lỗi", "Upstream failing"},
		"ConnectionHealthy":              {"Kết nối bình thường", "Connection healthy"},
		"NoRequests":                     {"Không được sử dụng", "No requests"},
		"NotLive":                        {"Chưa có hiệu lực", "Not live"},
	},
	Role: {
		"Primary": {"Đầu mối chính", "Primary"},
		"Deputy":  {"Đầu mối phụ", "Deputy"},
	},
	Classification: {
		"Open":       {"Mở", "Open"},
		"Shared":     {"Dùng chung", "Shared"},
		"Restricted": {"Hạn chế", "Restricted"},
	},
	Audience: {
		"Public":   {"Công khai", "Public"},
		"Province": {"Trong tỉnh", "Province"},
		"Listed":   {"Theo danh sách", "Listed"},
	},
	Party: {
		"Provider":    {"Cơ quan cung cấp", "The provider"},
		"Coordinator": {"Sở TT&TT (cơ quan điều phối)", "The DIC (coordinator)"},
		"Consumer":    {"Cơ quan sử dụng", "The consumer"},
		"Platform":    {"Đơn vị vận hành nền tảng LGSP", "The LGSP platform team"},
		"Operator":    {"Hệ thống (đang xử lý)", "The operator (in progress)"},
	},
	Action: {
		"AwaitingProviderConsent":        {"Cơ quan cung cấp đồng ý (ghi cơ quan sử dụng vào spec.access.consumers) hoặc từ chối bằng văn bản, nêu lý do và căn cứ pháp lý (spec.access.refusals), trong thời hạn trả lời.", "The provider consents (spec.access.consumers) or refuses in writing with its reasons and legal basis (spec.access.refusals), by the answer's deadline."},
		"AwaitingCoordinatorEndorsement": {"Sở TT&TT đồng ý cho cơ quan ngoài tỉnh sử dụng dịch vụ (spec.endorsements của Agency) hoặc từ chối bằng văn bản (spec.declinedEndorsements).", "The DIC endorses the outside body's use of the service (the Agency's spec.endorsements) or declines in writing (spec.declinedEndorsements)."},
		"RefusedByProvider":              {"Cơ quan cung cấp đã từ chối bằng văn bản; cơ quan sử dụng có thể giải trình và đề nghị lại. Lý do xem tại trang dịch vụ.", "The provider refused in writing; the consumer may answer its reasons and ask again. The reasons are on the service's page."},
		"RefusedByCoordinator":           {"Sở TT&TT đã từ chối bằng văn bản; cơ quan sử dụng có thể giải trình và đề nghị lại.", "The DIC declined in writing; the consumer may answer its reasons and ask again."},
		"ConsumerHasNoFocalPoint":        {"Cơ quan sử dụng phân công đầu mối chính (FocalPoint, vai trò Primary) còn hiệu lực.", "The consumer appoints an active primary focal point (a FocalPoint with role Primary)."},
		"NoConsumerAgency":               {"Sở TT&TT đăng ký cơ quan sử dụng (Agency) và gắn nhãn namespace của cơ quan.", "The DIC registers the consumer agency (an Agency) and labels its namespace."},
		"SelfSharing":                    {"Cơ quan dùng dữ liệu của chính mình không cần thỏa thuận: cơ quan sử dụng xóa thỏa thuận này.", "An agency uses its own data without an agreement: the consumer deletes this agreement."},
		"ServiceNotReady":                {"Cơ quan cung cấp (hoặc Sở TT&TT, nếu chưa thẩm định) đưa dịch vụ vào trạng thái sẵn sàng.", "The provider (or the DIC, if it is not appraised) makes the service Ready."},
		"ServiceUnreachable":             {"Đơn vị vận hành nền tảng khôi phục đường kết nối tới dịch vụ; khóa vẫn giữ nguyên.", "The platform team restores the way to the service; the key stays."},
		"NotYetValid":                    {"Không cần làm gì: thỏa thuận có hiệu lực từ thời điểm đã ghi.", "Nothing to do: the agreement takes effect at its recorded start."},
		"Expired":                        {"Cơ quan sử dụng (hoặc bên có thời hạn đã hết) gia hạn thỏa thuận hoặc sự đồng ý.", "The consumer (or whichever party's window ended) renews the agreement or the consent."},
		"Reconciling":                    {"Hệ thống đang xử lý thỏa thuận.", "The operator is deciding the agreement."},
	},
	Level: {
		"Province":      {"Cấp tỉnh", "Province"},
		"Department":    {"Sở, ban, ngành", "Department"},
		"District":      {"Cấp huyện", "District"},
		"Commune":       {"Cấp xã", "Commune"},
		"Central":       {"Trung ương", "Central"},
		"OtherProvince": {"Tỉnh khác", "Other province"},
		"National":      {"Nền tảng quốc gia", "National platform"},
	},
}

// Label is value's label in lang (English when lang is English, else
// Vietnamese), or the value itself when the catalogue has none.
func Label(lang string, kind Kind, value string) string {
	l, ok := catalogue[kind][value]
	switch {
	case !ok:
		return value
	case lang == English:
		return l[1]
	default:
		return l[0]
	}
}

// Known says whether the catalogue labels value.
func Known(kind Kind, value string) bool {
	_, ok := catalogue[kind][value]
	return ok
}
