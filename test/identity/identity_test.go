// Package identity runs the operator with the identity provider's prefix
// (--focal-point-subject-prefix=oidc:) against a real API server: what the
// API server admitted before the prefix was set, or what an install
// without the chart's admission policy admits, is bound only when the
// identity provider can name it, and never when it names the cluster's own
// users and groups; an agency whose primary focal point holds no rights is
// not Ready.
package identity

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/conditions"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

const prefix = "oidc:"

var (
	k8s client.Client
	ctx = context.Background()
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(discard{})))
	os.Exit(run(m))
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

func run(m *testing.M) int {
	env, err := testenv.Start()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer func() { _ = env.Stop() }()
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := testenv.InstallConfig(ctx, k8s, "rbac/focal_point_roles.yaml"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	cfg := config.Default()
	cfg.CoordinatorAgency = "so-tttt"
	cfg.PublicBaseURL = testenv.SampleBaseURL
	cfg.FocalPointSubjectPrefix = prefix
	mgr, err := controllers.NewEmbeddedManager(env.Config, controllers.Options{Config: cfg})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	stop := controllers.StartInBackground(ctx, mgr)
	defer func() { _ = stop() }()
	return m.Run()
}

// agencyWithPrimary registers agency name in a namespace of its own with a
// primary focal point naming subjects, and returns the focal point.
func agencyWithPrimary(t *testing.T, name string, subjects ...v1alpha1.Subject) *v1alpha1.FocalPoint {
	t.Helper()
	fp := &v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: name}, Spec: v1alpha1.FocalPointSpec{
		Person: v1alpha1.Contact{Name: "Cán bộ", Email: "cb@" + name + ".gov.vn"}, Role: v1alpha1.RolePrimary, Subjects: subjects,
		Appointment: v1alpha1.Appointment{DocumentRef: "QĐ 1", ValidFrom: metav1.NewTime(time.Now().Add(-time.Hour))}}}
	for _, obj := range []client.Object{
		&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.LabelAgency: name}}},
		&v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Cơ quan " + name, Level: v1alpha1.LevelDepartment, Namespace: v1alpha1.ObjectName(name)}},
		fp,
	} {
		if err := k8s.Create(ctx, obj); err != nil {
			t.Fatalf("create %T %s: %v", obj, obj.GetName(), err)
		}
	}
	return fp
}

// readyReason waits until obj's Ready condition has reason and returns its
// message.
func readyReason(t *testing.T, obj client.Object, reason v1alpha1.ConditionReason) string {
	t.Helper()
	var message string
	if err := testenv.Eventually(20*time.Second, func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(obj), obj); err != nil {
			return err
		}
		var conds []metav1.Condition
		if o, ok := obj.(interface{ GetConditions() []metav1.Condition }); ok {
			conds = o.GetConditions()
		}
		ready := conditions.Get(conds, v1alpha1.ConditionReady)
		if ready == nil || ready.Reason != string(reason) {
			return fmt.Errorf("%T %s is %+v, want reason %s", obj, obj.GetName(), ready, reason)
		}
		message = ready.Message
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return message
}

// bound says whether the focal point's RoleBinding exists.
func bound(t *testing.T, fp *v1alpha1.FocalPoint) bool {
	t.Helper()
	err := k8s.Get(ctx, client.ObjectKey{Namespace: fp.Namespace, Name: render.FocalPointBindingName(fp)}, &rbacv1.RoleBinding{})
	if err != nil && !apierrors.IsNotFound(err) {
		t.Fatal(err)
	}
	return err == nil
}

func user(name string) v1alpha1.Subject {
	return v1alpha1.Subject{Kind: v1alpha1.SubjectUser, Name: name}
}
func group(name string) v1alpha1.Subject {
	return v1alpha1.Subject{Kind: v1alpha1.SubjectGroup, Name: name}
}

// TestNoSystemSubjectIsBoundBehindThePrefix: a focal point naming
// oidc:system:authenticated, which the CRD's own rule admits, gets no
// rights, and its agency is not Ready.
func TestNoSystemSubjectIsBoundBehindThePrefix(t *testing.T) {
	fp := agencyWithPrimary(t, "so-yt", user(prefix+"lan@so-yt.gov.vn"), group(prefix+"system:authenticated"))
	msg := readyReason(t, fp, v1alpha1.ReasonSystemSubject)
	if !strings.Contains(msg, "Group oidc:system:authenticated") {
		t.Errorf("the focal point's message does not name the subject: %s", msg)
	}
	if bound(t, fp) {
		t.Error("a focal point naming oidc:system:authenticated is bound")
	}
	msg = readyReason(t, &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-yt"}}, v1alpha1.ReasonFocalPointUnbound)
	if !strings.Contains(msg, "dau-moi") || !strings.Contains(msg, "Group oidc:system:authenticated") {
		t.Errorf("the agency's message does not name the focal point and its subject: %s", msg)
	}
	t.Logf("FocalPoint: SystemSubject, no RoleBinding; Agency: %s", msg)
}

// TestAnAgencyWhosePrimaryIsUnboundIsNotReady: the prefix switched on
// leaves a primary naming its officer without it; the agency is not Ready
// until the focal point names the officer as the identity provider does.
func TestAnAgencyWhosePrimaryIsUnboundIsNotReady(t *testing.T) {
	fp := agencyWithPrimary(t, "so-gd", user("lan@so-gd.gov.vn"))
	readyReason(t, fp, v1alpha1.ReasonSubjectOutsideIdentityProvider)
	agency := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "so-gd"}}
	msg := readyReason(t, agency, v1alpha1.ReasonFocalPointUnbound)
	if !strings.Contains(msg, "FocalPoint dau-moi") || !strings.Contains(msg, "User lan@so-gd.gov.vn") {
		t.Errorf("the agency's message does not name the focal point and its subject: %s", msg)
	}
	t.Logf("Agency, the primary outside the prefix: %s", msg)

	fp.Spec.Subjects = []v1alpha1.Subject{user(prefix + "lan@so-gd.gov.vn")}
	if err := k8s.Update(ctx, fp); err != nil {
		t.Fatal(err)
	}
	readyReason(t, agency, v1alpha1.ReasonReady)
	readyReason(t, fp, v1alpha1.ReasonReady)
	if !bound(t, fp) {
		t.Error("the focal point naming oidc:lan@so-gd.gov.vn is not bound")
	}
	t.Log("with the officer named oidc:lan@so-gd.gov.vn, the focal point is bound and the agency Ready")
}
