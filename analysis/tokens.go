package analysis

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// tok is one token of Report.Text as the rules see it.
type tok struct {
	// norm is the token lower-cased (ASCII), curly apostrophes made
	// straight, with leading and trailing punctuation removed. It is empty
	// for a token made only of punctuation.
	norm string
	// c0 and c1 are code-point offsets of the raw token in Report.Text,
	// b0 and b1 byte offsets.
	c0, c1 int
	b0, b1 int
	// t0 and t1 are the word's timing in seconds (zero when untimed).
	t0, t1 float64
	// end is set when the raw token ends a sentence (".", "?", "!", ";").
	end bool
	// comma is set when the raw token ends with a comma or colon; a spoken
	// transcript has none, a typed one uses them to mark filler "like".
	comma bool
	// raw is the token as written, for numbers like "$1.2m" and "o(n)".
	raw string
}

// tokenizeText splits text on white space. It returns the tokens and the
// Words for the report. Offsets are code points so that a browser can
// slice Array.from(text).
func tokenizeText(text string, toks []tok, words []Word) ([]tok, []Word) {
	nb := newNormBuilder(len(text), len(text)/4+1)
	cp := 0      // code points before i
	start := -1  // byte offset of the current token
	startCP := 0 // code point offset of the current token
	for i, r := range text {
		if unicode.IsSpace(r) {
			if start >= 0 {
				t := nb.add(text[start:i], startCP, cp)
				t.b0, t.b1 = start, i
				toks = append(toks, t)
				words = append(words, Word{W: text[start:i]})
				start = -1
			}
		} else if start < 0 {
			start, startCP = i, cp
		}
		cp++
	}
	if start >= 0 {
		t := nb.add(text[start:], startCP, cp)
		t.b0, t.b1 = start, len(text)
		toks = append(toks, t)
		words = append(words, Word{W: text[start:]})
	}
	nb.finish(toks)
	return toks, words
}

// joinWords builds Report.Text from timed words: the words joined by single
// spaces. A word that itself contains white space is split, and its pieces
// share its time span evenly, so that Report.Words stays exactly the
// tokens of Report.Text.
func joinWords(in []Word, toks []tok, words []Word) (string, []tok, []Word) {
	n := 0
	for _, w := range in {
		n += len(w.W) + 1
	}
	var sb strings.Builder
	sb.Grow(n)
	type piece struct {
		b0, b1, c0, c1 int
		t0, t1         float64
	}
	pieces := make([]piece, 0, len(in))
	cp := 0
	for _, w := range in {
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
			if sb.Len() > 0 {
				sb.WriteByte(' ')
				cp++
			}
			b0, c0 := sb.Len(), cp
			sb.WriteString(f)
			cp += utf8.RuneCountInString(f)
			t0 := w.Start + dur*float64(k)
			t1 := t0 + dur
			if fields == 1 {
				t0, t1 = w.Start, w.End
			}
			pieces = append(pieces, piece{b0, sb.Len(), c0, cp, t0, t1})
			k++
		}
	}
	text := sb.String()
	nb := newNormBuilder(len(text), len(pieces))
	for _, p := range pieces {
		t := nb.add(text[p.b0:p.b1], p.c0, p.c1)
		t.t0, t.t1 = p.t0, p.t1
		t.b0, t.b1 = p.b0, p.b1
		toks = append(toks, t)
		words = append(words, Word{W: text[p.b0:p.b1], Start: p.t0, End: p.t1})
	}
	nb.finish(toks)
	return text, toks, words
}

// normBuilder writes every token's normal form into one buffer so that a
// whole answer costs two allocations however many words it has.
type normBuilder struct {
	buf  []byte
	offs []int32 // pairs of offsets into buf, filled in by finish
}

func newNormBuilder(textBytes, words int) *normBuilder {
	return &normBuilder{buf: make([]byte, 0, textBytes), offs: make([]int32, 0, 2*words)}
}

func (nb *normBuilder) add(raw string, c0, c1 int) tok {
	t := tok{c0: c0, c1: c1, raw: raw}
	// Trim punctuation that is not part of a word. "%" and "$" survive
	// because numbers need them; the apostrophe survives inside a word.
	lo, hi := 0, len(raw)
	for lo < hi {
		r, size := utf8.DecodeRuneInString(raw[lo:])
		if isWordRune(r) || r == '$' || r == '~' {
			break
		}
		lo += size
	}
	for hi > lo {
		r, size := utf8.DecodeLastRuneInString(raw[:hi])
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
	// Encode offsets into the token temporarily; finish replaces them.
	b0 := len(nb.buf)
	for _, r := range raw[lo:hi] {
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
	nb.offs = append(nb.offs, int32(b0), int32(len(nb.buf)))
	return t
}

// finish fills in each token's norm from the shared buffer.
func (nb *normBuilder) finish(toks []tok) {
	s := string(nb.buf)
	base := len(toks) - len(nb.offs)/2
	for i := 0; i < len(nb.offs)/2; i++ {
		toks[base+i].norm = s[nb.offs[2*i]:nb.offs[2*i+1]]
	}
}

func isWordRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}
