package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/remote"
)

func pushCommand(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("push", flag.ContinueOnError)
	dir := fs.String("layout", "bin/image/image", "the OCI image layout that `release image` wrote")
	to := fs.String("to", "", "where to push, as registry/repository:tag (required), for example registry.example.gov.vn/lgsp/datashare-operator:v0.1.0")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *to == "" {
		return fmt.Errorf("-to is required: the registry, repository and tag to push to (make image-push IMAGE=registry.example.gov.vn/lgsp/datashare-operator:v0.1.0)")
	}
	digest, err := push(ctx, *dir, *to)
	if err != nil {
		return err
	}
	fmt.Printf("pushed %s@%s\n", *to, digest)
	return nil
}

// push sends the image index of an OCI layout to a registry, with the
// credentials docker login, podman login or crane auth login wrote
// (~/.docker/config.json, $DOCKER_CONFIG, $REGISTRY_AUTH_FILE). The
// registry keeps the digest: what is pushed is what was built and checked.
func push(ctx context.Context, dir, to string) (v1.Hash, error) {
	ref, err := name.ParseReference(to)
	if err != nil {
		return v1.Hash{}, fmt.Errorf("%q is not an image reference (registry/repository:tag): %w", to, err)
	}
	idx, err := layoutIndex(dir)
	if err != nil {
		return v1.Hash{}, err
	}
	if err := remote.WriteIndex(ref, idx, remote.WithContext(ctx), remote.WithAuthFromKeychain(authn.DefaultKeychain)); err != nil {
		return v1.Hash{}, fmt.Errorf("push to %s: %w", ref, err)
	}
	return idx.Digest()
}

// layoutIndex reads the one image index an OCI layout of ours holds.
func layoutIndex(dir string) (v1.ImageIndex, error) {
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		return nil, fmt.Errorf("read the image layout %s (make image writes it): %w", dir, err)
	}
	manifest, err := top.IndexManifest()
	if err != nil {
		return nil, err
	}
	if len(manifest.Manifests) != 1 {
		return nil, fmt.Errorf("the layout %s holds %d images, not one", dir, len(manifest.Manifests))
	}
	return top.ImageIndex(manifest.Manifests[0].Digest)
}
