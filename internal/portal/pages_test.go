package portal

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

var t0 = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

func ready(reason string, status metav1.ConditionStatus, msg string) []metav1.Condition {
	return []metav1.Condition{{Type: "Ready", Status: status, Reason: reason, Message: msg}}
}

// province is a small world: so-tnmt provides, so-khdt and ubnd-tp consume.
func province() []client.Object {
	agency := func(name string) *v1alpha1.Agency {
		return &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan " + name, Namespace: v1alpha1.ObjectName(name), Level: v1alpha1.LevelDepartment},
			Status: v1alpha1.AgencyStatus{Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	}
	fp := &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "nguyen-van-an"},
		Spec: v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Person: v1alpha1.Contact{Name: "Nguyễn Văn An", Title: "Trưởng phòng", Email: "an@stnmt.example.gov.vn"},
			Appointment: v1alpha1.Appointment{ValidFrom: metav1.NewTime(t0.AddDate(-1, 0, 0))}},
		Status: v1alpha1.FocalPointStatus{Agency: "so-tnmt", Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	ended := fp.DeepCopy()
	ended.Name, ended.Spec.Person.Name, ended.Status.Conditions = "cu", "Người Đã Thôi", ready("AppointmentEnded", metav1.ConditionFalse, "")
	datDai := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "dat-dai"},
		Spec: v1alpha1.DataServiceSpec{Title: "Tra cứu thửa đất", Description: "Thông tin thửa đất", Version: "v1", Classification: v1alpha1.ClassificationShared,
			Tags: []string{"dat-dai"}, Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince}},
		Status: v1alpha1.DataServiceStatus{URL: "https://lgsp.example.gov.vn/so-tnmt/dat-dai/v1", LiveAgreements: 2, Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	quanTrac := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "quan-trac"},
		Spec: v1alpha1.DataServiceSpec{Title: "Quan trắc môi trường", Description: "Số liệu quan trắc", Version: "v1", Classification: v1alpha1.ClassificationOpen,
			Access: v1alpha1.Access{Audience: v1alpha1.AudiencePublic}, OpenData: &v1alpha1.OpenData{License: "CC-BY-4.0", LastUpdated: &metav1.Time{Time: t0.AddDate(0, -4, 0)}}},
		Status: v1alpha1.DataServiceStatus{URL: "https://lgsp.example.gov.vn/so-tnmt/quan-trac/v1", Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	agreement := func(ns, name, svc string, reason string, status metav1.ConditionStatus, msg string) *v1alpha1.SharingAgreement {
		return &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: "so-tnmt", Name: v1alpha1.ObjectName(svc)}},
			Status: v1alpha1.SharingAgreementStatus{ProviderAgency: "so-tnmt", ConsumerAgency: ns, Conditions: ready(reason, status, msg)}}
	}
	tnmt, tp := agency("so-tnmt"), agency("ubnd-tp")
	tnmt.Status.KeyHistory = []v1alpha1.KeyMonth{{Month: "2026-10", Issued: 7, Rotated: 2, Revoked: 1}, {Month: "2026-11", Issued: 3}}
	tp.Status.KeyHistory = []v1alpha1.KeyMonth{{Month: "2026-11", Issued: 2, Revoked: 5}}
	waiting := agreement("so-khdt", "ho-so", "ho-so", "AwaitingProviderConsent", metav1.ConditionFalse, "agency so-tnmt must list agency so-khdt in spec.access.consumers")
	// Due at the end of the working day in the province: 23:59:59 there.
	waiting.Status.Request = &v1alpha1.RequestStatus{RespondBy: metav1.NewTime(time.Date(2026, 12, 8, 16, 59, 59, 0, time.UTC))}
	return []client.Object{tnmt, agency("so-khdt"), tp, fp, ended, datDai, quanTrac,
		agreement("so-khdt", "dat-dai", "dat-dai", "Active", metav1.ConditionTrue, "live"),
		agreement("ubnd-tp", "dat-dai", "dat-dai", "Active", metav1.ConditionTrue, "live"),
		waiting,
		agreement("ubnd-tp", "bi-mat", "bi-mat", "AwaitingProviderConsent", metav1.ConditionFalse, "agency so-tnmt must list agency ubnd-tp (ubnd-tp's own request)"),
	}
}

// fakeReviewer knows three tokens: a focal point of so-khdt, who reads the
// catalog and its own agency's agreements; the DIC, who reads everything;
// and a bad one.
type fakeReviewer struct{}

func (fakeReviewer) Authenticate(_ context.Context, token string) (Viewer, error) {
	switch token {
	case "khdt":
		return Viewer{Name: "dung@skhdt"}, nil
	case "dic":
		return Viewer{Name: "mai@stttt"}, nil
	}
	return Viewer{}, errors.New("the token is not valid")
}

func (fakeReviewer) Allowed(_ context.Context, v Viewer, verb, resource, ns string) (bool, error) {
	switch v.Name {
	case "mai@stttt":
		return true, nil
	case "dung@skhdt":
		// As the focal-point roles grant: everything in its own namespace,
		// and the catalog (DataServices and Agencies) read everywhere.
		read := verb == "get" || verb == "list" || verb == "watch"
		return ns == "so-khdt" || read && (resource == "dataservices" || resource == "agencies"), nil
	}
	return false, nil
}

func server(t *testing.T, more ...client.Object) http.Handler {
	t.Helper()
	reader := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(append(province(), more...)...).Build()
	s := &Server{Reader: reader, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard(), Now: func() time.Time { return t0 }}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func get(t *testing.T, h http.Handler, path, token string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(http.MethodGet, path, nil)
	if token != "" {
		r.Header.Set("Authorization", "Bearer "+token)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	body, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(body)
}

func TestEveryPageForEveryRole(t *testing.T) {
	h := server(t)
	for _, tc := range []struct {
		name, path, token string
		code              int
		want, wantNot     []string
	}{
		{"the directory is public", "/directory", "", 200, []string{"Nguyễn Văn An", "an@stnmt.example.gov.vn", "Cơ quan so-tnmt"}, []string{"Người Đã Thôi"}},
		{"open data is public, overdue after 3 months", "/open-data", "", 200, []string{"Quan trắc môi trường", "CC-BY-4.0", "Quá hạn"}, []string{"Tra cứu thửa đất"}},
		{"statistics are public", "/statistics", "", 200, []string{"<svg", "so-tnmt", "Thỏa thuận đang hiệu lực theo bên cung cấp"}, nil},
		// The province's keys by month: so-tnmt's and ubnd-tp's summed.
		{"keys by month", "/statistics", "", 200, []string{"Khóa truy cập cấp mới và thu hồi theo tháng",
			`<th scope="row">2026-10</th><td>7</td><td>2</td><td>1</td>`, `<th scope="row">2026-11</th><td>5</td><td>0</td><td>5</td>`,
			"<title>2026-11 Thu hồi: 5</title>"}, nil},
		{"the catalog needs a sign-in", "/catalog", "", 401, []string{"đăng nhập"}, []string{"Tra cứu thửa đất"}},
		{"what waits needs a sign-in", "/waiting", "", 401, nil, []string{"ho-so"}},
		{"a service page needs a sign-in", "/services/so-tnmt/dat-dai", "", 401, nil, []string{"lgsp.example.gov.vn"}},
		{"a bad token is refused", "/catalog", "stolen", 401, nil, []string{"stolen"}},
		{"a focal point reads the catalog", "/catalog", "khdt", 200, []string{"Tra cứu thửa đất", "Quan trắc môi trường", "dung@skhdt"}, nil},
		{"the catalog searches", "/catalog?q=th%E1%BB%ADa", "khdt", 200, []string{"Tra cứu thửa đất"}, []string{"Quan trắc môi trường"}},
		{"the catalog searches without diacritics", "/catalog?q=thua+dat", "khdt", 200, []string{"Tra cứu thửa đất"}, []string{"Quan trắc môi trường"}},
		{"the catalog searches what a phone sends (decomposed Unicode)", "/catalog?q=thu%CC%9B%CC%89a%20%C4%91a%CC%82%CC%81t", "khdt", 200,
			[]string{"Tra cứu thửa đất"}, []string{"Quan trắc môi trường"}},
		{"the catalog searches an agency's name", "/catalog?q=co+quan+so-tnmt", "khdt", 200, []string{"Tra cứu thửa đất"}, nil},
		{"the catalog filters by audience", "/catalog?audience=Public", "khdt", 200, []string{"Quan trắc môi trường"}, []string{"Tra cứu thửa đất"}},
		{"a focal point sees its own agency's waiting agreements only", "/waiting", "khdt", 200,
			[]string{"so-khdt/ho-so", "Cơ quan cung cấp đồng ý (ghi cơ quan sử dụng vào spec.access.consumers)", "Bên phải xử lý: Cơ quan cung cấp — Cơ quan so-tnmt"},
			[]string{"ubnd-tp/bi-mat", "agency so-tnmt must list agency so-khdt", "agency so-tnmt<"}},
		{"the DIC sees every waiting agreement", "/waiting", "dic", 200, []string{"so-khdt/ho-so", "ubnd-tp/bi-mat"}, nil},
		{"a focal point sees how many use a service, not who", "/services/so-tnmt/dat-dai", "khdt", 200,
			[]string{"https://lgsp.example.gov.vn/so-tnmt/dat-dai/v1", "<p>2</p>"}, []string{"ubnd-tp"}},
		{"the DIC sees who uses it", "/services/so-tnmt/dat-dai", "dic", 200, []string{"so-khdt, ubnd-tp"}, nil},
		{"a missing service", "/services/so-tnmt/khong-co", "dic", 404, []string{"Không tìm thấy"}, nil},
		// The open dataset's landing page, which the feed names, is
		// public; a service that is not open data is not, nor is its
		// existence.
		{"open data's page, to anyone", "/services/so-tnmt/quan-trac", "", 200,
			[]string{"Quan trắc môi trường", "CC-BY-4.0", "27/07/2026", "Dữ liệu mở: ai cũng được sử dụng theo giấy phép", "https://lgsp.example.gov.vn/so-tnmt/quan-trac/v1"},
			[]string{"/services/so-tnmt/quan-trac/request"}},
		{"a shared service's page, not to the anonymous", "/services/so-tnmt/dat-dai", "", 401, nil, []string{"Tra cứu thửa đất"}},
		{"a missing service, to the anonymous: as any page for officers", "/services/so-tnmt/khong-co", "", 401, nil, nil},
		{"no request form for the anonymous, even for open data", "/services/so-tnmt/quan-trac/request", "", 401, nil, nil},
		{"the request page produces the manifest", "/services/so-tnmt/dat-dai/request?agency=so-khdt&purpose=Tra+c%E1%BB%A9u&legalBasis=N%C4%90+47", "khdt", 200,
			[]string{"kind: SharingAgreement", "namespace: so-khdt", "purpose: Tra cứu", "kubectl apply -f dat-dai.yaml", "không cần gì thêm"}, []string{"nothing more is needed"}},
		{"English on request", "/directory?lang=en", "", 200, []string{"Focal-point directory", `lang="en"`}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, h, tc.path, tc.token)
			if code != tc.code {
				t.Errorf("status %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page does not contain %q", w)
				}
			}
			for _, w := range tc.wantNot {
				if strings.Contains(body, w) {
					t.Errorf("the page contains %q, which this viewer must not see", w)
				}
			}
			if t.Failed() {
				t.Logf("page:\n%s", body)
			}
		})
	}
}

func TestStatisticsCSV(t *testing.T) {
	code, body := get(t, server(t), "/statistics.csv", "")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if !strings.HasPrefix(lines[0], "agency,agency_name,services_open,services_shared,services_restricted,live_provided") || !strings.Contains(body, "so-tnmt,Cơ quan so-tnmt,1,1,0,2") {
		t.Errorf("csv:\n%s", body)
	}
}

// TestPagesSpeakVietnameseInTheProvincesTime: a Vietnamese page shows the
// API's values by their Vietnamese labels and a moment in the province's
// time, written the Vietnamese way; ?lang=en, the English labels.
func TestPagesSpeakVietnameseInTheProvincesTime(t *testing.T) {
	h := server(t)
	for _, tc := range []struct {
		path          string
		want, wantNot []string
	}{
		{"/waiting", []string{"Chờ bên cung cấp đồng ý", "23:59 08/12/2026", `title="Giờ địa phương: Asia/Ho_Chi_Minh"`},
			[]string{">AwaitingProviderConsent<", "16:59:59Z<", "2026-12-08T16:59:59Z<"}},
		{"/waiting?lang=en", []string{"Awaiting the provider&#39;s consent", "2026-12-08 23:59", "Must act: The provider — Cơ quan so-tnmt",
			"agency so-tnmt must list agency so-khdt"}, []string{"Cơ quan cung cấp đồng ý"}},
		{"/catalog", []string{"Dùng chung", "Trong tỉnh", "Mở", "Công khai", ">Hạn chế</option>", `<p class="meta">Cơ quan so-tnmt · `},
			[]string{"· Shared ·", "· Province ·", ">Restricted</option>", `<p class="meta">so-tnmt · `}},
		{"/directory", []string{"Đầu mối chính"}, []string{"<td>Primary</td>"}},
		{"/services/so-tnmt/dat-dai", []string{"Dùng chung", "Trong tỉnh"}, []string{"<dd>Shared</dd>", ": Province<"}},
		// Agencies by the names people know them by; a figure says what
		// it counts.
		{"/statistics", []string{`<th scope="row">Cơ quan so-tnmt</th>`, `<th scope="col">Cơ quan so-khdt</th>`, "Dịch vụ và thỏa thuận theo cơ quan"},
			[]string{`<th scope="row">so-tnmt</th>`}},
		{"/", []string{"<dt>Thỏa thuận đang hiệu lực</dt>"}, []string{"<dt>Hiệu lực</dt>"}},
	} {
		_, body := get(t, h, tc.path, "khdt")
		for _, w := range tc.want {
			if !strings.Contains(body, w) {
				t.Errorf("%s does not say %q", tc.path, w)
			}
		}
		for _, w := range tc.wantNot {
			if strings.Contains(body, w) {
				t.Errorf("%s says %q", tc.path, w)
			}
		}
	}
}

// TestAnonymousVisitorsAreShownWhatTheyMayOpen: the menu offers a
// visitor the public pages only, with a way to sign in; a page for officers
// answers 401 with the same link.
func TestAnonymousVisitorsAreShownWhatTheyMayOpen(t *testing.T) {
	reader := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(province()...).Build()
	s := &Server{Reader: reader, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard(),
		Now: func() time.Time { return t0 }, SignInURL: "https://dang-nhap.soctrang.gov.vn/?rd=/catalog"}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	signIn := `<a href="https://dang-nhap.soctrang.gov.vn/?rd=/catalog">Đăng nhập</a>`
	_, home := get(t, h, "/", "")
	for _, want := range []string{`href="/directory"`, `href="/open-data"`, `href="/statistics"`, signIn} {
		if !strings.Contains(home, want) {
			t.Errorf("the home page shows a visitor no %s", want)
		}
	}
	for _, hidden := range []string{`href="/catalog"`, `href="/waiting"`} {
		if strings.Contains(home, hidden) {
			t.Errorf("the menu offers a visitor %s, which answers 401", hidden)
		}
	}
	if code, body := get(t, h, "/catalog", ""); code != http.StatusUnauthorized || !strings.Contains(body, `class="button" href="https://dang-nhap.soctrang.gov.vn/?rd=/catalog"`) {
		t.Errorf("/catalog to a visitor: %d, no sign-in link:\n%s", code, body)
	}
	if _, officer := get(t, h, "/", "khdt"); !strings.Contains(officer, `href="/catalog"`) || strings.Contains(officer, signIn) {
		t.Error("a signed-in officer's menu lacks the catalog, or still offers to sign in")
	}
}

// TestTheRequestFormStartsAtTheViewersAgency: the agency list is in the
// register's order, and the viewer's own agency is chosen.
func TestTheRequestFormStartsAtTheViewersAgency(t *testing.T) {
	_, body := get(t, server(t), "/services/so-tnmt/dat-dai/request", "khdt")
	if !strings.Contains(body, "<option selected>so-khdt</option>") {
		t.Errorf("the form does not start at so-khdt, the viewer's agency:\n%s", body)
	}
}

// TestPagesKeepTheirOrder: the directory and the catalog list in one
// order, Vietnamese alphabetical, on every reload.
func TestPagesKeepTheirOrder(t *testing.T) {
	h := server(t)
	for _, path := range []string{"/directory", "/catalog"} {
		_, first := get(t, h, path, "khdt")
		for range 5 {
			if _, again := get(t, h, path, "khdt"); again != first {
				t.Fatalf("%s changed its order between two reloads", path)
			}
		}
	}
	_, catalog := get(t, h, "/catalog", "khdt")
	quanTrac, traCuu := strings.Index(catalog, "Quan trắc môi trường"), strings.Index(catalog, "Tra cứu thửa đất")
	if quanTrac < 0 || traCuu < 0 || quanTrac > traCuu {
		t.Errorf("the catalog is not in alphabetical order of titles (Quan trắc at %d, Tra cứu at %d)", quanTrac, traCuu)
	}
}

// TestStatisticsCSVKeepsItsColumns: the columns are every state, whatever
// states exist: a spreadsheet built on one download reads the next.
func TestStatisticsCSVKeepsItsColumns(t *testing.T) {
	header := func(objs ...client.Object) string {
		reader := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(objs...).Build()
		s := &Server{Reader: reader, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard(), Now: func() time.Time { return t0 }}
		h, err := s.Handler()
		if err != nil {
			t.Fatal(err)
		}
		_, body := get(t, h, "/statistics.csv", "")
		first, _, _ := strings.Cut(body, "\n")
		return first
	}
	full, empty := header(province()...), header()
	if full != empty {
		t.Errorf("the columns follow the states that exist:\n%s\n%s", full, empty)
	}
	for _, col := range []string{"provided_Active", "consumed_Expired", "provided_RefusedByCoordinator", "provided_Other"} {
		if !strings.Contains(empty, ","+col) {
			t.Errorf("no column %s in %s", col, empty)
		}
	}
}

func TestStatisticsKeysCSV(t *testing.T) {
	code, body := get(t, server(t), "/statistics-keys.csv", "")
	want := "agency,agency_name,month,keys_issued,keys_rotated,keys_revoked\nso-tnmt,Cơ quan so-tnmt,2026-10,7,2,1\nso-tnmt,Cơ quan so-tnmt,2026-11,3,0,0\nubnd-tp,Cơ quan ubnd-tp,2026-11,2,0,5\n"
	if code != 200 || body != want {
		t.Errorf("status %d, csv:\n%s\nwant:\n%s", code, body, want)
	}
}

// The DCAT catalogue: open data to anyone; every published service to an
// officer who may list them.
func TestDCATFeedFollowsTheViewer(t *testing.T) {
	h := server(t)
	_, anonymous := get(t, h, "/dcat.ttl", "")
	if !strings.Contains(anonymous, "http://www.w3.org/ns/dcat#Catalog") || strings.Contains(anonymous, "dat-dai#service") {
		t.Errorf("the anonymous catalogue:\n%s", anonymous)
	}
	_, officer := get(t, h, "/dcat.jsonld", "khdt")
	if !strings.Contains(officer, "/services/so-tnmt/dat-dai#service") || !strings.Contains(officer, `"@language": "vi"`) {
		t.Errorf("the officer's catalogue:\n%s", officer)
	}
}

// TestDCATIRIsIgnoreTheHostHeader: the catalogue's IRIs are the portal's
// configured address, whatever Host a request carries: anyone could send
// one that republishes the province's catalogue under another name.
func TestDCATIRIsIgnoreTheHostHeader(t *testing.T) {
	for _, publicURL := range []string{"https://du-lieu.example.gov.vn", ""} {
		checkDCATIRIs(t, publicURL)
	}
}

func checkDCATIRIs(t *testing.T, publicURL string) {
	t.Helper()
	reader := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(province()...).Build()
	s := &Server{Reader: reader, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard(),
		Now: func() time.Time { return t0 }, PublicURL: publicURL}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	want := publicURL
	if want == "" {
		// A Server given no address (tests; the command requires one).
		want = "https://portal.invalid"
	}
	for _, path := range []string{"/dcat.ttl", "/dcat.jsonld"} {
		r := httptest.NewRequest(http.MethodGet, path, nil)
		r.Host = "attacker.example"
		r.Header.Set("X-Forwarded-Host", "attacker.example")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		body := w.Body.String()
		if strings.Contains(body, "attacker.example") || !strings.Contains(body, want+"/") {
			t.Errorf("%s with Host attacker.example, public URL %q:\n%s", path, publicURL, body)
		}
	}
}

// The feed refuses a bad token as the pages do.
func TestDCATRefusesABadToken(t *testing.T) {
	if code, body := get(t, server(t), "/dcat.ttl", "stolen"); code != http.StatusUnauthorized || strings.Contains(body, "stolen") {
		t.Errorf("status %d: %s", code, body)
	}
}

// TestRestrictedSharingIsPublishedWithoutItsConsumer: the published
// statistics count an agreement on a Restricted service for its provider,
// and never name its consumer: not in the page's tables and matrix, not in
// the download.
func TestRestrictedSharingIsPublishedWithoutItsConsumer(t *testing.T) {
	secret := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "bi-mat"},
		Spec: v1alpha1.DataServiceSpec{Title: "Hồ sơ hạn chế", Description: "Hạn chế", Version: "v1", Classification: v1alpha1.ClassificationRestricted,
			Access: v1alpha1.Access{Audience: v1alpha1.AudienceListed, Consumers: []v1alpha1.Consent{{Agency: "so-bi-mat", DocumentRef: "CV 1"}}}},
		Status: v1alpha1.DataServiceStatus{Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	consumer := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-bi-mat"}, Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan dùng dữ liệu hạn chế",
		Namespace: "so-bi-mat", Level: v1alpha1.LevelDepartment}, Status: v1alpha1.AgencyStatus{Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	live := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: "so-bi-mat", Name: "bi-mat"},
		Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: "so-tnmt", Name: "bi-mat"}},
		Status: v1alpha1.SharingAgreementStatus{ProviderAgency: "so-tnmt", ConsumerAgency: "so-bi-mat", Conditions: ready("Active", metav1.ConditionTrue, "live")}}
	h := server(t, secret, consumer, live)

	code, page := get(t, h, "/statistics", "")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	matrix := page[strings.Index(page, `class="matrix"`):]
	for _, want := range []string{"Bên sử dụng không công bố (dữ liệu hạn chế)</th>", "<td>1</td></tr>"} {
		if !strings.Contains(matrix, want) {
			t.Errorf("the matrix does not say %q:\n%s", want, matrix)
		}
	}
	// The consumer is an agency of the register, listed with what it
	// provides (nothing); its use of restricted data is not told.
	row := page[strings.Index(page, `<th scope="row">Cơ quan dùng dữ liệu hạn chế</th>`):]
	row = row[:strings.Index(row, "</tr>")]
	if strings.Contains(row, "<td>1</td>") {
		t.Errorf("the agencies' table counts the consumer's use of restricted data: %s", row)
	}
	// The provider's row: its two consumers of Shared data by name, the
	// third only in the last column, the undisclosed one.
	provider := matrix[strings.Index(matrix, `<th scope="row">Cơ quan so-tnmt</th>`):]
	provider = provider[:strings.Index(provider, "</tr>")]
	if strings.Count(provider, "<td>1</td>") != 3 || !strings.HasSuffix(provider, "<td>1</td>") {
		t.Errorf("the provider's row of the matrix: %s", provider)
	}

	_, csv := get(t, h, "/statistics.csv", "")
	for _, line := range strings.Split(csv, "\n") {
		if strings.HasPrefix(line, "so-bi-mat,") && strings.Contains(line, ",1") {
			t.Errorf("the download counts the consumer's use of restricted data: %s", line)
		}
		if strings.HasPrefix(line, "so-tnmt,") && !strings.Contains(line, ",1,1,1,3,") {
			t.Errorf("the download does not count the provider's restricted service and its live agreement: %s", line)
		}
	}
}

// TestDaysAreTheProvincesDays: a moment late in the UTC day is already the
// next day in the province, and the portal writes that day.
func TestDaysAreTheProvincesDays(t *testing.T) {
	late := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "khi-tuong"},
		Spec: v1alpha1.DataServiceSpec{Title: "Khí tượng", Description: "Số liệu khí tượng", Version: "v1", Classification: v1alpha1.ClassificationOpen,
			Access: v1alpha1.Access{Audience: v1alpha1.AudiencePublic}, OpenData: &v1alpha1.OpenData{License: "CC-BY-4.0",
				LastUpdated: &metav1.Time{Time: time.Date(2026, 10, 31, 18, 0, 0, 0, time.UTC)}}},
		Status: v1alpha1.DataServiceStatus{Conditions: ready("Ready", metav1.ConditionTrue, "")}}
	code, page := get(t, server(t, late), "/open-data", "")
	if code != 200 || !strings.Contains(page, "<td>01/11/2026</td>") || strings.Contains(page, "<td>31/10/2026</td>") {
		t.Errorf("status %d; the open-data page does not write 01/11/2026 (Asia/Ho_Chi_Minh) for 2026-10-31T18:00Z", code)
	}
}

// TestTrafficIsPublishedByMonth: the statistics page and its download say
// what the gateway carried month by month, from the agreements' usage,
// and never name the consumer of a Restricted service.
func TestTrafficIsPublishedByMonth(t *testing.T) {
	used := func(ns, name, svc string, classification v1alpha1.Classification, months ...v1alpha1.UsageMonth) []client.Object {
		ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: svc},
			Spec: v1alpha1.DataServiceSpec{Title: svc, Description: svc, Version: "v1", Classification: classification,
				Access: v1alpha1.Access{Audience: v1alpha1.AudienceListed, Consumers: []v1alpha1.Consent{{Agency: v1alpha1.ObjectName(ns), DocumentRef: "CV 1"}}}},
			Status: v1alpha1.DataServiceStatus{Conditions: ready("Ready", metav1.ConditionTrue, "")}}
		sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name},
			Spec:   v1alpha1.SharingAgreementSpec{Service: v1alpha1.ServiceReference{Namespace: "so-tnmt", Name: v1alpha1.ObjectName(svc)}},
			Status: v1alpha1.SharingAgreementStatus{ProviderAgency: "so-tnmt", ConsumerAgency: ns, Conditions: ready("Active", metav1.ConditionTrue, "live"), Usage: &v1alpha1.Usage{Months: months}}}
		return []client.Object{ds, sa}
	}
	objs := append(used("so-khdt", "ban-do", "ban-do", v1alpha1.ClassificationShared, v1alpha1.UsageMonth{Month: "2026-10", Requests: 7}, v1alpha1.UsageMonth{Month: "2026-11", Requests: 10, Errors: 1}),
		used("ubnd-tp", "ho-so-mat", "ho-so-mat", v1alpha1.ClassificationRestricted, v1alpha1.UsageMonth{Month: "2026-11", Requests: 5, Errors: 2})...)
	// so-khdt's focal point, as the portal's fake reviewer signs it in.
	objs = append(objs, &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Namespace: "so-khdt", Name: "pham-quoc-dung"},
		Spec: v1alpha1.FocalPointSpec{Role: v1alpha1.RolePrimary, Person: v1alpha1.Contact{Name: "Phạm Quốc Dũng"},
			Subjects: []v1alpha1.Subject{{Kind: v1alpha1.SubjectUser, Name: "dung@skhdt"}}},
		Status: v1alpha1.FocalPointStatus{Agency: "so-khdt", Conditions: ready("Ready", metav1.ConditionTrue, "")}})
	h := server(t, objs...)
	code, page := get(t, h, "/statistics", "")
	if code != 200 {
		t.Fatalf("status %d", code)
	}
	if strings.Contains(page, "Chi tiết của cơ quan bạn") {
		t.Error("the public sees an agency's detail")
	}
	// A focal point sees its own agency's detail, every consumer named,
	// and no other agency's.
	_, own := get(t, h, "/statistics", "khdt")
	detail := own[strings.Index(own, "Chi tiết của cơ quan bạn"):]
	if !strings.Contains(detail, `<tr><th scope="row">2026-11</th><td>so-tnmt/ban-do</td><td>Cơ quan so-tnmt</td><td>Cơ quan so-khdt</td><td>10</td><td>1</td></tr>`) ||
		strings.Contains(detail, "ho-so-mat") {
		t.Errorf("so-khdt's focal point's detail:\n%s", detail)
	}
	for _, want := range []string{"Lưu lượng qua nền tảng LGSP", `<tr><th scope="row">2026-10</th><td>Cơ quan so-tnmt</td><td>7</td><td>0</td></tr>`,
		`<tr><th scope="row">2026-11</th><td>Cơ quan so-tnmt</td><td>15</td><td>3</td></tr>`, `aria-labelledby="traffic-title"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the statistics page does not show %q", want)
		}
	}
	_, csv := get(t, h, "/statistics-traffic.csv", "")
	want := "month,provider,provider_name,service,consumer,consumer_name,requests,errors\n" +
		"2026-10,so-tnmt,Cơ quan so-tnmt,so-tnmt/ban-do,so-khdt,Cơ quan so-khdt,7,0\n" +
		"2026-11,so-tnmt,Cơ quan so-tnmt,so-tnmt/ban-do,so-khdt,Cơ quan so-khdt,10,1\n" +
		"2026-11,so-tnmt,Cơ quan so-tnmt,so-tnmt/ho-so-mat,-,Bên sử dụng không công bố (dữ liệu hạn chế),5,2\n"
	if csv != want {
		t.Errorf("the traffic download:\n%s\nwant:\n%s", csv, want)
	}
	_, js := get(t, h, "/statistics-traffic.json", "")
	if !strings.Contains(js, `{"month":"2026-11","provider":"so-tnmt","providerName":"Cơ quan so-tnmt","service":"so-tnmt/ho-so-mat","consumer":"-","consumerName":"Bên sử dụng không công bố (dữ liệu hạn chế)","requests":5,"errors":2}`) ||
		strings.Contains(js, "ubnd-tp") {
		t.Errorf("the traffic as JSON:\n%s", js)
	}

	// The yearly report: what each agency served and made in 2026; the
	// consumer of the Restricted service is not told what it made.
	code, report := get(t, h, "/report?year=2026", "")
	if code != 200 {
		t.Fatalf("report: status %d", code)
	}
	for _, want := range []string{"Báo cáo năm về chia sẻ dữ liệu 2026",
		`<tr><th scope="row">Cơ quan so-khdt</th><td>0</td><td>0</td><td>2</td><td>0</td><td>0</td><td>17</td><td>1</td></tr>`,
		`<tr><th scope="row">Cơ quan so-tnmt</th><td>4</td><td>4</td><td>0</td><td>22</td><td>3</td><td>0</td><td>0</td></tr>`,
		`<tr><th scope="row">Cơ quan ubnd-tp</th><td>0</td><td>0</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>`} {
		if !strings.Contains(report, want) {
			t.Errorf("the report does not show %s", want)
		}
	}
}
