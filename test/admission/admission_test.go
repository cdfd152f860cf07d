// Package admission tests the ValidatingAdmissionPolicy the project ships
// (config/admission) against a real API server: only the operator writes
// what it owns, the cluster's garbage collector and namespace controller may
// still delete it, and nobody else — not a namespace admin, not a cluster
// admin — can forge a key or edit a generated policy.
package admission

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	egv1a1 "github.com/envoyproxy/gateway/api/v1alpha1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/utils/ptr"
	ctrl "sigs.k8s.io/controller-runtime"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/envtest"
	"sigs.k8s.io/controller-runtime/pkg/log/zap"
	gatewayv1 "sigs.k8s.io/gateway-api/apis/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/controllers"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// operatorIdentity is the ServiceAccount the kustomize install runs the
// operator as, which the policy names.
const operatorIdentity = "system:serviceaccount:datashare-system:datashare-operator"

var (
	env *testenv.Env
	k8s client.Client
	ctx = context.Background()
)

func TestMain(m *testing.M) {
	ctrl.SetLogger(zap.New(zap.WriteTo(discard{})))
	var err error
	if env, err = testenv.Start(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := 1
	if k8s, err = client.New(env.Config, client.Options{Scheme: scheme.New()}); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else if err = install(); err != nil {
		fmt.Fprintln(os.Stderr, err)
	} else {
		code = m.Run()
	}
	_ = env.Stop()
	os.Exit(code)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// install applies what the kustomize install does that matters here: the
// operator's and the focal points' RBAC, and the admission policy, all from
// config/, and binds the operator's roles to its identity.
func install() error {
	if err := k8s.Create(ctx, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "datashare-system"}}); err != nil {
		return err
	}
	if err := testenv.InstallConfig(ctx, k8s, "rbac/role.yaml", "rbac/focal_point_roles.yaml", "admission/owned_objects.yaml", "admission/own_service_agreements.yaml"); err != nil {
		return err
	}
	subject := []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: operatorIdentity}}
	for _, obj := range []client.Object{
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "datashare-operator", Namespace: "datashare-system"},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "Role", Name: "datashare-operator"}, Subjects: subject},
		&rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "datashare-operator"},
			RoleRef: rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "datashare-operator"}, Subjects: subject},
	} {
		if err := k8s.Create(ctx, obj); err != nil {
			return err
		}
	}
	return nil
}

func create(t *testing.T, c client.Client, objs ...client.Object) {
	t.Helper()
	for _, obj := range objs {
		if err := c.Create(ctx, obj); err != nil {
			t.Fatalf("create %T %s: %v", obj, obj.GetName(), err)
		}
	}
}

func eventually(t *testing.T, what string, check func() error) {
	t.Helper()
	if err := testenv.Eventually(20*time.Second, check); err != nil {
		t.Fatalf("waiting until %s: %v", what, err)
	}
}

// refused fails unless err is the policy's refusal.
func refused(t *testing.T, what string, err error) {
	t.Helper()
	if err == nil {
		t.Errorf("%s was allowed", what)
		return
	}
	if !apierrors.IsForbidden(err) && !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), "only the datashare operator writes") {
		t.Errorf("%s: want the policy's refusal, got %v", what, err)
	}
}

// province makes a provider with a published, protected service and a
// consumer with a live agreement, run by an operator that acts as the
// policy's operator identity; it returns the agreement.
func province(t *testing.T) *v1alpha1.SharingAgreement {
	t.Helper()
	operator, err := env.AddUser(envtest.User{Name: operatorIdentity}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.CoordinatorAgency = "so-tttt"
	cfg.PublicBaseURL = testenv.SampleBaseURL
	mgr, err := controllers.NewEmbeddedManager(operator.Config(), controllers.Options{Config: cfg})
	if err != nil {
		t.Fatal(err)
	}
	stop := controllers.StartInBackground(ctx, mgr)
	t.Cleanup(func() { _ = stop() })

	agency := func(name string, appraised ...string) []client.Object {
		a := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{
			DisplayName: "Cơ quan " + name, Level: v1alpha1.LevelDepartment, Namespace: v1alpha1.ObjectName(name)}}
		for _, s := range appraised {
			a.Spec.AppraisedServices = append(a.Spec.AppraisedServices, v1alpha1.ServiceAppraisal{Service: v1alpha1.ObjectName(s), DocumentRef: "CV 1", AppraisedAt: metav1.Now()})
		}
		return []client.Object{
			&corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: name, Labels: map[string]string{v1alpha1.LabelAgency: name}}},
			a,
			&v1alpha1.FocalPoint{ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: name}, Spec: v1alpha1.FocalPointSpec{
				Person: v1alpha1.Contact{Name: "Cán bộ", Email: "cb@" + name + ".gov.vn"}, Role: v1alpha1.RolePrimary,
				Appointment: v1alpha1.Appointment{DocumentRef: "QĐ 1", ValidFrom: metav1.NewTime(time.Now().Add(-time.Hour))}}},
		}
	}
	create(t, k8s, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "lgsp-system"}},
		&gatewayv1.Gateway{ObjectMeta: metav1.ObjectMeta{Name: "lgsp", Namespace: "lgsp-system"}, Spec: gatewayv1.GatewaySpec{
			GatewayClassName: "envoy-gateway", Listeners: []gatewayv1.Listener{{Name: "https", Port: 443, Protocol: gatewayv1.HTTPSProtocolType,
				TLS: &gatewayv1.ListenerTLSConfig{Mode: ptr.To(gatewayv1.TLSModeTerminate), CertificateRefs: []gatewayv1.SecretObjectReference{{Name: "lgsp-tls"}}}}}}})
	create(t, k8s, agency("so-tnmt", "dat-dai")...)
	create(t, k8s, agency("ubnd-tp")...)
	create(t, k8s, &corev1.Service{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai-api", Namespace: "so-tnmt"},
		Spec: corev1.ServiceSpec{Selector: map[string]string{"app": "dat-dai"}, Ports: []corev1.ServicePort{{Port: 8080}}}},
		&v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "so-tnmt"}, Spec: v1alpha1.DataServiceSpec{
			Title: "Thửa đất", Description: "Tra cứu thửa đất", Version: "v1", Classification: v1alpha1.ClassificationShared,
			Backend: v1alpha1.Backend{ServiceName: "dat-dai-api", Port: 8080}, Access: v1alpha1.Access{Audience: v1alpha1.AudienceProvince}}})
	sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "ubnd-tp"}, Spec: v1alpha1.SharingAgreementSpec{
		Service: v1alpha1.ServiceReference{Namespace: "so-tnmt", Name: "dat-dai"}, Purpose: "Cấp phép", LegalBasis: "NĐ 47/2020"}}
	create(t, k8s, sa)
	eventually(t, "the operator issues the agreement's key, under the policy", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
			return err
		}
		if len(sa.Status.Credential.KeyIDs) != 1 {
			return fmt.Errorf("no key yet: %+v", sa.Status.Conditions)
		}
		return nil
	})
	return sa
}

// TestOnlyTheOperatorWritesWhatItOwns: a user with every right in the
// provider's namespace, and even a cluster admin, cannot forge a key, edit a
// generated policy or route, or put the operator's labels on a Secret of
// their own; the operator goes on issuing and revoking; the garbage
// collector and the namespace controller may delete.
func TestOnlyTheOperatorWritesWhatItOwns(t *testing.T) {
	sa := province(t)
	// Every right on everything in the provider's namespace.
	create(t, k8s, &rbacv1.ClusterRole{ObjectMeta: metav1.ObjectMeta{Name: "toan-quyen"},
		Rules: []rbacv1.PolicyRule{{APIGroups: []string{"*"}, Resources: []string{"*"}, Verbs: []string{"*"}}}},
		&rbacv1.RoleBinding{ObjectMeta: metav1.ObjectMeta{Name: "quan-tri", Namespace: "so-tnmt"},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "toan-quyen"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: "quan-tri@so-tnmt"}}})
	admin := env.UserClient(t, "quan-tri@so-tnmt")
	clusterAdmin := env.UserClient(t, "root@lgsp", "system:masters")

	keyID := sa.Status.Credential.KeyIDs[0]
	keyName := types.NamespacedName{Namespace: "so-tnmt", Name: names.GatewayKeyName(sa, keyID)}
	forged := render.GatewayKeySecret(sa, "ubnd-tp", "a-key-nobody-issued", "0badc0de")
	forged.TypeMeta = metav1.TypeMeta{}
	policy := &egv1a1.SecurityPolicy{}
	if err := k8s.Get(ctx, types.NamespacedName{Namespace: "so-tnmt", Name: "datashare-dat-dai"}, policy); err != nil {
		t.Fatal(err)
	}

	for who, c := range map[string]client.Client{"a namespace admin": admin, "a cluster admin": clusterAdmin} {
		refused(t, who+" creating a labelled key Secret", c.Create(ctx, forged.DeepCopy()))
		refused(t, who+" editing the generated SecurityPolicy", c.Patch(ctx, policy.DeepCopy(),
			client.RawPatch(types.MergePatchType, []byte(`{"spec":{"apiKeyAuth":{"credentialRefs":[{"name":"mine"}]}}}`))))
		refused(t, who+" adding to the generated HTTPRoute", c.Patch(ctx, &gatewayv1.HTTPRoute{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "datashare-dat-dai"}},
			client.RawPatch(types.MergePatchType, []byte(`{"spec":{"rules":[{"timeouts":{"request":"1h"}}]}}`))))
		refused(t, who+" deleting an issued key", c.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: keyName.Namespace, Name: keyName.Name}}))
		refused(t, who+" deleting the generated SecurityPolicy", c.Delete(ctx, &egv1a1.SecurityPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "datashare-dat-dai"}}))
		refused(t, who+" deleting the generated NetworkPolicy", c.Delete(ctx, &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "datashare-dat-dai"}}))
		own := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "so-tnmt", Name: "cua-toi-" + strings.Fields(who)[1]}, StringData: map[string]string{"x": "y"}}
		if err := c.Create(ctx, own); err != nil {
			t.Fatalf("%s must still create a Secret of its own: %v", who, err)
		}
		refused(t, who+" putting the operator's label on its own Secret", c.Patch(ctx, own,
			client.RawPatch(types.MergePatchType, []byte(`{"metadata":{"labels":{"app.kubernetes.io/managed-by":"datashare-operator"}}}`))))
	}

	// The operator still revokes: the agreement is deleted, and its keys go.
	if err := k8s.Delete(ctx, sa); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the operator deletes the revoked key under the policy", func() error {
		err := k8s.Get(ctx, keyName, &corev1.Secret{})
		if apierrors.IsNotFound(err) {
			return nil
		}
		return fmt.Errorf("key still there: %v", err)
	})
}

// TestTheClustersCleanersMayDelete: the garbage collector (a deleted
// agreement's Secret) and the namespace controller (a namespace being
// deleted) are let through; envtest runs neither, so their identities are
// played here.
func TestTheClustersCleanersMayDelete(t *testing.T) {
	create(t, k8s, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "don-dep"}})
	labels := map[string]string{v1alpha1.LabelManagedBy: v1alpha1.ManagedByOperator, v1alpha1.LabelCredential: v1alpha1.CredentialConsumer}
	operator := env.UserClient(t, operatorIdentity)
	for _, name := range []string{"gc", "ns", "ns-update"} {
		create(t, operator, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "don-dep", Name: name, Labels: labels}})
	}
	// Their RBAC, as a cluster gives it to them.
	cleaners := []string{"system:serviceaccount:kube-system:generic-garbage-collector", "system:serviceaccount:kube-system:namespace-controller"}
	for i, name := range cleaners {
		create(t, k8s, &rbacv1.ClusterRoleBinding{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("don-dep-%d", i)},
			RoleRef:  rbacv1.RoleRef{APIGroup: rbacv1.GroupName, Kind: "ClusterRole", Name: "cluster-admin"},
			Subjects: []rbacv1.Subject{{APIGroup: rbacv1.GroupName, Kind: rbacv1.UserKind, Name: name}}})
	}
	gc, nsController := env.UserClient(t, cleaners[0]), env.UserClient(t, cleaners[1])
	if err := gc.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "don-dep", Name: "gc"}}); err != nil {
		t.Errorf("the garbage collector must delete what the operator owns: %v", err)
	}
	if err := nsController.Delete(ctx, &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "don-dep", Name: "ns"}}); err != nil {
		t.Errorf("the namespace controller must delete what the operator owns: %v", err)
	}
	refused(t, "the namespace controller changing an owned Secret", nsController.Patch(ctx,
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "don-dep", Name: "ns-update"}},
		client.RawPatch(types.MergePatchType, []byte(`{"stringData":{"k":"v"}}`))))
}

// TestAnAgreementToItsOwnNamespacesServiceIsRefused: an agency asking
// itself for its own data is refused at admission, with a message naming
// the service; an agreement in a namespace no agency holds yet is admitted
// (its Agency may come later in the same sync) and explained in status.
func TestAnAgreementToItsOwnNamespacesServiceIsRefused(t *testing.T) {
	create(t, k8s, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "so-tu-dung"}})
	agreement := func(ns string) *v1alpha1.SharingAgreement {
		return &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "tu-dung", Namespace: ns}, Spec: v1alpha1.SharingAgreementSpec{
			Service: v1alpha1.ServiceReference{Namespace: "so-tu-dung", Name: "ho-so"}, Purpose: "Tự dùng", LegalBasis: "NĐ 47/2020"}}
	}
	want := "spec.service names DataService ho-so of namespace so-tu-dung, this agreement's own: an agency uses its own data without an agreement"
	err := testenv.Eventually(20*time.Second, func() error {
		err := k8s.Create(ctx, agreement("so-tu-dung"))
		switch {
		case err == nil:
			_ = k8s.Delete(ctx, agreement("so-tu-dung"))
			return fmt.Errorf("admitted")
		case !apierrors.IsInvalid(err) || !strings.Contains(err.Error(), want):
			return fmt.Errorf("refused, but not by the policy: %w", err)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("an agreement in the namespace of the service it names: %v", err)
	}
	create(t, k8s, &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: "chua-dang-ky"}})
	create(t, k8s, agreement("chua-dang-ky"))
	t.Log("refused: " + want + "; admitted: an agreement in a namespace no agency holds")
}
