package openaicompat

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestSpeechCleaner(t *testing.T) {
	tests := []struct {
		name   string
		chunks []string
		want   string
	}{
		{"plain text passes through", []string{"Tell me ", "more about ", "that."}, "Tell me more about that."},
		{"bold and italics keep their words", []string{"That is **really** ", "*interesting*."}, "That is really interesting."},
		{"a starred stage direction is dropped even when split", []string{"*sm", "iles* Okay."}, "Okay."},
		{"a bracketed direction is dropped", []string{"[Pause] ", "Go on."}, "Go on."},
		{"a parenthesised stage direction is dropped", []string{"Hmm (nods slowly) ", "go on."}, "Hmm go on."},
		{"ordinary parentheses keep their words", []string{"Which metric (p99 ", "or mean) did you use?"}, "Which metric p99 or mean did you use?"},
		{"a speaker prefix is dropped", []string{"Interviewer: ", "Thanks."}, "Thanks."},
		{"a bold speaker prefix is dropped", []string{"**Interviewer:** Thanks."}, "Thanks."},
		{"bullets and headings are dropped", []string{"# Next\n- First, ", "who?\n* Second, why?"}, "Next First, who? Second, why?"},
		{"a minus sign inside a sentence stays", []string{"It went from 5 - 3 ", "to zero."}, "It went from 5 - 3 to zero."},
		{"backticks are dropped", []string{"Use `Redis` ", "here?"}, "Use Redis here?"},
		{"an unclosed bracket at the end is dropped", []string{"Right. [thinks"}, "Right."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newSpeechCleaner()
			var got strings.Builder
			for _, ch := range tt.chunks {
				out := c.Push(ch)
				if strings.ContainsAny(out, "*#`[]") {
					t.Errorf("Push(%q) emitted markup %q", ch, out)
				}
				got.WriteString(out)
			}
			got.WriteString(c.Flush())
			if got.String() != tt.want {
				t.Errorf("cleaned %q, want %q", got.String(), tt.want)
			}
		})
	}
}

func TestSpeechCleanerStreamsBeforeTheEnd(t *testing.T) {
	c := newSpeechCleaner()
	if out := c.Push("Tell me about "); out != "Tell me about" {
		t.Errorf("first Push = %q, want the finished words", out)
	}
	if out := c.Push("the *sm"); out != " the" {
		t.Errorf("Push with an open span = %q, want only the words before it", out)
	}
}

func FuzzSpeechCleaner(f *testing.F) {
	f.Add("**Interviewer:** *smiles* Great. (pauses)\n- What [x] `y`?", 5)
	f.Fuzz(func(t *testing.T, s string, split int) {
		if !utf8.ValidString(s) {
			return
		}
		c := newSpeechCleaner()
		var out strings.Builder
		for _, part := range splitEvery(s, max(split%16, 1)) {
			out.WriteString(c.Push(part))
		}
		out.WriteString(c.Flush())
		// Cleaning never adds markup and never grows the text by more
		// than the separating spaces.
		if strings.ContainsAny(out.String(), "*#`[]") {
			t.Errorf("output %q has markup", out.String())
		}
		if len(out.String()) > len(s)+strings.Count(s, "\n")+1 {
			t.Errorf("output %q longer than input %q", out.String(), s)
		}
	})
}

func splitEvery(s string, n int) []string {
	var parts []string
	r := []rune(s)
	for i := 0; i < len(r); i += n {
		parts = append(parts, string(r[i:min(i+n, len(r))]))
	}
	return parts
}
