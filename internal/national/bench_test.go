package national

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// BenchmarkBuildAndSign makes and signs the national catalog of a province
// of 100 agencies and 1,000 services, 200 of them offered to the national
// platform, as the portal does on every request for /national/catalog.jws.
func BenchmarkBuildAndSign(b *testing.B) {
	in := Inputs{Publisher: "co-quan-000", Now: now}
	national := v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: "ndxp"}, Spec: v1alpha1.AgencySpec{Level: v1alpha1.LevelNational, Namespace: "ndxp"}}
	for a := range 100 {
		ns := fmt.Sprintf("co-quan-%03d", a)
		in.Agencies = append(in.Agencies, v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: ns}, Spec: v1alpha1.AgencySpec{DisplayName: "Cơ quan " + ns, Namespace: v1alpha1.ObjectName(ns)}})
		for s := range 10 {
			ds := v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: fmt.Sprintf("dich-vu-%d", s)}}
			ds.Spec.Title, ds.Spec.Description, ds.Spec.Version = "Dịch vụ", "Mô tả dịch vụ dữ liệu.", "v1"
			ds.Spec.Classification, ds.Spec.Access.Audience = v1alpha1.ClassificationShared, v1alpha1.AudienceProvince
			ds.Spec.DataElements = []string{"DC.CongDan.SoDinhDanh"}
			ds.Status.URL = "https://lgsp.example.gov.vn/" + ns + "/" + ds.Name + "/v1"
			if s%5 == 0 {
				ds.Spec.Access.Consumers = []v1alpha1.Consent{{Agency: "ndxp", DocumentRef: "CV 30"}}
				national.Spec.Endorsements = append(national.Spec.Endorsements, v1alpha1.Endorsement{Service: v1alpha1.ServiceKey(ns + "/" + ds.Name), DocumentRef: "CV 40"})
			}
			in.Services = append(in.Services, ds)
		}
	}
	in.Agencies = append(in.Agencies, national)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	signer, err := NewSigner(pemOf(b, key))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	var size int
	for b.Loop() {
		c := Build(in)
		if len(c.Services) != 200 {
			b.Fatalf("%d services", len(c.Services))
		}
		jws, err := signer.Sign(c)
		if err != nil {
			b.Fatal(err)
		}
		size = len(jws)
	}
	b.ReportMetric(float64(size), "bytes/catalog")
}
