package voice

import (
	"testing"
	"time"
)

func TestEndsThinking(t *testing.T) {
	tests := []struct {
		name string
		text string
		want bool
	}{
		{"a trailing um is thinking", "the first thing I did was um", true},
		{"a filler with punctuation and capitals is thinking", "So... Hmm.", true},
		{"let me think is thinking", "that's a good question, let me think", true},
		{"give me a second is thinking", "Give me a second", true},
		{"a dangling and is thinking", "we cut latency by forty percent and", true},
		{"a finished sentence is not thinking", "and that's how we shipped it on time.", false},
		{"a filler in the middle does not count", "um so we shipped it", false},
		{"a word that merely ends in a filler's letters does not count", "the album", false},
		{"empty text is not thinking", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := EndsThinking(tt.text); got != tt.want {
				t.Fatalf("EndsThinking(%q) = %v, want %v", tt.text, got, tt.want)
			}
		})
	}
}

func TestDefaultTurnConfig(t *testing.T) {
	c := DefaultTurnConfig()
	t.Run("defaults answer a finished answer in about a second and wait out thinking pauses", func(t *testing.T) {
		if c.UtteranceEnd >= c.FinishedWait || c.FinishedWait > time.Second {
			t.Fatalf("utterance end %v, finished wait %v: the words must be final before the commit", c.UtteranceEnd, c.FinishedWait)
		}
		if c.StoryWait <= 5*time.Second || c.NudgeAfter <= c.StoryWait || c.HoldMax <= c.NudgeAfter {
			t.Fatalf("story wait %v, nudge %v, hold %v: a 5 s thinking pause must not be cut", c.StoryWait, c.NudgeAfter, c.HoldMax)
		}
		if c.LeadIn < 300*time.Millisecond || c.LeadIn > 500*time.Millisecond {
			t.Fatalf("lead-in %v outside 300-500 ms", c.LeadIn)
		}
		if c.MaxAnswer != 0 || c.ThinkingExtra <= 0 {
			t.Fatalf("max answer %v, thinking extra %v", c.MaxAnswer, c.ThinkingExtra)
		}
	})
	t.Run("a zero config takes the defaults and set fields are kept", func(t *testing.T) {
		got := TurnConfig{TurnCommit: 4 * time.Second}.withDefaults()
		want := c
		want.TurnCommit = 4 * time.Second
		if got != want {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	})
}

func TestIsGarbage(t *testing.T) {
	tests := []struct {
		name string
		text string
		dur  time.Duration
		want bool
	}{
		{"ordinary speech is fine", "I owned the rollout and measured the error rate", 3 * time.Second, false},
		{"the mfa speaker's four repeated words are fine", "here's some more words words words words", 3 * time.Second, false},
		{"a word looped eight times is garbage", "thank you you you you you you you you", 10 * time.Second, true},
		{"sixty words in two seconds is garbage", stringsRepeatWords(60), 2 * time.Second, true},
		{"a replacement character is garbage", "hello \uFFFD world", 2 * time.Second, true},
		{"control characters are garbage", "hello\x00world", 2 * time.Second, true},
		{"empty text is not garbage, just nothing", "", time.Second, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isGarbage(tt.text, tt.dur); got != tt.want {
				t.Fatalf("isGarbage(%q, %v) = %v, want %v", tt.text, tt.dur, got, tt.want)
			}
		})
	}
}

func stringsRepeatWords(n int) string {
	words := []string{"alpha", "beta", "gamma", "delta"}
	out := ""
	for i := range n {
		out += words[i%len(words)] + " "
	}
	return out
}
