package controllers

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers/kit"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

func dataService(ns, name string) *v1alpha1.DataService {
	return &v1alpha1.DataService{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.DataServiceSpec{
			Title: "Dịch vụ " + name, Description: "Mô tả", Version: "v1",
			Classification: v1alpha1.ClassificationShared,
			Backend:        v1alpha1.Backend{ServiceName: v1alpha1.ObjectName(name), Port: 8080},
			Access:         v1alpha1.Access{Audience: v1alpha1.AudienceProvince},
		},
	}
}

// canCreateService asks the API server whether c may create a DataService
// in ns, and cleans up when it could.
func canCreateService(t *testing.T, c client.Client, ns, name string) bool {
	t.Helper()
	ds := dataService(ns, name)
	err := c.Create(ctx, ds)
	switch {
	case err == nil:
		if err := k8s.Delete(ctx, ds); err != nil {
			t.Fatal(err)
		}
		return true
	case apierrors.IsForbidden(err):
		return false
	default:
		t.Fatalf("create DataService as user: %v", err)
		return false
	}
}

// TestFocalPointRightsFollowTheAppointment proves the rights with the API
// server's own RBAC: a focal point can publish in its agency's namespace and
// not in another's, gains its rights when its appointment starts and loses
// them the moment it ends.
func TestFocalPointRightsFollowTheAppointment(t *testing.T) {
	newNamespace(t, "so-xd")
	newNamespace(t, "so-tc")
	newAgency(t, "so-xd", "so-xd", v1alpha1.LevelDepartment)
	newAgency(t, "so-tc", "so-tc", v1alpha1.LevelDepartment)

	// Windows are whole seconds: that is the API's time precision. A minute
	// ahead, so that real time never reaches them: the test moves the
	// operator's clock there.
	start := operatorClock.Now().Add(time.Minute).Truncate(time.Second)
	end := start.Add(time.Minute)
	fp := newFocalPoint(t, "so-xd", "nguyen-thi-lan", v1alpha1.RolePrimary, appointment{from: start, until: end}, "lan@sxd")
	lan := env.UserClient(t, "lan@sxd")

	c := waitForReason(t, fp, metav1.ConditionFalse, v1alpha1.ReasonAppointmentNotStarted)
	if !strings.Contains(c.Message, "starts at "+start.UTC().Format(time.RFC3339)) {
		t.Errorf("message: %q", c.Message)
	}
	binding := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "so-xd", Name: render.FocalPointBindingName(fp)}}
	if exists(t, binding) {
		t.Fatal("nothing may be bound before the appointment starts")
	}
	if canCreateService(t, lan, "so-xd", "truoc-bo-nhiem") {
		t.Fatal("a focal point could publish before its appointment started")
	}

	advanceTo(t, start)
	eventually(t, 10*time.Second, "the binding appears at the start", func() error {
		if !exists(t, binding) {
			return errorf("no RoleBinding yet")
		}
		return nil
	})
	granted := operatorClock.Since(start)
	waitForReason(t, fp, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if !canCreateService(t, lan, "so-xd", "giay-phep-xay-dung") {
		t.Fatal("an active focal point cannot create a DataService in its own namespace")
	}
	if canCreateService(t, lan, "so-tc", "ngan-sach") {
		t.Fatal("a focal point could create a DataService in another agency's namespace")
	}

	advanceTo(t, end.Add(-time.Second))
	if !exists(t, binding) {
		t.Fatal("the binding went before the appointment ended")
	}
	advanceTo(t, end)
	eventually(t, 10*time.Second, "the binding goes at the end", func() error {
		if exists(t, binding) {
			return errorf("RoleBinding still there")
		}
		return nil
	})
	revoked := operatorClock.Since(end)
	waitForReason(t, fp, metav1.ConditionFalse, v1alpha1.ReasonAppointmentEnded)
	if canCreateService(t, lan, "so-xd", "sau-mien-nhiem") {
		t.Fatal("a focal point could still publish after its appointment ended")
	}
	t.Logf("rights granted %s after the appointment started, withdrawn %s after it ended", granted.Round(time.Millisecond), revoked.Round(time.Millisecond))
	if granted < 0 || revoked < 0 {
		t.Fatalf("rights changed before their moment: granted %s, withdrawn %s", granted, revoked)
	}
}

// TestIssuedCredentialsAreReadableOnlyByTheAgency checks that a focal point
// reads the credentials issued to its agency, and nothing else: not other
// Secrets in its namespace, and a deputy of another agency not at all.
func TestIssuedCredentialsAreReadableOnlyByTheAgency(t *testing.T) {
	newNamespace(t, "so-ldtbxh")
	newNamespace(t, "so-gddt")
	newAgency(t, "so-ldtbxh", "so-ldtbxh", v1alpha1.LevelDepartment)
	newAgency(t, "so-gddt", "so-gddt", v1alpha1.LevelDepartment)
	own := newFocalPoint(t, "so-ldtbxh", "tran-van-binh", v1alpha1.RolePrimary, appointment{}, "binh@sldtbxh")
	other := newFocalPoint(t, "so-gddt", "ly-thi-cuc", v1alpha1.RoleDeputy, appointment{}, "cuc@sgddt")
	waitForReason(t, own, metav1.ConditionTrue, v1alpha1.ReasonReady)
	waitForReason(t, other, metav1.ConditionTrue, v1alpha1.ReasonReady)

	issued := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "ho-so-suc-khoe-credentials", Namespace: "so-ldtbxh", Labels: map[string]string{
		v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator, v1alpha1.LabelCredential: v1alpha1.CredentialConsumer,
	}}, StringData: map[string]string{"api-key": "not-a-real-key"}}
	unrelated := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Name: "database-password", Namespace: "so-ldtbxh"},
		StringData: map[string]string{"password": "not-a-real-password"}}
	create(t, issued)
	create(t, unrelated)

	binh := env.UserClient(t, "binh@sldtbxh")
	cuc := env.UserClient(t, "cuc@sgddt")
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the agency's focal point can read the issued credential", func() error {
		return binh.Get(ctx, client.ObjectKeyFromObject(issued), &corev1.Secret{})
	})
	if err := binh.Get(ctx, client.ObjectKeyFromObject(unrelated), &corev1.Secret{}); !apierrors.IsForbidden(err) {
		t.Errorf("a focal point must not read Secrets the operator did not issue; got %v", err)
	}
	if err := binh.List(ctx, &corev1.SecretList{}, client.InNamespace("so-ldtbxh")); !apierrors.IsForbidden(err) {
		t.Errorf("a focal point must not list Secrets; got %v", err)
	}
	if err := cuc.Get(ctx, client.ObjectKeyFromObject(issued), &corev1.Secret{}); !apierrors.IsForbidden(err) {
		t.Errorf("a deputy of another agency must not read this agency's issued Secrets; got %v", err)
	}

	// The Role names the Secret, and only it.
	role := &rbacv1.Role{}
	if err := k8s.Get(ctx, client.ObjectKey{Namespace: "so-ldtbxh", Name: v1alpha1.IssuedCredentialsRole}, role); err != nil {
		t.Fatal(err)
	}
	if len(role.Rules) != 1 || strings.Join(role.Rules[0].ResourceNames, ",") != issued.Name {
		t.Fatalf("the Role must name exactly the issued Secret: %+v", role.Rules)
	}

	// When the credential goes, the rule goes: an empty resourceNames
	// would grant every Secret.
	if err := k8s.Delete(ctx, issued); err != nil {
		t.Fatal(err)
	}
	eventuallyAfter(t, operatorClock, kit.SummaryDelay, "the Role holds no rule", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(role), role); err != nil {
			return err
		}
		if len(role.Rules) != 0 {
			return errorf("rules: %+v", role.Rules)
		}
		return nil
	})
	if err := binh.Get(ctx, client.ObjectKeyFromObject(unrelated), &corev1.Secret{}); !apierrors.IsForbidden(err) {
		t.Errorf("with no credential issued, a focal point must read no Secret; got %v", err)
	}
}

// TestFocalPointNotReadyReasons covers a duplicate primary and a namespace
// that no agency claims; neither binds anything.
func TestFocalPointNotReadyReasons(t *testing.T) {
	newNamespace(t, "so-nnptnt")
	newAgency(t, "so-nnptnt", "so-nnptnt", v1alpha1.LevelDepartment)
	first := newFocalPoint(t, "so-nnptnt", "primary-cu", v1alpha1.RolePrimary, appointment{}, "cu@snn")
	waitForReason(t, first, metav1.ConditionTrue, v1alpha1.ReasonReady)
	// Created within the same second, the tie goes to the name first in
	// order, primary-cu, which is the older here too.
	second := newFocalPoint(t, "so-nnptnt", "primary-moi", v1alpha1.RolePrimary, appointment{}, "moi@snn")

	c := waitForReason(t, second, metav1.ConditionFalse, v1alpha1.ReasonDuplicatePrimary)
	if !strings.Contains(c.Message, "primary-cu is already the active primary of agency so-nnptnt") {
		t.Errorf("message: %q", c.Message)
	}
	for _, name := range []string{render.FocalPointBindingName(second), render.FocalPointCredentialsBindingName(second)} {
		if exists(t, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "so-nnptnt", Name: name}}) {
			t.Errorf("a duplicate primary must bind nothing, found %s", name)
		}
	}
	if canCreateService(t, env.UserClient(t, "moi@snn"), "so-nnptnt", "khong-duoc") {
		t.Error("a duplicate primary could publish")
	}

	// When the first primary goes, the second takes over.
	if err := k8s.Delete(ctx, first); err != nil {
		t.Fatal(err)
	}
	waitForReason(t, second, metav1.ConditionTrue, v1alpha1.ReasonReady)

	newNamespace(t, "chua-dang-ky")
	orphan := newFocalPoint(t, "chua-dang-ky", "ai-do", v1alpha1.RolePrimary, appointment{}, "aido@x")
	c = waitForReason(t, orphan, metav1.ConditionFalse, v1alpha1.ReasonNoAgency)
	if !strings.Contains(c.Message, "no Agency holds namespace chua-dang-ky") {
		t.Errorf("message: %q", c.Message)
	}
	if exists(t, &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: "chua-dang-ky", Name: render.FocalPointBindingName(orphan)}}) {
		t.Error("a focal point of no agency must bind nothing")
	}
}

// TestProvinceFocalPointAndDeletion checks the coordinator's focal point:
// bound cluster-wide, guarded by a finalizer, and unbound on deletion. It
// also checks that an ordinary focal point's bindings are owned by it, so
// that garbage collection removes them with it.
func TestProvinceFocalPointAndDeletion(t *testing.T) {
	newNamespace(t, coordinator)
	newAgency(t, coordinator, coordinator, v1alpha1.LevelDepartment)
	fp := newFocalPoint(t, coordinator, "tran-thi-mai", v1alpha1.RolePrimary, appointment{}, "mai@stttt")
	c := waitForReason(t, fp, metav1.ConditionTrue, v1alpha1.ReasonReady)
	if !strings.Contains(c.Message, "province-wide") || !fp.Status.ProvinceLevel {
		t.Errorf("the coordinator's focal point must be province-level: %q", c.Message)
	}
	crb := &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: render.ProvinceBindingName(fp)}}
	if !exists(t, crb) || crb.RoleRef.Name != v1alpha1.ProvinceFocalPointClusterRole {
		t.Fatalf("no ClusterRoleBinding to %s", v1alpha1.ProvinceFocalPointClusterRole)
	}
	mai := env.UserClient(t, "mai@stttt")
	if err := mai.List(ctx, &v1alpha1.SharingAgreementList{}); err != nil {
		t.Errorf("a province-level focal point must read every agreement: %v", err)
	}
	if err := mai.Create(ctx, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "ubnd-xa-moi"},
		Spec: v1alpha1.AgencySpec{DisplayName: "UBND xã mới", Level: v1alpha1.LevelCommune, Namespace: "ubnd-xa-moi"}}); err != nil {
		t.Errorf("a province-level focal point must manage Agencies: %v", err)
	}

	// Ordinary bindings are owned by the focal point.
	rb := &rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Namespace: coordinator, Name: render.FocalPointBindingName(fp)}}
	if !exists(t, rb) {
		t.Fatal("no RoleBinding in the coordinator's namespace")
	}
	if refs := rb.OwnerReferences; len(refs) != 1 || refs[0].UID != fp.UID || refs[0].Controller == nil || !*refs[0].Controller {
		t.Fatalf("the RoleBinding must be owned by its FocalPoint: %+v", refs)
	}

	if err := k8s.Delete(ctx, fp); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the ClusterRoleBinding and the FocalPoint are gone", func() error {
		if exists(t, crb) {
			return errorf("ClusterRoleBinding still there")
		}
		if exists(t, &v1alpha1.FocalPoint{ObjectMeta: fp.ObjectMeta}) {
			return errorf("FocalPoint still there (finalizer not removed)")
		}
		return nil
	})
	if err := mai.List(ctx, &v1alpha1.SharingAgreementList{}); !apierrors.IsForbidden(err) {
		t.Errorf("after deletion the province-wide rights must be gone; got %v", err)
	}
}

// allowed reports whether a user's request succeeded, and fails the test on
// anything but success or Forbidden.
func allowed(t *testing.T, what string, err error) bool {
	t.Helper()
	switch {
	case err == nil:
		return true
	case apierrors.IsForbidden(err):
		return false
	}
	t.Fatalf("%s: %v", what, err)
	return false
}

// TestFocalPointsReadTheCatalog: every active focal point reads the
// catalog — every agency's DataServices and the Agency register, its own
// Agency's status included (Điều 8.3) — and nothing else of another agency:
// not its agreements, focal points or Secrets. The rights go with the
// appointment, and with the focal point.
func TestFocalPointsReadTheCatalog(t *testing.T) {
	publishedService(t, "so-ct-catalog", "gia-dat", v1alpha1.AudienceProvince)
	_, fp := consumerAgency(t, "ubnd-catalog", v1alpha1.LevelDistrict)
	reader := env.UserClient(t, "dau-moi@ubnd-catalog")
	waitForReason(t, fp, metav1.ConditionTrue, v1alpha1.ReasonReady)

	eventually(t, 10*time.Second, "the focal point reads another agency's services", func() error {
		if !allowed(t, "list DataServices", reader.List(ctx, &v1alpha1.DataServiceList{}, client.InNamespace("so-ct-catalog"))) {
			return errorf("forbidden")
		}
		return nil
	})
	if !allowed(t, "list DataServices everywhere", reader.List(ctx, &v1alpha1.DataServiceList{})) {
		t.Error("a focal point must list the whole catalog")
	}
	own := &v1alpha1.Agency{}
	if !allowed(t, "get its Agency", reader.Get(ctx, client.ObjectKey{Name: "ubnd-catalog"}, own)) || conditions.Get(own.Status.Conditions, v1alpha1.ConditionReady) == nil {
		t.Error("a focal point must read its own Agency and its status")
	}
	if !allowed(t, "list Agencies", reader.List(ctx, &v1alpha1.AgencyList{})) {
		t.Error("a focal point must read the register of agencies")
	}
	for what, err := range map[string]error{
		"list another agency's agreements":   reader.List(ctx, &v1alpha1.SharingAgreementList{}, client.InNamespace("so-ct-catalog")),
		"list another agency's focal points": reader.List(ctx, &v1alpha1.FocalPointList{}, client.InNamespace("so-ct-catalog")),
		"list another agency's Secrets":      reader.List(ctx, &corev1.SecretList{}, client.InNamespace("so-ct-catalog")),
		"change an Agency": reader.Patch(ctx, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "ubnd-catalog"}},
			client.RawPatch(types.MergePatchType, []byte(`{"spec":{"displayName":"x"}}`))),
		"change another agency's service": reader.Patch(ctx, &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-ct-catalog", Name: "gia-dat"}},
			client.RawPatch(types.MergePatchType, []byte(`{"spec":{"title":"x"}}`))),
	} {
		if allowed(t, what, err) {
			t.Errorf("a focal point could %s", what)
		}
	}

	// The focal point goes: so does its catalog binding, and the focal point
	// leaves no finalizer behind.
	if err := k8s.Delete(ctx, fp); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "the catalog binding and the focal point are gone", func() error {
		if exists(t, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: render.CatalogBindingName(fp)}}) || exists(t, fp) {
			return errorf("still there")
		}
		return nil
	})
	if allowed(t, "list DataServices after", reader.List(ctx, &v1alpha1.DataServiceList{}, client.InNamespace("so-ct-catalog"))) {
		t.Error("a focal point that is gone still reads the catalog")
	}
}
