package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	cdx "github.com/CycloneDX/cyclonedx-go"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

var testDigest = v1.Hash{Algorithm: "sha256", Hex: strings.Repeat("ab", 32)}

func TestPinImageValues(t *testing.T) {
	chartValues, err := os.ReadFile(filepath.Join("..", "..", chartDir, "values.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, values, wantErr string
		want                  []string
	}{
		{name: "the chart's values", values: string(chartValues), want: []string{
			`  repository: "registry.example.gov.vn/lgsp/datashare-operator"`,
			`  tag: "v1.2.3"`,
			`  digest: "sha256:` + testDigest.Hex + `"`,
		}},
		{name: "another block's tag is left alone",
			values: "image:\n  repository: a\n  tag: \"\"\n  digest: \"\"\nportal:\n  tag: keep\n",
			want:   []string{`  tag: "v1.2.3"`, "portal:\n  tag: keep"}},
		{name: "no digest line", values: "image:\n  repository: a\n  tag: \"\"\n",
			wantErr: `values.yaml's image: block has 0 lines "digest:", not one`},
		{name: "no image block", values: "replicaCount: 2\n", wantErr: "has 0 lines"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := pinImageValues([]byte(tc.values), "registry.example.gov.vn/lgsp/datashare-operator", "v1.2.3", testDigest)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one saying %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(got), w) {
					t.Errorf("the values do not hold %q:\n%s", w, got)
				}
			}
		})
	}
}

func TestInstallYAMLNamesTheImageByDigest(t *testing.T) {
	out := filepath.Join(t.TempDir(), "install.yaml")
	meta := defaultMeta()
	meta.Repository = "registry.example.gov.vn/lgsp/datashare-operator"
	if err := writeInstallYAML(filepath.Join("..", ".."), out, meta, testSource, testDigest); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	pinned := "image: registry.example.gov.vn/lgsp/datashare-operator@sha256:" + testDigest.Hex
	// The operator's Deployment and the portal's.
	if n := strings.Count(text, pinned); n != 2 {
		t.Errorf("%q appears %d times, want 2 (operator and portal)", pinned, n)
	}
	if strings.Contains(text, "ghcr.io/lgsp-vn/datashare-operator") {
		t.Error("install.yaml still names the unpinned image")
	}
	// In the order kubectl applies them: the namespace before what it
	// holds, CRDs and RBAC before the Deployments that need them.
	last := -1
	for _, kind := range []string{"kind: Namespace", "kind: CustomResourceDefinition", "kind: ServiceAccount",
		"kind: ClusterRole", "kind: Deployment", "kind: ValidatingAdmissionPolicy"} {
		at := strings.Index(text, "\n"+kind+"\n")
		if at < 0 {
			t.Errorf("install.yaml has no %s", kind)
			continue
		}
		if at < last {
			t.Errorf("install.yaml's first %s comes after what should follow it", kind)
		}
		last = at
	}
}

func TestTheSBOMListsTheBinarysModules(t *testing.T) {
	// A test binary records its modules as any Go binary does.
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	bom, err := sbomOf(map[platform]string{amd64: self}, []platform{amd64}, defaultMeta(), testSource, testDigest)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]cdx.Component{}
	for _, c := range *bom.Components {
		found[c.Name] = c
	}
	ggcr, ok := found["github.com/google/go-containerregistry"]
	if !ok {
		t.Fatalf("go-containerregistry, which this binary holds, is not listed among %d components", len(found))
	}
	if ggcr.PackageURL != "pkg:golang/github.com/google/go-containerregistry@v0.22.1" {
		t.Errorf("purl %q", ggcr.PackageURL)
	}
	if bom.Metadata.Component.Version != "v1.2.3" || !strings.Contains(bom.Metadata.Component.PackageURL, testDigest.String()) {
		t.Errorf("the SBOM's subject is %+v, want the image v1.2.3 by digest", bom.Metadata.Component)
	}
	if bom.Metadata.Timestamp != "2026-12-01T08:30:00Z" {
		t.Errorf("timestamp %q, want the commit's time", bom.Metadata.Timestamp)
	}
	again, err := sbomOf(map[platform]string{amd64: self}, []platform{amd64}, defaultMeta(), testSource, testDigest)
	if err != nil {
		t.Fatal(err)
	}
	if again.SerialNumber != bom.SerialNumber || !strings.HasPrefix(bom.SerialNumber, "urn:uuid:") {
		t.Errorf("serial numbers %q and %q: want one URN for one image", bom.SerialNumber, again.SerialNumber)
	}
}

func TestChecksumsCoverEveryFile(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string]string{"a.txt": "a\n", "image/index.json": "{}"} {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := writeChecksums(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "SHA256SUMS"))
	if err != nil {
		t.Fatal(err)
	}
	// sha256sum's own figures for "a\n" and "{}".
	want := "87428fc522803d31065e7bce3cf03fe475096631e5e07bbd7a0fde60c4cf25c7  a.txt\n" +
		"44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a  image/index.json\n"
	if string(got) != want {
		t.Errorf("SHA256SUMS:\n%s\nwant:\n%s", got, want)
	}
}

func TestParsePlatforms(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    []platform
		wantErr bool
	}{
		{in: "linux/amd64,linux/arm64", want: []platform{{"linux", "amd64"}, {"linux", "arm64"}}},
		{in: " linux/amd64 ", want: []platform{{"linux", "amd64"}}},
		{in: "linux", wantErr: true},
		{in: "linux/amd64,/arm64", wantErr: true},
	} {
		got, err := parsePlatforms(tc.in)
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: error %v, want error %v", tc.in, err, tc.wantErr)
			continue
		}
		if !tc.wantErr && (len(got) != len(tc.want) || got[0] != tc.want[0]) {
			t.Errorf("%q: %v, want %v", tc.in, got, tc.want)
		}
	}
}
