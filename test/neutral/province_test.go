// Package neutral checks that the operator names no province: provinces
// merge (Sóc Trăng into Cần Thơ in 2025), and every province-specific fact
// is a setting. Only the sample, the demo, tests and documentation may name
// one.
package neutral

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/lgsp-vn/datashare-operator/internal/testenv"
)

// province matches the sample province and the one it merged into, with
// or without diacritics, as words, hostnames or object names.
var province = regexp.MustCompile(`(?i)s[oó]c[ -]?tr[aă]ng|c[aầ]n[ -]?th[oơ]`)

// allowed says whether a file may name a province: the sample, the demo,
// tests and their data, documentation, and the test environment that gives
// the tests and the demo the sample's address.
func allowed(rel string) bool {
	switch {
	case strings.HasPrefix(rel, "config/samples/"), strings.HasPrefix(rel, "hack/demo/"),
		strings.HasPrefix(rel, "docs/"), strings.HasPrefix(rel, "internal/testenv/"),
		strings.HasSuffix(rel, "_test.go"), strings.Contains(rel, "/testdata/"), strings.HasSuffix(rel, ".md"):
		return true
	}
	return false
}

func TestTheOperatorNamesNoProvince(t *testing.T) {
	root := testenv.RepoRoot()
	checked := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if rel == ".git" || rel == "bin" || d.Name() == "node_modules" || strings.HasPrefix(d.Name(), ".") && rel != "." {
				return filepath.SkipDir
			}
			return nil
		}
		if allowed(rel) {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		checked++
		for i, line := range strings.Split(string(data), "\n") {
			if m := province.FindString(line); m != "" {
				t.Errorf("%s:%d names a province (%q): make it a setting, or move it to the sample", rel, i+1, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 50 {
		t.Fatalf("only %d files checked: the walk missed the tree", checked)
	}
	t.Logf("%d files name no province", checked)
}
