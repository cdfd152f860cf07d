package controllers

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admissionregistration/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/utils/ptr"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestAKeyThatCannotBeHandedOverIsNotIssuedAgain closes the consumer's
// namespace to the agreement's Secret, as a quota or a cluster policy
// might, while the agreement goes live: the operator retries the hand-over
// with the one key it issued, instead of issuing a new key on each retry,
// and the consumer gets that very key once the namespace opens. Before,
// every retry left one more key at the gateway.
func TestAKeyThatCannotBeHandedOverIsNotIssuedAgain(t *testing.T) {
	ds := publishedService(t, "so-congthuong", "de-tai", v1alpha1.AudienceProvince)
	consumerAgency(t, "ubnd-h-tran-de", v1alpha1.LevelDistrict)
	sa := agreement("ubnd-h-tran-de", "de-tai", ds)
	secret := names.ConsumerSecretName(sa)
	unblock := refuseSecret(t, sa.Namespace, secret)

	create(t, sa)
	attempt := testenv.Request{Verb: http.MethodPost, Resource: "secrets", Namespace: sa.Namespace}
	eventually(t, 30*time.Second, "the operator tried to hand the key over 5 times", func() error {
		if n := operatorRequests.Counts()[attempt]; n < 5 {
			return errorf("%d attempts", n)
		}
		return nil
	})
	if n := len(gatewayKeysOf(t, sa)); n != 1 {
		t.Fatalf("%d keys at the gateway after 5 failed hand-overs, want the 1 issued", n)
	}

	unblock()
	key := issuedKey(t, sa)
	rememberKey(key)
	keys := gatewayKeysOf(t, sa)
	if len(keys) != 1 {
		t.Fatalf("%d keys at the gateway once handed over, want 1", len(keys))
	}
	for _, v := range keys[0].Data {
		if string(v) != key {
			t.Error("the consumer holds another key than the one the gateway accepts")
		}
	}
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
		t.Fatal(err)
	}
	if ids := sa.Status.Credential.KeyIDs; len(ids) != 1 || ids[0] != keys[0].Labels[v1alpha1.LabelKeyID] {
		t.Errorf("the status records keys %v, the gateway holds %s", ids, keys[0].Labels[v1alpha1.LabelKeyID])
	}
}

// refuseSecret has the API server refuse to create or update the Secret
// name in namespace ns, until the returned function is called.
func refuseSecret(t *testing.T, ns, name string) (unblock func()) {
	t.Helper()
	policy := &admissionv1.ValidatingAdmissionPolicy{
		ObjectMeta: metav1.ObjectMeta{Name: "refuse-" + ns + "-" + name},
		Spec: admissionv1.ValidatingAdmissionPolicySpec{
			FailurePolicy: ptr.To(admissionv1.Fail),
			MatchConstraints: &admissionv1.MatchResources{ResourceRules: []admissionv1.NamedRuleWithOperations{{
				RuleWithOperations: admissionv1.RuleWithOperations{
					Operations: []admissionv1.OperationType{admissionv1.Create, admissionv1.Update},
					Rule:       admissionv1.Rule{APIGroups: []string{""}, APIVersions: []string{"v1"}, Resources: []string{"secrets"}},
				}}}},
			Validations: []admissionv1.Validation{{
				Expression: fmt.Sprintf("object.metadata.name != %q", name),
				Message:    "this test closes the namespace to the Secret",
			}},
		},
	}
	binding := &admissionv1.ValidatingAdmissionPolicyBinding{
		ObjectMeta: metav1.ObjectMeta{Name: policy.Name},
		Spec: admissionv1.ValidatingAdmissionPolicyBindingSpec{
			PolicyName:        policy.Name,
			ValidationActions: []admissionv1.ValidationAction{admissionv1.Deny},
			MatchResources: &admissionv1.MatchResources{NamespaceSelector: &metav1.LabelSelector{
				MatchLabels: map[string]string{corev1.LabelMetadataName: ns}}},
		},
	}
	create(t, policy)
	create(t, binding)
	// The API server enforces a policy a moment after it is created.
	probe := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	eventually(t, 10*time.Second, "the API server refuses the Secret", func() error {
		err := k8s.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		if apierrors.IsInvalid(err) || apierrors.IsForbidden(err) {
			return nil
		}
		return errorf("not refused yet: %v", err)
	})
	return func() {
		for _, obj := range []client.Object{binding, policy} {
			if err := k8s.Delete(ctx, obj); err != nil {
				t.Fatal(err)
			}
		}
		eventually(t, 10*time.Second, "the API server accepts the Secret again", func() error {
			return k8s.Create(ctx, probe.DeepCopy(), client.DryRunAll)
		})
	}
}
