package render

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

func TestRequestManifestSaysWhatRemains(t *testing.T) {
	service := func(audience v1alpha1.Audience, consumers ...v1alpha1.ObjectName) *v1alpha1.DataService {
		ds := &v1alpha1.DataService{ObjectMeta: metav1.ObjectMeta{Namespace: "so-yte", Name: "ho-so"}, Spec: v1alpha1.DataServiceSpec{Access: v1alpha1.Access{Audience: audience}}}
		for _, c := range consumers {
			ds.Spec.Access.Consumers = append(ds.Spec.Access.Consumers, v1alpha1.Consent{Agency: c, DocumentRef: "CV"})
		}
		return ds
	}
	agency := func(name string, level v1alpha1.AgencyLevel, endorsed ...v1alpha1.ServiceKey) *v1alpha1.Agency {
		a := &v1alpha1.Agency{ObjectMeta: metav1.ObjectMeta{Name: name}, Spec: v1alpha1.AgencySpec{Namespace: v1alpha1.ObjectName(name), Level: level}}
		for _, s := range endorsed {
			a.Spec.Endorsements = append(a.Spec.Endorsements, v1alpha1.Endorsement{Service: s, DocumentRef: "CV"})
		}
		return a
	}
	for _, tc := range []struct {
		name   string
		ds     *v1alpha1.DataService
		agency *v1alpha1.Agency
		want   []RequestNeedKind
	}{
		{"a Province service needs nothing more", service(v1alpha1.AudienceProvince), agency("so-khdt", v1alpha1.LevelDepartment), []RequestNeedKind{NeedNothing}},
		{"a Listed service not naming the agency", service(v1alpha1.AudienceListed, "ubnd-x"), agency("so-khdt", v1alpha1.LevelDepartment), []RequestNeedKind{NeedProviderConsent}},
		{"a Listed service naming it", service(v1alpha1.AudienceListed, "so-khdt"), agency("so-khdt", v1alpha1.LevelDepartment), []RequestNeedKind{NeedNothing}},
		{"an outside body needs both", service(v1alpha1.AudienceProvince), agency("bo-nnmt", v1alpha1.LevelCentral), []RequestNeedKind{NeedProviderConsent, NeedCoordinatorEndorsement}},
		{"an outside body with both", service(v1alpha1.AudienceProvince, "bo-nnmt"), agency("bo-nnmt", v1alpha1.LevelCentral, "so-yte/ho-so"), []RequestNeedKind{NeedNothing}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			manifest, needs, err := RequestManifest(tc.ds, tc.agency, "Mục đích", "Căn cứ")
			if err != nil {
				t.Fatal(err)
			}
			var kinds []RequestNeedKind
			for _, n := range needs {
				kinds = append(kinds, n.Kind)
			}
			if strings.Join(strs(kinds), ",") != strings.Join(strs(tc.want), ",") {
				t.Errorf("needs %v, want %v", kinds, tc.want)
			}
			if !strings.Contains(string(manifest), "namespace: "+tc.agency.Name) || strings.Contains(string(manifest), "status") {
				t.Errorf("manifest:\n%s", manifest)
			}
		})
	}
}

func strs(kinds []RequestNeedKind) []string {
	out := make([]string, len(kinds))
	for i, k := range kinds {
		out[i] = string(k)
	}
	return out
}
