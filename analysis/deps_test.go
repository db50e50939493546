package analysis

import (
	"go/build"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps analysis a leaf (in the spirit of
// tailscale's tstest/deptest): every import, direct or indirect, must be
// in the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		pkg, err := build.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		if !pkg.Goroot && path != "." {
			t.Errorf("analysis depends on %s, which is not in the standard library", path)
			return
		}
		for _, imp := range pkg.Imports {
			if imp == "C" {
				t.Errorf("%s uses cgo", path)
				continue
			}
			walk(imp, pkg.Dir)
		}
	}
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Imports) == 0 {
		t.Fatal("found no imports; the test is not looking at the package")
	}
	for _, imp := range pkg.Imports {
		if strings.Contains(imp, ".") && !strings.HasPrefix(imp, "golang.org/x/") || strings.HasPrefix(imp, "golang.org/x/") {
			t.Errorf("analysis imports %s, which is not in the standard library", imp)
			continue
		}
		walk(imp, pkg.Dir)
	}
}
