package charts

import (
	"strings"
	"testing"

	"github.com/mockloop/mockloop/analysis"
)

// BenchmarkCharts draws the three answer charts for a typical 450-word
// spoken answer and for a 20,000-word one. Analyze on the same input is
// the baseline: the charts should cost no more than the analysis the
// review page already waited for.
func BenchmarkCharts(b *testing.B) {
	long := hugeReport()
	var sb strings.Builder
	for i := 0; sb.Len() == 0 || len(strings.Fields(sb.String())) < 450; i++ {
		sb.WriteString(story + " ")
	}
	words450 := speak(strings.Join(strings.Fields(sb.String())[:450], " "), 150, map[int]float64{100: 1.5, 300: 3.2})
	typical := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: words450})
	b.Run("baseline Analyze 450 words", func(b *testing.B) {
		for b.Loop() {
			analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: words450})
		}
	})
	b.Run("Pace+Timeline+Ownership 450 words", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = Pace(typical), Timeline(typical), Ownership(typical)
		}
	})
	b.Run("Pace+Timeline+Ownership 20000 words", func(b *testing.B) {
		for b.Loop() {
			_, _, _ = Pace(long), Timeline(long), Ownership(long)
		}
	})
}
