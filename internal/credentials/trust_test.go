package credentials_test

import (
	"strings"
	"testing"
	"time"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/credentials"
	"github.com/lgsp-vn/datashare-operator/internal/render"
)

func issuedAgreement() *v1alpha1.SharingAgreement {
	sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "ubnd-tp", UID: "5e1f0c2a-0000-4000-8000-000000000001"}}
	sa.Status.ConsumerAgency = "ubnd-tp"
	sa.Status.Credential.KeyIDs = []string{"1a2b3c4d"}
	return sa
}

// TestEachIssuedKeyCheck: a key as the operator issues it passes every
// check; each change below fails exactly the check named, and so the key
// is neither kept for the consumer nor accepted at the gateway.
func TestEachIssuedKeyCheck(t *testing.T) {
	sa := issuedAgreement()
	cases := []struct {
		name     string
		consumer string
		edit     func(*corev1.Secret)
		fails    string
	}{
		{"as issued", "ubnd-tp", func(*corev1.Secret) {}, ""},
		{"issued before keys carried a UID", "ubnd-tp", func(s *corev1.Secret) { delete(s.Labels, v1alpha1.LabelAgreementUID) }, ""},
		{"no key id", "ubnd-tp", func(s *corev1.Secret) { delete(s.Labels, v1alpha1.LabelKeyID) }, "has a key id"},
		{"another name", "ubnd-tp", func(s *corev1.Secret) { s.Name += "-forged" }, "is named as the operator names the key"},
		{"another key id than its name says", "ubnd-tp", func(s *corev1.Secret) { s.Labels[v1alpha1.LabelKeyID] = "ffffffff" }, "is named as the operator names the key"},
		{"emptied", "ubnd-tp", func(s *corev1.Secret) { s.Data = map[string][]byte{} }, "holds one non-empty key"},
		{"an empty key", "ubnd-tp", func(s *corev1.Secret) { s.Data = map[string][]byte{"ubnd-tp.dat-dai.1a2b3c4d": nil} }, "holds one non-empty key"},
		{"a second client", "ubnd-tp", func(s *corev1.Secret) { s.Data["other.x.y"] = []byte("k") }, "holds one non-empty key"},
		// Issued to an agreement deleted and created again with this name.
		{"an earlier agreement's UID", "ubnd-tp", func(s *corev1.Secret) { s.Labels[v1alpha1.LabelAgreementUID] = "0d9c7b6a-0000-4000-8000-000000000002" },
			"was issued to this agreement, not an earlier one of its name"},
		{"another agency's client id", "ubnd-tp", func(s *corev1.Secret) { s.Data = map[string][]byte{"so-tc.dat-dai.1a2b3c4d": []byte("k3y")} },
			"holds its key under the consumer agency's client id"},
		// The namespace passed to another agency: the key was issued
		// under the earlier agency's client id, which the gateway no
		// longer accepts for this agreement.
		{"the consumer's namespace changed agency", "ubnd-ke-nhiem", func(*corev1.Secret) {},
			"holds its key under the consumer agency's client id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := render.GatewayKeySecret(sa, "ubnd-tp", "k3y", "1a2b3c4d")
			tc.edit(s)
			ok, failed := credentials.Issued(credentials.KeyUnderReview{Secret: s, Agreement: sa, Consumer: tc.consumer})
			if ok != (tc.fails == "") || failed != tc.fails {
				t.Errorf("issued %v, failed %q; want the check %q to fail", ok, failed, tc.fails)
			}
			if trusted := credentials.Trusted(credentials.KeyUnderReview{Secret: s, Agreement: sa, Consumer: tc.consumer}, sa.Status.Credential.KeyIDs); trusted != ok {
				t.Errorf("trusted %v for a key whose id is recorded, want %v as issued", trusted, ok)
			}
		})
	}
}

// TestTrustedNeedsARecordedID: an issued key whose id the status does not
// record is not accepted at the gateway.
func TestTrustedNeedsARecordedID(t *testing.T) {
	sa := issuedAgreement()
	s := render.GatewayKeySecret(sa, "ubnd-tp", "k3y", "1a2b3c4d")
	k := credentials.KeyUnderReview{Secret: s, Agreement: sa, Consumer: "ubnd-tp"}
	for _, tc := range []struct {
		recorded []string
		want     bool
	}{
		{[]string{"1a2b3c4d"}, true},
		{[]string{"0000aaaa", "1a2b3c4d"}, true},
		{[]string{"0000aaaa"}, false},
		{nil, false},
	} {
		if got := credentials.Trusted(k, tc.recorded); got != tc.want {
			t.Errorf("recorded %v: trusted %v, want %v", tc.recorded, got, tc.want)
		}
	}
}

// TestRecordedKeyIDs: the status's ids, or, for a status written before ids
// were recorded, the key the consumer holds, so that an upgrade cuts no one
// off.
func TestRecordedKeyIDs(t *testing.T) {
	withIDs := &v1alpha1.SharingAgreement{}
	withIDs.Status.Credential = v1alpha1.CredentialStatus{SecretName: "datashare-x", KeyIDs: []string{"a", "b"}}
	legacy := &v1alpha1.SharingAgreement{}
	legacy.Status.Credential = v1alpha1.CredentialStatus{SecretName: "datashare-x"}
	none := &v1alpha1.SharingAgreement{}
	cases := []struct {
		name     string
		sa       *v1alpha1.SharingAgreement
		consumer string
		want     string
	}{
		{"recorded ids, whatever the consumer holds", withIDs, "c", "a,b"},
		{"a legacy status: the consumer's key", legacy, "c", "c"},
		{"a legacy status, no consumer Secret", legacy, "", ""},
		{"no credential", none, "c", ""},
	}
	for _, tc := range cases {
		if got := strings.Join(credentials.RecordedKeyIDs(tc.sa, tc.consumer), ","); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestRotationInterval(t *testing.T) {
	set := &v1alpha1.SharingAgreement{}
	set.Spec.Credentials.RotationInterval = &metav1.Duration{Duration: 720 * time.Hour}
	for _, tc := range []struct {
		name string
		sa   *v1alpha1.SharingAgreement
		want time.Duration
	}{
		{"the agreement's own", set, 720 * time.Hour},
		{"left out: ninety days", &v1alpha1.SharingAgreement{}, 90 * 24 * time.Hour},
	} {
		if got := credentials.RotationInterval(tc.sa); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
}
