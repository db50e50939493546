package analysis

import (
	"strings"
	"testing"
)

// answer450 is a realistic 450-word timed behavioral answer.
func answer450(tb testing.TB) []Word {
	text := `so um at my last company i was on the payments team and we had this problem where checkout was timing out during peak traffic basically every friday evening my job was to figure out why and fix it before the holiday sale first i dug into the logs and the traces and i found the connection pool to the database was getting exhausted because the fraud check held a connection while it called an external service i wrote a small load test to reproduce it then i proposed moving the fraud check to an async queue i convinced my manager and the fraud team and i built the change over two weeks with a feature flag as a result p ninety nine latency went from two point four seconds to three hundred milliseconds and checkout timeouts dropped by ninety five percent through the holiday sale `
	words := strings.Fields(strings.Repeat(text, 4))[:450]
	return timeWords(strings.Join(words, " "), 150, map[int]float64{40: 1.4, 200: 3.2})
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
