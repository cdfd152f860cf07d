package main

import (
	"crypto/sha256"
	"debug/buildinfo"
	"encoding/hex"
	"fmt"
	"os"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// writeSBOM writes a CycloneDX JSON bill of materials of the Go modules
// compiled into the image's binaries, as each binary's build information
// records them (what `go version -m` prints): the same modules whatever
// machine built it. Its subject is the image, named by digest.
func writeSBOM(path string, binaries map[platform]string, order []platform, meta imageMeta, src source, digest v1.Hash) error {
	bom, err := sbomOf(binaries, order, meta, src, digest)
	if err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := cdx.NewBOMEncoder(f, cdx.BOMFileFormatJSON).SetPretty(true).EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("write the SBOM: %w", err)
	}
	return f.Close()
}

func sbomOf(binaries map[platform]string, order []platform, meta imageMeta, src source, digest v1.Hash) (*cdx.BOM, error) {
	modules := map[string]*debug.Module{}
	var props []cdx.Property
	var goVersion string
	for _, p := range order {
		info, err := buildinfo.ReadFile(binaries[p])
		if err != nil {
			return nil, fmt.Errorf("read the build information of %s: %w", binaries[p], err)
		}
		goVersion = info.GoVersion
		for _, m := range info.Deps {
			if m.Replace != nil {
				m = m.Replace
			}
			modules[m.Path+"@"+m.Version] = m
		}
		sum, err := fileSHA256(binaries[p])
		if err != nil {
			return nil, err
		}
		props = append(props, cdx.Property{Name: "datashare:binary:" + p.String() + ":sha256", Value: sum})
	}
	props = append(props, cdx.Property{Name: "datashare:go-version", Value: goVersion})

	root := "pkg:oci/datashare-operator@" + digest.String() + "?repository_url=" + meta.Repository
	keys := make([]string, 0, len(modules))
	for k := range modules {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var components []cdx.Component
	var refs []string
	for _, k := range keys {
		m := modules[k]
		purl := "pkg:golang/" + m.Path + "@" + m.Version
		c := cdx.Component{Type: cdx.ComponentTypeLibrary, BOMRef: purl, Name: m.Path, Version: m.Version, PackageURL: purl}
		if m.Sum != "" {
			c.Properties = &[]cdx.Property{{Name: "datashare:go.sum", Value: m.Sum}}
		}
		components = append(components, c)
		refs = append(refs, purl)
	}

	bom := cdx.NewBOM()
	bom.SerialNumber = serialNumber(digest)
	bom.Version = 1
	bom.Metadata = &cdx.Metadata{
		Timestamp: src.Created.Format(time.RFC3339),
		Component: &cdx.Component{
			Type: cdx.ComponentTypeContainer, BOMRef: root, Name: meta.Repository, Version: src.Version,
			PackageURL: root, Description: meta.Description,
			Licenses:           &cdx.Licenses{{Expression: meta.Licenses}},
			ExternalReferences: &[]cdx.ExternalReference{{Type: cdx.ERTypeVCS, URL: meta.SourceURL}},
			Properties:         &[]cdx.Property{{Name: "datashare:revision", Value: src.Commit}},
		},
		Properties: &props,
	}
	bom.Components = &components
	bom.Dependencies = &[]cdx.Dependency{{Ref: root, Dependencies: &refs}}
	return bom, nil
}

// serialNumber derives the BOM's URN from the image digest, so that the
// same image always has the same SBOM (an RFC 9562 version 8 UUID).
func serialNumber(digest v1.Hash) string {
	sum := sha256.Sum256([]byte(digest.String()))
	u := sum[:16]
	u[6] = (u[6] & 0x0f) | 0x80
	u[8] = (u[8] & 0x3f) | 0x80
	h := hex.EncodeToString(u)
	return "urn:uuid:" + strings.Join([]string{h[0:8], h[8:12], h[12:16], h[16:20], h[20:32]}, "-")
}

func fileSHA256(path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:]), nil
}
