package controllers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// gatewayAccepts says whether one of the service's key groups, which its
// SecurityPolicy names, holds key: whether the gateway lets it through.
func gatewayAccepts(t *testing.T, ds *v1alpha1.DataService, key string) bool {
	t.Helper()
	groups := &corev1.SecretList{}
	if err := k8s.List(ctx, groups, client.InNamespace(ds.Namespace), client.MatchingLabels{
		v1alpha1.LabelCredential: v1alpha1.CredentialKeyGroup, v1alpha1.LabelDataService: ds.Name,
	}); err != nil {
		t.Fatal(err)
	}
	for _, g := range groups.Items {
		for _, v := range g.Data {
			if string(v) == key {
				return true
			}
		}
	}
	return false
}

// TestAConsumersKeyStaysAcceptedWhenItsNamespaceChangesAgency: a live
// agreement's namespace passes to another agency (the DIC registers it
// and relabels the namespace, and the successor appoints its focal point). The gateway trusts a key only under the
// client id of the consumer agency the agreement's status names, so the
// agreement must hand its consumer a key issued under the new agency's
// client id, not keep the old one that the gateway no longer accepts.
func TestAConsumersKeyStaysAcceptedWhenItsNamespaceChangesAgency(t *testing.T) {
	ds, sa, key := liveAgreement(t, "so-doi-chu", "ho-tich", "ubnd-doi-chu")
	eventually(t, 10*time.Second, "the gateway accepts the first key", func() error {
		if !gatewayAccepts(t, ds, key) {
			return errorf("not in the key groups")
		}
		return nil
	})

	successor := &v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: "ubnd-ke-nhiem"},
		Spec:       v1alpha1.AgencySpec{DisplayName: "UBND kế nhiệm", Level: v1alpha1.LevelDistrict, Namespace: v1alpha1.ObjectName(sa.Namespace)},
	}
	create(t, successor)
	labelNamespace(t, sa.Namespace, successor.Name)
	// The earlier agency's focal point gives the successor nothing: it
	// appoints its own.
	newFocalPoint(t, sa.Namespace, "dau-moi-ke-nhiem", v1alpha1.RolePrimary, appointment{}, "an@ke-nhiem")

	eventually(t, 20*time.Second, "the agreement is live for the successor, with a key the gateway accepts", func() error {
		if err := k8s.Get(ctx, client.ObjectKeyFromObject(sa), sa); err != nil {
			return err
		}
		if sa.Status.ConsumerAgency != successor.Name {
			return errorf("the status names consumer %q", sa.Status.ConsumerAgency)
		}
		if !conditionsActive(sa) {
			return errorf("not Active")
		}
		current := consumerKey(t, sa)
		if current == "" || !gatewayAccepts(t, ds, current) {
			return errorf("the consumer holds a key the gateway does not accept (the first key: %v)", current == key)
		}
		rememberKey(current)
		return nil
	})
}

func conditionsActive(sa *v1alpha1.SharingAgreement) bool {
	for _, c := range sa.Status.Conditions {
		if c.Type == string(v1alpha1.ConditionReady) {
			return c.Reason == string(v1alpha1.ReasonActive)
		}
	}
	return false
}
