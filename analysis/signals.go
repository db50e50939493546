package analysis

// Delivery constants.
const (
	// Pauses over 1 s are long in conversation: gaps between turns average
	// about 200 ms (Stivers et al. 2009, PNAS "Universals and cultural
	// variation in turn-taking") and listeners read silences beyond
	// about 1 s as trouble (Jefferson 1989, "the standard maximum
	// silence").
	longPauseSec = 1.0
	veryLongSec  = 3.0
	// WPM is reported per 30 s window so the live meter moves.
	wpmWindowSec = 30.0
	// The last window counts only when it holds this much speech.
	minWindowSec = 10.0
)

// countPronouns counts "I" inside the Action part (the whole answer when
// no Action part was found), which the ownership rule weighs, and "I"
// and "we" over the whole answer. An "I" that only hedges ("I think", "I
// guess") is not an action.
func (a *analyzer) countPronouns() {
	hasA := a.parts[partA].w1 > a.parts[partA].w0
	si := 0 // the segment holding token i, advanced with i
	for i := range a.toks {
		for si < len(a.segs) && a.segs[si].w1 <= i {
			si++
		}
		in := !hasA || si < len(a.segs) && int(a.segs[si].part) == partA
		switch pronounAt(a.toks, i) {
		case "i":
			a.m.IAll++
			if in {
				a.iAct++
			}
		case "we":
			a.m.WeAll++
		}
	}
}

// pronounAt classifies toks[i] as the speaker ("i"), their team ("we") or
// neither.
func pronounAt(toks []tok, i int) string {
	return Pronoun(toks[i].norm, tokAt(toks, i+1).norm)
}

// Pronoun classifies word, followed by next, as the speaker ("i"), their
// team ("we") or neither (""). Both are lower case without punctuation. An
// "I" that only hedges ("I think", "I guess") is not ownership. The
// server's charts and nudges use it so they count as the analyzer does.
func Pronoun(word, next string) string {
	switch word {
	case "i", "i've", "i'd", "i'll", "myself":
		switch next {
		case "think", "guess", "mean", "suppose", "believe", "feel", "don't", "dunno", "remember", "say", "would", "wasn't", "was", "am", "'m", "forgot", "forget":
			return ""
		}
		return "i"
	case "we", "we've", "we'd", "we'll", "us", "ourselves":
		return "we"
	}
	return ""
}

// IsFilledPause reports whether word (lower case, no punctuation) is a
// filled pause such as "um" or "uh".
func IsFilledPause(word string) bool { return filledPauses[word] }

// delivery computes pace, pauses, fillers and hedges.
func (a *analyzer) delivery() {
	a.m.Fillers = 0
	if len(a.fillers) > 0 {
		a.m.FillerSpans = make([]Span, len(a.fillers))
	}
	for k, f := range a.fillers {
		a.m.Fillers += int(f.w1 - f.w0)
		a.m.FillerSpans[k] = a.span(int(f.w0), int(f.w1))
	}
	a.m.Hedges = a.cueN[cueHedge]
	a.m.TranscriptConfidence = a.transcriptConfidence()
	if a.nWords > 0 {
		a.m.FillerRate = round3(float64(a.m.Fillers) / float64(a.nWords))
	}
	if !a.timed {
		return
	}
	toks, words := a.toks, a.words
	first, last := words[0].Start, words[len(words)-1].End
	for _, w := range words {
		first = min(first, w.Start)
		last = max(last, w.End)
	}
	a.m.DurationSec = round3(last)
	speech := last - first
	if speech > 0 {
		a.m.WPM = round3(float64(a.nWords) / speech * 60)
		a.m.FillersPerMin = round3(float64(a.m.Fillers) / speech * 60)
	}
	// Words per 30 s window, counted by start time.
	if speech > 0 && speech < 24*3600 {
		n := int(speech/wpmWindowSec) + 1
		a.m.WPMWindows = make([]float64, n)
		for i := range toks {
			if toks[i].norm == "" {
				continue
			}
			k := int((words[i].Start - first) / wpmWindowSec)
			if k >= 0 && k < n {
				a.m.WPMWindows[k]++
			}
		}
		for k := range a.m.WPMWindows {
			win := min(wpmWindowSec, speech-float64(k)*wpmWindowSec)
			if win < minWindowSec {
				a.m.WPMWindows = a.m.WPMWindows[:k]
				break
			}
			a.m.WPMWindows[k] = round3(a.m.WPMWindows[k] * 60 / win)
		}
	}
	for i := 1; i < len(toks); i++ {
		gap := words[i].Start - words[i-1].End
		if gap <= longPauseSec {
			continue
		}
		a.m.PausesOver1s++
		if gap > veryLongSec {
			a.m.PausesOver3s++
		}
		a.m.LongestPause = max(a.m.LongestPause, round3(gap))
		if a.m.Pauses == nil {
			a.m.Pauses = make([]Span, 0, 4)
		}
		// The pause lies between the two words; the span covers both so
		// that the UI can mark where it fell.
		s := a.span(i-1, i+1)
		s.T0, s.T1 = words[i-1].End, words[i].Start
		a.m.Pauses = append(a.m.Pauses, s)
	}
}

// metricMentions reports every quantity with a unit or a "from x to y".
func (a *analyzer) metricMentions() {
	if len(a.nums) == 0 {
		return
	}
	a.m.MetricMentions = make([]MetricMention, 0, len(a.nums))
	for _, n := range a.nums {
		s := a.span(n.w0, n.w1)
		a.m.MetricMentions = append(a.m.MetricMentions, MetricMention{
			Text:  trimPunct(a.text[a.toks[n.w0].b0:a.toks[n.w1-1].b1]),
			Value: n.value,
			Unit:  n.unit,
			Span:  s,
		})
	}
}

// impactNumbers counts quantities that speak of impact: percentages,
// multiples, money, latency, users, or a duration or count said next to a
// change ("cut from two weeks to two days").
func (a *analyzer) impactNumbers(w0, w1 int) (n int, first int) {
	first = -1
	for k, num := range a.nums {
		if num.w0 < w0 || num.w0 >= w1 {
			continue
		}
		if a.isImpact(k) {
			if first < 0 {
				first = k
			}
			n++
		}
	}
	return n, first
}

// isImpact reports whether number k speaks of impact: a quantity said as
// a change ("from forty a month to two", "by about a third", "three times
// faster", "two weeks ahead of the date", "saved every engineer an hour a
// day"), or a percentage, multiple or fraction of an outcome. A number
// that sets the scene ("a team of five", "thirty comments on a PR"),
// measures effort ("I spent forty hours") or is plain hyperbole ("like a
// million times better") is not.
func (a *analyzer) isImpact(k int) bool {
	n := a.nums[k]
	if a.hyperbole(n) || a.effort(n) {
		return false
	}
	if c := a.clauseAt(n.w0); c >= 0 && a.cls[c].hypo {
		// "would they be better than half the team" is a guess; "would
		// have mis-billed 15,000 invoices" is the harm prevented.
		return n.kind == unitImpact && a.near(int(a.cls[c].w0), n.w0, haveWord) && a.inSecondHalf(n.w0)
	}
	// Before the story's first action a number is the problem ("errors
	// at 40%") unless it is told as the outcome (a result-first answer).
	if c := a.clauseAt(n.w0); c >= 0 && c < a.firstAction() && !a.cls[c].outcome {
		return false
	}
	if a.changeFrame(k) {
		return true
	}
	// "zero accidental deletes in eighteen months": a lasting outcome.
	if n.kind == unitDuration && a.inOutcome(n.w0) {
		if c := a.clauseAt(n.w0); c >= 0 && a.near(int(a.cls[c].w0), int(a.cls[c].w1), zeroWords) {
			return true
		}
	}
	switch n.unit {
	case "%", "pp":
		// "ten percent of traffic" is a share; "down twelve percent" was
		// caught by the frame.
		next := tokAt(a.toks, n.w1).norm
		return next != "of" && a.inOutcome(n.w0)
	case "x", "frac":
		return a.inOutcome(n.w0) || tokAt(a.toks, n.w1).norm != "of"
	case "$":
		return a.inOutcome(n.w0)
	}
	// Counts of adoption and reach: "four hundred customer projects
	// using them", "reused for 12 other customers".
	return n.value >= 2 && (a.near(n.w1, n.w1+4, adoptionWords) || a.inSecondHalf(n.w0) && tokAt(a.toks, n.w1).norm == "other" || tokAt(a.toks, n.w0+1).norm == "other")
}

// firstAction is the index of the first clause of doing, len(a.cls) when
// none.
func (a *analyzer) firstAction() int {
	for k := range a.cls {
		if a.cls[k].agent != agentNone {
			return k
		}
	}
	return len(a.cls)
}

var (
	// Words before a number that make it one end of a change.
	changeBefore = setOf("from to by under below over than saved save saving cut reduced dropped fell decreased increased grew improved down up only just went shaved trimmed lowered raised boosted doubled halved")
	// Words after a number that compare it: "three times faster",
	// "forty fewer pages", "two weeks ahead".
	changeAfter = setOf("fewer less more faster slower shorter quicker cheaper ahead earlier sooner better lower higher smaller bigger down up instead")
	// adoptionWords after a count make it reach: "400 projects using it".
	adoptionWords = setOf("using adopted use signed joined onboarded migrated switched")
	// hedgeBefore may sit between a change word and its number.
	hedgeBefore = setOf("about roughly around almost nearly maybe like basically approximately over")
	effortVerbs = setOf("spent spend spending worked working put putting took taking pulled")
)

// changeFrame reports a number said as a change.
func (a *analyzer) changeFrame(k int) bool {
	n := a.nums[k]
	toks := a.toks
	if a.near(n.w1, n.w1+2, changeAfter) {
		return true
	}
	// "from X to Y", "from shipping every three weeks to every week":
	// either end.
	if a.near(n.w0-4, n.w0, fromWord) && a.near(n.w1, n.w1+6, toWord) {
		return true
	}
	if k > 0 && n.w0-a.nums[k-1].w1 <= 3 && a.near(a.nums[k-1].w1, n.w0, toWord) {
		return true
	}
	for i := n.w0 - 1; i >= 0 && i >= n.w0-3; i-- {
		w := toks[i].norm
		if toks[i].end {
			break
		}
		switch {
		case w == "only" || w == "just" || hedgeBefore[w]:
			// "only two people" is the scene; "down to only two" is not.
			continue
		case w == "down" || w == "up":
			// "errors at discharge down about 30%".
			return true
		case w == "by" || w == "to" || w == "up" || w == "down":
			// "cut it by a third", "fell to a tenth"; not "due by
			// Friday", "a team of up to five".
			if a.changeVerbBefore(i) {
				return true
			}
		case w == "under" || w == "below" || w == "than":
			// "now under half a second", "faster than two seconds".
			return n.kind != unitCount
		case changeBefore[w] && w != "from" && w != "over":
			return true
		}
	}
	// "by a factor of three".
	if tokAt(toks, n.w0-1).norm == "of" && tokAt(toks, n.w0-2).norm == "factor" {
		return true
	}
	// "saved every engineer about an hour a day".
	return a.near(n.w0-5, n.w0, savedWords) || a.pairedDuration(k)
}

// changeVerbBefore reports a change verb shortly before token i.
func (a *analyzer) changeVerbBefore(i int) bool {
	for k := i - 1; k >= 0 && k >= i-5; k-- {
		w := a.toks[k].norm
		if changeVerbs[w] || w == "went" || w == "came" || w == "brought" || w == "got" || w == "shaved" || w == "lowered" || w == "raised" || w == "trimmed" {
			return true
		}
	}
	return false
}

// pairedDuration reports a duration set against another of its kind in an
// outcome, the before and the after ("back up in forty minutes, and the
// last time it was down half a day").
func (a *analyzer) pairedDuration(k int) bool {
	n := a.nums[k]
	if n.kind != unitDuration || !a.inOutcome(n.w0) && !a.inSecondHalf(n.w0) {
		return false
	}
	for j, m := range a.nums {
		if j != k && m.kind == unitDuration && m.unit != n.unit && abs(m.w0-n.w0) <= 20 && !a.effort(m) {
			return a.near(min(m.w0, n.w0)-6, max(m.w1, n.w1)+6, compareWords)
		}
	}
	return false
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// hyperbole reports an inflated figure hedged with "like": "like a
// million times better", "like a thousand percent".
func (a *analyzer) hyperbole(n number) bool {
	big := n.unit == "x" && n.value >= 100 || n.unit == "%" && n.value > 300
	return big && a.near(n.w0-2, n.w0, hyperboleHedges)
}

// effort reports a number that measures the work put in: "I spent forty
// hours", "sixty hours a week", "over two sprints".
func (a *analyzer) effort(n number) bool {
	if n.kind != unitDuration {
		return false
	}
	if a.near(n.w0-4, n.w0, effortVerbs) {
		return true
	}
	prev := tokAt(a.toks, n.w0-1).norm
	if prev == "over" || prev == "for" && a.near(n.w0-5, n.w0, effortVerbs) {
		return true
	}
	// "sixty hours a week" is a workload.
	return n.unit == "h/wk" || n.unit == "h/d"
}

// inOutcome reports whether token w lies in an outcome clause.
func (a *analyzer) inOutcome(w int) bool {
	c := a.clauseAt(w)
	return c >= 0 && a.cls[c].outcome
}

// inSecondHalf reports whether token w lies in the second half of the
// clauses, where results are told.
func (a *analyzer) inSecondHalf(w int) bool {
	c := a.clauseAt(w)
	return c >= len(a.cls)/2
}

// clauseAt returns the index of the clause holding token w, or -1.
func (a *analyzer) clauseAt(w int) int {
	lo, hi := 0, len(a.cls)
	for lo < hi {
		m := (lo + hi) / 2
		if int(a.cls[m].w1) <= w {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo < len(a.cls) && int(a.cls[lo].w0) <= w {
		return lo
	}
	return -1
}

// pairedNumber reports a number said as one end of a change: "from 40 to
// 12", "two weeks to two days".
func (a *analyzer) pairedNumber(k int) bool {
	num := a.nums[k]
	return k > 0 && a.nums[k-1].w1+2 >= num.w0 || k+1 < len(a.nums) && num.w1+2 >= a.nums[k+1].w0
}

// Word sets used by the rules above, built once.
var (
	// haveWord marks a counterfactual: "would have".
	haveWord = setOf("have")
	// zeroWords make a lasting outcome: "zero deletes in a year".
	zeroWords = setOf("zero no none nobody nothing")
	// fromWord and toWord frame a change: "from X to Y".
	fromWord = setOf("from")
	toWord   = setOf("to")
	// savedWords frame time or money saved.
	savedWords = setOf("saved saves saving")
	// compareWords set one duration against another: "last time", "before".
	compareWords = setOf("last time before previously used usually normally took now")
	// hyperboleHedges mark an inflated figure: "like a million times".
	hyperboleHedges = setOf("like literally")
)
