package voice

import (
	"strings"
	"unicode"
)

// SentenceSplitter cuts streamed text into whole sentences so speech can
// start on the first one while the rest is still being written.
type SentenceSplitter struct {
	buf strings.Builder
}

// abbreviations end in a full stop without ending the sentence.
var abbreviations = []string{"e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "vs.", "etc.", "approx.", "st."}

// Push adds a chunk and returns the sentences it completed, trimmed.
func (s *SentenceSplitter) Push(chunk string) []string {
	s.buf.WriteString(chunk)
	text := s.buf.String()
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		ch := text[i]
		if ch != '.' && ch != '!' && ch != '?' {
			continue
		}
		// A sentence ends at the punctuation (and closing quotes) only
		// when whitespace follows, so "3.5" and "U.S." in mid-stream wait.
		j := i + 1
		for j < len(text) && strings.ContainsRune("\"')»”’", rune(text[j])) {
			j++
		}
		if j >= len(text) || !unicode.IsSpace(rune(text[j])) {
			continue
		}
		if ch == '.' && endsWithAbbreviation(text[start:i+1]) {
			continue
		}
		if sent := strings.TrimSpace(text[start:j]); sent != "" {
			out = append(out, sent)
		}
		start = j
		i = j - 1
	}
	rest := text[start:]
	s.buf.Reset()
	s.buf.WriteString(rest)
	return out
}

// Flush returns the unfinished last sentence, if any, and resets.
func (s *SentenceSplitter) Flush() string {
	rest := strings.TrimSpace(s.buf.String())
	s.buf.Reset()
	return rest
}

func endsWithAbbreviation(s string) bool {
	f := strings.Fields(strings.ToLower(s))
	if len(f) == 0 {
		return false
	}
	last := f[len(f)-1]
	for _, a := range abbreviations {
		if last == a {
			return true
		}
	}
	return false
}
