package round

import (
	"testing"

	"github.com/mockloop/mockloop"
)

func TestPreview(t *testing.T) {
	bank := loadBank(t)
	tests := []struct {
		name          string
		cfg           Config
		wantQuestions int
		wantBlocks    []mockloop.RoundKind
		wantMin       int // follow-ups per main answer in the first block
	}{
		{"a 30-minute behavioral round holds three questions with a follow-up each", Config{Kind: mockloop.KindBehavioral, Minutes: 30}, 3,
			[]mockloop.RoundKind{mockloop.KindBehavioral}, 1},
		{"a 20-minute Bar Raiser round holds two questions with two follow-ups each", Config{Kind: mockloop.KindBarRaiser, Minutes: 20}, 2,
			[]mockloop.RoundKind{mockloop.KindBarRaiser}, 2},
		{"a system design round is one prompt in three stages", Config{Kind: mockloop.KindSystemDesign, Minutes: 45}, 1,
			[]mockloop.RoundKind{mockloop.KindSystemDesign}, 1},
		{"a long coding round holds two prompts", Config{Kind: mockloop.KindCoding, Minutes: 45}, 2,
			[]mockloop.RoundKind{mockloop.KindCoding}, 1},
		{"a loop lists its four parts in order", Config{Kind: mockloop.KindLoop, Minutes: 120}, 0,
			[]mockloop.RoundKind{mockloop.KindBehavioral, mockloop.KindSystemDesign, mockloop.KindCoding, mockloop.KindBarRaiser}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Preview(bank, tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			// The preview must say what the round will really hold.
			for _, seed := range []int64{1, 2, 99} {
				cfg := tt.cfg
				cfg.Seed = seed
				if got := newState(t, bank, cfg).Current().QuestionCount; got != p.Questions {
					t.Errorf("seed %d: the round holds %d questions, the preview says %d", seed, got, p.Questions)
				}
			}
			if tt.wantQuestions > 0 && p.Questions != tt.wantQuestions {
				t.Errorf("questions = %d, want %d", p.Questions, tt.wantQuestions)
			}
			var kinds []mockloop.RoundKind
			sum := 0
			for _, b := range p.Blocks {
				kinds = append(kinds, b.Kind)
				sum += b.Questions
				if b.MinFollowUps > b.MaxFollowUps || b.Stages < 1 {
					t.Errorf("block %+v", b)
				}
			}
			if len(kinds) != len(tt.wantBlocks) || sum != p.Questions {
				t.Fatalf("blocks %+v, want kinds %v summing to %d", p.Blocks, tt.wantBlocks, p.Questions)
			}
			for i := range kinds {
				if kinds[i] != tt.wantBlocks[i] {
					t.Errorf("block %d is %s, want %s", i, kinds[i], tt.wantBlocks[i])
				}
			}
			if p.Blocks[0].MinFollowUps != tt.wantMin {
				t.Errorf("min follow-ups = %d, want %d", p.Blocks[0].MinFollowUps, tt.wantMin)
			}
		})
	}
	t.Run("a length the engine cannot plan is an error", func(t *testing.T) {
		if _, err := Preview(bank, Config{Kind: mockloop.KindBehavioral, Minutes: maxMinutes + 1}); err == nil {
			t.Error("no error")
		}
	})
}
