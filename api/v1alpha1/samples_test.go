package v1alpha1_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"

	"github.com/lgsp-vn/datashare-operator/internal/manifests"
	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestSamplesAreAccepted applies every sample in config/samples, in file
// order, to the real API server.
func TestSamplesAreAccepted(t *testing.T) {
	ctx := context.Background()
	files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(), "config", "samples", "[0-9]*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(files)
	if len(files) == 0 {
		t.Fatal("no samples in config/samples")
	}
	kinds := map[string]int{}
	for _, f := range files {
		for _, obj := range readManifests(t, f) {
			if err := k8s.Create(ctx, obj); err != nil {
				t.Errorf("%s: %s %s/%s refused: %v", filepath.Base(f), obj.GetKind(), obj.GetNamespace(), obj.GetName(), err)
				continue
			}
			kinds[obj.GetKind()]++
		}
	}
	for _, kind := range []string{"Agency", "FocalPoint", "DataService", "SharingAgreement"} {
		if kinds[kind] == 0 {
			t.Errorf("the samples hold no %s", kind)
		}
	}
	t.Logf("accepted: %v", kinds)
}

// readManifests decodes every YAML document in a file.
func readManifests(t *testing.T, path string) []*unstructured.Unstructured {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	objs, err := manifests.Decode(raw)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return objs
}
