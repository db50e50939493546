package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one token of Report.Text as the rules see it. An answer makes one
// per word on every partial transcript, so it is kept to 40 bytes: the raw
// token is Report.Text[b0:b1] and its timing is in Report.Words.
type tok struct {
	// norm is the token lower-cased, curly apostrophes made straight,
	// with leading and trailing punctuation removed. It is empty for a
	// token made only of punctuation.
	norm string
	// c0 and c1 are code-point offsets of the raw token in Report.Text,
	// b0 and b1 byte offsets. int32 is enough: Analyze cuts its input at
	// maxTextBytes.
	c0, c1 int32
	b0, b1 int32
	// vid is norm's id in the vocabulary (lexicon.go), 0 for a word no
	// rule knows, and class its word classes, so that rules match phrases
	// and test word lists without hashing strings again.
	vid   uint16
	class wordClass
	// end is set when the raw token ends a sentence (".", "?", "!", ";").
	end bool
	// comma is set when the raw token ends with a comma or colon; a spoken
	// transcript has none, a typed one uses them to mark filler "like".
	comma bool
	// percent is set when the raw token is a lone "%" ("40 %").
	percent bool
}

// has reports whether the token's word belongs to any of the classes.
func (t *tok) has(c wordClass) bool { return t.class&c != 0 }

// maxTextBytes bounds an answer so that token offsets fit in an int32. A
// spoken answer is a few kilobytes; nothing near this is an answer.
const maxTextBytes = 1 << 30

// asciiSpace marks the ASCII bytes unicode.IsSpace accepts.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// tokenizeText splits text on white space. It returns the tokens and the
// Words for the report. Offsets are code points so that a browser can
// slice Array.from(text).
func tokenizeText(text string, toks []tok, words []Word) ([]tok, []Word) {
	base := len(toks)
	toks = tokenize(text, toks)
	for i := base; i < len(toks); i++ {
		words = append(words, Word{W: text[toks[i].b0:toks[i].b1]})
	}
	return toks, words
}

// joinWords builds Report.Text from timed words: the words joined by single
// spaces. A word that itself contains white space is split, and its pieces
// share its time span evenly, so that Report.Words stays exactly the
// tokens of Report.Text.
//
// Each piece becomes a token as it is written; Report.Words take their
// text from Report.Text once it is complete.
func joinWords(in []Word, toks []tok, words []Word) (string, []tok, []Word) {
	n := 0
	for _, w := range in {
		n += len(w.W) + 1
	}
	var sb strings.Builder
	sb.Grow(n)
	var nb normBuilder
	base, tbase := len(words), len(toks)
	cp := 0 // code points written
	piece := func(f string, ascii bool) {
		if sb.Len() > 0 {
			sb.WriteByte(' ')
			cp++
		}
		b0, c0 := sb.Len(), cp
		sb.WriteString(f)
		if ascii {
			cp += len(f)
		} else {
			cp += utf8.RuneCountInString(f)
		}
		toks = append(toks, nb.add(f, len(toks), b0, sb.Len(), c0, cp))
	}
	for _, w := range in {
		if !hasSpaceOrNonASCII(w.W) {
			// The common case: one ASCII word, one token.
			if w.W == "" {
				continue
			}
			piece(w.W, true)
			words = append(words, Word{Start: w.Start, End: w.End, Conf: clampConf(w.Conf)})
			continue
		}
		fields := 0
		for range strings.FieldsSeq(w.W) {
			fields++
		}
		if fields == 0 {
			continue
		}
		k := 0
		dur := (w.End - w.Start) / float64(fields)
		for f := range strings.FieldsSeq(w.W) {
			piece(f, false)
			t0 := w.Start + dur*float64(k)
			t1 := t0 + dur
			if fields == 1 {
				t0, t1 = w.Start, w.End
			}
			words = append(words, Word{Start: t0, End: t1, Conf: clampConf(w.Conf)})
			k++
		}
	}
	text := sb.String()
	nb.finish(toks[tbase:], tbase)
	for i := range words[base:] {
		t := &toks[tbase+i]
		words[base+i].W = text[t.b0:t.b1]
	}
	return text, toks, words
}

// hasSpaceOrNonASCII reports whether s may hold white space: it does when
// an ASCII byte is a space, and may when any byte is not ASCII (U+00A0 and
// friends), in which case the caller takes the slow, exact path.
func hasSpaceOrNonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || asciiSpace[c] {
			return true
		}
	}
	return false
}

// tokenize appends the white-space separated tokens of text to toks.
func tokenize(text string, toks []tok) []tok {
	var nb normBuilder
	base := len(toks)
	cp := 0      // code points before i
	start := -1  // byte offset of the current token
	startCP := 0 // code point offset of the current token
	for i := 0; i < len(text); {
		c := text[i]
		size, space := 1, false
		if c < utf8.RuneSelf {
			space = asciiSpace[c]
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(text[i:])
			space = unicode.IsSpace(r)
		}
		if space {
			if start >= 0 {
				toks = append(toks, nb.add(text[start:i], len(toks), start, i, startCP, cp))
				start = -1
			}
		} else if start < 0 {
			start, startCP = i, cp
		}
		i += size
		cp++
	}
	if start >= 0 {
		toks = append(toks, nb.add(text[start:], len(toks), start, len(text), startCP, cp))
	}
	nb.finish(toks[base:], base)
	return toks
}

// normBuilder makes each token's normal form. Most tokens are already
// normal (a transcript is lower case) and use a slice of the raw token; a
// changed form that is a known word ("I", "So") uses the vocabulary's
// copy; only the rest are written into one shared buffer and made strings
// together by finish, so no token costs an allocation of its own.
type normBuilder struct {
	buf     []byte
	pending []pendingNorm // tokens whose norm is in buf, set by finish
}

// pendingNorm is a token whose norm is buf[n0:n1].
type pendingNorm struct{ i, n0, n1 int32 }

// add makes the token raw, the i-th token overall, found at bytes [b0, b1)
// and code points [c0, c1) of the text.
func (nb *normBuilder) add(raw string, i, b0, b1, c0, c1 int) tok {
	t := tok{c0: int32(c0), c1: int32(c1), b0: int32(b0), b1: int32(b1), percent: raw == "%"}
	// Trim punctuation that is not part of a word. "%" and "$" survive
	// because numbers need them; the apostrophe survives inside a word.
	lo, hi := 0, len(raw)
	for lo < hi {
		r, size := rune(raw[lo]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(raw[lo:])
		}
		if isWordRune(r) || r == '$' || r == '~' {
			break
		}
		lo += size
	}
	for hi > lo {
		r, size := rune(raw[hi-1]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeLastRuneInString(raw[:hi])
		}
		if isWordRune(r) || r == '%' {
			break
		}
		switch r {
		case '.', '?', '!', ';':
			t.end = true
		case ',', ':':
			t.comma = true
		}
		hi -= size
	}
	word := raw[lo:hi]
	if t.end && isAbbreviation(word) {
		t.end = false // "a.m.", "e.g.", "U.S." do not end a sentence
	}
	if isNormal(word) {
		t.norm = word
		t.vid = vocabIDs[word]
		t.class = vocab[t.vid].class
		return t
	}
	n0 := len(nb.buf)
	for _, r := range word {
		switch {
		case r == '\u2019' || r == '\u2018':
			r = '\''
		case r >= 'A' && r <= 'Z':
			r += 'a' - 'A'
		case r >= utf8.RuneSelf:
			r = unicode.ToLower(r)
		}
		nb.buf = utf8.AppendRune(nb.buf, r)
	}
	if id, ok := vocabIDs[string(nb.buf[n0:])]; ok {
		// "I", "So", "We": a known word needs no copy of its own.
		t.norm, t.vid, t.class = vocab[id].word, id, vocab[id].class
		nb.buf = nb.buf[:n0]
		return t
	}
	nb.pending = append(nb.pending, pendingNorm{int32(i), int32(n0), int32(len(nb.buf))})
	return t
}

// finish sets the norms written into the shared buffer; toks are the
// tokens added, the first of them the base-th overall.
func (nb *normBuilder) finish(toks []tok, base int) {
	if len(nb.pending) == 0 {
		return
	}
	s := string(nb.buf)
	for _, p := range nb.pending {
		toks[int(p.i)-base].norm = s[p.n0:p.n1]
	}
}

// isAbbreviation reports letters with inner full stops: "a.m", "e.g".
func isAbbreviation(w string) bool {
	dot := false
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c == '.':
			dot = true
		case c < 'A' || c > 'z' || c > 'Z' && c < 'a':
			return false
		}
	}
	return dot
}

// isNormal reports whether w is already in normal form: ASCII with no
// upper-case letters.
func isNormal(w string) bool {
	for i := 0; i < len(w); i++ {
		if c := w[i]; c >= utf8.RuneSelf || c >= 'A' && c <= 'Z' {
			return false
		}
	}
	return true
}

func isWordRune(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
