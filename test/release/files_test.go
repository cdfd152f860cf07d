package release

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// TestThePackagedChartRunsTheReleasedImage renders the release's chart
// with no image value set: both Deployments run the image by digest.
func TestThePackagedChartRunsTheReleasedImage(t *testing.T) {
	b := theRelease(t)
	chart := b.path(t, "datashare-operator-*.tgz")
	if want := "datashare-operator-" + strings.TrimPrefix(b.version, "v") + ".tgz"; filepath.Base(chart) != want {
		t.Errorf("the chart package is %s, want %s", filepath.Base(chart), want)
	}
	out := run(t, filepath.Join(testenv.RepoRoot(), "bin", "helm"), "template", "datashare", chart, "--kube-version", "1.37.2",
		"--set", "lgsp.coordinatorAgency=so-tttt", "--set", "lgsp.publicBaseURL="+testenv.SampleBaseURL, "--set", "portal.publicURL="+testenv.SamplePortalURL)
	want := "image: \"ghcr.io/lgsp-vn/datashare-operator@" + b.digest + "\""
	if n := strings.Count(out, want); n != 2 {
		t.Errorf("the packaged chart renders %q %d times, want 2 (operator and portal)", want, n)
	}
	show := run(t, filepath.Join(testenv.RepoRoot(), "bin", "helm"), "show", "chart", chart)
	if !strings.Contains(show, "appVersion: "+b.version) {
		t.Errorf("the packaged chart's appVersion is not %s:\n%s", b.version, show)
	}
}

// TestTheKrewManifestInstallsTheReleasesArchives checks the manifest the
// release wrote against the archives beside it, then lets krew's own
// validator install the plugin from them (krew runs as `kubectl krew`:
// the stock kubectl finds it on PATH).
func TestTheKrewManifestInstallsTheReleasesArchives(t *testing.T) {
	b := theRelease(t)
	root := testenv.RepoRoot()
	raw, err := os.ReadFile(filepath.Join(b.dir, "datashare.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var manifest struct {
		Spec struct {
			Version   string
			Platforms []struct{ URI, Sha256 string }
		}
	}
	if err := yaml.Unmarshal(raw, &manifest); err != nil {
		t.Fatal(err)
	}
	if manifest.Spec.Version != b.version || len(manifest.Spec.Platforms) == 0 {
		t.Fatalf("the krew manifest is of %q with %d platforms, want %s", manifest.Spec.Version, len(manifest.Spec.Platforms), b.version)
	}
	for _, p := range manifest.Spec.Platforms {
		if !strings.HasPrefix(p.URI, pluginURL+"/") {
			t.Errorf("the manifest names %s, not an archive served with the release", p.URI)
			continue
		}
		data, err := os.ReadFile(filepath.Join(b.dir, strings.TrimPrefix(p.URI, pluginURL+"/")))
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if got := hex.EncodeToString(sum[:]); got != p.Sha256 {
			t.Errorf("%s has SHA-256 %s, the manifest says %s", p.URI, got, p.Sha256)
		}
	}
	validate := exec.Command(filepath.Join(root, "bin", "validate-krew-manifest"), "-manifest", filepath.Join(b.dir, "datashare.yaml"))
	validate.Env = append(os.Environ(), "PATH="+filepath.Join(root, "bin")+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := validate.CombinedOutput()
	if err != nil {
		t.Fatalf("validate-krew-manifest refused the manifest: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "all 1 spec.platforms installed fine") {
		t.Fatalf("the validator did not install the plugin:\n%s", out)
	}
}
