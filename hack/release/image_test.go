package main

import (
	"archive/tar"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

var testSource = source{Version: "v1.2.3", Commit: "0123456789abcdef0123456789abcdef01234567",
	Created: time.Date(2026, 12, 1, 8, 30, 0, 0, time.UTC)}

var amd64 = platform{"linux", "amd64"}

func testImage(t *testing.T, src source, binary string) v1.Image {
	t.Helper()
	img, err := platformImage(amd64, []byte(binary), []byte("license text\n"), defaultMeta(), src)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func digestOf(t *testing.T, d interface{ Digest() (v1.Hash, error) }) v1.Hash {
	t.Helper()
	h, err := d.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestTheSameInputsGiveTheSameDigest(t *testing.T) {
	first := digestOf(t, testImage(t, testSource, "binary"))
	for _, tc := range []struct {
		name   string
		src    source
		binary string
		same   bool
	}{
		{"built again", testSource, "binary", true},
		{"another binary", testSource, "binary2", false},
		{"another commit time", source{Version: testSource.Version, Commit: testSource.Commit, Created: testSource.Created.Add(time.Second)}, "binary", false},
		{"another version", source{Version: "v1.2.4", Commit: testSource.Commit, Created: testSource.Created}, "binary", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := digestOf(t, testImage(t, tc.src, tc.binary))
			if (got == first) != tc.same {
				t.Errorf("digest %s against %s: same=%v, want same=%v", got, first, got == first, tc.same)
			}
		})
	}
}

func TestTheImageRunsTheBinaryAsNonRoot(t *testing.T) {
	cfg, err := testImage(t, testSource, "binary").ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Config.User != "65532:65532" {
		t.Errorf("user %q, want 65532:65532", cfg.Config.User)
	}
	if len(cfg.Config.Entrypoint) != 1 || cfg.Config.Entrypoint[0] != "/manager" {
		t.Errorf("entrypoint %q, want [/manager]", cfg.Config.Entrypoint)
	}
	if !cfg.Created.Equal(testSource.Created) {
		t.Errorf("created %s, want the commit's time %s", cfg.Created.Time, testSource.Created)
	}
	for key, want := range map[string]string{
		"org.opencontainers.image.version":  "v1.2.3",
		"org.opencontainers.image.revision": testSource.Commit,
		"org.opencontainers.image.licenses": "Apache-2.0",
		"org.opencontainers.image.created":  "2026-12-01T08:30:00Z",
		"org.opencontainers.image.source":   "https://github.com/lgsp-vn/datashare-operator",
	} {
		if got := cfg.Config.Labels[key]; got != want {
			t.Errorf("label %s = %q, want %q", key, got, want)
		}
	}
	for _, key := range []string{"org.opencontainers.image.title", "org.opencontainers.image.description"} {
		if cfg.Config.Labels[key] == "" {
			t.Errorf("label %s is empty", key)
		}
	}
}

// entry is what a root file system gets of one tar entry.
type entry struct {
	mode     int64
	uid, gid int
	dir      bool
	mtime    time.Time
	data     string
}

func TestTheRootFileSystemHoldsWhatTheOperatorNeedsAndNoShell(t *testing.T) {
	fsys := map[string]entry{}
	tr := tar.NewReader(mutate.Extract(testImage(t, testSource, "the binary")))
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		fsys[strings.TrimSuffix(h.Name, "/")] = entry{h.Mode, h.Uid, h.Gid, h.Typeflag == tar.TypeDir, h.ModTime, string(data)}
	}
	for name, want := range map[string]entry{
		"manager":                           {mode: 0o755, data: "the binary"},
		"tmp":                               {mode: 0o1777, dir: true},
		"home/nonroot":                      {mode: 0o700, uid: 65532, gid: 65532, dir: true},
		"etc/passwd":                        {mode: 0o644},
		"etc/group":                         {mode: 0o644},
		"etc/ssl/certs/ca-certificates.crt": {mode: 0o644},
		"usr/share/doc/datashare-operator/LICENSE": {mode: 0o644, data: "license text\n"},
	} {
		got, ok := fsys[name]
		if !ok {
			t.Errorf("/%s is missing", name)
			continue
		}
		if got.mode != want.mode || got.uid != want.uid || got.gid != want.gid || got.dir != want.dir {
			t.Errorf("/%s: mode %o uid %d gid %d dir %v, want mode %o uid %d gid %d dir %v",
				name, got.mode, got.uid, got.gid, got.dir, want.mode, want.uid, want.gid, want.dir)
		}
		if want.data != "" && got.data != want.data {
			t.Errorf("/%s holds %q, want %q", name, got.data, want.data)
		}
	}
	for name, e := range fsys {
		if !e.mtime.Equal(testSource.Created) {
			t.Errorf("/%s has mtime %s, want the commit's time %s", name, e.mtime, testSource.Created)
		}
	}
	for _, name := range []string{"bin/sh", "bin", "usr/share/zoneinfo"} {
		if _, ok := fsys[name]; ok {
			t.Errorf("/%s is in the image: it holds no shell, and the time zones are inside the binary", name)
		}
	}
	if !strings.Contains(fsys["etc/passwd"].data, "nonroot:x:65532:65532:") {
		t.Errorf("/etc/passwd has no user 65532:\n%s", fsys["etc/passwd"].data)
	}
	if !strings.Contains(fsys["etc/group"].data, "nonroot:x:65532:") {
		t.Errorf("/etc/group has no group 65532:\n%s", fsys["etc/group"].data)
	}
}

func TestTheCABundleIsMozillasUnconstrainedRoots(t *testing.T) {
	raw, err := caBundle()
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for block, rest := pem.Decode(raw); block != nil; block, rest = pem.Decode(rest) {
		if _, err := x509.ParseCertificate(block.Bytes); err != nil {
			t.Fatalf("certificate %d does not parse: %v", n, err)
		}
		n++
	}
	// Mozilla's store holds well over a hundred roots; a bundle with a
	// handful means the module's data was not read.
	if n < 100 {
		t.Errorf("%d roots, want Mozilla's store (over 100)", n)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(raw) {
		t.Error("crypto/x509 reads no root from the bundle")
	}
}

func TestAPushedImageKeepsItsDigest(t *testing.T) {
	server := httptest.NewServer(registry.New())
	defer server.Close()
	host := strings.TrimPrefix(server.URL, "http://")

	images := map[platform]v1.Image{amd64: testImage(t, testSource, "binary")}
	idx, err := imageIndex(images, []platform{amd64}, defaultMeta(), testSource)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	layoutDir, _, err := writeImage(idx, dir, "image.oci.tar", defaultMeta(), testSource)
	if err != nil {
		t.Fatal(err)
	}
	to := host + "/lgsp/datashare-operator:v1.2.3"
	pushed, err := push(t.Context(), layoutDir, to)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := name.ParseReference(to)
	if err != nil {
		t.Fatal(err)
	}
	remoteIdx, err := remote.Index(ref)
	if err != nil {
		t.Fatalf("the registry does not serve the pushed index: %v", err)
	}
	if got, want := digestOf(t, remoteIdx), digestOf(t, idx); got != want || pushed != want {
		t.Errorf("the registry serves %s and push said %s, want the built %s", got, pushed, want)
	}
	if _, err := push(t.Context(), layoutDir, "not a reference"); err == nil || !strings.Contains(err.Error(), "not an image reference") {
		t.Errorf("a bad reference: %v, want an error that names the form", err)
	}
}
