package analysis

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// answer450 is a real 450-word spoken behavioral answer
// (testdata/bench/answer450.txt, written as one story, not a paragraph
// repeated), timed at 150 wpm with two pauses.
func answer450(tb testing.TB) []Word {
	data, err := os.ReadFile(filepath.Join("testdata", "bench", "answer450.txt"))
	if err != nil {
		tb.Fatal(err)
	}
	if n := len(strings.Fields(string(data))); n < 440 || n > 460 {
		tb.Fatalf("bench answer has %d words, want about 450", n)
	}
	return timeWords(string(data), 150, map[int]float64{40: 1.4, 200: 3.2})
}

func BenchmarkAnalyze450Timed(b *testing.B) {
	in := Input{Round: Behavioral, Question: "Tell me about a time you improved performance.", Words: answer450(b)}
	b.ReportAllocs()
	for b.Loop() {
		Analyze(in)
	}
}

// BenchmarkBaselineFields450 is the cost of only splitting the same answer
// into words, measured in the same run as a yardstick for noisy machines.
func BenchmarkBaselineFields450(b *testing.B) {
	ws := answer450(b)
	parts := make([]string, len(ws))
	for i, w := range ws {
		parts[i] = w.W
	}
	text := strings.Join(parts, " ")
	b.ReportAllocs()
	for b.Loop() {
		_ = strings.Fields(text)
	}
}

// BenchmarkBaselineJoin450 is the cost of only building Report.Text and
// Report.Words from the timed words.
func BenchmarkBaselineJoin450(b *testing.B) {
	ws := answer450(b)
	b.ReportAllocs()
	for b.Loop() {
		toks := make([]tok, 0, len(ws))
		words := make([]Word, 0, len(ws))
		joinWords(ws, toks, words)
	}
}

// TestAnalyzeAllocationBudget keeps live feedback cheap: a 450-word timed
// answer may cost at most 200 allocations (the time budget, 1 ms on one
// core, is checked by BenchmarkAnalyze450Timed; a timing test would flake
// on a shared machine).
func TestAnalyzeAllocationBudget(t *testing.T) {
	in := Input{Round: Behavioral, Question: "Tell me about a time you improved performance.", Words: answer450(t)}
	if n := testing.AllocsPerRun(20, func() { Analyze(in) }); n > 200 {
		t.Errorf("Analyze allocates %.0f times on a 450-word answer, want at most 200", n)
	}
}
