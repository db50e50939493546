package analysis

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokenForms(t *testing.T) {
	tests := []struct {
		name, text string
		norm       string
		end, comma bool
		percent    bool
	}{
		{name: "a lower-case word is its own normal form", text: "latency", norm: "latency"},
		{name: "capitals are lowered", text: "Kafka", norm: "kafka"},
		{name: "a capital known word is lowered", text: "So", norm: "so"},
		{name: "a trailing comma is dropped and remembered", text: "like,", norm: "like", comma: true},
		{name: "a full stop ends a sentence", text: "result.", norm: "result", end: true},
		{name: "an abbreviation's full stop does not end a sentence", text: "a.m.", norm: "a.m"},
		{name: "a decimal's last full stop still ends a sentence", text: "2.4.", norm: "2.4", end: true},
		{name: "brackets and a full stop around a percentage go, the percent sign stays", text: "(40%).", norm: "40%", end: true},
		{name: "money keeps its dollar sign", text: "$1.2m", norm: "$1.2m"},
		{name: "a curly apostrophe is made straight", text: "I\u2019m", norm: "i'm"},
		{name: "a non-ASCII capital is lowered", text: "\u00c9T\u00c9", norm: "\u00e9t\u00e9"},
		{name: "a lone percent sign has no word but is marked", text: "%", norm: "", percent: true},
		{name: "punctuation alone has no word", text: "\u2014", norm: ""},
		{name: "an invalid byte stays one replacement character", text: "ab\xffC", norm: "ab\ufffdc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			toks := tokenize(tt.text, nil)
			if len(toks) != 1 {
				t.Fatalf("tokenize(%q) made %d tokens, want 1", tt.text, len(toks))
			}
			got := toks[0]
			if got.norm != tt.norm || got.end != tt.end || got.comma != tt.comma || got.percent != tt.percent {
				t.Errorf("tokenize(%q) = norm %q end %v comma %v percent %v, want %q %v %v %v",
					tt.text, got.norm, got.end, got.comma, got.percent, tt.norm, tt.end, tt.comma, tt.percent)
			}
			if int(got.b1) != len(tt.text) || int(got.c1) != utf8.RuneCountInString(tt.text) {
				t.Errorf("tokenize(%q) ends at byte %d, code point %d", tt.text, got.b1, got.c1)
			}
		})
	}
}

// TestJoinedWordsTokenizeLikeTheirText holds joinWords, which makes tokens
// as it writes Report.Text, to the plain tokenizer run over that text.
func TestJoinedWordsTokenizeLikeTheirText(t *testing.T) {
	tests := []struct {
		name  string
		words []string
	}{
		{name: "plain lower-case words", words: strings.Fields("so i built the change over two weeks")},
		{name: "capitals and punctuation", words: []string{"So,", "I", "cut", "p99", "by", "40%."}},
		{name: "a word holding spaces is split", words: []string{"like  Go", "now\tand", "then"}},
		{name: "empty and blank words are dropped", words: []string{"", "we", " ", "shipped", "\n"}},
		{name: "non-ASCII white space splits too", words: []string{"two\u00a0weeks", "caf\u00e9", "I\u2019d"}},
		{name: "non-ASCII letters keep code-point offsets", words: []string{"\u00c9t\u00e9", "na\u00efve", "\u00bd"}},
		{name: "nothing at all", words: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := make([]Word, len(tt.words))
			for i, w := range tt.words {
				in[i] = Word{W: w, Start: float64(i), End: float64(i) + 0.5}
			}
			text, toks, words := joinWords(in, nil, nil)
			if want := strings.Join(strings.Fields(strings.Join(tt.words, " ")), " "); text != want {
				t.Fatalf("text %q, want %q", text, want)
			}
			want := tokenize(text, nil)
			if len(toks) != len(want) || len(words) != len(want) {
				t.Fatalf("%d tokens and %d words, want %d", len(toks), len(words), len(want))
			}
			for i := range want {
				if toks[i] != want[i] {
					t.Errorf("token %d = %+v, want %+v", i, toks[i], want[i])
				}
				if w := text[want[i].b0:want[i].b1]; words[i].W != w {
					t.Errorf("word %d = %q, want %q", i, words[i].W, w)
				}
				if words[i].End <= words[i].Start {
					t.Errorf("word %d %q has no time span: %+v", i, words[i].W, words[i])
				}
			}
		})
	}
}

// TestTokensCarryTheirVocabulary checks that the id and classes a token
// carries are those of its normal form, so that rules comparing ids match
// exactly the words they would match as strings.
func TestTokensCarryTheirVocabulary(t *testing.T) {
	text := "Um so I think, like, we cut it in HALF: thirty-eight Percent fewer pages; " +
		"the payments team and I built a shared library UH whatever xyzzy"
	for _, tk := range tokenize(text, nil) {
		id, known := vocabIDs[tk.norm]
		if tk.vid != id || known && vocab[id].word != tk.norm {
			t.Errorf("%q has id %d, want %d", tk.norm, tk.vid, id)
		}
		if tk.class != vocab[id].class {
			t.Errorf("%q has classes %b, want %b", tk.norm, tk.class, vocab[id].class)
		}
		if tk.has(classFilledPause) != filledPauses[tk.norm] {
			t.Errorf("%q: filled pause %v, word list says %v", tk.norm, tk.has(classFilledPause), filledPauses[tk.norm])
		}
		if tk.has(classStop) != stopWords[tk.norm] {
			t.Errorf("%q: stop word %v, word list says %v", tk.norm, tk.has(classStop), stopWords[tk.norm])
		}
	}
}

// TestLexiconGroupsKeepEveryPhrase checks that grouping the lexicon by
// second word lost no phrase and kept each group's longest-first order.
func TestLexiconGroupsKeepEveryPhrase(t *testing.T) {
	lex := buildLexicon()
	want, got := 0, 0
	for _, ps := range lex {
		want += len(ps)
	}
	for id, e := range vocab {
		got += len(e.singles)
		for k, g := range e.groups {
			if k > 0 && e.groups[k-1].second >= g.second {
				t.Errorf("%q: groups out of order at %d", e.word, k)
			}
			for j, p := range g.phrases {
				got++
				if p.restIDs[0] != g.second || vocab[p.restIDs[0]].word != p.rest[0] {
					t.Errorf("%q %v is in the group of %q", e.word, p.rest, vocab[g.second].word)
				}
				if j > 0 && phraseLess(p, g.phrases[j-1]) {
					t.Errorf("%q %v comes after a phrase it sorts before", e.word, p.rest)
				}
			}
		}
		if id == 0 && (len(e.singles) > 0 || len(e.groups) > 0) {
			t.Error("the unknown-word entry has phrases")
		}
	}
	if got != want {
		t.Errorf("the vocabulary holds %d phrases, the lexicon %d", got, want)
	}
}

// maxAllocsPerAnalysis is the target for a 450-word timed answer.
const maxAllocsPerAnalysis = 100

func TestAnalyzeAllocatesLittle(t *testing.T) {
	in := Input{Round: Behavioral, Question: "Tell me about a time you improved performance.", Words: answer450(t)}
	if n := testing.AllocsPerRun(20, func() { Analyze(in) }); n >= maxAllocsPerAnalysis {
		t.Errorf("Analyze of a 450-word timed answer makes %.0f allocations, want under %d", n, maxAllocsPerAnalysis)
	}
}
