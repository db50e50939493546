package round

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

func askT(seq int, principle string) mockloop.Turn {
	return mockloop.Turn{Seq: seq, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, Principle: principle, Text: "question " + principle}
}

func probeT(seq int) mockloop.Turn {
	return mockloop.Turn{Seq: seq, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, Text: "How did you measure it?"}
}

func answerT(seq int, r analysis.Report) mockloop.Turn {
	return mockloop.Turn{Seq: seq, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: r.Text, Report: &r}
}

func withText(r analysis.Report, text string) analysis.Report {
	r.Text = text
	return r
}

func withPrinciple(r analysis.Report, name string, score float64, spans ...analysis.Span) analysis.Report {
	r.Metrics.Principles = append(r.Metrics.Principles, analysis.Principle{Name: name, Score: score, Evidence: spans})
	return r
}

func TestDebrief(t *testing.T) {
	clean := func(scope string) analysis.Report {
		return scoped(withText(rep(), "I rebuilt the cache and cut p99 latency by 40%."), scope)
	}
	tests := []struct {
		name  string
		kind  mockloop.RoundKind
		turns []mockloop.Turn
		check func(t *testing.T, d mockloop.Debrief)
	}{
		{"a round with no answers has no strongest or weakest answer and no signal", mockloop.KindLoop,
			[]mockloop.Turn{askT(1, "Ownership")},
			func(t *testing.T, d mockloop.Debrief) {
				if d.Strongest != -1 || d.Weakest != -1 || d.Signal != "" || len(d.Principles) != 0 {
					t.Errorf("debrief = %+v", d)
				}
				if len(d.Reasons) != 1 || !strings.Contains(d.Reasons[0], "No answers") {
					t.Errorf("reasons = %q", d.Reasons)
				}
			}},
		{"the strongest and weakest answers are ranked by the severity of their findings", mockloop.KindBehavioral,
			[]mockloop.Turn{
				askT(1, "Ownership"), answerT(2, rep("missing_metric:high")), probeT(3), answerT(4, rep("missing_metric:low")),
				askT(5, "Dive Deep"), answerT(6, rep()),
				askT(7, "Frugality"), answerT(8, rep("weak_ownership:high", "missing_result:medium")),
			},
			func(t *testing.T, d mockloop.Debrief) {
				if d.Strongest != 6 || d.Weakest != 8 {
					t.Errorf("strongest %d, weakest %d; want 6 and 8", d.Strongest, d.Weakest)
				}
			}},
		{"an answer to a follow-up is not marked down for not being a whole story", mockloop.KindBehavioral,
			[]mockloop.Turn{
				askT(1, "Ownership"), answerT(2, rep("missing_metric:high")),
				probeT(3), answerT(4, rep("missing_context:high", "unbalanced_star", "too_short:high")),
			},
			func(t *testing.T, d mockloop.Debrief) {
				if d.Strongest != 4 || d.Weakest != 2 {
					t.Errorf("strongest %d, weakest %d; want 4 and 2", d.Strongest, d.Weakest)
				}
				if d.Practise[0] != advice("missing_metric", analysis.Behavioral) || slices.Contains(d.Practise, advice("missing_context", analysis.Behavioral)) {
					t.Errorf("practise = %q", d.Practise)
				}
			}},
		{"a principle the analyzer heard is quoted from its evidence span", mockloop.KindBehavioral,
			[]mockloop.Turn{askT(1, ""), answerT(2, withPrinciple(withText(rep("missing_metric:high"), "Café first. I traced the leak to a pool."), "dive deep", 0.8, analysis.Span{Start: 12, End: 39}))},
			func(t *testing.T, d mockloop.Debrief) {
				want := []mockloop.PrincipleEvidence{{Principle: "Dive Deep", TurnSeq: 2, Quote: "I traced the leak to a pool"}}
				if !reflect.DeepEqual(d.Principles, want) {
					t.Errorf("principles = %+v, want %+v", d.Principles, want)
				}
			}},
		{"a question's principle counts only when the answer was decent", mockloop.KindBehavioral,
			[]mockloop.Turn{
				askT(1, "Ownership"), answerT(2, withText(rep("weak_ownership:high", "missing_metric:high"), "We did things.")),
				askT(3, "Frugality"), answerT(4, withText(rep("hedging:low"), "I cut the bill by half by moving logs to cold storage.")),
			},
			func(t *testing.T, d mockloop.Debrief) {
				want := []mockloop.PrincipleEvidence{{Principle: "Frugality", TurnSeq: 4, Quote: "I cut the bill by half by moving logs to cold storage."}}
				if !reflect.DeepEqual(d.Principles, want) {
					t.Errorf("principles = %+v, want %+v", d.Principles, want)
				}
			}},
		{"weak analyzer evidence and unknown principle names are left out", mockloop.KindBehavioral,
			[]mockloop.Turn{askT(1, ""), answerT(2, withPrinciple(withPrinciple(rep(), "Think Big", 0.2), "Be Nice", 0.9))},
			func(t *testing.T, d mockloop.Debrief) {
				if len(d.Principles) != 0 {
					t.Errorf("principles = %+v", d.Principles)
				}
			}},
		{"the better answer is the evidence when two show the same principle", mockloop.KindBehavioral,
			[]mockloop.Turn{
				askT(1, ""), answerT(2, withPrinciple(withText(rep("missing_metric:high"), "first story"), "Ownership", 0.9)),
				askT(3, ""), answerT(4, withPrinciple(withText(rep(), "second story"), "Ownership", 0.9)),
			},
			func(t *testing.T, d mockloop.Debrief) {
				if len(d.Principles) != 1 || d.Principles[0].TurnSeq != 4 || d.Principles[0].Quote != "second story" {
					t.Errorf("principles = %+v", d.Principles)
				}
			}},
		{"practice follows the most frequent and severe gaps, worded concretely", mockloop.KindBehavioral,
			[]mockloop.Turn{
				askT(1, "Ownership"), answerT(2, rep("weak_ownership", "missing_metric:high", "rambling:low")),
				askT(3, "Frugality"), answerT(4, rep("weak_ownership", "missing_metric:high")),
				askT(5, "Dive Deep"), answerT(6, rep("weak_ownership", "weak_ownership")),
			},
			func(t *testing.T, d mockloop.Debrief) {
				want := []string{advice("missing_metric", analysis.Behavioral), advice("weak_ownership", analysis.Behavioral), advice("rambling", analysis.Behavioral)}
				if !slices.Equal(d.Practise, want) {
					t.Errorf("practise = %q, want %q", d.Practise, want)
				}
			}},
		{"a finding without stock advice uses the analyzer's suggestion", mockloop.KindCoding,
			[]mockloop.Turn{askT(1, ""), answerT(2, analysis.Report{Findings: []analysis.Finding{{Code: "jargon", Severity: analysis.High, Suggestion: "Explain terms in plain words.", Confidence: 1}}})},
			func(t *testing.T, d mockloop.Debrief) {
				want := slices.Concat([]string{"Explain terms in plain words."}, fillers(mockloop.KindCoding, nil)[:2])
				if !slices.Equal(d.Practise, want) {
					t.Errorf("practise = %q, want %q", d.Practise, want)
				}
			}},
		{"few gaps are topped up with principles that have no story yet", mockloop.KindBehavioral,
			[]mockloop.Turn{askT(1, "Customer Obsession"), answerT(2, withText(rep(), "A good story."))},
			func(t *testing.T, d mockloop.Debrief) {
				if len(d.Practise) != 3 || !strings.Contains(d.Practise[0], "Ownership") || !strings.Contains(d.Practise[1], "Invent and Simplify") {
					t.Errorf("practise = %q", d.Practise)
				}
			}},
		{"a behavioral round gets reasons but no hire signal", mockloop.KindBehavioral,
			[]mockloop.Turn{askT(1, "Ownership"), answerT(2, clean("org"))},
			func(t *testing.T, d mockloop.Debrief) {
				if d.Signal != "" || len(d.Reasons) == 0 {
					t.Errorf("signal %q, reasons %q", d.Signal, d.Reasons)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Debrief(mockloop.Round{Kind: tt.kind}, tt.turns)
			tt.check(t, d)
			shuffled := slices.Clone(tt.turns)
			slices.Reverse(shuffled)
			if again := Debrief(mockloop.Round{Kind: tt.kind}, shuffled); !reflect.DeepEqual(again, d) {
				t.Errorf("turn order changed the debrief:\n%+v\n%+v", again, d)
			}
		})
	}
}

// doubtfulRep is rep with every finding under the page's question line.
func doubtfulRep(codes ...string) analysis.Report {
	r := rep(codes...)
	for i := range r.Findings {
		r.Findings[i].Confidence = analysis.ShownAsQuestion / 2
	}
	return r
}

func TestDebriefReasons(t *testing.T) {
	answers := func(scope string, reports ...analysis.Report) []mockloop.Turn {
		var ts []mockloop.Turn
		for i, r := range reports {
			a := answerT(2*i+2, scoped(r, scope))
			a.QuestionIdx = i
			q := askT(2*i+1, "Ownership")
			q.QuestionIdx = i
			ts = append(ts, q, a)
		}
		return ts
	}
	resolved := func(ts []mockloop.Turn, seq int, code string, by int) []mockloop.Turn {
		for i := range ts {
			if ts[i].Seq == seq {
				ts[i].Resolved = append(ts[i].Resolved, mockloop.Resolution{Code: code, TurnSeq: by})
			}
		}
		return ts
	}
	missed := func() []mockloop.Turn {
		ts := answers("org", rep("missing_metric:high"))
		p := probeT(3)
		f := answerT(4, rep(analysis.CodeProbeNotAnswered))
		return append(ts, p, f)
	}
	tests := []struct {
		name  string
		kind  mockloop.RoundKind
		turns []mockloop.Turn
		want  []string // substrings some reason must contain
		not   []string // substrings no reason may contain
	}{
		{"a loop gets no hire signal, only what the answers show", mockloop.KindLoop, answers("org", rep(), rep(), rep()),
			[]string{"3 answers to 3 questions"}, []string{"hire", "score"}},
		{"the most frequent gap is counted per question", mockloop.KindLoop,
			answers("team", rep("missing_metric:high", "hedging:low"), rep("missing_metric:high"), rep("weak_ownership:high")),
			[]string{"missing metric (2 of 3)"}, nil},
		{"a gap a follow-up resolved is not counted", mockloop.KindBehavioral,
			resolved(answers("team", rep("missing_metric:high"), rep("weak_ownership:medium")), 2, "missing_metric", 5),
			[]string{"weak ownership (1 of 2)", "Supplied when a follow-up asked: missing metric (question 1)"}, []string{"gap found in most questions: missing metric"}},
		{"a finding the analyzer is unsure of is not counted as a gap", mockloop.KindLoop,
			answers("org", doubtfulRep("missing_metric:high"), doubtfulRep("missing_metric:high"), rep("weak_ownership:high")),
			[]string{"weak ownership (1 of 3)"}, []string{"missing metric"}},
		{"a follow-up that went unanswered is said so", mockloop.KindBehavioral, missed(),
			[]string{"1 follow-up answers were not answered", "How did you measure it?"}, nil},
		{"a Bar Raiser round says when no impact left the team", mockloop.KindBarRaiser, answers("team", rep(), rep()),
			[]string{"beyond the candidate's own team"}, nil},
		{"unanswered questions are counted", mockloop.KindLoop,
			append(answers("org", rep()), askT(10, "Frugality"), askT(11, "Dive Deep")), []string{"2 of 3 questions had no answer"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Debrief(mockloop.Round{Kind: tt.kind}, tt.turns)
			if d.Signal != "" {
				t.Errorf("signal = %q; the debrief gives none", d.Signal)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(d.Reasons, func(r string) bool { return strings.Contains(r, w) }) {
					t.Errorf("reasons %q lack %q", d.Reasons, w)
				}
			}
			for _, n := range tt.not {
				if slices.ContainsFunc(d.Reasons, func(r string) bool { return strings.Contains(strings.ToLower(r), n) }) {
					t.Errorf("reasons %q mention %q", d.Reasons, n)
				}
			}
		})
	}

	t.Run("an answer that missed its follow-up is never quoted as evidence", func(t *testing.T) {
		ts := missed()
		r := withPrinciple(withText(rep(analysis.CodeProbeNotAnswered), "the of a moon and the sun"), "Invent and Simplify", 0.9)
		ts[len(ts)-1] = answerT(4, r)
		d := Debrief(mockloop.Round{Kind: mockloop.KindBehavioral}, ts)
		for _, p := range d.Principles {
			if p.TurnSeq == 4 {
				t.Errorf("evidence %+v quotes the missed follow-up", p)
			}
		}
	})
}

func TestScore(t *testing.T) {
	tests := []struct {
		name string
		rep  analysis.Report
		want int
	}{
		{"a clean answer scores 100", rep(), 100},
		{"a high, a medium and a low gap cost 25, 12 and 5", rep("a:high", "b:medium", "c:low"), 58},
		{"the score never goes below zero", rep("a:high", "b:high", "c:high", "d:high", "e:high"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Score(tt.rep); got != tt.want {
				t.Errorf("Score = %d, want %d", got, tt.want)
			}
		})
	}
}

// TestTooShortAdviceFollowsTheRound checks that the practise line for
// too_short names what a whole answer holds in the answer's own round: a
// story, a design's phases, a solution's approach, cost and tests.
func TestTooShortAdviceFollowsTheRound(t *testing.T) {
	judged := func(r analysis.Report, round analysis.Round) analysis.Report {
		r.Round = round
		return r
	}
	tests := []struct {
		name          string
		kind          mockloop.RoundKind
		round         analysis.Round
		want, notWant []string
	}{
		{"a short behavioral answer is told to give its situation, actions and result", mockloop.KindBehavioral, analysis.Behavioral,
			[]string{"situation", "measured result"}, []string{"complexity", "phases"}},
		{"a short design answer is told to go through the design's phases", mockloop.KindSystemDesign, analysis.SystemDesign,
			[]string{"phases", "requirements and scale", "trade-offs"}, []string{"situation", "measured result"}},
		{"a short coding answer is told to give its approach, complexity and tests", mockloop.KindCoding, analysis.Coding,
			[]string{"approach", "complexity", "tests"}, []string{"situation", "measured result"}},
		{"a short coding answer in a loop is told about coding, not stories", mockloop.KindLoop, analysis.Coding,
			[]string{"approach", "complexity"}, []string{"situation"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Debrief(mockloop.Round{Kind: tt.kind}, []mockloop.Turn{askT(1, ""), answerT(2, judged(rep("too_short:high"), tt.round))})
			if len(d.Practise) == 0 {
				t.Fatal("no practise lines")
			}
			line := d.Practise[0]
			for _, w := range tt.want {
				if !strings.Contains(line, w) {
					t.Errorf("practise %q lacks %q", line, w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(line, w) {
					t.Errorf("practise %q says %q", line, w)
				}
			}
		})
	}
}
