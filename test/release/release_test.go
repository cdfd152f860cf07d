// Package release checks what `make release` writes as a province would
// meet it: the image read by skopeo, unpacked by umoci and its binary run
// as 65532 in a chroot against a real API server with install.yaml
// applied; the chart pinned by digest under helm; the krew manifest
// installed from the release's archives; SHA256SUMS checked by sha256sum.
//
// The release is built once per run with the plugin for this machine's
// platform alone: `make release` runs the same tool for six.
package release

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// built is a release written once for every test of the package.
type built struct {
	dir, version, digest string
	err                  error
}

var (
	once      sync.Once
	theBuild  built
	pluginURL string
)

// theRelease runs the release tool once, into a folder the process
// removes when it exits, with the plugin's archives served from it.
func theRelease(t *testing.T) built {
	t.Helper()
	once.Do(func() { theBuild = buildRelease() })
	if theBuild.err != nil {
		t.Fatal(theBuild.err)
	}
	return theBuild
}

func buildRelease() built {
	dir, err := os.MkdirTemp("", "datashare-release-test-")
	if err != nil {
		return built{err: err}
	}
	// The krew manifest names where its archives are served: here.
	server := httptest.NewServer(http.FileServer(http.Dir(dir)))
	pluginURL = server.URL
	out, err := runTool("dist", "-out", dir, "-helm", filepath.Join(testenv.RepoRoot(), "bin", "helm"),
		"-plugin-platforms", runtime.GOOS+"/"+runtime.GOARCH, "-plugin-base-url", server.URL)
	if err != nil {
		return built{err: fmt.Errorf("release dist: %v\n%s", err, out)}
	}
	digests, _ := filepath.Glob(filepath.Join(dir, "*_image.digest"))
	if len(digests) != 1 {
		return built{err: fmt.Errorf("release dist wrote %d digest files, want 1:\n%s", len(digests), out)}
	}
	raw, err := os.ReadFile(digests[0])
	if err != nil {
		return built{err: err}
	}
	version := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(digests[0]), "datashare-operator_"), "_image.digest")
	return built{dir: dir, version: version, digest: strings.TrimSpace(string(raw))}
}

// runTool runs bin/release from the repository's top folder.
func runTool(args ...string) (string, error) {
	root := testenv.RepoRoot()
	tool := filepath.Join(root, "bin", "release")
	if _, err := os.Stat(tool); err != nil {
		return "", fmt.Errorf("bin/release is missing: run `make test`, which builds it from hack/release")
	}
	cmd := exec.Command(tool, args...)
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (b built) path(t *testing.T, glob string) string {
	t.Helper()
	found, _ := filepath.Glob(filepath.Join(b.dir, glob))
	if len(found) != 1 {
		t.Fatalf("the release holds %d files %s, want 1", len(found), glob)
	}
	return found[0]
}

func (b built) archive(t *testing.T) string { return b.path(t, "*_image.oci.tar") }

func TestTwoBuildsOfOneCommitGiveOneDigest(t *testing.T) {
	first := theRelease(t)
	again := t.TempDir()
	if out, err := runTool("image", "-out", again); err != nil {
		t.Fatalf("release image: %v\n%s", err, out)
	}
	raw, err := os.ReadFile(filepath.Join(again, "datashare-operator_"+first.version+"_image.digest"))
	if err != nil {
		t.Fatal(err)
	}
	if second := strings.TrimSpace(string(raw)); second != first.digest {
		t.Errorf("two builds of one commit: %s and %s", first.digest, second)
	}
	t.Logf("both builds: %s", first.digest)
}

func TestSHA256SUMSChecksEveryFile(t *testing.T) {
	b := theRelease(t)
	cmd := exec.Command("sha256sum", "--check", "--strict", "SHA256SUMS")
	cmd.Dir = b.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("sha256sum --check: %v\n%s", err, out)
	}
	for _, want := range []string{"_image.oci.tar: OK", "_image.digest: OK", "_sbom.cdx.json: OK", "install.yaml: OK",
		"datashare.yaml: OK", ".tgz: OK", "image/index.json: OK", runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz: OK"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("sha256sum did not check a file ending %q:\n%s", want, out)
		}
	}
	// A changed byte is caught: the sums are of these files.
	tampered := t.TempDir()
	if err := os.CopyFS(tampered, os.DirFS(b.dir)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tampered, "install.yaml"), []byte("kind: Namespace\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command("sha256sum", "--check", "--quiet", "SHA256SUMS")
	cmd.Dir = tampered
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "install.yaml: FAILED") {
		t.Errorf("a changed install.yaml passed the check: %v\n%s", err, out)
	}
}

func TestTheSBOMDescribesTheImage(t *testing.T) {
	b := theRelease(t)
	raw, err := os.ReadFile(b.path(t, "*_sbom.cdx.json"))
	if err != nil {
		t.Fatal(err)
	}
	var sbom struct {
		BOMFormat, SpecVersion string
		Metadata               struct {
			Component struct{ Purl, Version string }
		}
		Components []struct{ Name, Version, Purl string }
	}
	if err := json.Unmarshal(raw, &sbom); err != nil {
		t.Fatal(err)
	}
	if sbom.BOMFormat != "CycloneDX" || sbom.Metadata.Component.Version != b.version ||
		!strings.Contains(sbom.Metadata.Component.Purl, b.digest) {
		t.Errorf("the SBOM is %s %s of %s %s, want CycloneDX of the image %s", sbom.BOMFormat, sbom.SpecVersion,
			sbom.Metadata.Component.Purl, sbom.Metadata.Component.Version, b.digest)
	}
	names := map[string]bool{}
	for _, c := range sbom.Components {
		names[c.Name] = true
	}
	for _, module := range []string{"sigs.k8s.io/controller-runtime", "k8s.io/client-go", "github.com/envoyproxy/gateway", "sigs.k8s.io/gateway-api"} {
		if !names[module] {
			t.Errorf("the SBOM does not list %s, which the operator is built with", module)
		}
	}
}

// run runs a command and fails the test with its output when it fails.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderr.String())
	}
	return string(out)
}
