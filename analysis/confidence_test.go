package analysis

import (
	"strings"
	"testing"
)

// slowVague is a timed answer that draws content findings (no metric, no
// result) and a timing finding (too_slow).
const slowVague = "so at my last job our deploys were slow and people were unhappy about it and I looked at the pipeline " +
	"and I moved the tests into parallel stages and I added a cache for the build images and I wrote a doc for the team " +
	"about how the stages work and then I asked everyone to review it"

func withConf(ws []Word, conf func(i int) float64) []Word {
	out := make([]Word, len(ws))
	copy(out, ws)
	for i := range out {
		out[i].Conf = conf(i)
	}
	return out
}

func TestFindingsCarryKindConfidenceAndQuestion(t *testing.T) {
	r := Analyze(Input{Round: Behavioral, Words: timeWords(slowVague, 80, nil)})
	if len(r.Findings) == 0 {
		t.Fatal("no findings")
	}
	for _, f := range r.Findings {
		if f.Confidence <= 0 || f.Confidence > 1 {
			t.Errorf("%s: confidence %v outside (0, 1]", f.Code, f.Confidence)
		}
		if f.Question == "" || !strings.HasSuffix(f.Question, "?") {
			t.Errorf("%s: question %q is not a question", f.Code, f.Question)
		}
		if f.Kind != KindOf(f.Code) || f.Kind != Content && f.Kind != Delivery {
			t.Errorf("%s: kind %q, KindOf says %q", f.Code, f.Kind, KindOf(f.Code))
		}
	}
	if r.Metrics.TranscriptConfidence != 1 {
		t.Errorf("transcript confidence without word confidences = %v, want 1", r.Metrics.TranscriptConfidence)
	}
}

func TestLowConfidenceTranscriptTurnsContentFindingsIntoQuestions(t *testing.T) {
	base := timeWords(slowVague, 80, nil)
	tests := []struct {
		name string
		conf func(int) float64
		// wantLow: content findings must be under ShownAsQuestion.
		wantLow bool
	}{
		{"words heard well keep their findings", func(int) float64 { return 0.95 }, false},
		{"unknown confidence is trusted", func(int) float64 { return 0 }, false},
		{"a transcript heard at 0.4 asks instead of stating", func(int) float64 { return 0.4 }, true},
		{"a few unsure words in a clear transcript do not matter to absences", func(i int) float64 {
			if i%10 == 0 {
				return 0.3
			}
			return 0.95
		}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Behavioral, Words: withConf(base, tt.conf)})
			var content, timing int
			for _, f := range r.Findings {
				switch {
				case f.Kind == Content:
					content++
					if low := f.Confidence < ShownAsQuestion; low != tt.wantLow {
						t.Errorf("%s: confidence %.2f, want under %.1f = %v (transcript %.2f)", f.Code, f.Confidence, ShownAsQuestion, tt.wantLow, r.Metrics.TranscriptConfidence)
					}
				case findingInfo[f.Code].timing:
					timing++
					if f.Confidence < ShownAsQuestion {
						t.Errorf("%s rests on timing but dropped to %.2f", f.Code, f.Confidence)
					}
				}
			}
			if content == 0 || timing == 0 {
				t.Fatalf("want content and timing findings, got %v", codesOf(r))
			}
		})
	}
}

func TestEvidenceOnUnsureWordsLowersTheFinding(t *testing.T) {
	// weak_ownership quotes the "we" clauses; when those words were
	// misheard the finding is asked, not stated.
	text := "at my last company our checkout service started failing during a big holiday sale and customers could not pay for anything " +
		"so we rolled back the release and we rewrote the checks and we added canaries and we rolled it out again slowly " +
		"and the errors went away after that and the sale went fine"
	ws := timeWords(text, 150, nil)
	clear := Analyze(Input{Round: Behavioral, Words: withConf(ws, func(int) float64 { return 0.95 })})
	unsure := Analyze(Input{Round: Behavioral, Words: withConf(ws, func(i int) float64 {
		if ws[i].W == "we" {
			return 0.3
		}
		return 0.95
	})})
	find := func(r Report) *Finding {
		for i := range r.Findings {
			if r.Findings[i].Code == "weak_ownership" {
				return &r.Findings[i]
			}
		}
		return nil
	}
	a, b := find(clear), find(unsure)
	if a == nil || b == nil {
		t.Fatalf("weak_ownership missing: clear %v, unsure %v", codesOf(clear), codesOf(unsure))
	}
	if a.Confidence < ShownAsQuestion || b.Confidence >= ShownAsQuestion {
		t.Errorf("confidence clear %.2f unsure %.2f, want >= and < %.1f", a.Confidence, b.Confidence, ShownAsQuestion)
	}
}

func TestWordConfidenceIsKeptAndClamped(t *testing.T) {
	ws := []Word{{W: "I", Start: 0.1, End: 0.2, Conf: 0.8}, {W: "built it", Start: 0.3, End: 0.7, Conf: 1.7}, {W: "fast", Start: 0.8, End: 0.9, Conf: -1}}
	r := Analyze(Input{Round: Behavioral, Words: ws})
	want := []float64{0.8, 1, 1, 0}
	for i, w := range r.Words {
		if w.Conf != want[i] {
			t.Errorf("word %d %q conf %v, want %v", i, w.W, w.Conf, want[i])
		}
	}
	// (0.8 + 1 + 1 + unknown counted as 1) / 4
	if got := r.Metrics.TranscriptConfidence; got != 0.95 {
		t.Errorf("transcript confidence %v, want 0.95", got)
	}
}
