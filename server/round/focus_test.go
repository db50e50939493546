package round

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
)

// planPrinciples lists the principle of each planned question.
func planPrinciples(t *testing.T, bank *prompts.Bank, s *State) []string {
	t.Helper()
	var out []string
	for _, it := range s.st.Plan {
		q, ok := bank.Question(it.QuestionID)
		if !ok {
			t.Fatalf("planned question %q not in the bank", it.QuestionID)
		}
		out = append(out, q.Principle)
	}
	return out
}

func planIDs(s *State) []string {
	var out []string
	for _, it := range s.st.Plan {
		out = append(out, it.QuestionID)
	}
	return out
}

func TestFocusPlan(t *testing.T) {
	bank := loadBank(t)
	perPrinciple := map[string]int{}
	for _, q := range bank.Questions(prompts.Behavioral) {
		perPrinciple[q.Principle]++
	}
	tests := []struct {
		name  string
		cfg   Config
		check func(t *testing.T, got []string)
	}{
		{"every question comes from a focus principle, one each, when there are enough",
			Config{Kind: mockloop.KindBehavioral, Minutes: 30, Seed: 3, Focus: []string{"Frugality", "Think Big", "Earn Trust", "Dive Deep"}},
			func(t *testing.T, got []string) {
				if len(got) != 3 {
					t.Fatalf("plan has %d questions, want 3", len(got))
				}
				for _, p := range got {
					if !slices.Contains([]string{"Frugality", "Think Big", "Earn Trust", "Dive Deep"}, p) {
						t.Errorf("question for %q outside the focus %v", p, got)
					}
				}
				if c := slices.Compact(slices.Sorted(slices.Values(got))); len(c) != 3 {
					t.Errorf("a principle was repeated while other focus principles were left: %v", got)
				}
			}},
		{"a single gap is asked again rather than leaving it for another principle",
			Config{Kind: mockloop.KindBehavioral, Minutes: 16, Seed: 5, Focus: []string{"Frugality"}},
			func(t *testing.T, got []string) {
				if !slices.Equal(got, []string{"Frugality", "Frugality"}) {
					t.Errorf("plan = %v, want two Frugality questions", got)
				}
			}},
		{"a focus the bank runs short on falls back to other principles",
			Config{Kind: mockloop.KindBehavioral, Minutes: 60, Seed: 7, Focus: []string{"Frugality"}},
			func(t *testing.T, got []string) {
				n := perPrinciple["Frugality"]
				if len(got) != 7 {
					t.Fatalf("plan has %d questions, want 7", len(got))
				}
				for i, p := range got {
					if (i < n) != (p == "Frugality") {
						t.Errorf("question %d is for %q; want the %d Frugality questions first, then others: %v", i, p, n, got)
					}
				}
			}},
		{"a Bar Raiser round takes a focus too",
			Config{Kind: mockloop.KindBarRaiser, Minutes: 20, Seed: 2, Focus: []string{"Ownership", "Deliver Results"}},
			func(t *testing.T, got []string) {
				if !slices.Equal(slices.Sorted(slices.Values(got)), []string{"Deliver Results", "Ownership"}) {
					t.Errorf("plan = %v", got)
				}
			}},
		{"focus names are matched whatever their case and spacing",
			Config{Kind: mockloop.KindBehavioral, Minutes: 8, Seed: 1, Focus: []string{"  bias FOR   action "}},
			func(t *testing.T, got []string) {
				if !slices.Equal(got, []string{"Bias for Action"}) {
					t.Errorf("plan = %v", got)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.check(t, planPrinciples(t, bank, newState(t, bank, tt.cfg)))
		})
	}
}

func TestFocusDeterminism(t *testing.T) {
	bank := loadBank(t)
	focus := []string{"Frugality", "Think Big", "Earn Trust", "Dive Deep", "Ownership"}
	t.Run("the same seed and focus give the same plan", func(t *testing.T) {
		a := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 11, Focus: focus})
		b := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 11, Focus: slices.Clone(focus)})
		if !slices.Equal(planIDs(a), planIDs(b)) {
			t.Errorf("plans differ: %v and %v", planIDs(a), planIDs(b))
		}
	})
	t.Run("different seeds draw different focus questions", func(t *testing.T) {
		seen := map[string]bool{}
		for seed := range int64(8) {
			seen[strings.Join(planIDs(newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: seed, Focus: focus})), ",")] = true
		}
		if len(seen) < 2 {
			t.Errorf("eight seeds gave %d plan(s)", len(seen))
		}
	})
	t.Run("an empty focus plans exactly as no focus", func(t *testing.T) {
		for seed := range int64(5) {
			a := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Minutes: 60, Seed: seed})
			b := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Minutes: 60, Seed: seed, Focus: []string{}})
			if !slices.Equal(planIDs(a), planIDs(b)) {
				t.Errorf("seed %d: %v and %v", seed, planIDs(a), planIDs(b))
			}
		}
	})
}

func TestFocusConfig(t *testing.T) {
	bank := loadBank(t)
	t.Run("focus is made canonical and deduplicated", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 1, Focus: []string{"earn trust", "Earn  Trust", "Frugality"}})
		if got := s.Config().Focus; !slices.Equal(got, []string{"Earn Trust", "Frugality"}) {
			t.Errorf("focus = %v", got)
		}
	})
	errs := []struct {
		name string
		cfg  Config
		want string
	}{
		{"an unknown principle is an error", Config{Kind: mockloop.KindBehavioral, Focus: []string{"Synergy"}}, `"Synergy" is not a Leadership Principle`},
		{"a focus on a system design round is an error", Config{Kind: mockloop.KindSystemDesign, Focus: []string{"Ownership"}}, "only for behavioral and bar_raiser"},
		{"a focus on a loop is an error", Config{Kind: mockloop.KindLoop, Focus: []string{"Ownership"}}, "only for behavioral and bar_raiser"},
	}
	for _, tt := range errs {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(bank, tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%+v) error = %v, want it to mention %q", tt.cfg, err, tt.want)
			}
		})
	}
}

func TestFocusRestore(t *testing.T) {
	bank := loadBank(t)
	t.Run("a focused round restores with its focus and plan", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 4, Focus: []string{"Think Big"}})
		s.Begin()
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		r, err := Restore(bank, data)
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if !slices.Equal(r.Config().Focus, []string{"Think Big"}) || !slices.Equal(planIDs(r), planIDs(s)) {
			t.Errorf("restored focus %v plan %v, want [Think Big] %v", r.Config().Focus, planIDs(r), planIDs(s))
		}
	})
	t.Run("a round saved before focus existed restores unchanged", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 4})
		s.Begin()
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(data, []byte(`"focus"`)) {
			t.Fatalf("a round without focus saves a focus key, so old and new states differ: %s", data)
		}
		r, err := Restore(bank, data)
		if err != nil {
			t.Fatalf("Restore: %v", err)
		}
		if r.Config().Focus != nil || !slices.Equal(planIDs(r), planIDs(s)) {
			t.Errorf("restored focus %v plan %v", r.Config().Focus, planIDs(r))
		}
	})
	t.Run("a saved focus that is not a principle is refused", func(t *testing.T) {
		s := newState(t, bank, Config{Kind: mockloop.KindBehavioral, Seed: 4, Focus: []string{"Frugality"}})
		data, err := s.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		if err := json.Unmarshal(data, &raw); err != nil {
			t.Fatal(err)
		}
		raw["config"] = json.RawMessage(`{"kind":"behavioral","minutes":30,"seed":4,"focus":["Synergy"]}`)
		bad, _ := json.Marshal(raw)
		if _, err := Restore(bank, bad); err == nil || !strings.Contains(err.Error(), "Synergy") {
			t.Errorf("Restore error = %v, want a refusal naming Synergy", err)
		}
	})
}
