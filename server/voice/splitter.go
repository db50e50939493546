package voice

import (
	"strings"
	"time"
	"unicode"
)

// Defaults for a SentenceSplitter's clause cuts.
const (
	// DefaultClauseChars: a clause of about 8 words (45 characters) is
	// worth speaking on its own when the sentence has not ended yet;
	// shorter pieces make the synthesised voice choppy.
	DefaultClauseChars = 45
	// DefaultRunChars: text with no punctuation at all (an unpunctuated
	// stream) is cut at a word boundary after about 16 words, so speech
	// starts within a couple of seconds of tokens at 5-10 tokens/s.
	DefaultRunChars = 90
	// DefaultIdleGap: a stream that stops for this long has likely ended
	// its thought (or is stalling); speak what has come so far.
	DefaultIdleGap = 400 * time.Millisecond
)

// SentenceSplitter cuts streamed text into speakable pieces so speech can
// start on the first one while the rest is still being written: whole
// sentences first; in a long sentence, a clause at a comma, semicolon,
// colon or dash; in text with no punctuation, a run of words; and, through
// Idle, whatever whole words arrived before the stream went quiet. The
// zero value uses the defaults.
type SentenceSplitter struct {
	ClauseChars int           // 0: DefaultClauseChars; <0: no clause cuts
	RunChars    int           // 0: DefaultRunChars; <0: no run cuts
	IdleGap     time.Duration // 0: DefaultIdleGap

	buf  strings.Builder
	last time.Time // when the last chunk arrived
}

// abbreviations end in a full stop without ending the sentence.
var abbreviations = []string{"e.g.", "i.e.", "mr.", "mrs.", "ms.", "dr.", "vs.", "etc.", "approx.", "st."}

// Push adds a chunk and returns the pieces it completed, trimmed.
func (s *SentenceSplitter) Push(chunk string) []string { return s.PushAt(chunk, time.Time{}) }

// PushAt is Push, noting when the chunk arrived for Idle.
func (s *SentenceSplitter) PushAt(chunk string, at time.Time) []string {
	s.buf.WriteString(chunk)
	if chunk != "" {
		s.last = at
	}
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
	// What is left has no sentence end: cut a clause or a run of words
	// out of it while it is long enough.
	for {
		cut := s.clauseCut(text[start:])
		if cut <= 0 {
			break
		}
		if piece := strings.TrimSpace(text[start : start+cut]); piece != "" {
			out = append(out, piece)
		}
		start += cut
	}
	rest := text[start:]
	s.buf.Reset()
	s.buf.WriteString(rest)
	return out
}

// clauseCut returns where to cut text that has no sentence end (just after
// the whitespace following a clause mark or a word), or 0 to wait.
func (s *SentenceSplitter) clauseCut(text string) int {
	clause, run := s.ClauseChars, s.RunChars
	if clause == 0 {
		clause = DefaultClauseChars
	}
	if run == 0 {
		run = DefaultRunChars
	}
	if clause > 0 && len(text) >= clause {
		// The last clause mark followed by whitespace, at or after the
		// minimum clause length... but before the text ends, so the
		// next word has begun.
		best := 0
		for i := 0; i+1 < len(text); i++ {
			if strings.ContainsRune(",;:—–", rune(text[i])) || (text[i] == '-' && i > 0 && text[i-1] == ' ') {
				if unicode.IsSpace(rune(text[i+1])) && i+1 >= clause/2 {
					best = i + 2
				}
			}
		}
		if best > 0 && best <= len(text) {
			return best
		}
	}
	if run > 0 && len(text) >= run {
		// A run of words: cut at the last whitespace before the end, so
		// a word still being streamed stays.
		if i := strings.LastIndexFunc(text[:len(text)-1], unicode.IsSpace); i > 0 {
			return i + 1
		}
	}
	return 0
}

// Idle returns the whole words held back when no chunk has arrived for the
// idle gap by now, so a stream that pauses is not left unspoken; "" when
// nothing is due. The last word stays held when the text does not end in
// whitespace (it may still be growing), unless it is the only text.
func (s *SentenceSplitter) Idle(now time.Time) string {
	gap := s.IdleGap
	if gap <= 0 {
		gap = DefaultIdleGap
	}
	text := s.buf.String()
	if strings.TrimSpace(text) == "" || now.Sub(s.last) < gap {
		return ""
	}
	cut := len(text)
	if last := text[len(text)-1]; !unicode.IsSpace(rune(last)) {
		if i := strings.LastIndexFunc(text, unicode.IsSpace); i > 0 {
			cut = i + 1
		}
	}
	piece := strings.TrimSpace(text[:cut])
	rest := text[cut:]
	s.buf.Reset()
	s.buf.WriteString(rest)
	return piece
}

// Due is when Idle will next return text, or the zero time when nothing
// is held.
func (s *SentenceSplitter) Due() time.Time {
	if strings.TrimSpace(s.buf.String()) == "" {
		return time.Time{}
	}
	gap := s.IdleGap
	if gap <= 0 {
		gap = DefaultIdleGap
	}
	return s.last.Add(gap)
}

// Flush returns the unfinished last piece, if any, and resets.
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
