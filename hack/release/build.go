package main

import (
	"context"
	"debug/elf"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// platform is an operating system and processor, as go build and OCI
// image indexes name them.
type platform struct{ OS, Arch string }

func (p platform) String() string { return p.OS + "/" + p.Arch }

func parsePlatforms(list string) ([]platform, error) {
	var out []platform
	for _, item := range strings.Split(list, ",") {
		goos, goarch, ok := strings.Cut(strings.TrimSpace(item), "/")
		if !ok || goos == "" || goarch == "" {
			return nil, fmt.Errorf("platform %q is not os/arch, for example linux/amd64", item)
		}
		out = append(out, platform{goos, goarch})
	}
	return out, nil
}

// buildFlags are the flags of every release build: a static binary
// (CGO_ENABLED=0 in the environment), no build paths (-trimpath), no
// symbol tables (-s -w), and the version and commit that the operator
// prints and logs.
func buildFlags(src source) []string {
	return []string{"-trimpath", "-ldflags",
		"-s -w -X main.version=" + src.Version + " -X main.commit=" + src.Commit}
}

// buildOperator compiles the operator (the main package of root) for p
// into dir, and checks that the result is static: a node runs it in a
// root file system with no dynamic loader.
func buildOperator(ctx context.Context, root, dir string, p platform, src source) (string, error) {
	out := filepath.Join(dir, p.OS+"-"+p.Arch, "manager")
	args := append([]string{"build"}, buildFlags(src)...)
	args = append(args, "-o", out, ".")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Arch)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("build the operator for %s: %w", p, err)
	}
	if err := checkStatic(out); err != nil {
		return "", err
	}
	return out, nil
}

// checkStatic refuses an ELF binary that asks for a dynamic loader or
// shared libraries.
func checkStatic(path string) error {
	f, err := elf.Open(path)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer f.Close()
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			return fmt.Errorf("%s asks for a dynamic loader: build it with CGO_ENABLED=0", path)
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		return fmt.Errorf("%s needs shared libraries %v: build it with CGO_ENABLED=0", path, libs)
	}
	return nil
}
