package release

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"log"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-containerregistry/pkg/registry"
)

// TestMirroringKeepsTheDigest copies the release's archive into a
// registry with skopeo, as docs/install.md tells a province to, and reads
// it back by digest: what the province runs is what was built.
func TestMirroringKeepsTheDigest(t *testing.T) {
	b := theRelease(t)
	mirror := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
	defer mirror.Close()
	repo := strings.TrimPrefix(mirror.URL, "http://") + "/lgsp/datashare-operator"
	run(t, "skopeo", "copy", "--quiet", "--all", "--preserve-digests", "--dest-tls-verify=false",
		"oci-archive:"+b.archive(t), "docker://"+repo+":"+b.version)
	for _, ref := range []string{repo + ":" + b.version, repo + "@" + b.digest} {
		raw := run(t, "skopeo", "inspect", "--raw", "--tls-verify=false", "docker://"+ref)
		sum := sha256.Sum256([]byte(raw))
		if got := "sha256:" + hex.EncodeToString(sum[:]); got != b.digest {
			t.Errorf("the mirror serves %s as %s, the release built %s", ref, got, b.digest)
		}
	}
	// Both platforms arrived, not only this machine's.
	for _, arch := range []string{"amd64", "arm64"} {
		out := run(t, "skopeo", "inspect", "--tls-verify=false", "--override-arch", arch, "docker://"+repo+"@"+b.digest)
		if !strings.Contains(out, `"Architecture": "`+arch+`"`) {
			t.Errorf("the mirror has no linux/%s image:\n%s", arch, out)
		}
	}
}
