package round

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

const (
	sdRequirements = "Requirements first: users can opt out per channel and delivery is at-least-once with dedup. Scale is 20 million " +
		"notifications a day, about 2,000 per second at peak, and the send API should answer within 100 ms."
	sdDesign = "The API writes each request to a Kafka topic partitioned by user id; channel workers consume it and call the providers. " +
		"Failed sends are retried with exponential backoff and then go to a dead-letter queue. I chose Kafka over SQS because we need " +
		"replay, at the cost of running a cluster. We alarm on queue depth and p99 latency."
	bhvWe = "Our team saw the nightly billing export time out every few days, and finance could not close the month. We looked into " +
		"it together over a week, we rewrote the slowest query, we added an index on the invoices table and we moved the export to " +
		"a replica, and in the end the export finished in twelve minutes instead of three hours."
	bhvI = "I found the slow query myself: I profiled the export, I wrote the index migration and I ran the load test before the rollout."
)

// answerWith analyses text as the session would for the move being
// answered, and commits it as turn seq.
func answerWith(s *State, seq int, text string) (Move, Verdict) {
	last, _ := s.Last()
	in := analysis.Input{Round: last.AnalysisRound, Question: last.Prompt.Question, Text: text}
	if last.Prompt.Kind == mockloop.TurnProbe || last.Prompt.Kind == mockloop.TurnCutIn {
		in.FollowUp = true
	}
	return s.AnswerTurn(seq, text, analysis.Analyze(in))
}

func has(fs []analysis.Finding, code string) bool {
	return slices.ContainsFunc(fs, func(f analysis.Finding) bool { return f.Code == code })
}

func TestEngineRemembersTheQuestion(t *testing.T) {
	bank := loadBank(t)

	t.Run("a restored round still knows what the question covered", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindSystemDesign, Seed: 4})
		s.Begin()
		answerWith(s, 1, sdRequirements)
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(bank, data)
		if err != nil {
			t.Fatal(err)
		}
		_, v := answerWith(r, 3, sdDesign)
		if has(v.Report.Findings, "no_requirements") || has(v.Report.Findings, "no_scale_estimates") {
			t.Errorf("after restore the design answer is flagged %v", v.Report.Findings)
		}
		covered := 0
		for _, p := range r.Coverage() {
			if p.Covered {
				covered++
			}
		}
		if covered < 5 {
			t.Errorf("coverage after restore = %+v", r.Coverage())
		}
	})

	t.Run("an answer full of I resolves the main answer's weak ownership", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 2})
		s.Begin()
		_, v := answerWith(s, 1, bhvWe)
		if !has(v.Report.Findings, "weak_ownership") {
			t.Fatalf("main answer findings %v lack weak_ownership; the case tests nothing", v.Report.Findings)
		}
		_, v = answerWith(s, 3, bhvI)
		if rs := v.Resolved[1]; !slices.ContainsFunc(rs, func(r mockloop.Resolution) bool { return r.Code == "weak_ownership" && r.TurnSeq == 3 }) {
			t.Errorf("resolved = %+v, want weak_ownership on turn 1 by turn 3", v.Resolved)
		}
		if rs := s.Resolutions()[1]; len(rs) == 0 {
			t.Errorf("Resolutions() = %+v", s.Resolutions())
		}
	})

	t.Run("a gap the main answer left stays open for the next follow-up until an answer supplies it", func(t *testing.T) {
		const vague = "Our team saw the nightly billing export time out every few days, and finance could not close the month. " +
			"We looked into it together over a week, we rewrote the slowest query, we added an index on the invoices table and " +
			"we moved the export to a replica, and in the end the export was much faster and finance was happy."
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 2})
		s.Begin()
		m, v := answerWith(s, 1, vague)
		var others []string
		for _, f := range v.Report.Findings {
			if f.Code != m.Prompt.ProbeCode && f.Code != "too_short" && !analysis.Structural(f.Code) {
				others = append(others, f.Code)
			}
		}
		if m.Prompt.Kind != mockloop.TurnProbe || len(others) == 0 {
			t.Fatalf("first move %s on findings %v; the case tests nothing", line(m), v.Report.Findings)
		}
		first := m.Prompt.ProbeCode
		m, _ = answerWith(s, 3, bhvI) // gives the I, no number
		if m.Prompt.Kind != mockloop.TurnProbe || m.Prompt.ProbeCode == first || !slices.Contains(others, m.Prompt.ProbeCode) {
			t.Errorf("after the first follow-up: %s, want one of the main answer's open %v", line(m), others)
		}
	})

	t.Run("a loop judges each section by its own kind", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindLoop, Minutes: 60, Seed: 5})
		m := s.Begin()
		seq := 1
		for m.AnalysisRound == analysis.Behavioral && !m.Done {
			var v Verdict
			m, v = answerWith(s, seq, bhvWe)
			if len(v.Coverage) != 0 {
				t.Fatalf("a behavioral answer got a phase checklist %+v", v.Coverage)
			}
			seq += 2
		}
		if m.AnalysisRound != analysis.SystemDesign || m.Prompt.Kind != mockloop.TurnQuestion {
			t.Fatalf("after the behavioral part: %s", line(m))
		}
		m, v := answerWith(s, seq, sdRequirements)
		for _, code := range []string{"no_failure_handling", "no_tradeoffs", "no_observability", "too_short"} {
			if has(v.Report.Findings, code) {
				t.Errorf("the first design answer of the loop is flagged %s", code)
			}
		}
		if len(v.Coverage) != len(analysis.QuestionPhases(analysis.SystemDesign)) {
			t.Errorf("coverage = %+v", v.Coverage)
		}
		if m.QuestionIdx == 0 || m.Prompt.Kind == mockloop.TurnQuestion && strings.Contains(m.Prompt.Scripted, "requirements and scale") {
			t.Errorf("next move %s", line(m))
		}
	})
}

func TestNoLineAsksForACoveredPhase(t *testing.T) {
	bank := loadBank(t)
	const (
		sdAll = "Who uses it and what is in scope: internal teams, email and push. Functional requirements: send, opt out, see status; " +
			"non-functional: p99 under 100 ms, 99.9 percent availability, at-least-once with dedup. Scale: 20 million a day, 2,000 per " +
			"second at peak. The API writes to a Kafka topic keyed by user id, channel workers consume it, and a Postgres table stores " +
			"the status rows. Failed sends retry with backoff, then go to a dead-letter queue. I chose Kafka over SQS for replay, at " +
			"the cost of running it. We alarm on queue depth and error rate."
		codeAll = "Can the list be empty, and is it sorted? I'll assume not. Brute force compares every pair, O(n^2). Better: sort by " +
			"start and sweep once, O(n log n) time and O(n) space. Edge cases: empty list, one window, touching ends. For example " +
			"[1,3],[2,6] gives [1,6], and I would unit test each case."
		short = "Yes, that is right, it works."
	)
	for _, tc := range []struct {
		kind mockloop.RoundKind
		text string
	}{{mockloop.KindSystemDesign, sdAll}, {mockloop.KindCoding, codeAll}} {
		for seed := int64(1); seed <= 12; seed++ {
			t.Run(fmt.Sprintf("a %s question covered in one answer, seed %d, is never asked for a phase again", tc.kind, seed), func(t *testing.T) {
				s := newState(t, bank, Config{Kind: tc.kind, Minutes: 30, Seed: seed})
				m := s.Begin()
				m, v := answerWith(s, 1, tc.text)
				var covered []string
				for _, p := range v.Coverage {
					if p.Covered {
						covered = append(covered, p.Phase)
					}
				}
				if len(covered) < len(v.Coverage)-1 {
					t.Fatalf("the all-in-one answer covered only %v", covered)
				}
				words := phaseWords(m.AnalysisRound)
				for i := 0; i < 8 && !m.Done && m.QuestionIdx == 0; i++ {
					low := strings.ToLower(m.Prompt.Scripted)
					for _, p := range covered {
						for _, w := range words[p] {
							if strings.Contains(low, w) {
								t.Errorf("move %d %q asks about %s (%q), which was covered", i, m.Prompt.Scripted, p, w)
							}
						}
					}
					if analysis.PhaseOf(m.AnalysisRound, m.Prompt.ProbeCode) != "" {
						t.Errorf("move %d probes %s", i, m.Prompt.ProbeCode)
					}
					m, _ = answerWith(s, 3+2*i, short)
				}
			})
		}
	}
}

func TestQuotedFollowUpsAreDeterministic(t *testing.T) {
	bank := loadBank(t)
	const strong = "Last year our payments team owned a checkout service whose error rate had climbed to 3 percent after a " +
		"provider change, and I was asked to fix it before the holiday peak. I pulled a week of failed requests, found that 80 " +
		"percent were timeouts on one provider, and I proposed a circuit breaker with a fallback provider. I wrote the design, " +
		"got sign-off from the two teams that call us, and I rolled it out behind a feature flag. The error rate fell to 0.3 " +
		"percent within two weeks."
	for _, tc := range []struct {
		kind    mockloop.RoundKind
		answers []string
	}{
		{mockloop.KindBehavioral, []string{strong, bhvI}},
		{mockloop.KindBarRaiser, []string{strong, bhvI, bhvI}},
		{mockloop.KindSystemDesign, []string{sdRequirements, sdDesign, sdDesign}},
	} {
		kind, answers := tc.kind, tc.answers
		t.Run("the same seed and answers give the same "+string(kind)+" follow-ups, word for word", func(t *testing.T) {
			run := func(seed int64) []string {
				s := newState(t, bank, Config{Kind: kind, Seed: seed})
				out := []string{s.Begin().Prompt.Scripted}
				for i, a := range answers {
					m, _ := answerWith(s, 2*i+1, a)
					out = append(out, m.Prompt.ProbeCode+" "+m.Prompt.Scripted)
				}
				return out
			}
			a, b := run(17), run(17)
			if !slices.Equal(a, b) {
				t.Errorf("two runs differ:\n%q\n%q", a, b)
			}
			if !slices.ContainsFunc(a, func(l string) bool { return strings.HasPrefix(l, ProbeDigIn+" ") }) {
				t.Errorf("no dig-in among %q", a)
			}
		})
	}
}
