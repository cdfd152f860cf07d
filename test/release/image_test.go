package release

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// maxCompressedMiB is the size a platform's image must stay under, as its
// layers travel to a node (compressed).
const maxCompressedMiB = 40

// index is an OCI image index as skopeo prints it raw.
type index struct {
	MediaType string
	Manifests []struct {
		Digest   string
		Platform struct{ OS, Architecture string }
	}
}

// manifest is one platform's OCI image manifest.
type manifest struct {
	Layers []struct{ Size int64 }
}

func TestSkopeoReadsBothPlatforms(t *testing.T) {
	b := theRelease(t)
	ref := "oci-archive:" + b.archive(t)
	var idx index
	if err := json.Unmarshal([]byte(run(t, "skopeo", "inspect", "--raw", ref)), &idx); err != nil {
		t.Fatal(err)
	}
	if idx.MediaType != "application/vnd.oci.image.index.v1+json" {
		t.Errorf("media type %q, want an OCI image index", idx.MediaType)
	}
	var platforms []string
	for _, m := range idx.Manifests {
		platforms = append(platforms, m.Platform.OS+"/"+m.Platform.Architecture)
	}
	if strings.Join(platforms, ",") != "linux/amd64,linux/arm64" {
		t.Errorf("platforms %v, want linux/amd64 and linux/arm64", platforms)
	}

	for _, arch := range []string{"amd64", "arm64"} {
		t.Run(arch, func(t *testing.T) {
			var inspected struct {
				Digest, Architecture, Os string
				Labels                   map[string]string
			}
			if err := json.Unmarshal([]byte(run(t, "skopeo", "inspect", "--override-arch", arch, ref)), &inspected); err != nil {
				t.Fatal(err)
			}
			if inspected.Digest != b.digest {
				t.Errorf("skopeo names the image %s, the release %s", inspected.Digest, b.digest)
			}
			if inspected.Architecture != arch || inspected.Os != "linux" {
				t.Errorf("skopeo picked %s/%s for linux/%s", inspected.Os, inspected.Architecture, arch)
			}
			for _, label := range []string{"source", "version", "revision", "licenses", "title", "description", "created"} {
				if inspected.Labels["org.opencontainers.image."+label] == "" {
					t.Errorf("no label org.opencontainers.image.%s", label)
				}
			}
			if got := inspected.Labels["org.opencontainers.image.version"]; got != b.version {
				t.Errorf("version label %q, want %q", got, b.version)
			}

			var config struct {
				Config struct {
					User       string
					Entrypoint []string
					Cmd        []string
				}
			}
			if err := json.Unmarshal([]byte(run(t, "skopeo", "inspect", "--config", "--override-arch", arch, ref)), &config); err != nil {
				t.Fatal(err)
			}
			if config.Config.User != "65532:65532" || fmt.Sprint(config.Config.Entrypoint) != "[/manager]" || len(config.Config.Cmd) != 0 {
				t.Errorf("user %q, entrypoint %v, cmd %v: want 65532:65532, [/manager], none",
					config.Config.User, config.Config.Entrypoint, config.Config.Cmd)
			}

			// The platform's image as a registry client fetches it.
			fetched := t.TempDir()
			run(t, "skopeo", "copy", "--quiet", "--override-arch", arch, ref, "dir:"+fetched)
			raw, err := os.ReadFile(filepath.Join(fetched, "manifest.json"))
			if err != nil {
				t.Fatal(err)
			}
			var m manifest
			if err := json.Unmarshal(raw, &m); err != nil {
				t.Fatal(err)
			}
			var size int64
			for _, l := range m.Layers {
				size += l.Size
			}
			mib := float64(size) / (1 << 20)
			t.Logf("linux/%s: %d layers, %.1f MiB compressed", arch, len(m.Layers), mib)
			if mib > maxCompressedMiB {
				t.Errorf("linux/%s is %.1f MiB compressed, over %d MiB", arch, mib, maxCompressedMiB)
			}
		})
	}
}
