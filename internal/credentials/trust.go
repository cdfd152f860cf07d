package credentials

import (
	"slices"

	corev1 "k8s.io/api/core/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// The one place that says which gateway-side key is the key the operator
// issued: the agreement's controller (whether to keep a key or issue
// another), the DataService's (whether the gateway may accept it) and the
// plugin ask the same checks, so that a key the gateway refuses is never a
// key its consumer is told to keep.

// KeyUnderReview is a gateway-side key Secret and what it is judged
// against.
type KeyUnderReview struct {
	Secret *corev1.Secret
	// Agreement is the agreement the key's labels name.
	Agreement *v1alpha1.SharingAgreement
	// Consumer is the agency the agreement is live for: the one the
	// agreement's decision names, or its status records.
	Consumer string
}

// A KeyCheck is one rule every key the operator issued meets.
type KeyCheck struct {
	// Name says what the check asks, for a test or a log.
	Name  string
	Holds func(KeyUnderReview) bool
}

// IssuedKeyChecks are the rules of an issued key, in the order they are
// asked.
var IssuedKeyChecks = []KeyCheck{
	{"has a key id", func(k KeyUnderReview) bool { return keyID(k.Secret) != "" }},
	{"is named as the operator names the key", func(k KeyUnderReview) bool {
		return k.Secret.Name == names.GatewayKeyName(k.Agreement, keyID(k.Secret))
	}},
	{"holds one non-empty key", func(k KeyUnderReview) bool { return HoldsOneKey(k.Secret) }},
	{"was issued to this agreement, not an earlier one of its name", func(k KeyUnderReview) bool {
		return KeyOf(k.Agreement, k.Secret)
	}},
	{"holds its key under the consumer agency's client id", func(k KeyUnderReview) bool {
		return len(k.Secret.Data[names.ClientID(k.Consumer, k.Agreement, keyID(k.Secret))]) > 0
	}},
}

// Issued says whether k is a key the operator issued to its agreement for
// its consumer, and otherwise names the first check it fails.
func Issued(k KeyUnderReview) (bool, string) {
	for _, c := range IssuedKeyChecks {
		if !c.Holds(k) {
			return false, c.Name
		}
	}
	return true, ""
}

// Trusted says whether the gateway may accept k: it is Issued, and its key
// id is among the ids the agreement's status records (see RecordedKeyIDs),
// which only the operator writes.
func Trusted(k KeyUnderReview, recorded []string) bool {
	ok, _ := Issued(k)
	return ok && slices.Contains(recorded, keyID(k.Secret))
}

func keyID(s *corev1.Secret) string { return s.Labels[v1alpha1.LabelKeyID] }

// HoldsOneKey says whether a key Secret holds exactly one client with a
// non-empty key, as every gateway-side key and sentinel the operator writes
// does. Envoy Gateway accepts a Secret with no data at all, which would
// leave a policy without that key; such a Secret is never listed.
func HoldsOneKey(s *corev1.Secret) bool {
	if len(s.Data) != 1 {
		return false
	}
	for id, key := range s.Data {
		return id != "" && len(key) > 0
	}
	return false
}

// KeyOf says whether a gateway-side key was issued to sa itself rather
// than to an earlier agreement of the same name: its UID label is sa's, or
// absent on a key issued before the label existed.
func KeyOf(sa *v1alpha1.SharingAgreement, s *corev1.Secret) bool {
	uid, labelled := s.Labels[v1alpha1.LabelAgreementUID]
	return !labelled || uid == string(sa.UID)
}

// LegacyCredentialStatus says whether sa's status was last written by an
// operator that did not record key ids: it describes a credential and
// records none. The operator records at least the current key's id
// whenever it describes a credential.
func LegacyCredentialStatus(sa *v1alpha1.SharingAgreement) bool {
	return sa.Status.Credential.SecretName != "" && len(sa.Status.Credential.KeyIDs) == 0
}

// RecordedKeyIDs are the key ids the gateway may accept for sa: those its
// status records, which only the operator writes. For a legacy status (see
// LegacyCredentialStatus) they are the id of the key its consumer holds,
// consumerKeyID, until the agreement is reconciled again: an upgrade of the
// operator cuts no one off.
func RecordedKeyIDs(sa *v1alpha1.SharingAgreement, consumerKeyID string) []string {
	if LegacyCredentialStatus(sa) && consumerKeyID != "" {
		return []string{consumerKeyID}
	}
	return sa.Status.Credential.KeyIDs
}
