package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/kyaml/filesys"
)

// chartDir is the chart that the release packages, relative to the root.
const chartDir = "charts/datashare-operator"

func distCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("dist", flag.ContinueOnError)
	var o imageOptions
	o.bind(fs)
	out := fs.String("out", "dist", "where to write the release's files (emptied first)")
	helm := fs.String("helm", "bin/helm", "the helm binary that packages the chart")
	pluginBase := fs.String("plugin-base-url", "", "where the plugin's archives will be served, for the krew manifest (default: the source repository's release download address for this version)")
	pluginPlatforms := fs.String("plugin-platforms", "linux/amd64,linux/arm64,darwin/amd64,darwin/arm64,windows/amd64,windows/arm64", "the kubectl plugin's platforms, os/arch,…")
	if err := fs.Parse(args); err != nil {
		return err
	}
	src, err := readSource(o.root, o.version)
	if err != nil {
		return err
	}
	if *pluginBase == "" {
		*pluginBase = o.meta.SourceURL + "/releases/download/" + src.Version
	}
	if err := os.RemoveAll(*out); err != nil {
		return err
	}
	built, err := buildImage(ctx, o, src, *out)
	if err != nil {
		return err
	}
	chart, err := packageChart(ctx, o.root, *helm, *out, o.meta, src, built.Digest)
	if err != nil {
		return err
	}
	if err := writeInstallYAML(o.root, filepath.Join(*out, "install.yaml"), o.meta, src, built.Digest); err != nil {
		return err
	}
	if err := packagePlugin(ctx, o.root, *out, *pluginBase, *pluginPlatforms, o.license, src); err != nil {
		return err
	}
	if err := writeChecksums(*out); err != nil {
		return err
	}
	fmt.Printf("release %s in %s\n  image   %s@%s\n  chart   %s\n  install %s\n  sums    %s\n",
		src.Version, *out, o.meta.Repository, built.Digest, chart,
		filepath.Join(*out, "install.yaml"), filepath.Join(*out, "SHA256SUMS"))
	return nil
}

// packageChart packages a copy of the chart whose values pin the image by
// digest (and name its tag, for people), with the release's version as
// the chart's version and appVersion.
func packageChart(ctx context.Context, root, helm, out string, meta imageMeta, src source, digest v1.Hash) (string, error) {
	tmp, err := os.MkdirTemp("", "datashare-chart-")
	if err != nil {
		return "", err
	}
	defer os.RemoveAll(tmp)
	chart := filepath.Join(tmp, filepath.Base(chartDir))
	if err := os.CopyFS(chart, os.DirFS(filepath.Join(root, chartDir))); err != nil {
		return "", err
	}
	valuesPath := filepath.Join(chart, "values.yaml")
	values, err := os.ReadFile(valuesPath)
	if err != nil {
		return "", err
	}
	pinned, err := pinImageValues(values, meta.Repository, src.Version, digest)
	if err != nil {
		return "", err
	}
	if err := os.WriteFile(valuesPath, pinned, 0o644); err != nil {
		return "", err
	}
	cmd := exec.CommandContext(ctx, helm, "package", chart, "--version", strings.TrimPrefix(src.Version, "v"),
		"--app-version", src.Version, "--destination", out)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	said, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("helm package: %w: %s", err, stderr.String())
	}
	// helm says "Successfully packaged chart and saved it to: PATH".
	_, path, _ := strings.Cut(strings.TrimSpace(string(said)), ": ")
	return path, nil
}

// pinImageValues sets the chart's image repository, tag and digest, each
// on the one line values.yaml gives it in its top-level image: block.
func pinImageValues(values []byte, repository, tag string, digest v1.Hash) ([]byte, error) {
	set := map[string]string{"repository": repository, "tag": tag, "digest": digest.String()}
	found := map[string]int{}
	lines := strings.Split(string(values), "\n")
	inImage := false
	for i, line := range lines {
		switch {
		case line == "image:":
			inImage = true
			continue
		case line != "" && !strings.HasPrefix(line, " "):
			inImage = false
		}
		if !inImage {
			continue
		}
		for key, value := range set {
			if strings.HasPrefix(line, "  "+key+":") {
				lines[i] = fmt.Sprintf("  %s: %q", key, value)
				found[key]++
			}
		}
	}
	for key := range set {
		if found[key] != 1 {
			return nil, fmt.Errorf("values.yaml's image: block has %d lines %q, not one", found[key], key+":")
		}
	}
	return []byte(strings.Join(lines, "\n")), nil
}

// writeInstallYAML renders config/default with kustomize, the image named
// by digest, for clusters without Helm.
func writeInstallYAML(root, path string, meta imageMeta, src source, digest v1.Hash) error {
	fsys := filesys.MakeFsInMemory()
	if err := copyToMemory(fsys, filepath.Join(root, "config")); err != nil {
		return err
	}
	overlay := fmt.Sprintf(`apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources:
  - config/default
images:
  - name: %s
    newName: %s
    digest: %s
`, defaultMeta().Repository, meta.Repository, digest)
	if err := fsys.WriteFile("/kustomization.yaml", []byte(overlay)); err != nil {
		return err
	}
	// kubectl's order (namespaces, CRDs and RBAC before what uses them),
	// as `kubectl apply -k` would apply them.
	opts := krusty.MakeDefaultOptions()
	opts.Reorder = krusty.ReorderOptionLegacy
	resources, err := krusty.MakeKustomizer(opts).Run(fsys, "/")
	if err != nil {
		return fmt.Errorf("kustomize config/default: %w", err)
	}
	rendered, err := resources.AsYaml()
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# datashare-operator %s, commit %s:\n"+
		"# the whole install without Helm, the kustomize render of config/default\n"+
		"# with the image pinned by digest.\n"+
		"#   kubectl apply --server-side -f install.yaml\n"+
		"# Set the province's flags on the Deployment datashare-operator first\n"+
		"# (docs/install.md).\n", src.Version, src.Commit)
	return os.WriteFile(path, append([]byte(header), rendered...), 0o644)
}

// copyToMemory copies config/ into an in-memory file system at /config,
// so that kustomize reads the repository's files as they are and writes
// nothing beside them.
func copyToMemory(fsys filesys.FileSystem, config string) error {
	return filepath.WalkDir(config, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(config, p)
		if err != nil {
			return err
		}
		target := filepath.ToSlash(filepath.Join("/config", rel))
		if d.IsDir() {
			return fsys.MkdirAll(target)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return fsys.WriteFile(target, data)
	})
}

// packagePlugin writes the kubectl plugin's archives and krew manifest
// with the packager `make plugin-krew` uses.
func packagePlugin(ctx context.Context, root, out, baseURL, platforms, license string, src source) error {
	abs, err := filepath.Abs(out)
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "go", "run", "./hack/kubectl-datashare/krew", "-version", src.Version,
		"-base-url", baseURL, "-license", license, "-platforms", platforms, "-out", abs)
	cmd.Dir = root
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("package the kubectl plugin: %w", err)
	}
	return nil
}

// writeChecksums writes SHA256SUMS, in the form `sha256sum -c` reads, of
// every file below dir.
func writeChecksums(dir string) error {
	var lines []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		h := sha256.New()
		if _, err := io.Copy(h, f); err != nil {
			return err
		}
		lines = append(lines, hex.EncodeToString(h.Sum(nil))+"  "+filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return err
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i][66:] < lines[j][66:] })
	return os.WriteFile(filepath.Join(dir, "SHA256SUMS"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}
