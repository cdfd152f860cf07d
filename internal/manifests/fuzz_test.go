package manifests

import (
	"os"
	"path/filepath"
	"testing"

	"k8s.io/apimachinery/pkg/runtime"
	"sigs.k8s.io/yaml"

	v1alpha1 "github.com/lgsp-vn/datashare-operator/api/v1alpha1"
)

// FuzzDecodeKinds feeds arbitrary YAML to the decoders of the four kinds,
// as typed objects and through the unstructured converter the operator's
// clients use: nothing may panic, and what decodes must encode again.
func FuzzDecodeKinds(f *testing.F) {
	samples, _ := filepath.Glob(filepath.Join("..", "..", "config", "samples", "[0-9]*.yaml"))
	for _, s := range samples {
		if raw, err := os.ReadFile(s); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("apiVersion: datashare.lgsp.vn/v1alpha1\nkind: DataService\nspec: {access: {consumers: [{agency: 1}]}, backend: {port: '8080'}}\n"))
	f.Add([]byte("kind: SharingAgreement\nspec: {validFrom: not-a-time, credentials: {rotationInterval: 5x}}\n"))
	f.Add([]byte("kind: Agency\nstatus: {agreementsProvided: {byState: {Active: -1}}}\n"))

	f.Fuzz(func(t *testing.T, raw []byte) {
		objs, err := Decode(raw)
		if err != nil {
			return
		}
		for _, u := range objs {
			for _, typed := range []runtime.Object{&v1alpha1.Agency{}, &v1alpha1.FocalPoint{}, &v1alpha1.DataService{}, &v1alpha1.SharingAgreement{}} {
				if err := runtime.DefaultUnstructuredConverter.FromUnstructured(u.Object, typed); err != nil {
					continue
				}
				if _, err := runtime.DefaultUnstructuredConverter.ToUnstructured(typed); err != nil {
					t.Fatalf("a decoded %T does not encode: %v", typed, err)
				}
				if _, err := yaml.Marshal(typed); err != nil {
					t.Fatalf("a decoded %T does not marshal: %v", typed, err)
				}
			}
		}
		for _, typed := range []any{&v1alpha1.Agency{}, &v1alpha1.FocalPoint{}, &v1alpha1.DataService{}, &v1alpha1.SharingAgreement{}} {
			_ = yaml.Unmarshal(raw, typed)
		}
	})
}
