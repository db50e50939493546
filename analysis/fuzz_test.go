package analysis

import (
	"encoding/json"
	"reflect"
	"testing"
)

// FuzzAnalyze feeds arbitrary text, and the same bytes as a words JSON
// document, to Analyze: it must never panic, keep every span inside the
// text and the words, and give the same report twice.
func FuzzAnalyze(f *testing.F) {
	f.Add("so um I built it and we cut latency by 40%", uint8(0))
	f.Add("two point four seconds thirty-eight percent a hundred and fifty thousand users", uint8(1))
	f.Add(`{"words":[{"w":"I","start":0.42,"end":0.55},{"w":"like  Go","start":0.6,"end":0.5}]}`, uint8(2))
	f.Add("o(n) $1.2m 3x 10,000 ½ é ’ —", uint8(3))
	f.Fuzz(func(t *testing.T, s string, r uint8) {
		round := Rounds[int(r)%len(Rounds)]
		inputs := []Input{{Round: round, Text: s, Question: s}}
		var doc struct {
			Words []Word `json:"words"`
		}
		if json.Unmarshal([]byte(s), &doc) == nil && len(doc.Words) > 0 {
			inputs = append(inputs, Input{Round: round, Words: doc.Words})
		}
		for _, in := range inputs {
			a := Analyze(in)
			checkSpans(t, a)
			if b := Analyze(in); !reflect.DeepEqual(a, b) {
				t.Fatalf("two runs differ on %q", s)
			}
		}
	})
}
