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

// countPronouns counts "I" and "we" inside the Action part (the whole
// answer when no Action part was found) and over the whole answer. An "I"
// that only hedges ("I think", "I guess") is not an action.
func (a *analyzer) countPronouns() {
	hasA := a.parts[partA].w1 > a.parts[partA].w0
	si := 0 // the segment holding token i: partAt without a search per token
	for i := range a.toks {
		for si < len(a.segs) && a.segs[si].w1 <= i {
			si++
		}
		in := !hasA || si < len(a.segs) && int(a.segs[si].part) == partA
		switch pronounAt(a.toks, i) {
		case "i":
			a.m.IAll++
			if in {
				a.m.I++
			}
		case "we":
			a.m.WeAll++
			if in {
				a.m.We++
			}
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
	for _, f := range a.fillers {
		a.m.Fillers += int(f.w1 - f.w0)
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

// isImpact reports whether number k speaks of impact.
func (a *analyzer) isImpact(k int) bool {
	num := a.nums[k]
	if num.kind == unitImpact {
		return true
	}
	// A duration or count is an impact only when said as a change in the
	// Result ("from two weeks to two days"), not as a plan ("within four
	// hours") in the Action.
	if a.parts[partR].w1 > a.parts[partR].w0 && a.partAt(num.w0) != partR {
		return false
	}
	return a.pairedNumber(k) || a.changeNear(num.w0, num.w1)
}

// pairedNumber reports a number said as one end of a change: "from 40 to
// 12", "two weeks to two days".
func (a *analyzer) pairedNumber(k int) bool {
	num := a.nums[k]
	return k > 0 && a.nums[k-1].w1+2 >= num.w0 || k+1 < len(a.nums) && num.w1+2 >= a.nums[k+1].w0
}

// changeNear reports a change word ("reduced", "from", "down to") within
// four tokens before a number or two after it.
func (a *analyzer) changeNear(w0, w1 int) bool {
	for _, h := range a.hits {
		if h.cue != cueChange && h.cue != cueResult {
			continue
		}
		if int(h.w1) <= w0 && int(h.w1) >= w0-4 || int(h.w0) >= w1 && int(h.w0) <= w1+2 {
			return true
		}
	}
	return false
}
