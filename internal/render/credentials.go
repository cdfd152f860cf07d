package render

import (
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/clock"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// The keys of a consumer's credential Secret, ready to mount or to read as
// environment variables.
const (
	// SecretKeyAPIKey holds the API key.
	SecretKeyAPIKey = "api-key"
	// SecretKeyEndpoint holds the URL to call.
	SecretKeyEndpoint = "endpoint"
	// SecretKeyHeader holds the name of the header to send the key in.
	SecretKeyHeader = "header"
	// SecretKeyExpiresAt holds when the agreement stops being live (RFC
	// 3339), or is empty when no end is set.
	SecretKeyExpiresAt = "expires-at"
	// SecretKeyClientID holds the id the backend sees in X-LGSP-Consumer.
	SecretKeyClientID = "client-id"
)

// IssuedLabels are the labels of every Secret issued for an agreement.
func IssuedLabels(sa *v1alpha1.SharingAgreement, consumerAgency, credential string) map[string]string {
	return map[string]string{
		v1alpha1.LabelManagedBy:          v1alpha1.ManagedByOperator,
		v1alpha1.LabelCredential:         credential,
		v1alpha1.LabelDataService:        string(sa.Spec.Service.Name),
		v1alpha1.LabelAgreement:          sa.Name,
		v1alpha1.LabelAgreementNamespace: sa.Namespace,
		v1alpha1.LabelConsumerAgency:     consumerAgency,
	}
}

// ConsumerCredential is what a consumer Secret holds.
type ConsumerCredential struct {
	ConsumerAgency string
	Key, KeyID     string
	IssuedAt       time.Time
	Endpoint       string
	// ExpiresAt is zero when the agreement has no end.
	ExpiresAt time.Time
}

// ConsumerSecret is the Secret, owned by the agreement, from which the
// consumer's workloads read the key, the endpoint, the header and the
// expiry.
func ConsumerSecret(sa *v1alpha1.SharingAgreement, c ConsumerCredential) *corev1.Secret {
	labels := IssuedLabels(sa, c.ConsumerAgency, v1alpha1.CredentialConsumer)
	labels[v1alpha1.LabelKeyID] = c.KeyID
	expires := ""
	if !c.ExpiresAt.IsZero() {
		expires = clock.Format(c.ExpiresAt)
	}
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{
			Name: names.ConsumerSecretName(sa), Namespace: sa.Namespace, Labels: labels,
			Annotations:     map[string]string{v1alpha1.AnnotationIssuedAt: clock.Format(c.IssuedAt)},
			OwnerReferences: []metav1.OwnerReference{controllerRef("SharingAgreement", sa.Name, sa.UID)},
		},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{
			SecretKeyAPIKey:    []byte(c.Key),
			SecretKeyEndpoint:  []byte(c.Endpoint),
			SecretKeyHeader:    []byte(v1alpha1.HeaderAPIKey),
			SecretKeyExpiresAt: []byte(expires),
			SecretKeyClientID:  []byte(names.ClientID(c.ConsumerAgency, sa, c.KeyID)),
		},
	}
}

// GatewayKeySecret is the Secret, in the provider's namespace, that holds
// one key of an agreement: one client, whose id names the consumer, and the
// key, which the service's key groups copy once the agreement's status
// records it. It lives in another namespace than the agreement, so no
// owner reference removes it: the operator does when the agreement goes.
func GatewayKeySecret(sa *v1alpha1.SharingAgreement, consumerAgency, key, keyID string) *corev1.Secret {
	labels := IssuedLabels(sa, consumerAgency, v1alpha1.CredentialGateway)
	labels[v1alpha1.LabelKeyID] = keyID
	labels[v1alpha1.LabelAgreementUID] = string(sa.UID)
	return &corev1.Secret{
		TypeMeta:   metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: names.GatewayKeyName(sa, keyID), Namespace: string(sa.Spec.Service.Namespace), Labels: labels},
		Type:       corev1.SecretTypeOpaque,
		Data:       map[string][]byte{names.ClientID(consumerAgency, sa, keyID): []byte(key)},
	}
}

// SentinelSecret holds a protected service's sentinel: a random key that is
// never exported, so that nobody holds it. The service's SecurityPolicy
// lists it first, so that its list of keys is never empty. It is owned by
// the DataService and goes with it.
func SentinelSecret(ds *v1alpha1.DataService, agency, key string) *corev1.Secret {
	labels := map[string]string{
		v1alpha1.LabelManagedBy:   v1alpha1.ManagedByOperator,
		v1alpha1.LabelAgency:      agency,
		v1alpha1.LabelDataService: ds.Name,
		v1alpha1.LabelCredential:  v1alpha1.CredentialSentinel,
	}
	return &corev1.Secret{
		TypeMeta: metav1.TypeMeta{APIVersion: "v1", Kind: "Secret"},
		ObjectMeta: metav1.ObjectMeta{Name: names.SentinelName(ds), Namespace: ds.Namespace, Labels: labels,
			OwnerReferences: []metav1.OwnerReference{controllerRef("DataService", ds.Name, ds.UID)}},
		Type: corev1.SecretTypeOpaque,
		Data: map[string][]byte{names.SentinelClientID: []byte(key)},
	}
}
