package main

import (
	"archive/tar"
	"bytes"
	"encoding/pem"
	"fmt"
	"sort"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// The user the operator runs as: not root, and the same number as the
// chart's securityContext and distroless images use.
const (
	nonRootID   = 65532
	nonRootName = "nonroot"
)

// file is one entry of a layer.
type file struct {
	Name     string // relative, without a leading slash
	Mode     int64  // permission bits, and sticky for /tmp
	Dir      bool
	Owner    int
	Contents []byte
}

// baseFiles is what the operator needs besides itself in an otherwise
// empty root file system: the users it may run as, the CA roots it checks
// servers against, a home and a /tmp. The time-zone data is inside the
// binary (time/tzdata).
func baseFiles() ([]file, error) {
	roots, err := caBundle()
	if err != nil {
		return nil, err
	}
	return []file{
		{Name: "etc", Dir: true, Mode: 0o755},
		{Name: "etc/passwd", Mode: 0o644, Contents: []byte(fmt.Sprintf(
			"root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n",
			nonRootName, nonRootID, nonRootID, nonRootName, nonRootName))},
		{Name: "etc/group", Mode: 0o644, Contents: []byte(fmt.Sprintf("root:x:0:\n%s:x:%d:\n", nonRootName, nonRootID))},
		{Name: "etc/ssl", Dir: true, Mode: 0o755},
		{Name: "etc/ssl/certs", Dir: true, Mode: 0o755},
		{Name: "etc/ssl/certs/ca-certificates.crt", Mode: 0o644, Contents: roots},
		{Name: "home", Dir: true, Mode: 0o755},
		{Name: "home/" + nonRootName, Dir: true, Mode: 0o700, Owner: nonRootID},
		{Name: "tmp", Dir: true, Mode: 0o1777},
	}, nil
}

// caBundle writes Mozilla's root store, as golang.org/x/crypto's
// x509roots/fallback module pins it, as PEM. It comes from a module
// version, not from the build machine, so that two machines build the same
// image. A root that NSS trusts only with constraints a PEM file cannot
// carry (distrust after a date) is left out rather than trusted wider.
func caBundle() ([]byte, error) {
	var out bytes.Buffer
	n := 0
	for root := range bundle.Roots() {
		if root.Constraint != nil {
			continue
		}
		if err := pem.Encode(&out, &pem.Block{Type: "CERTIFICATE", Bytes: root.Certificate}); err != nil {
			return nil, err
		}
		n++
	}
	if n == 0 {
		return nil, fmt.Errorf("the x509roots/fallback module holds no unconstrained root")
	}
	return out.Bytes(), nil
}

// tarFiles writes files as a tar stream that depends on nothing but them
// and mtime: entries sorted by name, every time the same, owners by number
// alone.
func tarFiles(files []file, mtime time.Time) ([]byte, error) {
	sorted := append([]file(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range sorted {
		h := &tar.Header{
			Name:    f.Name,
			Mode:    f.Mode,
			Uid:     f.Owner,
			Gid:     f.Owner,
			ModTime: mtime.Truncate(time.Second),
		}
		if f.Dir {
			h.Typeflag, h.Name = tar.TypeDir, f.Name+"/"
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.Contents))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, err
		}
		if _, err := tw.Write(f.Contents); err != nil {
			return nil, err
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
