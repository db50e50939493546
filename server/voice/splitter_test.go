package voice

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSentenceSplitter(t *testing.T) {
	tests := []struct {
		name     string
		chunks   []string
		want     []string
		wantRest string
	}{
		{"sentences come out as soon as they end", []string{"Thanks. Now", ", tell me why! And", " how?"}, []string{"Thanks.", "Now, tell me why!"}, "And how?"},
		{"a decimal point does not end a sentence", []string{"It took 3.", "5 seconds. Then"}, []string{"It took 3.5 seconds."}, "Then"},
		{"an abbreviation does not end a sentence", []string{"Say, e.g. a cache. Fine"}, []string{"Say, e.g. a cache."}, "Fine"},
		{"a closing quote stays with its sentence", []string{`He said "no." Then `}, []string{`He said "no."`}, "Then"},
		{
			"a long sentence is cut at its last clause mark once it is long enough",
			[]string{"Thinking about the migration you described, ", "what did you measure"},
			[]string{"Thinking about the migration you described,"}, "what did you measure",
		},
		{
			"a short clause waits for more",
			[]string{"Well, so"},
			nil, "Well, so",
		},
		{
			"an unpunctuated stream is cut at a word boundary after a run of words",
			[]string{"balan availa availabilde goodee wha earn balan availa availabilde goodee wha earn balan availa availabilde goo"},
			[]string{"balan availa availabilde goodee wha earn balan availa availabilde goodee wha earn balan availa availabilde"}, "goo",
		},
		{
			"the word being streamed is never cut in two",
			[]string{strings.Repeat("word ", 18) + "incomple"},
			[]string{strings.TrimSpace(strings.Repeat("word ", 18))}, "incomple",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s SentenceSplitter
			var got []string
			for _, c := range tt.chunks {
				got = append(got, s.Push(c)...)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("pieces %q, want %q", got, tt.want)
			}
			if rest := s.Flush(); rest != tt.wantRest {
				t.Errorf("Flush = %q, want %q", rest, tt.wantRest)
			}
		})
	}
}

func TestSentenceSplitterIdle(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		chunks   []string
		idle     time.Duration // after the last chunk
		want     string
		wantRest string
	}{
		{"before the gap nothing is due", []string{"tell me about "}, DefaultIdleGap - time.Millisecond, "", "tell me about"},
		{"after the gap the whole words come out", []string{"tell me about "}, DefaultIdleGap, "tell me about", ""},
		{"after the gap a half-streamed last word stays", []string{"tell me abo"}, time.Second, "tell me", "abo"},
		{"a single word is spoken after the gap", []string{"Hello"}, time.Second, "Hello", ""},
		{"an empty buffer has nothing due", []string{""}, time.Hour, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s SentenceSplitter
			at := t0
			for _, c := range tt.chunks {
				if got := s.PushAt(c, at); len(got) != 0 {
					t.Fatalf("Push returned %q", got)
				}
				at = at.Add(10 * time.Millisecond)
			}
			last := at.Add(-10 * time.Millisecond)
			if due := s.Due(); tt.wantRest != "" || tt.want != "" {
				if !due.Equal(last.Add(DefaultIdleGap)) {
					t.Errorf("Due = %v, want %v", due, last.Add(DefaultIdleGap))
				}
			}
			if got := s.Idle(last.Add(tt.idle)); got != tt.want {
				t.Errorf("Idle = %q, want %q", got, tt.want)
			}
			if rest := s.Flush(); rest != tt.wantRest {
				t.Errorf("Flush = %q, want %q", rest, tt.wantRest)
			}
		})
	}
}
