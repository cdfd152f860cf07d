package national

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"slices"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

var now = time.Date(2026, 12, 6, 2, 0, 0, 0, time.UTC)

func registers() Inputs {
	agency := func(name string, level v1alpha1.AgencyLevel, endorsed ...string) v1alpha1.Agency {
		a := v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan " + name, Level: level, Namespace: v1alpha1.ObjectName(name)}}
		for _, s := range endorsed {
			a.Spec.Endorsements = append(a.Spec.Endorsements, v1alpha1.Endorsement{Service: v1alpha1.ServiceKey(s), DocumentRef: "CV 40/STTTT"})
		}
		return a
	}
	service := func(ns, name string, audience v1alpha1.Audience, consumers ...string) v1alpha1.DataService {
		ds := v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
		ds.Spec.Title, ds.Spec.Description, ds.Spec.Version = "Dịch vụ "+name, "Mô tả", "v1"
		ds.Spec.Classification = v1alpha1.ClassificationShared
		ds.Spec.Access.Audience = audience
		for _, c := range consumers {
			ds.Spec.Access.Consumers = append(ds.Spec.Access.Consumers, v1alpha1.Consent{Agency: v1alpha1.ObjectName(c), DocumentRef: v1alpha1.DocumentReference("CV 30/" + ns)})
		}
		ds.Status.URL = "https://lgsp.example.gov.vn/" + ns + "/" + name + "/v1"
		return ds
	}
	offered := service("so-tnmt", "dat-dai", v1alpha1.AudienceListed, "ubnd-huyen", "ndxp")
	offered.Spec.DataElements = []string{"DD.ThuaDat.SoHieu", "DC.CongDan.SoDinhDanh"}
	open := service("so-khdt", "doanh-nghiep", v1alpha1.AudiencePublic)
	open.Spec.Classification = v1alpha1.ClassificationOpen
	open.Spec.OpenData = &v1alpha1.OpenData{License: "CC-BY-4.0"}
	unpublished := service("so-tnmt", "chua-cong-bo", v1alpha1.AudienceListed, "ndxp")
	unpublished.Status.URL = ""
	return Inputs{
		Agencies: []v1alpha1.Agency{
			agency("so-tttt", v1alpha1.LevelDepartment), agency("so-tnmt", v1alpha1.LevelDepartment), agency("so-khdt", v1alpha1.LevelDepartment),
			agency("ubnd-huyen", v1alpha1.LevelDistrict), agency("bo-nnmt", v1alpha1.LevelCentral, "so-tnmt/khong-quoc-gia"),
			agency("ndxp", v1alpha1.LevelNational, "so-tnmt/dat-dai", "so-tnmt/chua-cong-bo", "so-tnmt/chua-dong-y"),
		},
		FocalPoints: []v1alpha1.FocalPoint{{
			ObjectMeta: metav1.ObjectMeta{Name: "dau-moi", Namespace: "so-tnmt", CreationTimestamp: metav1.NewTime(now.Add(-time.Hour))},
			Spec: v1alpha1.FocalPointSpec{Person: v1alpha1.Contact{Name: "Nguyễn Văn An", Email: "an@stnmt.example.gov.vn"}, Role: v1alpha1.RolePrimary,
				Appointment: v1alpha1.Appointment{DocumentRef: "QĐ 1", ValidFrom: metav1.NewTime(now.Add(-24 * time.Hour))}},
			Status: v1alpha1.FocalPointStatus{Agency: "so-tnmt"},
		}},
		Services: []v1alpha1.DataService{
			offered, open, unpublished,
			service("so-tnmt", "chua-dong-y", v1alpha1.AudienceProvince),             // endorsed, no owner's consent
			service("so-tnmt", "khong-quoc-gia", v1alpha1.AudienceListed, "bo-nnmt"), // a ministry, not the national platform
			service("so-tnmt", "chua-bao-thuan", v1alpha1.AudienceListed, "ndxp"),    // consent, no endorsement
			service("so-yte", "noi-bo", v1alpha1.AudienceProvince, "ubnd-huyen"),     // provincial only
		},
		Publisher: "so-tttt",
		Now:       now,
	}
}

// TestBuild: the catalog lists what the owner and the DIC offer the
// national platform, and open data; nothing unpublished, nothing offered to
// a ministry only, nothing with one consent of the two.
func TestBuild(t *testing.T) {
	c := Build(registers())
	var ids []string
	for _, s := range c.Services {
		ids = append(ids, s.ID)
	}
	if want := []string{"so-khdt/doanh-nghiep", "so-tnmt/dat-dai"}; !slices.Equal(ids, want) {
		t.Fatalf("the catalog lists %v, want %v", ids, want)
	}
	if c.Publisher != (Agency{ID: "so-tttt", Name: "Cơ quan so-tttt"}) || c.Format != Format {
		t.Errorf("publisher %+v, format %s", c.Publisher, c.Format)
	}
	open, offered := c.Services[0], c.Services[1]
	if open.License != "CC-BY-4.0" || open.ConditionsOfUse != OpenDataUse || len(open.LegalBasis) != 0 || !strings.HasSuffix(open.AccessRights, "/PUBLIC") {
		t.Errorf("open data: %+v", open)
	}
	if !slices.Equal(offered.OfferedTo, []string{"ndxp"}) || offered.ConditionsOfUse != NationalUse || !strings.HasSuffix(offered.AccessRights, "/RESTRICTED") {
		t.Errorf("offered: %+v", offered)
	}
	wantBasis := []Document{{Kind: ProviderConsent, Reference: "CV 30/so-tnmt", For: "ndxp"}, {Kind: CoordinatorEndorsement, Reference: "CV 40/STTTT", For: "ndxp"}}
	if !slices.Equal(offered.LegalBasis, wantBasis) {
		t.Errorf("legal basis %+v, want %+v", offered.LegalBasis, wantBasis)
	}
	if !slices.Equal(offered.DataElements, []string{"DC.CongDan.SoDinhDanh", "DD.ThuaDat.SoHieu"}) {
		t.Errorf("data elements %v", offered.DataElements)
	}
	if offered.Contact == nil || offered.Contact.Email != "an@stnmt.example.gov.vn" {
		t.Errorf("the contact is the owner's primary focal point, got %+v", offered.Contact)
	}
}

func pemOf(t testing.TB, key any) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// TestTheSignatureVerifiesAndFailsWhenOneByteChanges signs the catalog with
// each kind of key a province may configure; the receiver's check passes
// with the published public key, and fails when one byte of the payload or
// the signature changes, or with another province's key.
func TestTheSignatureVerifiesAndFailsWhenOneByteChanges(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	_, ed, _ := ed25519.GenerateKey(rand.Reader)
	rs, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	otherSigner, err := NewSigner(pemOf(t, other))
	if err != nil {
		t.Fatal(err)
	}
	otherKeys, _ := otherSigner.PublicKeys()
	catalog := Build(registers())
	for name, key := range map[string]any{"ES256": ec, "EdDSA": ed, "PS256": rs} {
		t.Run(name, func(t *testing.T) {
			s, err := NewSigner(pemOf(t, key))
			if err != nil {
				t.Fatal(err)
			}
			jws, err := s.Sign(catalog)
			if err != nil {
				t.Fatal(err)
			}
			keys, err := s.PublicKeys()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(keys), `"d"`) {
				t.Fatal("the published key set holds the private part")
			}
			got, err := Verify(jws, keys)
			if err != nil {
				t.Fatalf("the signed catalog does not verify: %v", err)
			}
			if len(got.Services) != len(catalog.Services) || got.Services[1].ID != "so-tnmt/dat-dai" {
				t.Errorf("the verified catalog differs: %+v", got.Services)
			}
			parts := strings.Split(jws, ".")
			for i, what := range map[int]string{1: "payload", 2: "signature"} {
				tampered := []byte(parts[i])
				at := len(tampered) / 2
				tampered[at] = map[bool]byte{true: 'B', false: 'A'}[tampered[at] == 'A']
				changed := slices.Clone(parts)
				changed[i] = string(tampered)
				if _, err := Verify(strings.Join(changed, "."), keys); err == nil {
					t.Errorf("a catalog with one byte of its %s changed verifies", what)
				}
			}
			if _, err := Verify(jws, otherKeys); err == nil {
				t.Error("the catalog verifies with another province's key")
			}
		})
	}
}

func TestBadSigningKeysAreRefusedWithoutQuotingThem(t *testing.T) {
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	for name, tc := range map[string]struct {
		pem  []byte
		want string
	}{
		"not PEM":        {[]byte("secret-material-123"), "is not PEM"},
		"a certificate":  {pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte("secret-material-123")}), "is not a private key"},
		"ECDSA on P-384": {pemOf(t, p384), "use P-256"},
		"RSA of 1024":    {pemOf(t, small), "use at least 2048"},
	} {
		_, err := NewSigner(tc.pem)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "secret-material") {
			t.Errorf("%s: the error quotes the key", name)
		}
	}
}
