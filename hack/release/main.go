// Command release builds what a province installs, from Go modules alone:
// no container runtime and no registry are needed.
//
//	release image -out bin/image          the operator's OCI image (both platforms),
//	                                      as a layout, an oci-archive, its digest and SBOM
//	release push -layout bin/image/oci -to registry.example/datashare-operator:v0.1.0
//	release dist -out dist                the image, the chart pinned by digest,
//	                                      install.yaml, the kubectl plugin's archives
//	                                      with the krew manifest, and SHA256SUMS
//
// It runs from the repository's top folder (make image, make release).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

// usage is what a person reads when the call's words are off.
const usage = `usage: release image|push|dist [flags]
  image   build the operator's OCI image into -out (make image)
  push    push an image layout to a registry (make image-push IMAGE=…)
  dist    write every file of a release into -out (make release)
'release COMMAND -h' lists a command's flags.`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	var err error
	switch os.Args[1] {
	case "image":
		err = imageCommand(ctx, os.Args[2:])
	case "push":
		err = pushCommand(ctx, os.Args[2:])
	case "dist":
		err = distCommand(ctx, os.Args[2:])
	default:
		fmt.Fprintln(os.Stderr, usage)
		os.Exit(2)
	}
	if errors.Is(err, flag.ErrHelp) {
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		os.Exit(1)
	}
}
