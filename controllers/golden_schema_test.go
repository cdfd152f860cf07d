package controllers

import (
	"os"
	"path/filepath"
	"testing"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"sigs.k8s.io/controller-runtime/pkg/client"
	"sigs.k8s.io/yaml"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestGoldenObjectsPassTheRealSchemas sends every object in the renderer's
// golden files to the API server as a server-side dry run, so that the
// Gateway API and Envoy Gateway schemas and CEL rules check each case the
// renderer covers, not only those the controller tests reach.
func TestGoldenObjectsPassTheRealSchemas(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "internal", "render", "testdata", "*.out.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	checked := 0
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var out map[string]any
		if err := yaml.Unmarshal(raw, &out); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"httpRoute", "securityPolicy", "backendTrafficPolicy", "networkPolicy"} {
			m, ok := out[key].(map[string]any)
			if !ok {
				continue
			}
			obj := &unstructured.Unstructured{Object: m}
			if err := k8s.Create(ctx, namespaceObject(obj.GetNamespace())); err != nil && !apierrors.IsAlreadyExists(err) {
				t.Fatal(err)
			}
			if err := k8s.Create(ctx, obj, client.DryRunAll); err != nil {
				t.Errorf("%s: %s refused by the API server: %v", filepath.Base(f), key, err)
			}
			checked++
		}
	}
	t.Logf("%d rendered objects from %d golden files passed the real schemas", checked, len(files))
}
