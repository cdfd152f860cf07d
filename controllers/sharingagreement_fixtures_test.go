package controllers

import (
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

// publishedService creates a provider agency, its backend and a DataService,
// and accepts the route as the gateway would, so that the service is Ready.
func publishedService(t *testing.T, provider, name string, audience v1alpha1.Audience, consumers ...v1alpha1.Consent) *v1alpha1.DataService {
	t.Helper()
	lgspGateway(t)
	readyProvider(t, provider, name)
	backendService(t, provider, name, 8080, map[string]string{"app": name})
	ds := dataService(provider, name)
	ds.Spec.Access = v1alpha1.Access{Audience: audience, Consumers: consumers}
	if audience == v1alpha1.AudiencePublic {
		ds.Spec.Classification = v1alpha1.ClassificationOpen
	}
	create(t, ds)
	route, _, _ := generatedObjects(ds)
	waitForReason(t, ds, metav1.ConditionFalse, v1alpha1.ReasonWaitingForGateway)
	acceptRoute(t, route, metav1.ConditionTrue, "Accepted")
	waitForReason(t, ds, metav1.ConditionTrue, v1alpha1.ReasonReady)
	return ds
}

// consumerAgency creates a Ready consumer agency at a level, with a primary
// focal point whose user is returned.
func consumerAgency(t *testing.T, name string, level v1alpha1.AgencyLevel, endorsements ...v1alpha1.Endorsement) (*v1alpha1.Agency, *v1alpha1.FocalPoint) {
	t.Helper()
	newNamespace(t, name)
	a := &v1alpha1.Agency{
		ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan " + name, Level: level, Namespace: v1alpha1.ObjectName(name),
			Endorsements: endorsements},
	}
	create(t, a)
	fp := newFocalPoint(t, name, "dau-moi", v1alpha1.RolePrimary, appointment{}, "dau-moi@"+name)
	waitForReason(t, a, metav1.ConditionTrue, v1alpha1.ReasonReady)
	return a, fp
}

func agreement(ns, name string, ds *v1alpha1.DataService) *v1alpha1.SharingAgreement {
	return &v1alpha1.SharingAgreement{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: ns},
		Spec: v1alpha1.SharingAgreementSpec{
			Service:    v1alpha1.ServiceReference{Namespace: v1alpha1.ObjectName(ds.Namespace), Name: v1alpha1.ObjectName(ds.Name)},
			Purpose:    "Giải quyết thủ tục hành chính",
			LegalBasis: "Nghị định 47/2020/NĐ-CP, Điều 10",
		},
	}
}

// gatewayKeysOf lists an agreement's gateway-side key Secrets.
func gatewayKeysOf(t *testing.T, sa *v1alpha1.SharingAgreement) []corev1.Secret {
	t.Helper()
	list := &corev1.SecretList{}
	if err := k8s.List(ctx, list, client.InNamespace(string(sa.Spec.Service.Namespace)), client.MatchingLabels{
		v1alpha1.LabelCredential: v1alpha1.CredentialGateway, v1alpha1.LabelAgreementNamespace: sa.Namespace, v1alpha1.LabelAgreement: sa.Name,
	}); err != nil {
		t.Fatal(err)
	}
	return list.Items
}

// consumerKey reads the key in the consumer's Secret; empty when absent.
func consumerKey(t *testing.T, sa *v1alpha1.SharingAgreement) string {
	t.Helper()
	s := &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: sa.Namespace, Name: names.ConsumerSecretName(sa)}}
	if !exists(t, s) {
		return ""
	}
	return string(s.Data[render.SecretKeyAPIKey])
}

// issuedKey waits until the consumer's Secret holds a key, and returns it:
// the agreement's status records a new key before the Secret is written,
// so that the gateway accepts the key from the moment the consumer has it.
func issuedKey(t *testing.T, sa *v1alpha1.SharingAgreement) string {
	t.Helper()
	var key string
	eventually(t, 10*time.Second, "the consumer's Secret holds the key", func() error {
		if key = consumerKey(t, sa); key == "" {
			return errorf("no key yet")
		}
		return nil
	})
	return key
}

// waitKeysGone waits until the agreement has no gateway-side key, and says
// how long that took from since.
func waitKeysGone(t *testing.T, sa *v1alpha1.SharingAgreement, since time.Time) time.Duration {
	t.Helper()
	eventually(t, 15*time.Second, "the gateway-side keys are gone", func() error {
		if n := len(gatewayKeysOf(t, sa)); n != 0 {
			return errorf("%d key(s) left", n)
		}
		return nil
	})
	return time.Since(since)
}

// keysSeen collects every key the tests see, so that the log scan can look
// for them.
var keysSeen = map[string]bool{}

func rememberKey(key string) {
	if key != "" {
		keysSeen[key] = true
	}
}

// liveAgreement creates a published Province service, a consumer agency and
// an agreement between them, waits until the agreement is Active, and
// returns it with the key in the consumer's Secret.
func liveAgreement(t *testing.T, provider, service, consumer string) (*v1alpha1.DataService, *v1alpha1.SharingAgreement, string) {
	t.Helper()
	ds := publishedService(t, provider, service, v1alpha1.AudienceProvince)
	sa, key := liveAgreementFor(t, ds, consumer)
	return ds, sa, key
}

// liveAgreementFor creates a district agency and its agreement for ds,
// waits until the agreement is Active, and returns it with the key in the
// consumer's Secret.
func liveAgreementFor(t *testing.T, ds *v1alpha1.DataService, consumer string) (*v1alpha1.SharingAgreement, string) {
	t.Helper()
	consumerAgency(t, consumer, v1alpha1.LevelDistrict)
	sa := agreement(consumer, ds.Name, ds)
	create(t, sa)
	waitForReason(t, sa, metav1.ConditionTrue, v1alpha1.ReasonActive)
	key := issuedKey(t, sa)
	rememberKey(key)
	return sa, key
}
