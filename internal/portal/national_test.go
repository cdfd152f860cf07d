package portal

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/go-logr/logr"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/controller-runtime/pkg/client/fake"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
	"github.com/lgsp-vn/datashare-operator/internal/config"
	"github.com/lgsp-vn/datashare-operator/internal/national"
	"github.com/lgsp-vn/datashare-operator/internal/scheme"
)

// nationalProvince is the sample province with the national platform
// registered, endorsed by the DIC for so-tnmt/dat-dai, and so-tnmt's
// consent for it.
func nationalProvince() []client.Object {
	objs := province()
	for _, o := range objs {
		if ds, ok := o.(*v1alpha1.DataService); ok && ds.Name == "dat-dai" {
			ds.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ndxp", DocumentRef: "CV 30/STNMT"}}
			ds.Spec.DataElements = []string{"DD.ThuaDat.SoHieu"}
		}
	}
	ndxp := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "ndxp"}, Spec: v1alpha1.AgencySpec{DisplayName: "Nền tảng quốc gia", Level: v1alpha1.LevelNational,
		Namespace: "ndxp", Endorsements: []v1alpha1.Endorsement{{Service: "so-tnmt/dat-dai", DocumentRef: "CV 40/STTTT"}}}}
	return append(objs, ndxp)
}

func nationalServer(t *testing.T, signer *national.Signer) http.Handler {
	t.Helper()
	reader := fake.NewClientBuilder().WithScheme(scheme.New()).WithObjects(nationalProvince()...).Build()
	s := &Server{Reader: reader, Reviewer: fakeReviewer{}, Rules: config.Default().Rules, Log: logr.Discard(), Now: func() time.Time { return t0 },
		PublicURL: "https://du-lieu.example.gov.vn", Publisher: "so-tnmt", NationalSigner: signer}
	h, err := s.Handler()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// TestTheNationalCatalogIsSignedAndPublic: anyone reads the national
// catalog; it lists the service offered to the national platform and the
// open data, nothing else; the JWS verifies with the published key set;
// without a key the signed form says how to configure one.
func TestTheNationalCatalogIsSignedAndPublic(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	signer, err := national.NewSigner(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}))
	if err != nil {
		t.Fatal(err)
	}
	h := nationalServer(t, signer)

	code, ttl := get(t, h, "/national/catalog.ttl", "")
	if code != http.StatusOK {
		t.Fatalf("/national/catalog.ttl: %d %s", code, ttl)
	}
	for _, want := range []string{"Tra cứu thửa đất", "Quan trắc môi trường", `"DD.ThuaDat.SoHieu"`, `"CV 40/STTTT"@vi`, `"CV 30/STNMT"@vi`, "<http://data.europa.eu/r5r/applicableLegislation>",
		"<mailto:an@stnmt.example.gov.vn>"} {
		if !strings.Contains(ttl, want) {
			t.Errorf("the national catalog lacks %s", want)
		}
	}
	if strings.Contains(ttl, "bi-mat") || strings.Contains(ttl, "ho-so") {
		t.Error("the national catalog lists a service not offered nationally")
	}

	code, jws := get(t, h, "/national/catalog.jws", "")
	_, keys := get(t, h, "/national/keys.json", "")
	if code != http.StatusOK {
		t.Fatalf("/national/catalog.jws: %d %s", code, jws)
	}
	c, err := national.Verify(jws, []byte(keys))
	if err != nil {
		t.Fatalf("the served catalog does not verify with the served key: %v", err)
	}
	if len(c.Services) != 2 || c.Services[0].ID != "so-tnmt/dat-dai" || c.Services[1].ID != "so-tnmt/quan-trac" {
		t.Errorf("the signed catalog lists %+v", c.Services)
	}
	if !strings.Contains(keys, signer.KeyID()) || strings.Contains(keys, `"d":`) {
		t.Errorf("the key set must carry the public key under its thumbprint, and no private part: %s", keys)
	}

	if _, page := get(t, h, "/open-data", ""); !strings.Contains(page, `href="/national/catalog.jws"`) || !strings.Contains(page, `href="/national/catalog.ttl"`) {
		t.Error("the open-data page does not link the national catalog")
	}

	if _, page := get(t, h, "/services/so-tnmt/dat-dai", "khdt"); !strings.Contains(page, "<code>DD.ThuaDat.SoHieu</code>") {
		t.Error("the service page does not show the national data elements it serves")
	}

	unsigned := nationalServer(t, nil)
	if code, body := get(t, unsigned, "/national/catalog.jws", ""); code != http.StatusServiceUnavailable || !strings.Contains(body, "--national-catalog-key") {
		t.Errorf("without a key: %d %s", code, body)
	}
	if code, _ := get(t, unsigned, "/national/catalog.ttl", ""); code != http.StatusOK {
		t.Errorf("the unsigned catalog is served without a key: %d", code)
	}
}
