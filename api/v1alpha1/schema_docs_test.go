package v1alpha1_test

import (
	"context"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
)

// TestEveryFieldIsDocumented reads this API's CRDs back from the API server,
// the source of `kubectl explain`, and fails on any field without a
// description.
func TestEveryFieldIsDocumented(t *testing.T) {
	crds := &apiextensionsv1.CustomResourceDefinitionList{}
	if err := k8s.List(context.Background(), crds); err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, crd := range crds.Items {
		if crd.Spec.Group != "datashare.lgsp.vn" {
			continue
		}
		seen++
		for _, v := range crd.Spec.Versions {
			var undocumented []string
			walkUndocumented(crd.Spec.Names.Kind, v.Schema.OpenAPIV3Schema, &undocumented)
			sort.Strings(undocumented)
			for _, path := range undocumented {
				t.Errorf("%s %s: field %s has no description", crd.Name, v.Name, path)
			}
		}
	}
	if seen != 4 {
		t.Fatalf("want the 4 CRDs of datashare.lgsp.vn, found %d", seen)
	}
}

// walkUndocumented collects the paths of properties without a description.
// The root's metadata is Kubernetes' ObjectMeta, documented by Kubernetes.
func walkUndocumented(path string, s *apiextensionsv1.JSONSchemaProps, out *[]string) {
	if s == nil {
		return
	}
	for name, prop := range s.Properties {
		child := path + "." + name
		if strings.TrimSpace(prop.Description) == "" && (name != "metadata" || strings.Contains(path, ".")) {
			*out = append(*out, child)
		}
		walkUndocumented(child, &prop, out)
	}
	if s.Items != nil {
		walkUndocumented(path+"[]", s.Items.Schema, out)
	}
	if s.AdditionalProperties != nil {
		walkUndocumented(path+"{}", s.AdditionalProperties.Schema, out)
	}
}

// TestKubectlExplainShowsTheDocComments runs `kubectl explain` against the
// test API server, where kubectl is installed.
func TestKubectlExplainShowsTheDocComments(t *testing.T) {
	kubectl, err := exec.LookPath("kubectl")
	if err != nil {
		t.Skip("kubectl is not installed")
	}
	kubeconfigPath := filepath.Join(t.TempDir(), "kubeconfig")
	if err := env.WriteAdminKubeconfig("explainer", kubeconfigPath); err != nil {
		t.Fatal(err)
	}
	for field, want := range map[string]string{
		"sharingagreements.spec.service":           "service is the DataService to use. It cannot be changed after",
		"dataservices.spec.classification":         "State secrets are outside the sharing rules",
		"agencies.spec.endorsements.validUntil":    "validUntil is when the endorsement ends",
		"focalpoints.spec.appointment.documentRef": "documentRef cites the appointment decision",
	} {
		// The API server publishes a new CRD's schema a moment after it
		// serves the kind: ask again until it has.
		var out []byte
		if err := testenv.Eventually(30*time.Second, func() error {
			// A fresh discovery cache each time: kubectl keys its cache by
			// host and port, and keeps what it saw.
			var err error
			out, err = exec.Command(kubectl, "--kubeconfig", kubeconfigPath, "--cache-dir", t.TempDir(), "explain", field).CombinedOutput()
			return err
		}); err != nil {
			t.Fatalf("kubectl explain %s: %v\n%s", field, err, out)
		}
		if !strings.Contains(strings.Join(strings.Fields(string(out)), " "), want) {
			t.Errorf("kubectl explain %s does not show %q:\n%s", field, want, out)
		}
	}
}

// TestWalkUndocumentedFindsMissingDescriptions keeps the check above honest:
// it must report an undocumented field at any depth, and only the root's
// metadata is exempt.
func TestWalkUndocumentedFindsMissingDescriptions(t *testing.T) {
	schema := &apiextensionsv1.JSONSchemaProps{Properties: map[string]apiextensionsv1.JSONSchemaProps{
		"metadata": {Type: "object"},
		"spec": {Description: "spec", Properties: map[string]apiextensionsv1.JSONSchemaProps{
			"documented": {Description: "documented is here"},
			"bare":       {Type: "string"},
			"metadata":   {Type: "object"},
			"list": {Description: "list", Items: &apiextensionsv1.JSONSchemaPropsOrArray{Schema: &apiextensionsv1.JSONSchemaProps{
				Properties: map[string]apiextensionsv1.JSONSchemaProps{"inner": {Type: "string"}},
			}}},
		}},
	}}
	var got []string
	walkUndocumented("Kind", schema, &got)
	sort.Strings(got)
	want := []string{"Kind.spec.bare", "Kind.spec.list[].inner", "Kind.spec.metadata"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("got %v, want %v", got, want)
	}
}
