package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// entrypoint is where the binary sits in the image: the operator by
// default, the portal with `portal` as its first argument.
const entrypoint = "/manager"

// imageMeta is what the image says of itself (OCI labels and annotations).
type imageMeta struct {
	Repository  string // where the image is published, without a tag
	SourceURL   string
	Licenses    string // an SPDX expression
	Title       string
	Description string
}

func defaultMeta() imageMeta {
	return imageMeta{
		Repository:  "ghcr.io/lgsp-vn/datashare-operator",
		SourceURL:   "https://github.com/lgsp-vn/datashare-operator",
		Licenses:    "Apache-2.0",
		Title:       "datashare-operator",
		Description: "Makes a province's rules for sharing digital data between state agencies declarative; also serves the provincial data portal (argument: portal).",
	}
}

// labels are the OCI annotation keys, as labels of the image's config and
// annotations of its index.
func (m imageMeta) labels(src source) map[string]string {
	return map[string]string{
		"org.opencontainers.image.source":      m.SourceURL,
		"org.opencontainers.image.version":     src.Version,
		"org.opencontainers.image.revision":    src.Commit,
		"org.opencontainers.image.licenses":    m.Licenses,
		"org.opencontainers.image.title":       m.Title,
		"org.opencontainers.image.description": m.Description,
		"org.opencontainers.image.created":     src.Created.Format(time.RFC3339),
	}
}

// platformImage assembles one platform's image: a base layer (users, CA
// roots, /tmp), a layer with the binary and the license, and a config
// that runs the binary as 65532 with no shell to fall back on.
func platformImage(p platform, binary, license []byte, meta imageMeta, src source) (v1.Image, error) {
	base, err := baseFiles()
	if err != nil {
		return nil, err
	}
	app := []file{
		{Name: entrypoint[1:], Mode: 0o755, Contents: binary},
		{Name: "usr", Dir: true, Mode: 0o755},
		{Name: "usr/share", Dir: true, Mode: 0o755},
		{Name: "usr/share/doc", Dir: true, Mode: 0o755},
		{Name: "usr/share/doc/datashare-operator", Dir: true, Mode: 0o755},
		{Name: "usr/share/doc/datashare-operator/LICENSE", Mode: 0o644, Contents: license},
	}
	var adds []mutate.Addendum
	for _, l := range []struct {
		files []file
		what  string
	}{
		{base, "users root and nonroot (65532), CA roots from golang.org/x/crypto/x509roots/fallback, /tmp"},
		{app, "the datashare-operator binary, static, at " + entrypoint},
	} {
		layer, err := layerOf(l.files, src.Created)
		if err != nil {
			return nil, err
		}
		adds = append(adds, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
			History: v1.History{Created: v1.Time{Time: src.Created}, CreatedBy: "release: " + l.what, Comment: "built from Go modules, no container runtime"}})
	}
	img := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	img = mutate.ConfigMediaType(img, types.OCIConfigJSON)
	img, err = mutate.ConfigFile(img, &v1.ConfigFile{
		Architecture: p.Arch,
		OS:           p.OS,
		Created:      v1.Time{Time: src.Created},
		Config: v1.Config{
			User:       fmt.Sprintf("%d:%d", nonRootID, nonRootID),
			Entrypoint: []string{entrypoint},
			WorkingDir: "/",
			Env:        []string{"HOME=/home/" + nonRootName},
			Labels:     meta.labels(src),
		},
		RootFS: v1.RootFS{Type: "layers"},
	})
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, adds...)
}

// layerOf makes a gzip-compressed layer of files whose bytes depend on the
// files and mtime alone (compress/gzip writes no time or name).
func layerOf(files []file, mtime time.Time) (v1.Layer, error) {
	raw, err := tarFiles(files, mtime)
	if err != nil {
		return nil, err
	}
	var compressed bytes.Buffer
	zw, err := gzip.NewWriterLevel(&compressed, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(raw); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	data := compressed.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// imageIndex puts the platforms' images in one OCI image index.
func imageIndex(images map[platform]v1.Image, order []platform, meta imageMeta, src source) (v1.ImageIndex, error) {
	idx := mutate.IndexMediaType(empty.Index, types.OCIImageIndex)
	for _, p := range order {
		idx = mutate.AppendManifests(idx, mutate.IndexAddendum{Add: plainImage{images[p]},
			Descriptor: v1.Descriptor{Platform: &v1.Platform{OS: p.OS, Architecture: p.Arch}}})
	}
	annotated, ok := mutate.Annotations(idx, meta.labels(src)).(v1.ImageIndex)
	if !ok {
		return nil, fmt.Errorf("annotating the index did not give an index")
	}
	return annotated, nil
}

// plainImage is an image whose index entry carries no artifactType:
// go-containerregistry writes the config's media type there, which the
// OCI image spec 1.1 allows, but clients built on spec 1.0 (skopeo 1.9 of
// Debian 12 among them) drop the field when they copy the index, and so
// change its digest, or refuse to copy it with the digest preserved.
type plainImage struct{ v1.Image }

// ArtifactType is empty: the entry is an image, not an artifact.
func (plainImage) ArtifactType() (string, error) { return "", nil }

// builtImage is what `release image` writes.
type builtImage struct {
	Index   v1.ImageIndex
	Digest  v1.Hash
	Layout  string // the OCI image layout folder
	Archive string // the same layout as one tar file (oci-archive)
}

// writeImage writes idx as an OCI image layout at dir/layout, tagged with
// the version (org.opencontainers.image.ref.name, which skopeo's
// oci:DIR:TAG reads, and io.containerd.image.name, which ctr import and
// kind read), and the same layout as an oci-archive.
func writeImage(idx v1.ImageIndex, dir, archiveName string, meta imageMeta, src source) (layoutDir, archive string, err error) {
	layoutDir = filepath.Join(dir, "image")
	if err := os.RemoveAll(layoutDir); err != nil {
		return "", "", err
	}
	p, err := layout.Write(layoutDir, empty.Index)
	if err != nil {
		return "", "", err
	}
	if err := p.AppendIndex(idx, layout.WithAnnotations(map[string]string{
		"org.opencontainers.image.ref.name": src.Version,
		"io.containerd.image.name":          meta.Repository + ":" + src.Version,
	})); err != nil {
		return "", "", err
	}
	archive = filepath.Join(dir, archiveName)
	if err := tarFolder(layoutDir, archive, src.Created); err != nil {
		return "", "", err
	}
	return layoutDir, archive, nil
}

// tarFolder writes every file below dir into a tar file at path, in the
// same deterministic form as the image's layers.
func tarFolder(dir, path string, mtime time.Time) error {
	var files []file
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || p == dir {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			return err
		}
		if d.IsDir() {
			files = append(files, file{Name: filepath.ToSlash(rel), Dir: true, Mode: 0o755})
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		files = append(files, file{Name: filepath.ToSlash(rel), Mode: 0o644, Contents: data})
		return nil
	})
	if err != nil {
		return err
	}
	data, err := tarFiles(files, mtime)
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o644)
}

// imageOptions are the flags `image` and `dist` share.
type imageOptions struct {
	root, version, platforms, license string
	meta                              imageMeta
}

func (o *imageOptions) bind(fs *flag.FlagSet) {
	o.meta = defaultMeta()
	fs.StringVar(&o.root, "root", ".", "the repository's top folder")
	fs.StringVar(&o.version, "version", "", "the release's version (default: git describe of the v* tags, or v0.0.0-<commits>-g<hash>)")
	fs.StringVar(&o.platforms, "platforms", "linux/amd64,linux/arm64", "the image's platforms, os/arch,…")
	fs.StringVar(&o.license, "license", "LICENSE", "the license file shipped in the image, relative to -root")
	fs.StringVar(&o.meta.Repository, "repository", o.meta.Repository, "where the image is published, without a tag")
	fs.StringVar(&o.meta.SourceURL, "source-url", o.meta.SourceURL, "the source repository's address (org.opencontainers.image.source)")
	fs.StringVar(&o.meta.Licenses, "licenses", o.meta.Licenses, "the license's SPDX expression (org.opencontainers.image.licenses)")
}

func imageCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("image", flag.ContinueOnError)
	var o imageOptions
	o.bind(fs)
	out := fs.String("out", "bin/image", "where to write the image layout, the oci-archive, the digest and the SBOM")
	if err := fs.Parse(args); err != nil {
		return err
	}
	src, err := readSource(o.root, o.version)
	if err != nil {
		return err
	}
	built, err := buildImage(ctx, o, src, *out)
	if err != nil {
		return err
	}
	fmt.Printf("image %s@%s\n  layout  %s\n  archive %s\n", o.meta.Repository, built.Digest, built.Layout, built.Archive)
	return nil
}

// buildImage builds the binaries and writes the image, its digest and its
// SBOM into out, named after the version.
func buildImage(ctx context.Context, o imageOptions, src source, out string) (builtImage, error) {
	platforms, err := parsePlatforms(o.platforms)
	if err != nil {
		return builtImage{}, err
	}
	license, err := os.ReadFile(filepath.Join(o.root, o.license))
	if err != nil {
		return builtImage{}, fmt.Errorf("the license file the image ships: %w", err)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return builtImage{}, err
	}
	binDir, err := os.MkdirTemp("", "datashare-release-")
	if err != nil {
		return builtImage{}, err
	}
	defer os.RemoveAll(binDir)

	images := map[platform]v1.Image{}
	binaries := map[platform]string{}
	for _, p := range platforms {
		path, err := buildOperator(ctx, o.root, binDir, p, src)
		if err != nil {
			return builtImage{}, err
		}
		binary, err := os.ReadFile(path)
		if err != nil {
			return builtImage{}, err
		}
		if images[p], err = platformImage(p, binary, license, o.meta, src); err != nil {
			return builtImage{}, err
		}
		binaries[p] = path
	}
	idx, err := imageIndex(images, platforms, o.meta, src)
	if err != nil {
		return builtImage{}, err
	}
	digest, err := idx.Digest()
	if err != nil {
		return builtImage{}, err
	}
	name := "datashare-operator_" + src.Version
	layoutDir, archive, err := writeImage(idx, out, name+"_image.oci.tar", o.meta, src)
	if err != nil {
		return builtImage{}, err
	}
	if err := os.WriteFile(filepath.Join(out, name+"_image.digest"), []byte(digest.String()+"\n"), 0o644); err != nil {
		return builtImage{}, err
	}
	if err := writeSBOM(filepath.Join(out, name+"_sbom.cdx.json"), binaries, platforms, o.meta, src, digest); err != nil {
		return builtImage{}, err
	}
	return builtImage{Index: idx, Digest: digest, Layout: layoutDir, Archive: archive}, nil
}
