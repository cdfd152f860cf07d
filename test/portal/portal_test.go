// Package portal runs the portal against the real API server, with the
// operator and the samples: it reads with its own service account's
// rights only, which suffice and are all it holds, and shows each person
// what their service-account token's rights allow.
package portal

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	authenticationv1 "k8s.io/api/authentication/v1"
	authorizationv1 "k8s.io/api/authorization/v1"
	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/api/meta"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/portal"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

const portalUser = "datashare-portal"

// The world every test of this package reads: the real API server, the
// operator, the samples, and the portal running as a user that holds only
// datashare-portal.
var (
	env       *testenv.Env
	admin     client.Client
	kube      kubernetes.Interface
	portalURL string
	// officer is so-khdt's focal point's token (the catalog, and its own
	// agency's agreements); provider and bystander are so-yte's and
	// so-tnmt's focal points'; stranger is a token with no rights at all.
	officer, provider, bystander, stranger string
	cfg                                    config.Config
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(logr.Discard())
	ctx, cancel := context.WithCancel(context.Background())
	code, err := func() (int, error) {
		defer cancel()
		var err error
		if env, err = testenv.Start(); err != nil {
			return 1, err
		}
		defer func() { _ = env.Stop() }()
		if err := setup(ctx); err != nil {
			return 1, err
		}
		return m.Run(), nil
	}()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(code)
}

// liveAndIssued counts the live agreements, and the keys issued in the
// agencies' key histories.
func liveAndIssued(ctx context.Context) (live, issued int, err error) {
	agreements, agencies := &v1alpha1.SharingAgreementList{}, &v1alpha1.AgencyList{}
	if err := admin.List(ctx, agreements); err != nil {
		return 0, 0, err
	}
	if err := admin.List(ctx, agencies); err != nil {
		return 0, 0, err
	}
	for _, sa := range agreements.Items {
		if meta.IsStatusConditionTrue(sa.Status.Conditions, "Ready") {
			live++
		}
	}
	for _, a := range agencies.Items {
		for _, m := range a.Status.KeyHistory {
			issued += int(m.Issued)
		}
	}
	return live, issued, nil
}

// liveCounted checks that each service's status counts its live
// agreements.
func liveCounted(ctx context.Context) error {
	agreements, services := &v1alpha1.SharingAgreementList{}, &v1alpha1.DataServiceList{}
	if err := admin.List(ctx, agreements); err != nil {
		return err
	}
	if err := admin.List(ctx, services); err != nil {
		return err
	}
	live := map[string]int32{}
	for _, sa := range agreements.Items {
		if meta.IsStatusConditionTrue(sa.Status.Conditions, "Ready") {
			live[string(sa.Spec.Service.Namespace)+"/"+string(sa.Spec.Service.Name)]++
		}
	}
	for _, ds := range services.Items {
		if n := live[ds.Namespace+"/"+ds.Name]; ds.Status.LiveAgreements != n {
			return fmt.Errorf("%s/%s counts %d live agreements, not %d", ds.Namespace, ds.Name, ds.Status.LiveAgreements, n)
		}
	}
	return nil
}

func setup(ctx context.Context) error {
	var err error
	if admin, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		return err
	}
	kube = kubernetes.NewForConfigOrDie(env.Config)

	// The project's RBAC, the samples, and the operator bringing them to
	// their states.
	// The samples with the demo's Gateway and backends, as the demo runs
	// them.
	if err := testenv.Install(ctx, admin, "config/rbac/focal_point_roles.yaml", "config/rbac/portal_role.yaml",
		"config/samples/00-namespaces.yaml", "hack/demo/backends.yaml", "config/samples/01-agencies.yaml", "config/samples/02-focalpoints.yaml",
		"config/samples/03-dataservices.yaml", "config/samples/04-sharingagreements.yaml"); err != nil {
		return err
	}
	cfg = config.Default()
	cfg.CoordinatorAgency, cfg.PublicBaseURL = "so-tttt", testenv.SampleBaseURL
	mgr, err := controllers.NewEmbeddedManager(env.Config, controllers.Options{Config: cfg})
	if err != nil {
		return err
	}
	controllers.StartInBackground(ctx, mgr)
	if err := testenv.Eventually(time.Minute, func() error {
		// Play the gateway: accept each route.
		if err := testenv.AcceptRoutes(ctx, admin); err != nil {
			return err
		}
		list := &v1alpha1.SharingAgreementList{}
		if err := admin.List(ctx, list); err != nil || len(list.Items) == 0 {
			return fmt.Errorf("%d agreements: %v", len(list.Items), err)
		}
		for _, sa := range list.Items {
			// Settled: live, or waiting on a person about this agreement
			// itself, not on its service or agency still on their way
			// (each agreement is ServiceNotReady while its service waits
			// for the gateway, and none is live yet).
			ready, stalled := meta.FindStatusCondition(sa.Status.Conditions, "Ready"), meta.FindStatusCondition(sa.Status.Conditions, "Stalled")
			settled := ready != nil && (ready.Status == metav1.ConditionTrue || stalled != nil && stalled.Status == metav1.ConditionTrue &&
				ready.Reason != string(v1alpha1.ReasonServiceNotReady) && ready.Reason != string(v1alpha1.ReasonAgencyNotReady))
			if !settled {
				return fmt.Errorf("%s/%s is not settled yet: %v", sa.Namespace, sa.Name, ready)
			}
		}
		return nil
	}); err != nil {
		return fmt.Errorf("the samples' agreements were not decided: %w", err)
	}
	// The providers' key histories count every live agreement's key, and
	// each service its live agreements (both are written a moment later).
	if err := testenv.Eventually(time.Minute, func() error {
		live, issued, err := liveAndIssued(ctx)
		if err == nil && issued != live {
			err = fmt.Errorf("%d keys in the agencies' key histories, %d live agreements", issued, live)
		}
		if err != nil {
			return err
		}
		return liveCounted(ctx)
	}); err != nil {
		return err
	}

	// The portal runs as a user that holds only datashare-portal.
	user, err := env.AddUserBoundTo(ctx, admin, portalUser, "datashare-portal")
	if err != nil {
		return err
	}
	h, err := portal.NewHandler(ctx, user.Config(), portal.Settings{Rules: cfg.Rules, Publisher: "so-tttt", PublicURL: testenv.SamplePortalURL}, logr.Discard())
	if err != nil {
		return err
	}
	portalURL = httptest.NewServer(h).URL

	if officer, err = serviceAccountToken(ctx, "so-khdt", "can-bo"); err != nil {
		return err
	}
	if err := bind(ctx, "datashare-catalog-reader", rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "can-bo", Namespace: "so-khdt"}); err != nil {
		return err
	}
	if err := admin.Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "can-bo", Namespace: "so-khdt"},
		RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-focal-point"},
		Subjects: []rbacv1.Subject{{Kind: rbacv1.ServiceAccountKind, Name: "can-bo", Namespace: "so-khdt"}}}); err != nil {
		return err
	}
	// Focal points bound as the operator binds them: their agency's role in
	// its namespace, the catalog everywhere.
	for _, fp := range []struct {
		ns    string
		token *string
	}{{"so-yte", &provider}, {"so-tnmt", &bystander}} {
		if *fp.token, err = serviceAccountToken(ctx, fp.ns, "dau-moi"); err != nil {
			return err
		}
		subject := rbacv1.Subject{Kind: rbacv1.ServiceAccountKind, Name: "dau-moi", Namespace: fp.ns}
		if err := admin.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "catalog-" + fp.ns},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-catalog-reader"}, Subjects: []rbacv1.Subject{subject}}); err != nil {
			return err
		}
		if err := admin.Create(ctx, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: fp.ns},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-focal-point"}, Subjects: []rbacv1.Subject{subject}}); err != nil {
			return err
		}
	}
	stranger, err = serviceAccountToken(ctx, "so-khdt", "nguoi-la")
	return err
}

func TestThePortalOnTheRealAPIServer(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name, path, token string
		code              int
		want, wantNot     []string
	}{
		{"the directory, to everyone", "/directory", "", 200, []string{"Nguyễn Văn An", "Sở Tài nguyên và Môi trường"}, nil},
		{"open data, to everyone", "/open-data", "", 200, []string{"Số liệu quan trắc môi trường", "CC-BY-4.0"}, []string{"Tra cứu thông tin thửa đất"}},
		{"statistics, to everyone, by the agencies' names", "/statistics", "", 200, []string{"<svg", "Sở Tài nguyên và Môi trường tỉnh Sóc Trăng"}, nil},
		{"the catalog, not to the anonymous", "/catalog", "", 401, nil, []string{"Tra cứu thông tin thửa đất"}},
		{"the catalog, to a focal point", "/catalog", officer, 200, []string{"Tra cứu thông tin thửa đất", "Thông tin đăng ký doanh nghiệp", "system:serviceaccount:so-khdt:can-bo"}, nil},
		{"the catalog, not to a token without rights", "/catalog", stranger, 403, nil, []string{"Tra cứu thông tin thửa đất"}},
		{"a focal point's own waiting request, and no other agency's", "/waiting", officer, 200,
			[]string{"so-khdt/ho-so-suc-khoe", "Cơ quan cung cấp đồng ý"}, []string{"agency so-yte must list agency so-khdt"}},
		// The provider must answer a request made in the consumer's
		// namespace, which it may not read: it sees the request all the
		// same, with its deadline.
		{"the request a provider must answer, to the provider", "/waiting", provider, 200,
			[]string{"so-khdt/ho-so-suc-khoe", "Cơ quan cung cấp đồng ý", "Chờ bên cung cấp đồng ý"}, nil},
		{"the request, not to an agency with no part in it", "/waiting", bystander, 200, nil,
			[]string{"so-khdt/ho-so-suc-khoe"}},
		{"a service page: how many use it, not who", "/services/so-tnmt/dat-dai", officer, 200,
			[]string{"Tra cứu thông tin thửa đất", "Công văn số 890/STNMT-VP", testenv.SampleBaseURL + "/so-tnmt/dat-dai/v1", "<p>2</p>"}, []string{"bo-nnmt, ubnd-tp-soc-trang"}},
		{"a forged token", "/catalog", "not-a-token", 401, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body := get(t, portalURL+tc.path, tc.token)
			if code != tc.code {
				t.Errorf("status %d, want %d", code, tc.code)
			}
			for _, w := range tc.want {
				if !strings.Contains(body, w) {
					t.Errorf("the page does not contain %q", w)
				}
			}
			for _, w := range append(tc.wantNot, officer, provider, bystander, stranger) {
				if strings.Contains(body, w) {
					t.Errorf("the page contains %q, which this viewer must not see", shorten(w))
				}
			}
			if t.Failed() {
				list := &v1alpha1.SharingAgreementList{}
				_ = admin.List(ctx, list)
				for _, sa := range list.Items {
					if c := meta.FindStatusCondition(sa.Status.Conditions, "Ready"); c != nil {
						t.Logf("%s/%s %s: %s", sa.Namespace, sa.Name, c.Reason, c.Message)
					}
				}
			}
		})
	}

	// The portal's rights suffice (above) and are all it holds.
	for _, tc := range []struct {
		verb, group, resource string
		want                  bool
	}{
		{"list", v1alpha1.GroupVersion.Group, "sharingagreements", true},
		{"create", "authentication.k8s.io", "tokenreviews", true},
		{"create", "authorization.k8s.io", "subjectaccessreviews", true},
		{"get", "", "secrets", false},
		{"list", "", "secrets", false},
		{"list", "", "namespaces", false},
		{"create", v1alpha1.GroupVersion.Group, "sharingagreements", false},
		{"patch", v1alpha1.GroupVersion.Group, "dataservices", false},
		{"update", v1alpha1.GroupVersion.Group, "agencies/status", false},
	} {
		review, err := kube.AuthorizationV1().SubjectAccessReviews().Create(ctx, &authorizationv1.SubjectAccessReview{Spec: authorizationv1.SubjectAccessReviewSpec{
			User: portalUser, ResourceAttributes: &authorizationv1.ResourceAttributes{Verb: tc.verb, Group: tc.group, Resource: tc.resource}}}, metav1.CreateOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if review.Status.Allowed != tc.want {
			t.Errorf("the portal may %s %s: %v, want %v", tc.verb, tc.resource, review.Status.Allowed, tc.want)
		}
	}
}

func get(t *testing.T, url, token string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func bind(ctx context.Context, role string, subject rbacv1.Subject) error {
	name := role + "-" + strings.ToLower(subject.Name)
	return admin.Create(ctx, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: name},
		RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: role}, Subjects: []rbacv1.Subject{subject}})
}

// serviceAccountToken creates a service account and returns a token for
// it, as a person's sign-in would give one.
func serviceAccountToken(ctx context.Context, ns, name string) (string, error) {
	if err := admin.Create(ctx, &corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}); err != nil {
		return "", err
	}
	tr, err := kube.CoreV1().ServiceAccounts(ns).CreateToken(ctx, name, &authenticationv1.TokenRequest{}, metav1.CreateOptions{})
	if err != nil {
		return "", err
	}
	return tr.Status.Token, nil
}

func shorten(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}
