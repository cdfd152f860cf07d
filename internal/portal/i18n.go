package portal

// Languages the portal speaks: Vietnamese first, English on request.
const (
	langVI = "vi"
	langEN = "en"
)

// messages are the portal's words, by key and language.
var messages = map[string][2]string{
	"portal":              {"Cổng dữ liệu tỉnh", "Provincial data portal"},
	"home":                {"Trang chủ", "Home"},
	"catalog":             {"Danh mục dịch vụ dữ liệu", "Data service catalog"},
	"directory":           {"Danh bạ đầu mối", "Focal-point directory"},
	"openData":            {"Dữ liệu mở", "Open data"},
	"statistics":          {"Thống kê chia sẻ dữ liệu", "Data-sharing statistics"},
	"waiting":             {"Việc đang chờ ai", "What waits for whom"},
	"whatToDo":            {"Việc cần làm", "What must be done"},
	"signedInAs":          {"Đăng nhập:", "Signed in as"},
	"anonymous":           {"Khách (chưa đăng nhập)", "Guest (not signed in)"},
	"search":              {"Tìm kiếm", "Search"},
	"agency":              {"Cơ quan", "Agency"},
	"classification":      {"Phân loại", "Classification"},
	"audience":            {"Phạm vi", "Audience"},
	"tag":                 {"Thẻ", "Tag"},
	"ready":               {"Sẵn sàng", "Ready"},
	"any":                 {"Tất cả", "Any"},
	"service":             {"Dịch vụ", "Service"},
	"version":             {"Phiên bản", "Version"},
	"protocol":            {"Giao thức", "Protocol"},
	"url":                 {"Địa chỉ", "URL"},
	"state":               {"Trạng thái", "State"},
	"documentation":       {"Tài liệu", "Documentation"},
	"schema":              {"Lược đồ dữ liệu", "Schema"},
	"dataOwner":           {"Chủ quản dữ liệu", "Data owner"},
	"updateFrequency":     {"Tần suất cập nhật", "Update frequency"},
	"review":              {"Rà soát định kỳ", "Yearly review"},
	"whoMayUse":           {"Ai được sử dụng, và vì sao", "Who may use it, and why"},
	"liveConsumers":       {"Đang sử dụng", "Live consumers"},
	"openDataUse":         {"Dữ liệu mở: ai cũng được sử dụng theo giấy phép, không cần thỏa thuận hay khóa truy cập; gọi trực tiếp địa chỉ ở trên.", "Open data: anyone may use it under its licence, with no agreement and no key; call the address above."},
	"requestAccess":       {"Đề nghị sử dụng", "Request access"},
	"name":                {"Họ và tên", "Name"},
	"title":               {"Chức vụ", "Title"},
	"email":               {"Thư điện tử", "Email"},
	"phone":               {"Điện thoại", "Phone"},
	"role":                {"Vai trò", "Role"},
	"appointment":         {"Thời hạn phân công", "Appointment"},
	"license":             {"Giấy phép", "Licence"},
	"lastUpdated":         {"Cập nhật lần cuối", "Last updated"},
	"nextDue":             {"Hạn cập nhật tiếp", "Next refresh due"},
	"overdue":             {"Quá hạn", "Overdue"},
	"onTime":              {"Đúng hạn", "On time"},
	"never":               {"Chưa có", "Never"},
	"servicesTitle":       {"Dịch vụ theo cơ quan", "Services by agency"},
	"agreementsTitle":     {"Thỏa thuận theo cơ quan", "Agreements by agency"},
	"undisclosedConsumer": {"Bên sử dụng không công bố (dữ liệu hạn chế)", "Consumer not published (restricted data)"},
	"matrix":              {"Bên cung cấp × bên sử dụng (thỏa thuận đang hiệu lực)", "Provider × consumer (live agreements)"},
	"provided":            {"Cung cấp", "Provided"},
	"consumed":            {"Sử dụng", "Consumed"},
	"total":               {"Tổng", "Total"},
	"live":                {"Thỏa thuận đang hiệu lực", "Live agreements"},
	"agenciesTitle":       {"Dịch vụ và thỏa thuận theo cơ quan", "Services and agreements by agency"},
	"downloadCSV":         {"Tải về CSV", "Download CSV"},
	"mustAct":             {"Bên phải xử lý", "Must act"},
	"agreement":           {"Thỏa thuận", "Agreement"},
	"respondBy":           {"Hạn trả lời", "Answer due by"},
	"nothingWaits":        {"Không có việc nào đang chờ.", "Nothing waits."},
	"signInNeeded":        {"Trang này dành cho cán bộ: hãy đăng nhập qua cổng LGSP của tỉnh.", "This page is for officers: sign in through the province's LGSP gateway."},
	"notAllowed":          {"Quyền của bạn không cho phép xem nội dung này.", "Your rights do not let you see this."},
	"notFound":            {"Không tìm thấy.", "Not found."},
	"requestHelp":         {"Cổng không ghi gì vào hệ thống: hãy đưa tệp này vào kho Git của cơ quan bạn; Argo CD sẽ áp dụng.", "The portal writes nothing: commit this file to your agency's Git repository; Argo CD applies it."},
	"beforeLive":          {"Trước khi có hiệu lực:", "Before it is live:"},
	"purpose":             {"Mục đích sử dụng", "Purpose"},
	"legalBasis":          {"Căn cứ pháp lý", "Legal basis"},
	"asAgency":            {"Cơ quan đề nghị", "Requesting agency"},
	"produce":             {"Tạo tệp", "Produce the file"},
	"liveByProvider":      {"Thỏa thuận đang hiệu lực theo bên cung cấp", "Live agreements by provider"},
	"keysTitle":           {"Khóa truy cập theo tháng", "Access keys by month"},
	"keysByMonth":         {"Khóa truy cập cấp mới và thu hồi theo tháng", "Access keys issued and revoked by month"},
	"keysIntro":           {"Khóa cấp cho các thỏa thuận trên dịch vụ của mọi cơ quan; khóa cấp mới gồm cả khóa thay thế khi luân chuyển định kỳ. Khóa thu hồi là khóa bị gỡ khi thỏa thuận hết hiệu lực hoặc bị xóa.", "Keys of the agreements on every agency's services; keys issued include those that replaced a key at rotation. Keys revoked are those removed when an agreement stopped being live or was deleted."},
	"month":               {"Tháng", "Month"},
	"trafficTitle":        {"Lưu lượng qua nền tảng LGSP", "Traffic through the LGSP"},
	"trafficIntro":        {"Số yêu cầu nền tảng LGSP đã chuyển theo từng tháng, theo cơ quan cung cấp; yêu cầu lỗi gồm bị từ chối, vượt hạn mức và lỗi máy chủ. Bên sử dụng dịch vụ dữ liệu hạn chế không được công bố.", "Requests the LGSP carried month by month, by providing agency; failed requests are those refused, rate limited or answered with an error. The consumers of restricted services are not published."},
	"trafficByMonth":      {"Yêu cầu qua LGSP theo tháng", "Requests through the LGSP by month"},
	"requests":            {"Yêu cầu", "Requests"},
	"failedRequests":      {"Yêu cầu lỗi", "Failed requests"},
	"downloadTrafficCSV":  {"Tải về CSV lưu lượng theo dịch vụ và bên sử dụng", "Download the traffic by service and consumer as CSV"},
	"noTraffic":           {"Chưa có yêu cầu nào được ghi nhận.", "No request recorded yet."},
	"keysIssued":          {"Cấp mới", "Issued"},
	"keysRotated":         {"Trong đó luân chuyển", "Of which rotations"},
	"keysRevoked":         {"Thu hồi", "Revoked"},
	"noKeys":              {"Chưa có khóa nào được cấp.", "No key has been issued yet."},
	"downloadKeysCSV":     {"Tải về CSV theo cơ quan", "Download CSV by agency"},
	"homeIntro":           {"Danh mục dịch vụ dữ liệu, đầu mối, dữ liệu mở và thống kê chia sẻ dữ liệu của các cơ quan nhà nước trong tỉnh.", "The data services, focal points, open data and data-sharing statistics of the province's state agencies."},
	"agencies":            {"Cơ quan", "Agencies"},
	"services":            {"Dịch vụ", "Services"},
	"agreements":          {"Thỏa thuận", "Agreements"},
	"language":            {"English", "Tiếng Việt"},
	"timeZone":            {"Giờ địa phương", "Local time"},
	"signIn":              {"Đăng nhập", "Sign in"},
}

// translate returns the word for key in lang.
func translate(lang, key string) string {
	m, ok := messages[key]
	if !ok {
		return key
	}
	if lang == langEN {
		return m[1]
	}
	return m[0]
}
