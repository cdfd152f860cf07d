// Command krew packages kubectl-datashare for a province's own krew index:
// one archive per platform (the plugin and the license the province ships
// it under) and the krew manifest that names them with their checksums.
//
//	go run ./hack/kubectl-datashare/krew -version v0.1.0 -license LICENSE \
//	    -base-url https://releases.example.gov.vn/datashare/v0.1.0 -out dist
package main

import (
	"archive/tar"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/yaml"
)

func main() {
	version := flag.String("version", "v0.1.0", "the plugin's version (semantic, with a leading v)")
	baseURL := flag.String("base-url", "", "where the archives will be served from (required)")
	license := flag.String("license", "", "the license file to ship in each archive; krew requires one (required)")
	platforms := flag.String("platforms", "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64", "os/arch pairs to build")
	out := flag.String("out", "dist", "where to write the archives and datashare.yaml")
	flag.Parse()
	if *baseURL == "" || *license == "" {
		fmt.Fprintln(os.Stderr, "krew: -base-url and -license are required: where the archives are served, and the license file the province ships the plugin under")
		os.Exit(2)
	}
	if err := run(*version, strings.TrimSuffix(*baseURL, "/"), *license, strings.Split(*platforms, ","), *out); err != nil {
		fmt.Fprintln(os.Stderr, "krew:", err)
		os.Exit(1)
	}
}

func run(version, baseURL, license string, platforms []string, out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var specs []any
	for _, p := range platforms {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(p), "/")
		if !ok {
			return fmt.Errorf("platform %q is not os/arch", p)
		}
		bin := "kubectl-datashare"
		if goos == "windows" {
			bin += ".exe"
		}
		dir, err := os.MkdirTemp("", "kubectl-datashare")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		build := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, bin), "./hack/kubectl-datashare")
		build.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return fmt.Errorf("build for %s: %w", p, err)
		}
		archive := fmt.Sprintf("kubectl-datashare_%s_%s_%s.tar.gz", version, goos, goarch)
		sum, err := pack(filepath.Join(out, archive), map[string]string{bin: filepath.Join(dir, bin), "LICENSE": license})
		if err != nil {
			return err
		}
		specs = append(specs, map[string]any{
			"selector": map[string]any{"matchLabels": map[string]string{"os": goos, "arch": goarch}},
			"uri":      baseURL + "/" + archive,
			"sha256":   sum,
			"bin":      bin,
		})
	}
	manifest := map[string]any{
		"apiVersion": "krew.googlecontainertools.github.com/v1alpha2",
		"kind":       "Plugin",
		"metadata":   map[string]any{"name": "datashare"},
		"spec": map[string]any{
			"version":          version,
			"homepage":         "https://github.com/lgsp-vn/datashare-operator",
			"shortDescription": "The province's data sharing, and why an agreement is live",
			"description": "kubectl datashare reads the datashare-operator's Agencies, FocalPoints,\n" +
				"DataServices and SharingAgreements with your rights only: the province at a\n" +
				"glance (status), every consent an agreement rests on (why), who can reach a\n" +
				"service (who-can-reach), the manifest of a request (request) and a key\n" +
				"rotation (rotate). It never prints a key.\n",
			"platforms": specs,
		},
	}
	b, err := yaml.Marshal(manifest)
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "datashare.yaml"), b, 0o644)
}

// pack writes a tar.gz of files (name in the archive → path) and returns
// its SHA-256.
func pack(path string, files map[string]string) (string, error) {
	f, err := os.Create(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := sha256.New()
	gz := gzip.NewWriter(io.MultiWriter(f, sum))
	tw := tar.NewWriter(gz)
	// Sorted, with no times or owners: the same sources give the same
	// archive, so that a release's checksums can be reproduced.
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := files[name]
		data, err := os.ReadFile(src)
		if err != nil {
			return "", err
		}
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o755, Size: int64(len(data))}); err != nil {
			return "", err
		}
		if _, err := tw.Write(data); err != nil {
			return "", err
		}
	}
	if err := tw.Close(); err != nil {
		return "", err
	}
	if err := gz.Close(); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}
