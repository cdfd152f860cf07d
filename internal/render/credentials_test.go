package render

import (
	"regexp"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/names"
)

// TestConsumerPatternMatchesOneAgency: an agency's rate-limit pattern
// matches the client ids of its own keys and of no other agency, even one
// whose name would be read as a pattern.
func TestConsumerPatternMatchesOneAgency(t *testing.T) {
	cases := []struct {
		agency, clientID string
		match            bool
	}{
		{"so-tc", "so-tc.dat-dai.1a2b3c4d", true},
		{"so-tc", "so-tc-x.dat-dai.1a2b3c4d", false},
		{"so-tc", "so-tcx.dat-dai.1a2b3c4d", false},
		{"so-tc", "so-tc", false},
		{"so-tc", "lgsp-sentinel", false},
		// Agency names are DNS labels; were a dot ever let through, it
		// would still match only itself.
		{"so-tc.x", "so-tcax.dat-dai.1a2b3c4d", false},
		{"so-tc.x", "so-tc.x.dat-dai.1a2b3c4d", true},
	}
	for _, tc := range cases {
		if got := regexp.MustCompile(names.ConsumerPattern(tc.agency)).MatchString(tc.clientID); got != tc.match {
			t.Errorf("pattern of %q on %q: %v, want %v", tc.agency, tc.clientID, got, tc.match)
		}
	}
}

// TestIssuedGatewayKey: a gateway key is listed only when it is the one the
// operator issued, as its agreement's status records it.
func TestIssuedGatewayKey(t *testing.T) {
	sa := &v1alpha1.SharingAgreement{ObjectMeta: metav1.ObjectMeta{Name: "dat-dai", Namespace: "ubnd-tp", UID: "5e1f0c2a-0000-4000-8000-000000000001"}}
	sa.Status.ConsumerAgency = "ubnd-tp"
	sa.Status.Credential.KeyIDs = []string{"1a2b3c4d"}
	issued := func() *corev1.Secret {
		return GatewayKeySecret(sa, "ubnd-tp", "k3y", "1a2b3c4d")
	}
	cases := []struct {
		name string
		edit func(*corev1.Secret)
		want bool
	}{
		{"as issued", func(*corev1.Secret) {}, true},
		{"an id the status does not record", func(s *corev1.Secret) { s.Labels[v1alpha1.LabelKeyID] = "ffffffff" }, false},
		{"another name", func(s *corev1.Secret) { s.Name += "-forged" }, false},
		{"emptied", func(s *corev1.Secret) { s.Data = map[string][]byte{} }, false},
		{"an empty key", func(s *corev1.Secret) { s.Data = map[string][]byte{"ubnd-tp.dat-dai.1a2b3c4d": nil} }, false},
		{"a second client", func(s *corev1.Secret) { s.Data["other.x.y"] = []byte("k") }, false},
		{"another agency's client id", func(s *corev1.Secret) { s.Data = map[string][]byte{"so-tc.dat-dai.1a2b3c4d": []byte("k3y")} }, false},
		// Issued to an agreement deleted and created again with this name.
		{"an earlier agreement's UID", func(s *corev1.Secret) { s.Labels[v1alpha1.LabelAgreementUID] = "0d9c7b6a-0000-4000-8000-000000000002" }, false},
		{"issued before keys carried a UID", func(s *corev1.Secret) { delete(s.Labels, v1alpha1.LabelAgreementUID) }, true},
	}
	for _, tc := range cases {
		s := issued()
		tc.edit(s)
		if got := IssuedGatewayKey(sa, s, sa.Status.Credential.KeyIDs); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
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
		if got := strings.Join(RecordedKeyIDs(tc.sa, tc.consumer), ","); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}
