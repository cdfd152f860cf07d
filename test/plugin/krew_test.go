// Package plugin checks the krew manifest `make plugin-krew` writes, with
// krew's own validator: structure, platforms, and an install of the
// archive from where the manifest says it is served.
package plugin

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

func TestTheKrewManifestInstalls(t *testing.T) {
	root := testenv.RepoRoot()
	for _, tool := range []string{"validate-krew-manifest", "kubectl-krew"} {
		if _, err := os.Stat(filepath.Join(root, "bin", tool)); err != nil {
			t.Fatalf("bin/%s is missing: run `make test`, which builds it from hack/krew", tool)
		}
	}
	dist := t.TempDir()
	server := httptest.NewServer(http.FileServer(http.Dir(dist)))
	defer server.Close()
	// The province ships the plugin under its own license; krew requires
	// a license file in each archive.
	license := filepath.Join(t.TempDir(), "LICENSE")
	if err := os.WriteFile(license, []byte("Test fixture: the license text a province ships the plugin under.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	pack := exec.Command("go", "run", "./hack/kubectl-datashare/krew", "-version", "v0.1.0", "-base-url", server.URL,
		"-license", license, "-platforms", runtime.GOOS+"/"+runtime.GOARCH, "-out", dist)
	pack.Dir = root
	if out, err := pack.CombinedOutput(); err != nil {
		t.Fatalf("package the plugin: %v\n%s", err, out)
	}
	validate := exec.Command(filepath.Join(root, "bin", "validate-krew-manifest"), "-manifest", filepath.Join(dist, "datashare.yaml"))
	// krew runs as `kubectl krew`: the stock kubectl finds it on PATH.
	validate.Env = append(os.Environ(), "PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := validate.CombinedOutput()
	if err != nil {
		t.Fatalf("validate-krew-manifest refused the manifest: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "all 1 spec.platforms installed fine") {
		t.Fatalf("the validator did not install the plugin:\n%s", out)
	}
	t.Logf("validate-krew-manifest:\n%s", out)
}
