package prompts

import (
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestStandardLibraryOnly keeps prompts a leaf: its non-test files import
// only the standard library (whose paths have no dot in the first element)
// and the analyzer, itself standard-library only, for the principle names.
func TestStandardLibraryOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			if path == "github.com/mockloop/mockloop/analysis" {
				continue
			}
			if first, _, _ := strings.Cut(path, "/"); strings.Contains(first, ".") {
				t.Errorf("%s imports %s, outside the standard library", name, path)
			}
		}
	}
}

// FuzzParseBank checks that any user bank file either loads into valid
// questions or is rejected, never panics, and never yields a question
// without an id, text or probes.
func FuzzParseBank(f *testing.F) {
	for _, name := range []string{"banks/behavioral.json", "banks/coding.json"} {
		data, err := bankFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"kind":"coding","probes":{"x":"y"},"questions":[{"id":"a","text":"t"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		qs, err := parseBank(data)
		if err != nil {
			return
		}
		for _, q := range qs {
			if strings.TrimSpace(q.ID) == "" || strings.TrimSpace(q.Text) == "" || len(q.Probes) == 0 || !q.Kind.valid() {
				t.Errorf("invalid question accepted: %+v", q)
			}
		}
	})
}
