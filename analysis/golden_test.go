package analysis

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/golden")

// goldenInput reads a golden input: .txt is a behavioral plain-text answer
// unless its name starts with a round ("design_", "coding_", "br_"); .json
// is {"round", "question", "words"}.
func goldenInput(t *testing.T, path string) Input {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	base := filepath.Base(path)
	round := Behavioral
	switch {
	case strings.HasPrefix(base, "design_"):
		round = SystemDesign
	case strings.HasPrefix(base, "coding_"):
		round = Coding
	case strings.HasPrefix(base, "br_"):
		round = BarRaiser
	}
	if filepath.Ext(path) == ".txt" {
		return Input{Round: round, Text: string(data)}
	}
	var f struct {
		Round    Round  `json:"round"`
		Question string `json:"question"`
		Words    []Word `json:"words"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	return Input{Round: f.Round, Question: f.Question, Words: f.Words}
}

func TestGoldenReports(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "golden", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range inputs {
		if strings.HasSuffix(in, ".report.json") {
			continue
		}
		n++
		t.Run(filepath.Base(in)+" matches its golden report", func(t *testing.T) {
			r := Analyze(goldenInput(t, in))
			got, err := json.MarshalIndent(r, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			want := strings.TrimSuffix(in, filepath.Ext(in)) + ".report.json"
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			exp, err := os.ReadFile(want)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if !bytes.Equal(got, exp) {
				t.Errorf("report differs from %s (run go test -update and review the diff):\n%s", want, got)
			}
		})
	}
	if n == 0 {
		t.Fatal("no golden inputs")
	}
}
