package analysis

import (
	"go/build"
	"slices"
	"strings"
	"testing"
)

// directAllowed is every package analysis may import itself. Nothing that
// does I/O, talks to the network or keeps time on its own ("time" is used
// for durations only) is on it. A third-party package (a tagger, a
// lemmatizer) would be added here only where it measurably helps, with
// the measurement in docs/findings.md; none is today, because the clause
// reading needs only closed word classes (see clause.go).
var directAllowed = []string{
	// encoding/json only decodes stored findings (Finding.UnmarshalJSON).
	"encoding/json",
	"fmt", "maps", "math", "slices", "strconv", "strings", "time", "unicode", "unicode/utf8",
}

// moduleAllowed is every module outside the standard library that may
// appear among analysis's indirect imports. Empty: analysis is a leaf.
var moduleAllowed = []string{}

// TestDependenciesAreAllowlisted keeps analysis a leaf (in the spirit of
// tailscale's tstest/deptest): every direct import is on directAllowed and
// every indirect one is in the standard library or an allowed module.
func TestDependenciesAreAllowlisted(t *testing.T) {
	pkg, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(pkg.Imports) == 0 {
		t.Fatal("found no imports; the test is not looking at the package")
	}
	for _, imp := range pkg.Imports {
		if !slices.Contains(directAllowed, imp) {
			t.Errorf("analysis imports %s, which is not on directAllowed", imp)
		}
	}
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		if seen[path] {
			return
		}
		seen[path] = true
		p, err := build.Import(path, dir, 0)
		if err != nil {
			t.Fatalf("import %s: %v", path, err)
		}
		if !p.Goroot && !slices.ContainsFunc(moduleAllowed, func(m string) bool { return path == m || strings.HasPrefix(path, m+"/") }) {
			t.Errorf("analysis depends on %s, which is neither in the standard library nor allowed", path)
			return
		}
		for _, imp := range p.Imports {
			if imp == "C" {
				t.Errorf("%s uses cgo", path)
				continue
			}
			walk(imp, p.Dir)
		}
	}
	for _, imp := range pkg.Imports {
		walk(imp, pkg.Dir)
	}
}
