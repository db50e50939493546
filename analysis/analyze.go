// Package analysis is mockloop's answer analyzer: a pure, rule-based
// function from one interview answer to the findings a Bar Raiser would
// hold against it, plus the metrics the live meters draw. It uses the
// standard library only, does no I/O and keeps no state, so the server can
// call it on every partial transcript.
package analysis

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Speaking-rate and timebox constants.
const (
	// 100-165 wpm: Microsoft Speaker Coach's recommended pace range
	// (support.microsoft.com "Rehearse your slide show with Speaker Coach").
	minWPM = 100
	maxWPM = 165
	// 150 wpm: the usual conversational average (National Center for Voice
	// and Speech), used to turn an untimed word count into minutes.
	typicalWPM = 150
	// A rate needs some speech behind it before it means anything.
	minSecForPace = 20
)

// timebox is the target and the maximum length of one answer.
type timebox struct{ target, max time.Duration }

// defaultTimebox is each round's answer length.
//
//   - Behavioral and Bar Raiser: about 2 minutes, over 3 is too long
//     (common interview-coaching guidance for STAR answers, e.g. Amazon's
//     own "prepare for your interview" pages ask for concise STAR stories).
//   - System design: one answer turn covers several phases of a ~40 minute
//     design; interviewers step in every few minutes, so 8 minutes is the
//     target and 12 the most before a checkpoint is overdue.
//   - Coding talk-through: explaining an approach before or while coding
//     runs 2-3 minutes; 5 is too long without a check-in.
func defaultTimebox(r Round) timebox {
	switch r {
	case SystemDesign:
		return timebox{8 * time.Minute, 12 * time.Minute}
	case Coding:
		return timebox{3 * time.Minute, 5 * time.Minute}
	}
	return timebox{2 * time.Minute, 3 * time.Minute}
}

// Analyze returns the analyzer's verdict on one answer. It is deterministic
// and cheap enough to run on every partial transcript; it never panics,
// whatever the input.
func Analyze(in Input) Report {
	_, r := debugAnalyze(in)
	return r
}

// debugAnalyze is Analyze that also returns the working state, for tests.
func debugAnalyze(in Input) (*analyzer, Report) {
	round := in.Round
	if _, err := ParseRound(string(round)); err != nil {
		round = Behavioral
	}
	rep := Report{Round: round, Question: in.Question}

	a := &analyzer{round: round}
	in.Text, in.Words = clip(in.Text, in.Words)
	if len(in.Words) > 0 {
		a.toks = make([]tok, 0, len(in.Words))
		words := make([]Word, 0, len(in.Words))
		rep.Text, a.toks, rep.Words = joinWords(in.Words, a.toks, words)
	} else {
		a.toks = make([]tok, 0, len(in.Text)/5+1)
		words := make([]Word, 0, len(in.Text)/5+1)
		rep.Text = in.Text
		a.toks, rep.Words = tokenizeText(in.Text, a.toks, words)
	}
	if rep.Words == nil {
		rep.Words = []Word{}
	}
	a.tb = defaultTimebox(round)
	if in.Timebox > 0 {
		a.tb = timebox{target: in.Timebox * 2 / 3, max: in.Timebox}
	}
	a.text = rep.Text
	a.words = rep.Words
	a.run(in.Question)
	rep.Metrics = a.m
	rep.Findings = a.findings
	if in.FollowUp {
		rep.Findings = slices.DeleteFunc(rep.Findings, func(f Finding) bool { return Structural(f.Code) })
	}
	if rep.Findings == nil {
		rep.Findings = []Finding{}
	}
	return a, rep
}

// Structural reports whether a finding judges a whole STAR story, and so
// does not apply to an answer to a follow-up ("How did you measure it?").
func Structural(code string) bool {
	switch code {
	case "missing_context", "missing_action", "missing_result", "unbalanced_star", "too_short":
		return true
	}
	return false
}

// hit is one lexicon phrase found in the answer, tokens [w0, w1).
type hit struct {
	w0, w1 int32
	cue    cue
}

// analyzer holds the working state of one Analyze call.
type analyzer struct {
	round Round
	tb    timebox
	text  string
	toks  []tok
	words []Word // Report.Words: one per token, with its timing

	hits    []hit
	cueN    [cueCount]int
	nums    []number
	fillers []hit // w0, w1 of each filler
	segs    []segment
	cls     []clause
	parts   [4]partRange // S, T, A, R; w0 == w1 when absent
	timed   bool
	nWords  int // tokens with letters or digits
	// punctuated is set when the text has sentence ends: typed, or from
	// an engine that punctuates. A bare transcript has none.
	punctuated bool
	iAct       int // "I" in the Action part, a pronoun count
	findings   []Finding
	spans      []Span // backing store for evidence, cut into pieces
	m          Metrics
}

func (a *analyzer) run(question string) {
	for i := range a.toks {
		if a.toks[i].norm != "" {
			a.nWords++
		}
		if a.words[i].End > 0 {
			a.timed = true
		}
		if a.toks[i].end && i+1 < len(a.toks) {
			a.punctuated = true
		}
	}
	a.m.Words = a.nWords
	a.m.HasTimings = a.timed
	a.m.Star = []StarPart{}
	a.m.MetricMentions = []MetricMention{}
	a.m.Principles = []Principle{}
	a.m.WPMWindows = []float64{}
	a.m.Scope = "self"
	a.m.TranscriptConfidence = 1
	if len(a.toks) == 0 {
		a.rules(question)
		return
	}
	a.spans = make([]Span, 0, 48)
	a.scanLexicon()
	a.nums = findNumbers(a.toks, make([]number, 0, 8))
	a.segment()
	a.labelStar()
	a.clauses()
	a.countPronouns()
	a.countOwnership()
	a.delivery()
	a.metricMentions()
	a.principles()
	a.scope()
	a.rules(question)
}

// scanLexicon finds every lexicon phrase, fillers and hedges in one pass.
// At each token only the longest phrase of each cue is kept.
func (a *analyzer) scanLexicon() {
	a.hits = make([]hit, 0, len(a.toks)/2+4)
	a.fillers = make([]hit, 0, 8)
	toks := a.toks
	for i := range toks {
		w := toks[i].norm
		if w == "" {
			continue
		}
		if n := a.fillerAt(i); n > 0 {
			a.fillers = append(a.fillers, hit{w0: int32(i), w1: int32(i + n)})
		}
		e := &vocab[toks[i].vid]
		var seen [cueCount]bool
		if len(e.groups) > 0 && i+1 < len(toks) {
			for _, p := range e.group(toks[i+1].vid) {
				if !seen[p.cue] && matchRest(toks, i+2, p.restIDs[1:]) {
					seen[p.cue] = true
					a.addHit(i, p)
				}
			}
		}
		for _, p := range e.singles {
			if !seen[p.cue] {
				seen[p.cue] = true
				a.addHit(i, p)
			}
		}
	}
}

func (a *analyzer) addHit(i int, p phrase) {
	a.hits = append(a.hits, hit{w0: int32(i), w1: int32(i + 1 + len(p.rest)), cue: p.cue})
	a.cueN[p.cue]++
}

func matchRest(toks []tok, i int, rest []uint16) bool {
	if i+len(rest) > len(toks) {
		return false
	}
	for k, id := range rest {
		if toks[i+k].vid != id {
			return false
		}
	}
	return true
}

// fillerAt returns the length in tokens of a filler starting at toks[i],
// or 0. Filled pauses always count; "like", "you know", "kind of", "sort
// of" and "actually" only where they carry no meaning.
func (a *analyzer) fillerAt(i int) int {
	toks := a.toks
	w := toks[i].norm
	prev, next := "", ""
	if i > 0 && !toks[i-1].end {
		prev = toks[i-1].norm
	}
	if i+1 < len(toks) {
		next = toks[i+1].norm
	}
	switch {
	case toks[i].has(classFilledPause):
		return 1
	case w == "basically":
		return 1
	case w == "actually":
		// "what actually happened" asks a real question.
		if prev == "what" || prev == "how" || prev == "who" || prev == "why" {
			return 0
		}
		return 1
	case w == "like":
		if i > 0 && toks[i-1].comma || toks[i].comma {
			return 1 // "and, like, we" in typed text
		}
		if likeNotFillerAfter[prev] {
			return 0
		}
		if prev == "" || likeFillerAfter[prev] || likeFillerBefore[next] || isDigitToken(tokAt(toks, i+1)) {
			return 1
		}
		return 0
	case w == "you" && next == "know":
		// "do you know", "if you know", "you know what I mean" is still
		// a filler, "you know how to" is not.
		switch prev {
		case "do", "did", "don't", "if", "would", "will", "could", "should", "as", "whether", "what":
			return 0
		}
		if i+2 < len(toks) {
			switch toks[i+2].norm {
			case "how", "that", "why", "where", "when", "whether", "which":
				return 0
			}
		}
		return 2
	case (w == "kind" || w == "sort") && next == "of":
		if kindDeterminers[prev] {
			return 0
		}
		return 2
	}
	return 0
}

func tokAt(toks []tok, i int) tok {
	if i < 0 || i >= len(toks) {
		return tok{}
	}
	return toks[i]
}

// span returns the evidence span covering tokens [w0, w1).
func (a *analyzer) span(w0, w1 int) Span {
	if w0 < 0 {
		w0 = 0
	}
	if w1 > len(a.toks) {
		w1 = len(a.toks)
	}
	if w1 <= w0 {
		if w0 >= len(a.toks) {
			return Span{}
		}
		w1 = w0 + 1
	}
	s := Span{Start: int(a.toks[w0].c0), End: int(a.toks[w1-1].c1), W0: w0, W1: w1}
	if a.timed {
		s.T0, s.T1 = a.words[w0].Start, a.words[w1-1].End
	}
	return s
}

// quote returns the raw text of tokens [w0, w1), shortened to at most max
// tokens, for quoting the candidate's words in a message.
func (a *analyzer) quote(w0, w1, max int) string {
	if w0 < 0 || w0 >= len(a.toks) || w1 <= w0 {
		return ""
	}
	if w1 > len(a.toks) {
		w1 = len(a.toks)
	}
	ell := ""
	if w1-w0 > max {
		w1, ell = w0+max, "…"
	}
	return trimPunct(a.text[a.toks[w0].b0:a.toks[w1-1].b1]) + ell
}

// clip cuts an answer longer than maxTextBytes at a word boundary, so that
// token offsets fit their int32 fields.
func clip(text string, words []Word) (string, []Word) {
	if len(words) > 0 {
		n := 0
		for i, w := range words {
			if n += len(w.W) + 1; n > maxTextBytes {
				return text, words[:i]
			}
		}
		return text, words
	}
	if len(text) <= maxTextBytes {
		return text, words
	}
	cut := maxTextBytes
	for cut > 0 && !utf8.RuneStart(text[cut]) {
		cut--
	}
	return text[:cut], words
}

// trimPunct drops punctuation that ends a quoted stretch: "two weeks." is
// quoted as "two weeks".
func trimPunct(s string) string {
	return strings.TrimRight(s, ".,;:!?\"'”)")
}
