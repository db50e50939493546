package round

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
)

func TestProbeSelection(t *testing.T) {
	bank := loadBank(t)
	behavioral := Config{Kind: mockloop.KindBehavioral, Minutes: 30, Seed: 42}
	tests := []struct {
		name    string
		cfg     Config
		answers []analysis.Report
		// want lists the probe code of each move after an answer; "" means
		// the engine moved on to a new question or phase.
		want     []string
		wantKind mockloop.TurnKind // of the first move after an answer
	}{
		{"a finished answer that rambled gets a follow-up for its short version before any other probe", behavioral,
			[]analysis.Report{rep("missing_metric:high", "rambling:low")}, []string{"rambling"}, mockloop.TurnProbe},
		{"the priority list beats the analyzer's order and severity", behavioral,
			[]analysis.Report{rep("missing_metric:high", "weak_ownership:low")}, []string{"weak_ownership"}, mockloop.TurnProbe},
		{"a finding the question has no probe for is not probed", behavioral,
			[]analysis.Report{rep("filler_words:high", "missing_metric")}, []string{"missing_metric"}, mockloop.TurnProbe},
		{"a clean answer still gets one follow-up, then the interview moves on", behavioral,
			[]analysis.Report{rep(), rep()}, []string{ProbeChallenge, ""}, mockloop.TurnProbe},
		{"findings nobody can probe get a general follow-up, then move on", behavioral,
			[]analysis.Report{rep("filler_words", "fast_pace"), rep()}, []string{ProbeChallenge, ""}, mockloop.TurnProbe},
		{"the same code is never probed twice on one question", behavioral,
			[]analysis.Report{rep("missing_metric"), rep("missing_metric")}, []string{"missing_metric", ""}, mockloop.TurnProbe},
		{"an interviewer asks at most two follow-ups", behavioral,
			[]analysis.Report{rep("missing_metric"), rep("weak_ownership"), rep("missing_result")}, []string{"missing_metric", "weak_ownership", ""}, mockloop.TurnProbe},
		{"a duplicated finding code counts once", behavioral,
			[]analysis.Report{rep("missing_metric", "missing_metric"), rep("missing_metric")}, []string{"missing_metric", ""}, mockloop.TurnProbe},
		{"an answer to a follow-up is not asked for the parts of a whole story", behavioral,
			[]analysis.Report{rep("missing_metric"), rep("missing_context:high", "unbalanced_star", "missing_result", "too_short", "weak_ownership:low")},
			[]string{"missing_metric", "weak_ownership"}, mockloop.TurnProbe},
		{"scope alone does not make an interviewer probe scope", behavioral,
			[]analysis.Report{scoped(rep(), "self"), rep()}, []string{ProbeChallenge, ""}, mockloop.TurnProbe},
		{"a system design requirements phase leaves failures for the deep dive", Config{Kind: mockloop.KindSystemDesign, Seed: 1},
			[]analysis.Report{rep("no_failure_handling:high", "no_observability:high"), rep()}, []string{ProbeChallenge, ""}, mockloop.TurnProbe},
		{"a coding clarify phase asks for clarifying questions", Config{Kind: mockloop.KindCoding, Seed: 1},
			[]analysis.Report{rep("no_complexity:high", "no_clarifying:low")}, []string{"no_clarifying"}, mockloop.TurnProbe},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t, bank, tt.cfg)
			s.Begin()
			var got []string
			var kinds []mockloop.TurnKind
			for _, r := range tt.answers {
				m := s.Answered("my answer", r)
				got = append(got, m.Prompt.ProbeCode)
				kinds = append(kinds, m.Prompt.Kind)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("probe codes = %q, want %q", got, tt.want)
			}
			if kinds[0] != tt.wantKind {
				t.Errorf("first move kind = %s, want %s", kinds[0], tt.wantKind)
			}
		})
	}

	for _, tt := range []struct {
		kind mockloop.RoundKind
		want string
	}{
		{mockloop.KindBehavioral, "what was the result?"},
		{mockloop.KindBarRaiser, "what was the result?"},
		{mockloop.KindCoding, "what is the algorithm?"},
		{mockloop.KindSystemDesign, "the one decision that matters most"},
	} {
		t.Run("a finished "+string(tt.kind)+" answer that rambled is asked for the short version, not stopped", func(t *testing.T) {
			s := newState(t, bank, Config{Kind: tt.kind, Minutes: 45, Seed: 3})
			s.Begin()
			m := s.Answered("my answer", rep("rambling"))
			if m.Prompt.ProbeCode != "rambling" || m.Prompt.Kind != mockloop.TurnProbe {
				t.Fatalf("move = %s %q, want a rambling probe", m.Prompt.Kind, m.Prompt.ProbeCode)
			}
			if strings.Contains(strings.ToLower(m.Prompt.Scripted), "stop you") || strings.Contains(strings.ToLower(m.Prompt.Scripted), "pause you") {
				t.Errorf("a finished answer is cut in on: %q", m.Prompt.Scripted)
			}
			if !strings.Contains(m.Prompt.Scripted, tt.want) {
				t.Errorf("follow-up %q does not ask %q", m.Prompt.Scripted, tt.want)
			}
			if c := s.Current(); c.Timebox != cutInAnswer {
				t.Errorf("timebox %s, want the sentence-or-two %s", c.Timebox, cutInAnswer)
			}
		})
	}

	t.Run("a probe asks with the question's own wording and keeps the question", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindSystemDesign, Seed: 9})
		first := s.Begin()
		for range 4 { // each stage's main answer and its follow-up
			s.Answered("a", rep())
		}
		m := s.Answered("a", rep("no_failure_handling:high"))
		q, _ := bank.Question(first.QuestionID)
		want, _ := q.Probe("no_failure_handling")
		if m.Prompt.ProbeCode != "no_failure_handling" || !strings.HasSuffix(m.Prompt.Scripted, want) {
			t.Errorf("deep dive probe = %s %q, want one ending %q", m.Prompt.ProbeCode, m.Prompt.Scripted, want)
		}
		if m.QuestionID != first.QuestionID || m.Prompt.Question != q.Text || m.Phase != "deep_dive" {
			t.Errorf("probe is about %s/%s, want %s/deep_dive", m.QuestionID, m.Phase, first.QuestionID)
		}
		if len(m.Prompt.Findings) != 1 || m.Prompt.Findings[0].Code != "no_failure_handling" {
			t.Errorf("probe carries findings %+v", m.Prompt.Findings)
		}
	})

	t.Run("a user bank's own finding code is probed after the phase's codes", func(t *testing.T) {
		user := fstest.MapFS{"mine.json": {Data: []byte(`{"kind":"behavioral","questions":[` + userQuestions() + `]}`)}}
		b, err := prompts.Load(user)
		if err != nil {
			t.Fatal(err)
		}
		s := newState(t, b, Config{Kind: mockloop.KindBehavioral, Minutes: 8, Seed: 1})
		if m := s.Begin(); !strings.HasSuffix(m.Prompt.Scripted, "Mine.") {
			t.Fatalf("the user's question did not replace %s: %q", m.QuestionID, m.Prompt.Scripted)
		}
		m1 := s.Answered("a", rep("jargon:high", "missing_metric:low"))
		m2 := s.Answered("a", rep("jargon:high"))
		if m1.Prompt.ProbeCode != "missing_metric" || m2.Prompt.ProbeCode != "jargon" || !strings.Contains(m2.Prompt.Scripted, "in plain words") {
			t.Errorf("probes = %s, %s %q", m1.Prompt.ProbeCode, m2.Prompt.ProbeCode, m2.Prompt.Scripted)
		}
	})
}

// userQuestions replaces every embedded behavioral question with one of
// the user's, each with a probe for a code the engine does not know.
func userQuestions() string {
	var qs []string
	for i, p := range prompts.Principles() {
		for j := range 3 {
			id := []string{"co", "own", "ias", "arl", "lbc", "hdb", "ihs", "tb", "bfa", "fru", "et", "dd", "hb", "dr", "ebe", "ssb"}[i]
			qs = append(qs, `{"id":"`+id+`-`+string(rune('1'+j))+`","principle":"`+p+`","text":"Mine.","probes":{"jargon":"Can you say that in plain words?","missing_metric":"Numbers?"}}`)
		}
	}
	return strings.Join(qs, ",")
}

func TestEveryProbeableCodeHasWording(t *testing.T) {
	bank := loadBank(t)
	kinds := map[mockloop.RoundKind]prompts.Kind{
		mockloop.KindBehavioral: prompts.Behavioral, mockloop.KindSystemDesign: prompts.SystemDesign, mockloop.KindCoding: prompts.Coding,
	}
	for block, kind := range kinds {
		t.Run("every "+string(kind)+" question can word every code its phases probe", func(t *testing.T) {
			for _, q := range bank.Questions(kind) {
				for _, ph := range phasesFor(block) {
					for _, code := range ph.codes {
						if _, ok := q.Probe(code); !ok {
							t.Errorf("%s cannot probe %s", q.ID, code)
						}
					}
				}
			}
		})
	}
}

func TestBarRaiser(t *testing.T) {
	bank := loadBank(t)
	narrow := func(codes ...string) analysis.Report { return scoped(rep(codes...), "team") }
	tests := []struct {
		name    string
		kind    mockloop.RoundKind
		answers []analysis.Report
		want    []string
	}{
		{"the Bar Raiser asks about scope when the impact stayed in the team", mockloop.KindBarRaiser,
			[]analysis.Report{narrow()}, []string{ProbeScope}},
		{"the Bar Raiser asks about scope when the candidate only spoke of themselves", mockloop.KindBarRaiser,
			[]analysis.Report{scoped(rep(), "self")}, []string{ProbeScope}},
		{"the Bar Raiser asks about scope when the analyzer found it narrow", mockloop.KindBarRaiser,
			[]analysis.Report{rep("narrow_scope")}, []string{ProbeScope}},
		{"the Bar Raiser keeps the third follow-up for scope", mockloop.KindBarRaiser,
			[]analysis.Report{narrow("missing_metric", "hedging", "weak_ownership"), narrow("missing_metric", "hedging"), narrow("hedging"), narrow()},
			[]string{"weak_ownership", "missing_metric", ProbeScope, ""}},
		{"the Bar Raiser asks three follow-ups where an interviewer asks two", mockloop.KindBarRaiser,
			[]analysis.Report{scoped(rep("missing_metric", "hedging", "weak_ownership"), "org"), scoped(rep("missing_metric", "hedging"), "org"), scoped(rep("hedging"), "org"), scoped(rep("vague_claims"), "org")},
			[]string{"weak_ownership", "missing_metric", "hedging", ""}},
		{"an interviewer given the same answers stops at two", mockloop.KindBehavioral,
			[]analysis.Report{scoped(rep("missing_metric", "hedging", "weak_ownership"), "org"), scoped(rep("missing_metric", "hedging"), "org"), scoped(rep("hedging"), "org")},
			[]string{"weak_ownership", "missing_metric", ""}},
		{"the Bar Raiser digs twice into an answer that left nothing to probe", mockloop.KindBarRaiser,
			[]analysis.Report{scoped(rep(), "org"), scoped(rep(), "org"), scoped(rep(), "org")}, []string{ProbeChallenge, ProbeChallenge, ""}},
		{"the Bar Raiser does not ask about scope twice", mockloop.KindBarRaiser,
			[]analysis.Report{narrow(), narrow(), narrow()}, []string{ProbeScope, ProbeChallenge, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t, bank, Config{Kind: tt.kind, Minutes: 30, Seed: 8})
			s.Begin()
			var got []string
			for _, r := range tt.answers {
				got = append(got, s.Answered("my answer", r).Prompt.ProbeCode)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("probe codes = %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("the Bar Raiser speaks as the bar raiser persona and is analysed as one", func(t *testing.T) {
		br := newState(t, bank, Config{Kind: mockloop.KindBarRaiser, Seed: 8}).Begin()
		iv := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 8}).Begin()
		if br.Prompt.Persona != PersonaBarRaiser || br.AnalysisRound != analysis.BarRaiser || br.Prompt.RoundKind != mockloop.KindBarRaiser {
			t.Errorf("bar raiser move: %+v", br)
		}
		if iv.Prompt.Persona != PersonaInterviewer || iv.AnalysisRound != analysis.Behavioral {
			t.Errorf("behavioral move: %+v", iv)
		}
		if !strings.Contains(br.Prompt.Scripted, "Bar Raiser") {
			t.Errorf("bar raiser does not introduce themselves: %q", br.Prompt.Scripted)
		}
	})
}

func TestPlan(t *testing.T) {
	bank := loadBank(t)
	tests := []struct {
		name      string
		cfg       Config
		questions int
		slots     int
	}{
		{"a default behavioral round has three questions", Config{Kind: mockloop.KindBehavioral}, 3, 3},
		{"a short behavioral round still has one question", Config{Kind: mockloop.KindBehavioral, Minutes: 3}, 1, 1},
		{"a 60-minute behavioral round has seven questions", Config{Kind: mockloop.KindBehavioral, Minutes: 60}, 7, 7},
		{"a four-hour behavioral round asks each principle at most once", Config{Kind: mockloop.KindBehavioral, Minutes: 240}, 16, 16},
		{"a 45-minute Bar Raiser round has four questions", Config{Kind: mockloop.KindBarRaiser, Minutes: 45}, 4, 4},
		{"a system design round is one prompt in three phases", Config{Kind: mockloop.KindSystemDesign, Minutes: 45}, 1, 3},
		{"a 30-minute coding round is one prompt in four phases", Config{Kind: mockloop.KindCoding, Minutes: 30}, 1, 4},
		{"a 45-minute coding round is two prompts", Config{Kind: mockloop.KindCoding, Minutes: 45}, 2, 8},
		{"a default two-hour loop has every part", Config{Kind: mockloop.KindLoop}, 3 + 1 + 1 + 2, 3 + 3 + 4 + 2},
		{"a four-hour loop has two coding prompts", Config{Kind: mockloop.KindLoop, Minutes: 240}, 7 + 1 + 2 + 4, 7 + 3 + 8 + 4},
		{"a 20-minute loop still has every part", Config{Kind: mockloop.KindLoop, Minutes: 20}, 4, 1 + 3 + 4 + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newState(t, bank, tt.cfg)
			plan := s.st.Plan
			if len(plan) != tt.slots || s.Current().QuestionCount != tt.questions {
				t.Errorf("%d slots and %d questions, want %d and %d", len(plan), s.Current().QuestionCount, tt.slots, tt.questions)
			}
			ids := map[string]int{}
			principles := map[string]bool{}
			for _, it := range plan {
				ids[it.QuestionID]++
				if ids[it.QuestionID] > len(phasesFor(it.Block)) {
					t.Errorf("question %s planned twice", it.QuestionID)
				}
				if it.Timebox < time.Minute {
					t.Errorf("%s phase %d has a %s timebox", it.QuestionID, it.Phase, it.Timebox)
				}
				q, _ := bank.Question(it.QuestionID)
				if q.Kind == prompts.Behavioral && it.Phase == 0 {
					if principles[q.Principle] && tt.questions <= 16 {
						t.Errorf("principle %s asked twice", q.Principle)
					}
					principles[q.Principle] = true
				}
			}
		})
	}

	bad := []struct {
		name string
		cfg  Config
		want string
	}{
		{"an unknown kind is an error", Config{Kind: "trivia"}, `round kind "trivia"`},
		{"a negative length is an error", Config{Kind: mockloop.KindCoding, Minutes: -1}, "round length -1"},
		{"an absurd length is an error", Config{Kind: mockloop.KindCoding, Minutes: 10000}, "round length 10000"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(bank, tt.cfg); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLoop(t *testing.T) {
	bank := loadBank(t)
	s := newState(t, bank, Config{Kind: mockloop.KindLoop, Minutes: 120, Seed: 21})
	moves := []Move{s.Begin()}
	for !moves[len(moves)-1].Done && len(moves) < 100 {
		moves = append(moves, s.Answered("my answer", rep()))
	}

	t.Run("a loop runs behavioral, system design, coding, then the Bar Raiser", func(t *testing.T) {
		var blocks []mockloop.RoundKind
		for _, m := range moves[:len(moves)-1] {
			if len(blocks) == 0 || blocks[len(blocks)-1] != m.Prompt.RoundKind {
				blocks = append(blocks, m.Prompt.RoundKind)
			}
		}
		want := []mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindSystemDesign, mockloop.KindCoding, mockloop.KindBarRaiser}
		if !slices.Equal(blocks, want) {
			t.Errorf("blocks = %v, want %v", blocks, want)
		}
	})

	t.Run("each part is introduced when the loop moves to it", func(t *testing.T) {
		for i := 1; i < len(moves)-1; i++ {
			prev, m := moves[i-1], moves[i]
			changed := prev.Prompt.RoundKind != m.Prompt.RoundKind
			if got := strings.Contains(m.Prompt.Scripted, "That's the end of the"); got != changed {
				t.Errorf("move %d (%s after %s) handover = %v: %q", i, m.Prompt.RoundKind, prev.Prompt.RoundKind, got, m.Prompt.Scripted)
			}
		}
	})

	t.Run("each part is analysed with its own rules and the Bar Raiser speaks last", func(t *testing.T) {
		want := map[mockloop.RoundKind]analysis.Round{
			mockloop.KindBehavioral: analysis.Behavioral, mockloop.KindSystemDesign: analysis.SystemDesign,
			mockloop.KindCoding: analysis.Coding, mockloop.KindBarRaiser: analysis.BarRaiser,
		}
		for _, m := range moves[:len(moves)-1] {
			if m.AnalysisRound != want[m.Prompt.RoundKind] {
				t.Errorf("%s move analysed as %s", m.Prompt.RoundKind, m.AnalysisRound)
			}
			if (m.Prompt.Persona == PersonaBarRaiser) != (m.Prompt.RoundKind == mockloop.KindBarRaiser) {
				t.Errorf("%s move with persona %s", m.Prompt.RoundKind, m.Prompt.Persona)
			}
		}
		if last := moves[len(moves)-1]; !last.Done || last.Prompt.Kind != mockloop.TurnClosing {
			t.Errorf("last move = %+v", last)
		}
	})

	t.Run("question numbers run across the whole loop", func(t *testing.T) {
		idx := -1
		for _, m := range moves[:len(moves)-1] {
			if m.QuestionIdx < idx || m.QuestionIdx > idx+1 {
				t.Errorf("question index jumped from %d to %d", idx, m.QuestionIdx)
			}
			idx = m.QuestionIdx
		}
		if idx+1 != s.Current().QuestionCount {
			t.Errorf("last question index %d of %d", idx, s.Current().QuestionCount)
		}
	})
}

func TestDeterminism(t *testing.T) {
	bank := loadBank(t)
	script := []analysis.Report{rep("missing_metric"), rep("weak_ownership"), rep(), rep("rambling"), rep(), rep(), rep()}
	transcript := func(cfg Config) string {
		s := newState(t, bank, cfg)
		var sb strings.Builder
		sb.WriteString(line(s.Begin()))
		for _, r := range script {
			sb.WriteString(line(s.Answered("a", r)))
		}
		return sb.String()
	}

	t.Run("the same seed gives the same questions and wording", func(t *testing.T) {
		for _, kind := range []mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindBarRaiser, mockloop.KindLoop, mockloop.KindSystemDesign, mockloop.KindCoding} {
			cfg := Config{Kind: kind, Seed: 99}
			if a, b := transcript(cfg), transcript(cfg); a != b {
				t.Errorf("%s: two runs differ:\n%s\n%s", kind, a, b)
			}
		}
	})

	t.Run("different seeds give different rounds", func(t *testing.T) {
		seen := map[string]bool{}
		for seed := range int64(10) {
			seen[transcript(Config{Kind: mockloop.KindBehavioral, Seed: seed})] = true
		}
		if len(seen) < 9 {
			t.Errorf("10 seeds gave only %d distinct rounds", len(seen))
		}
	})

	t.Run("transitions vary with the seed", func(t *testing.T) {
		leads := map[string]bool{}
		for seed := range int64(20) {
			s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: seed})
			s.Begin()
			m := s.Answered("a", rep())
			q, _ := bank.Question(m.QuestionID)
			leads[strings.TrimSuffix(m.Prompt.Scripted, " "+q.Text)] = true
		}
		if len(leads) < 3 {
			t.Errorf("20 seeds gave %d transitions: %v", len(leads), leads)
		}
	})
}

func TestRestore(t *testing.T) {
	bank := loadBank(t)
	script := []analysis.Report{
		rep("rambling"), rep("missing_metric"), rep(), scoped(rep(), "team"), rep("weak_ownership"), rep(), rep(), rep(), rep(), rep(),
	}
	for _, kind := range []mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindBarRaiser, mockloop.KindLoop, mockloop.KindSystemDesign, mockloop.KindCoding} {
		for cut := range 4 {
			t.Run("a restored "+string(kind)+" round continues exactly as the original after step "+string(rune('0'+cut)), func(t *testing.T) {
				cfg := Config{Kind: kind, Minutes: 40, Seed: 1234}
				orig := newState(t, bank, cfg)
				orig.Begin()
				for _, r := range script[:cut] {
					orig.Answered("a", r)
				}
				data, err := orig.Marshal()
				if err != nil {
					t.Fatal(err)
				}
				restored, err := Restore(bank, data)
				if err != nil {
					t.Fatal(err)
				}
				if restored.Current() != orig.Current() {
					t.Errorf("Current after restore = %+v, want %+v", restored.Current(), orig.Current())
				}
				lastO, _ := orig.Last()
				if lastR := restored.Begin(); line(lastR) != line(lastO) {
					t.Errorf("Begin after restore = %s, want the last move %s", line(lastR), line(lastO))
				}
				for i, r := range script[cut:] {
					a, b := orig.Answered("a", r), restored.Answered("a", r)
					if line(a) != line(b) {
						t.Fatalf("step %d differs:\n%s\n%s", cut+i, line(a), line(b))
					}
				}
				if a, b := orig.End(), restored.End(); line(a) != line(b) {
					t.Errorf("End differs:\n%s\n%s", line(a), line(b))
				}
			})
		}
	}

	good, _ := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 1}).Marshal()
	bad := []struct {
		name, data, want string
	}{
		{"a state that is not JSON is an error", "{", "restore round"},
		{"a state from another version is an error", strings.Replace(string(good), `"version":1`, `"version":9`, 1), "state version 9"},
		{"a state naming a question no longer in the bank is an error", strings.Replace(string(good), `"question_id":"`, `"question_id":"gone-`, 1), "no longer in the bank"},
		{"a state past its plan is an error", strings.Replace(string(good), `"pos":0`, `"pos":99`, 1), "position 99"},
		{"a state with an unknown kind is an error", strings.Replace(string(good), `"kind":"behavioral"`, `"kind":"chat"`, 1), `round kind "chat"`},
		{"a started state without its last move is an error", strings.Replace(string(good), `"started":false`, `"started":true`, 1), "no last move"},
		{"a state with an unknown block is an error", strings.Replace(string(good), `"block":"behavioral"`, `"block":"loop"`, 1), `in a "loop" block`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := Restore(bank, []byte(tt.data)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Restore error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestLifecycle(t *testing.T) {
	bank := loadBank(t)
	cfg := Config{Kind: mockloop.KindBehavioral, Minutes: 16, Seed: 5}

	t.Run("Begin twice repeats the first question", func(t *testing.T) {
		s := newState(t, bank, cfg)
		if a, b := s.Begin(), s.Begin(); line(a) != line(b) || a.Prompt.Kind != mockloop.TurnQuestion || a.Timebox != starAnswer {
			t.Errorf("Begin twice: %s / %s", line(a), line(b))
		}
	})

	t.Run("an answer before Begin begins the round", func(t *testing.T) {
		s := newState(t, bank, cfg)
		if m := s.Answered("a", rep("missing_metric")); m.Prompt.Kind != mockloop.TurnQuestion || m.QuestionIdx != 0 {
			t.Errorf("got %s", line(m))
		}
	})

	t.Run("an empty answer is treated as a skip", func(t *testing.T) {
		s := newState(t, bank, cfg)
		s.Begin()
		if m := s.Answered("  ", analysis.Report{Findings: []analysis.Finding{{Code: "too_short"}}}); m.Prompt.Kind != mockloop.TurnQuestion || m.QuestionIdx != 1 {
			t.Errorf("got %s", line(m))
		}
	})

	t.Run("End closes at once and further calls repeat the closing", func(t *testing.T) {
		s := newState(t, bank, cfg)
		s.Begin()
		end := s.End()
		if !end.Done || end.Prompt.Kind != mockloop.TurnClosing || end.Timebox != 0 {
			t.Fatalf("End = %s", line(end))
		}
		for name, m := range map[string]Move{"Answered": s.Answered("a", rep("missing_metric")), "Skip": s.Skip(), "End": s.End(), "Begin": s.Begin()} {
			if line(m) != line(end) {
				t.Errorf("%s after End = %s", name, line(m))
			}
		}
		if c := s.Current(); !c.Done || c.Timebox != 0 {
			t.Errorf("Current after End = %+v", c)
		}
	})

	t.Run("Current follows the round for the UI", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindSystemDesign, Minutes: 45, Seed: 2})
		if c := s.Current(); c.Started || c.Phase != "requirements" || c.PhaseNum != 1 || c.PhaseCount != 3 {
			t.Errorf("before Begin: %+v", c)
		}
		first := s.Begin()
		s.Answered("a", rep("no_scale_estimates"))
		c := s.Current()
		if !c.Started || c.Probes != 1 || c.Timebox != designProbe || c.QuestionID != first.QuestionID || c.AnalysisRound != analysis.SystemDesign || c.QuestionNum != 1 || c.QuestionCount != 1 {
			t.Errorf("after a probe: %+v", c)
		}
		s.Answered("a", rep())
		if c := s.Current(); c.Phase != "high_level" || c.PhaseNum != 2 || c.Probes != 0 || c.Timebox <= first.Timebox {
			t.Errorf("in the second phase: %+v (first timebox %s)", c, first.Timebox)
		}
	})
}

func TestPlannerRunsOutOfQuestions(t *testing.T) {
	p := &planner{used: map[string]bool{"a": true}}
	if _, err := p.draw([]prompts.Question{{ID: "a"}}); err != ErrEmptyBank {
		t.Errorf("draw from a used-up pool = %v, want ErrEmptyBank", err)
	}
}

// FuzzRestore checks that no saved state, however damaged, makes Restore
// or the moves after it panic, and that a restored round still ends.
func FuzzRestore(f *testing.F) {
	bank, err := prompts.Load(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, kind := range []mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindLoop, mockloop.KindSystemDesign} {
		s, _ := New(bank, Config{Kind: kind, Seed: 1})
		s.Begin()
		s.Answered("a", rep("missing_metric"))
		data, _ := s.Marshal()
		f.Add(data)
	}
	f.Add([]byte(`{"version":1,"config":{"kind":"behavioral"},"plan":[{"block":"behavioral","question_id":"co-1"}],"pos":1}`))
	f.Add([]byte(`{"version":1,"config":{"kind":"behavioral"},"plan":[{"block":"behavioral","question_id":"co-1"}],"started":true,"done":true}`))
	f.Add([]byte(`{"version":1,"config":{"kind":"coding"},"plan":[{"block":"coding","question_id":"code-lru-cache","phase":4}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Restore(bank, data)
		if err != nil {
			return
		}
		s.Current()
		s.Begin()
		s.Answered("a", rep("rambling", "weak_ownership"))
		s.Skip()
		if m := s.End(); !m.Done {
			t.Errorf("End did not finish a restored round: %+v", m)
		}
	})
}
