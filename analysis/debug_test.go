package analysis

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestDebugLabelled prints the STAR segmentation of one labelled answer:
// ANALYSIS_DEBUG=<id> go test -run DebugLabelled -v ./analysis/
func TestDebugLabelled(t *testing.T) {
	id := os.Getenv("ANALYSIS_DEBUG")
	if id == "" {
		t.Skip("set ANALYSIS_DEBUG to a labelled answer id")
	}
	for _, l := range loadLabelled(t) {
		if id == "all" {
			a, _ := debugAnalyze(l.in)
			w, n := a.topWord()
			t.Logf("%-32s rep %.3f top %s %d/%d want %v", l.id, a.repetition(), w, n, a.nWords, l.want)
			continue
		}
		if l.id != id {
			continue
		}
		a, r := debugAnalyze(l.in)
		var b strings.Builder
		for _, s := range a.segs {
			words := make([]string, 0, s.w1-s.w0)
			for _, tk := range a.toks[s.w0:s.w1] {
				words = append(words, tk.norm)
			}
			fmt.Fprintf(&b, "%s %v  %s\n", partNames[s.part], s.score, strings.Join(words, " "))
		}
		for _, f := range r.Findings {
			fmt.Fprintf(&b, "finding %s: %s\n", f.Code, f.Message)
		}
		ov, qn := a.questionOverlap(l.in.Question)
		fmt.Fprintf(&b, "I %d we %d  nums %+v\nrepetition %.3f overlap %d/%d tangents %d words %d parts %+v\n", r.Metrics.I, r.Metrics.We, a.nums, a.repetition(), ov, qn, a.cueN[cueTangent], a.nWords, a.parts)
		t.Log("\n" + b.String())
	}
}
