// Command kubectl-datashare is the kubectl plugin of datashare-operator:
// on PATH, `kubectl datashare` runs it. It is a binary of its own, beside
// the operator, so that a person's laptop carries no controller flags, and
// it explains agreements with the operator's own packages.
package main

import (
	"os"

	"github.com/lgsp-vn/datashare-operator/internal/plugin"
)

func main() {
	os.Exit(plugin.Main(os.Args[1:], os.Stdout, os.Stderr))
}
