package round

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

func loadBank(t *testing.T) *prompts.Bank {
	t.Helper()
	b, err := prompts.Load(nil)
	if err != nil {
		t.Fatalf("load bank: %v", err)
	}
	return b
}

// rep builds a hand-made analyzer report from "code" or "code:severity"
// (medium when not given); the round engine must not depend on the
// analyzer's heuristics.
func rep(codes ...string) analysis.Report {
	// No text: the engine then takes an answer to a follow-up as answering
	// it, and only the findings given here drive the moves.
	r := analysis.Report{Findings: []analysis.Finding{}}
	for _, c := range codes {
		code, sev, _ := strings.Cut(c, ":")
		if sev == "" {
			sev = "medium"
		}
		r.Findings = append(r.Findings, analysis.Finding{Code: code, Severity: analysis.Severity(sev), Message: code, Confidence: 1})
	}
	return r
}

func scoped(r analysis.Report, scope string) analysis.Report {
	r.Metrics.Scope = scope
	return r
}

func newState(t *testing.T, bank *prompts.Bank, cfg Config) *State {
	t.Helper()
	s, err := New(bank, cfg)
	if err != nil {
		t.Fatalf("New(%+v): %v", cfg, err)
	}
	return s
}

// line renders a move for golden files and comparisons.
func line(m Move) string {
	p := m.Prompt
	return fmt.Sprintf("%-8s %-12s code=%-20s q%d %s %s phase=%s round=%s box=%s done=%v\n    %q",
		p.Kind, p.Persona, p.ProbeCode, m.QuestionIdx, m.QuestionID, strings.ReplaceAll(m.Principle, " ", "_"), m.Phase, m.AnalysisRound, m.Timebox, m.Done, p.Scripted)
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create): %v", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// step is one input to a round: an answer with its report, or a skip.
type step struct {
	skip bool
	rep  analysis.Report
}

func run(s *State, steps []step) []Move {
	moves := []Move{s.Begin()}
	for _, st := range steps {
		if st.skip {
			moves = append(moves, s.Skip())
			continue
		}
		moves = append(moves, s.Answered("my answer", st.rep))
	}
	return moves
}

func TestScriptedRoundsMatchGoldenTranscripts(t *testing.T) {
	bank := loadBank(t)
	tests := []struct {
		name, golden string
		cfg          Config
		steps        []step
	}{
		{
			name:   "a behavioral round asks a rambling answer for its short version, probes by priority, never repeats a probe and closes",
			golden: "behavioral_round.golden",
			cfg:    Config{Kind: mockloop.KindBehavioral, Minutes: 24, Seed: 7},
			steps: []step{
				{rep: rep("missing_metric:high", "weak_ownership", "rambling")}, // the short version first
				{rep: rep("missing_metric:high", "weak_ownership")},             // weak_ownership outranks missing_metric
				{rep: rep("missing_metric:high")},                               // two probes used: next question
				{rep: rep()},                                                    // clean answer: a general follow-up still
				{rep: rep("missing_metric:high", "filler_heavy")},               // fillers are never probed
				{rep: rep("missing_metric:high")},                               // missing_metric already probed: next
			},
		},
		{
			name:   "a bar raiser round probes harder and asks about scope",
			golden: "bar_raiser_round.golden",
			cfg:    Config{Kind: mockloop.KindBarRaiser, Minutes: 20, Seed: 3},
			steps: []step{
				{rep: scoped(rep("weak_ownership:high", "missing_metric:high", "missing_result"), "team")},
				{rep: scoped(rep("missing_metric:high", "missing_context:high", "vague_claims"), "team")}, // a follow-up answer need not set the scene
				{rep: scoped(rep("vague_claims"), "team")},                                                // third probe is kept for scope
				{rep: scoped(rep(), "org")}, // three probes: next question
				{rep: scoped(rep(), "org")}, // nothing to probe: two challenges
				{rep: scoped(rep(), "org")},
			},
		},
		{
			name:   "a system design round walks the phases and words the failure probe for its prompt",
			golden: "system_design_round.golden",
			cfg:    Config{Kind: mockloop.KindSystemDesign, Minutes: 45, Seed: 11},
			steps: []step{
				{rep: rep("no_failure_handling:high", "no_scale_estimates")}, // requirements: scale, not failures yet
				{rep: rep()},
				{rep: rep("no_failure_handling:high", "no_tradeoffs")},     // high level: trade-offs, failures wait
				{rep: rep("no_failure_handling:high")},                     // still nothing for the high level: deep dive
				{rep: rep("no_failure_handling:high", "no_observability")}, // deep dive: failures first
				{rep: rep("no_observability")},
				{rep: rep()},
			},
		},
		{
			name:   "a coding round talks through clarify, approach, complexity and edge cases",
			golden: "coding_round.golden",
			cfg:    Config{Kind: mockloop.KindCoding, Minutes: 30, Seed: 5},
			steps: []step{
				{rep: rep()},
				{rep: rep("no_complexity")}, // approach phase leaves complexity to its own phase
				{rep: rep("no_complexity:high")},
				{rep: rep()},
				{rep: rep("no_edge_cases", "no_walkthrough:low")},
				{rep: rep("no_walkthrough:low")},                      // second probe of the phase
				{rep: rep("no_walkthrough:low", "filler_heavy:high")}, // already probed, fillers never: close
			},
		},
		{
			name:   "a short loop runs every part in order and hands over to the Bar Raiser",
			golden: "loop_round.golden",
			cfg:    Config{Kind: mockloop.KindLoop, Minutes: 20, Seed: 4},
			steps: []step{
				{rep: rep("weak_ownership")}, {rep: rep()}, // behavioral
				{rep: rep()}, {rep: rep()}, {rep: rep("no_failure_handling:high")}, {rep: rep()}, // system design
				{rep: rep()}, {skip: true}, {rep: rep()}, {rep: rep()}, // coding, approach skipped
				{rep: scoped(rep(), "team")}, {rep: scoped(rep(), "org")}, // bar raiser
			},
		},
		{
			name:   "a skipped question moves on without probing",
			golden: "skip_round.golden",
			cfg:    Config{Kind: mockloop.KindBehavioral, Minutes: 16, Seed: 1},
			steps:  []step{{skip: true}, {rep: rep("missing_metric:high")}, {skip: true}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t, bank, tt.cfg)
			moves := run(s, tt.steps)
			// Every main answer now gets a follow-up, so the scripted steps
			// are followed by clean answers until the round closes.
			for i := 0; i < 40 && !moves[len(moves)-1].Done; i++ {
				moves = append(moves, s.Answered("my answer", rep()))
			}
			var sb strings.Builder
			for _, m := range moves {
				sb.WriteString(line(m) + "\n")
			}
			checkGolden(t, tt.golden, sb.String())
			if last := moves[len(moves)-1]; !last.Done || last.Prompt.Kind != mockloop.TurnClosing {
				t.Errorf("the round did not close: %s", line(last))
			}
		})
	}
}
