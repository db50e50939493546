package analysis

import (
	"strconv"
	"strings"
)

// Content thresholds. Those without a published source were tuned on the
// labelled answers in testdata/labelled and are documented with them in
// docs/findings.md.
const (
	// Below this many words a missing part is more likely "not said yet"
	// than "left out": no content finding fires on a partial this short.
	minWordsContent = 40
	// Fillers under about 4% of words pass unnoticed; above it listeners
	// judge the speaker less fluent (Toastmasters' Ah-Counter guidance and
	// the 1-in-25-words rule of thumb used by speech coaches).
	maxFillerRate = 0.04
	minFillers    = 3
	// Hedges per word above which the answer sounds unsure (tuned).
	maxHedgeRate = 0.015
	minHedges    = 3
	// Pauses: any two over 3 s, or more than three over 1 s a minute.
	maxPausesOver3s   = 1
	maxPausesPerMinOv = 3.0
	// A vague claim counts as backed when a number sits this close.
	vagueNumberWindow = 12
	// Hypothetical markers ("what I would do", "usually") that make an
	// answer a description of habits rather than a story (tuned).
	minHypo = 3
	// minSceneWords before the first action make a scene.
	minSceneWords = 8
	// A too-short answer is under a quarter of the target length.
	shortFraction = 0.25
)

// Severity helper for message building.
func sev(high bool) Severity {
	if high {
		return High
	}
	return Medium
}

func (a *analyzer) add(code string, s Severity, msg, suggestion string, ev ...Span) {
	a.addc(code, s, 0, msg, suggestion, ev...)
}

// addc adds a finding with the confidence its evidence gives it (0 for the
// default); calibrate lowers it when the words were not heard well.
func (a *analyzer) addc(code string, s Severity, conf float64, msg, suggestion string, ev ...Span) {
	f := Finding{Code: code, Severity: s, Message: msg, Suggestion: suggestion, Confidence: conf}
	if len(ev) > 0 {
		start := len(a.spans)
		a.spans = append(a.spans, ev...)
		f.Evidence = a.spans[start:len(a.spans):len(a.spans)]
	}
	a.findings = append(a.findings, f)
}

func (a *analyzer) rules(question string) {
	if a.findings == nil {
		a.findings = make([]Finding, 0, 8)
	}
	switch a.round {
	case SystemDesign, Coding:
		a.phaseRulesFor(a.round)
	default:
		a.behavioralRules(question, a.round == BarRaiser)
	}
	if a.round != Behavioral && a.round != BarRaiser {
		a.ramblingRule(question, false)
	}
	a.deliveryRules()
	a.calibrate()
}

func (a *analyzer) behavioralRules(question string, strict bool) {
	if a.nWords < minWordsContent {
		return
	}
	a.missingParts()
	a.ownership(strict)
	a.missingMetric(strict)
	a.unbalanced()
	a.ramblingRule(question, strict)
	a.vague()
	if strict && (a.m.Scope == "self" || a.m.Scope == "team") {
		a.add("narrow_scope", Medium,
			"The impact you describe stays inside your own team; a Bar Raiser looks for reach beyond it.",
			"Say who else benefited: other teams that adopted the fix, a mechanism or shared library others now use, or the org-wide change it led to.",
			a.span(a.parts[partR].w0, a.parts[partR].w1))
	}
}

func (a *analyzer) missingParts() {
	s, t, act, r := a.parts[partS], a.parts[partT], a.parts[partA], a.parts[partR]
	// What is said before the first thing done is the scene, whatever its
	// words ("Our release was slipping because two teams kept blocking
	// each other. I set up…").
	scene := 0
	if k := a.firstAction(); k < len(a.cls) {
		scene = int(a.cls[k].w0)
	}
	if !s.present() && !t.present() && scene < minSceneWords {
		a.add("missing_context", Medium,
			"You start without setting the scene: the listener does not know the team, the system or what was at stake.",
			"Open with one or two sentences of context: where you were, what was at stake, and what you were asked to do.",
			a.span(0, min(len(a.toks), 12)))
	}
	if !act.present() {
		a.add("missing_action", High,
			"The answer never gets to what you did: there are no steps you took.",
			"Spend most of the answer on your actions, in order: \"First I…, then I…\", with the decisions and why you made them.")
	} else if a.share(partA) < 0.1 {
		a.add("missing_action", Medium,
			"Your actions take under a tenth of the answer: \""+a.quote(act.w0, act.w1, 12)+"\".",
			"Spend most of the answer on your actions, in order: \"First I…, then I…\", with the decisions and why you made them.",
			a.span(act.w0, act.w1))
	}
	// "What I would do is…" describes a habit, not a story with an
	// outcome. A result is a clause stating a change or an end state
	// after the first thing done; a lesson is not one.
	hypothetical := a.cueN[cueHypo] >= minHypo
	if last := a.lastOutcome(); last < 0 || hypothetical {
		tail := max(0, len(a.toks)-12)
		conf := 0.85
		if r.present() && !hypothetical {
			conf = 0.6 // the STAR reading saw a result the clauses did not
		}
		a.addc("missing_result", High, conf,
			"The story ends without an outcome: \""+a.quote(tail, len(a.toks), 12)+"\" — what changed because of your work?",
			"Close with the result: what changed (in numbers if you can: latency, cost, tickets, revenue), who noticed, what happened next.",
			a.span(tail, len(a.toks)))
	}
}

// ownership judges who did the work, clause by clause: the speaker's own
// actions ("I rewrote the checks") against the work hidden behind "we",
// "the team", the passive ("a decision was made") or a helper verb ("I
// helped", "I was involved in"). "We" in the background is fine when the
// actions are the speaker's.
func (a *analyzer) ownership(strict bool) {
	// The counts the meter and the chart show (countOwnership).
	mine, hidden := a.m.I, a.m.We
	ratio := ownHiddenRatio
	if strict {
		ratio = ownHiddenRatioStrict
	}
	weak := mine == 0 && hidden >= 1 && (hidden >= 3 || a.iAct < 3) ||
		mine > 0 && hidden >= ownMinHidden && float64(hidden) >= ratio*float64(mine)
	if !weak {
		return
	}
	ev := make([]Span, 0, 4)
	for _, o := range a.m.Ownership {
		if o.By != "i" && len(ev) < cap(ev) {
			ev = append(ev, o.Span)
		}
	}
	msg := strconv.Itoa(hidden) + " times the work is done by \"we\", \"the team\", the passive or a helper verb, and " + times(mine) + " by \"I\""
	if len(ev) > 0 {
		msg += ", e.g. \"" + a.quote(ev[0].W0, ev[0].W0+6, 6) + "\""
	}
	msg += ": your own part is hard to see."
	conf := 0.7
	if mine == 0 && hidden >= 3 {
		conf = 0.9
	}
	a.addc("weak_ownership", sev(mine == 0), conf, msg,
		"Say what you personally did and decided: \"I wrote…\", \"I convinced…\". Keep \"we\" for what the team achieved together, and name who did what instead of \"it was decided\".",
		ev...)
}

// Ownership thresholds: with some "I" actions, hidden ones must number at
// least ownMinHidden and outnumber them three to one (two to one for a
// Bar Raiser) before the speaker's part is lost.
const (
	ownMinHidden         = 4
	ownHiddenRatio       = 3.0
	ownHiddenRatioStrict = 2.0
)

func times(n int) string {
	switch n {
	case 0:
		return "not once"
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
}

func (a *analyzer) missingMetric(strict bool) {
	// A number in the Situation ("a 40% error rate") is not a result.
	zone := 0
	if p := a.parts[partA]; p.present() {
		zone = p.w0
	} else if p := a.parts[partR]; p.present() {
		zone = p.w0
	}
	if strict && a.parts[partR].present() {
		zone = a.parts[partR].w0
	}
	// isImpact judges each number by its frame, wherever it is said, so
	// a result-first answer counts; zone only places the message.
	if n, _ := a.impactNumbers(0, len(a.toks)); n > 0 {
		return
	}
	msg := "There is no number for the impact of your work"
	var ev []Span
	if h, ok := a.firstHit(cueVague, zone); ok {
		msg += ": \"" + a.quote(int(h.w0), int(h.w1), 8) + "\" by how much?"
		ev = append(ev, a.span(int(h.w0), int(h.w1)))
	} else if r := a.parts[partR]; r.present() {
		msg += ": \"" + a.quote(r.w0, r.w1, 10) + "\" says what happened but not how much."
		ev = append(ev, a.span(r.w0, r.w1))
	} else {
		msg += "."
	}
	// No number at all is clear; numbers judged to be scene or effort
	// leave room for a reading the rules missed.
	conf := 0.9
	if len(a.nums) > 0 {
		conf = 0.65
	}
	a.addc("missing_metric", sev(!a.parts[partR].present()), conf, msg,
		"Quantify the result: before and after (\"p99 from 900 ms to 200 ms\"), percentages, money, time saved, or users affected. An estimate is better than nothing; say it is one.",
		ev...)
}

func (a *analyzer) firstHit(c cue, from int) (hit, bool) {
	for _, h := range a.hits {
		if h.cue == c && int(h.w0) >= from {
			return h, true
		}
	}
	return hit{}, false
}

func (a *analyzer) unbalanced() {
	if !a.parts[partA].present() || a.nWords < 60 {
		return
	}
	st := a.share(partS) + a.share(partT)
	act := a.share(partA)
	if st <= maxShareST || act >= minShareA {
		return
	}
	a.add("unbalanced_star", Medium,
		"Setting the scene takes "+pct(st)+" of the answer and your actions only "+pct(act)+"; a STAR answer is about 20% situation and task, 60% action.",
		"Cut the background to two sentences and spend the time on what you did and why.",
		a.span(0, a.parts[partA].w0))
}

func pct(x float64) string {
	return strconv.Itoa(int(x*100+0.5)) + "%"
}

// vague flags claims of improvement with no number near them.
func (a *analyzer) vague() {
	var ev [3]Span
	n, first := 0, -1
	for _, h := range a.hits {
		if h.cue != cueVague {
			continue
		}
		backed := false
		for _, num := range a.nums {
			if num.w0 >= int(h.w0)-vagueNumberWindow && num.w0 <= int(h.w1)+vagueNumberWindow && num.unit != "" {
				backed = true
				break
			}
		}
		if backed {
			continue
		}
		if n < len(ev) {
			ev[n] = a.span(int(h.w0), int(h.w1))
		}
		if first < 0 {
			first = int(h.w0)
		}
		n++
	}
	if n == 0 {
		return
	}
	h := ev[0]
	s := Low
	if n >= 2 {
		s = Medium
	}
	a.add("vague_claims", s,
		"\""+a.quote(h.W0, h.W1, 8)+"\" is a claim without specifics: what exactly got better, and by how much?",
		"Replace each general claim with the concrete change: which metric, from what to what, for whom.",
		ev[:min(n, len(ev))]...)
}

// Rambling thresholds. The length ratio is against the round's target
// (2 minutes for behavioral answers); 1.5 times the target is the 3
// minute maximum coaches give.
const (
	rambleVeryLongRatio = 2.0
	rambleLongRatio     = 1.5
	rambleLongishRatio  = 1.15
	rambleRepetition    = 0.035 // share of word trigrams said before (tuned)
	rambleRepetitionLow = 0.025
	rambleTopWordMin    = 6     // one content word said this often…
	rambleTopWordShare  = 0.025 // …and making up this share of the words (tuned)
	ramblePreambleWords = 80
	ramblePreambleShare = 0.4
	rambleScore         = 2.0
	rambleScoreStrict   = 1.5
)

func (a *analyzer) ramblingRule(question string, strict bool) {
	if a.nWords < minWordsContent {
		return
	}
	var ratio float64
	target := a.tb.target.Seconds()
	if a.timed && a.m.DurationSec > 0 {
		ratio = a.m.DurationSec / target
	} else {
		ratio = float64(a.nWords) / (target / 60 * typicalWPM)
	}
	score := 0.0
	var why []string
	switch {
	case ratio > rambleVeryLongRatio:
		score += 2
		why = append(why, "it runs about "+strconv.FormatFloat(ratio, 'f', 1, 64)+" times the length the question needs")
	case ratio > rambleLongRatio:
		// Past the 3-minute maximum, but long and focused is not
		// rambling: this fires only with another sign.
		score += 1.5
		why = append(why, "it runs about "+strconv.FormatFloat(ratio, 'f', 1, 64)+" times the length the question needs")
	case ratio > rambleLongishRatio:
		score++
		why = append(why, "it runs long")
	}
	if rep := a.repetition(); rep > rambleRepetition {
		score += 2 // no focused answer in either labelled set comes near
		why = append(why, "it repeats itself ("+pct(rep)+" of its phrases come back)")
	} else if rep > rambleRepetitionLow {
		score++
		why = append(why, "it comes back to what it already said")
	} else if w, n := a.topWord(); n >= rambleTopWordMin && float64(n) > rambleTopWordShare*float64(a.nWords) {
		score++
		why = append(why, "it circles back to \""+w+"\" "+strconv.Itoa(n)+" times")
	}
	behavioral := a.round == Behavioral || a.round == BarRaiser
	if behavioral {
		// Preamble: the words before the first thing done.
		pre := a.nWords
		for _, p := range []int{partT, partA} {
			if a.parts[p].present() {
				pre = min(pre, a.parts[p].w0)
			}
		}
		if k := a.firstAction(); k < len(a.cls) && pre < a.nWords {
			pre = max(pre, int(a.cls[k].w0))
		}
		if pre > ramblePreambleWords && float64(pre) > ramblePreambleShare*float64(a.nWords) {
			score++
			why = append(why, "the first "+strconv.Itoa(pre)+" words are preamble")
		}
	}
	// Tangents: markers of a digression ("anyway", "by the way", "that
	// reminded me of", a story about one's family or college). Two or
	// more make a short answer wander as much as a long one.
	if t := a.cueN[cueTangent]; t >= 2 {
		score += 2
		why = append(why, "it wanders (\""+a.tangentQuote()+"\")")
	} else if t == 1 {
		score++
		why = append(why, "it wanders (\""+a.tangentQuote()+"\")")
	}
	// Not one content word of the question: weak alone (answers often
	// paraphrase it), telling with other signs.
	if ov, n := a.questionOverlap(question); n >= 2 && ov == 0 && a.nWords >= 100 {
		score += 0.5
		why = append(why, "it never touches the words of the question")
	}
	limit := rambleScore
	if strict {
		limit = rambleScoreStrict
	}
	if score < limit || len(why) == 0 {
		return
	}
	a.addc("rambling", sev(score >= 3), min(0.95, 0.5+score/8),
		"The answer rambles: "+strings.Join(why, "; ")+".",
		"Lead with the point in one sentence, keep the background to two, and stop after the result. Aim for about "+strconv.Itoa(int(a.tb.target.Minutes()+0.5))+" minutes.",
		a.span(0, len(a.toks)))
}

func (a *analyzer) tangentQuote() string {
	for _, h := range a.hits {
		if h.cue == cueTangent {
			return a.quote(int(h.w0), int(h.w1)+3, 6)
		}
	}
	return ""
}

// repetition is the share of word trigrams (fillers dropped) already said
// earlier in the answer. It uses a fixed open-addressed table on the
// stack for answers up to a few hundred words.
func (a *analyzer) repetition() float64 {
	var small [2048]uint64
	table := small[:]
	if len(a.toks) > len(small)/2 {
		n := 1
		for n < 2*len(a.toks) {
			n <<= 1
		}
		table = make([]uint64, n)
	}
	mask := uint64(len(table) - 1)
	var h1, h2 uint64 // hashes of the previous two words
	k, total, repeat := 0, 0, 0
	for i := range a.toks {
		w := a.toks[i].norm
		if w == "" || a.toks[i].has(classFilledPause) {
			continue
		}
		h := fnv(w)
		if k >= 2 {
			tri := h1*0x9e3779b97f4a7c15 ^ h2*0xbf58476d1ce4e5b9 ^ h
			if tri == 0 {
				tri = 1
			}
			total++
			for j := tri & mask; ; j = (j + 1) & mask {
				if table[j] == tri {
					repeat++
					break
				}
				if table[j] == 0 {
					table[j] = tri
					break
				}
			}
		}
		h1, h2 = h2, h
		k++
	}
	if total == 0 {
		return 0
	}
	return float64(repeat) / float64(total)
}

// topWord returns the most repeated content word (five letters or more,
// not a stop word) and its count. It counts in a fixed open-addressed
// table on the stack, so it needs no map; past 1024 distinct words the
// rest are not counted, which is enough to judge.
func (a *analyzer) topWord() (string, int) {
	const size = 2048
	var keys [size]uint64
	var counts [size]int32
	var first [size]int32
	distinct := 0
	best, bestN := -1, int32(0)
	for i := range a.toks {
		w := a.toks[i].norm
		if len(w) < 5 || a.toks[i].has(classStop) || !isWordRune(rune(w[0])) {
			continue
		}
		h := fnv(w) | 1 // never 0, the empty slot
		for j := h & (size - 1); ; j = (j + 1) & (size - 1) {
			if keys[j] == h {
				counts[j]++
				if counts[j] > bestN {
					best, bestN = int(first[j]), counts[j]
				}
				break
			}
			if keys[j] == 0 {
				if distinct >= size/2 {
					break
				}
				distinct++
				keys[j], counts[j], first[j] = h, 1, int32(i)
				if bestN == 0 {
					best, bestN = i, 1
				}
				break
			}
		}
	}
	if best < 0 {
		return "", 0
	}
	return a.toks[best].norm, int(bestN)
}

func fnv(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// questionOverlap counts the question's content words that the answer
// uses (matching on a five-letter stem), and how many there were.
func (a *analyzer) questionOverlap(q string) (overlap, n int) {
	for w := range strings.FieldsSeq(q) {
		w = strings.ToLower(strings.Trim(w, ".,?!;:\"'()"))
		if len(w) < 4 || stopWords[w] {
			continue
		}
		n++
		stem := w[:min(5, len(w))]
		for i := range a.toks {
			if strings.HasPrefix(a.toks[i].norm, stem) {
				overlap++
				break
			}
		}
	}
	return overlap, n
}

func (a *analyzer) tooShort() {
	target := a.tb.target.Seconds()
	short := false
	var msg string
	if a.timed && a.m.DurationSec > 0 {
		short = a.m.DurationSec < shortFraction*target
		msg = "The answer lasts " + strconv.Itoa(int(a.m.DurationSec+0.5)) + " s"
	} else {
		short = float64(a.nWords) < shortFraction*target/60*typicalWPM
		msg = "The answer is " + strconv.Itoa(a.nWords) + " words"
	}
	if !short {
		return
	}
	need, give := "the situation, your actions and the result", "Give the full story: context in two sentences, then your actions step by step, then the measured result."
	switch a.round {
	case SystemDesign:
		need, give = "the requirements, the scale, the design and its trade-offs", "Cover each phase out loud: requirements, scale estimates, the main components, data model, failures and trade-offs."
	case Coding:
		need, give = "your questions, the approach, its complexity and a check on an example", "Talk through the input questions, a simple approach, the better one with its complexity, the edge cases and a short trace."
	}
	conf := 0.8 // a word count stands in for time
	if a.timed {
		conf = 1
	}
	a.addc("too_short", Medium, conf,
		msg+"; that is too short to show "+need+".",
		give+" Aim for about "+strconv.Itoa(int(a.tb.target.Minutes()+0.5))+" minutes.",
		a.span(0, len(a.toks)))
}

func (a *analyzer) deliveryRules() {
	if a.nWords > 0 {
		a.tooShort()
	}
	if a.m.Fillers >= minFillers && a.m.FillerRate > maxFillerRate {
		ev := make([]Span, 0, 5)
		for _, f := range a.fillers[:min(5, len(a.fillers))] {
			ev = append(ev, a.span(int(f.w0), int(f.w1)))
		}
		f := a.fillers[0]
		a.add("filler_heavy", sev(a.m.FillerRate > 2*maxFillerRate),
			strconv.Itoa(a.m.Fillers)+" fillers (\""+a.quote(int(f.w0), int(f.w1), 2)+"\" and others) make up "+pct(a.m.FillerRate)+" of your words.",
			"Pause silently instead of filling the gap; a one-second pause sounds more confident than \"um\" or \"like\".",
			ev...)
	}
	if a.m.Hedges >= minHedges && float64(a.m.Hedges) > maxHedgeRate*float64(a.nWords) {
		ev := make([]Span, 0, 4)
		first := hit{w0: -1}
		for _, h := range a.hits {
			if h.cue == cueHedge && len(ev) < 4 {
				if first.w0 < 0 {
					first = h
				}
				ev = append(ev, a.span(int(h.w0), int(h.w1)))
			}
		}
		a.add("hedging", Low,
			"You hedge "+strconv.Itoa(a.m.Hedges)+" times (\""+a.quote(int(first.w0), int(first.w1), 4)+"\"…); it sounds unsure of your own story.",
			"State what you did and what happened plainly; keep \"I think\" for real uncertainty, and then say how you would find out.",
			ev...)
	}
	if !a.timed {
		return
	}
	speech := 0.0
	if a.m.WPM > 0 {
		speech = float64(a.nWords) / a.m.WPM * 60
	}
	if speech >= minSecForPace && a.m.WPM > maxWPM {
		a.add("too_fast", sev(a.m.WPM > maxWPM*1.2),
			"You speak at "+strconv.Itoa(int(a.m.WPM+0.5))+" words a minute; above about 165 the interviewer cannot take notes.",
			"Slow down to 130-150 words a minute: pause after each step and after every number.")
	}
	if speech >= minSecForPace && a.m.WPM > 0 && a.m.WPM < minWPM {
		a.add("too_slow", sev(a.m.WPM < minWPM*0.75),
			"You speak at "+strconv.Itoa(int(a.m.WPM+0.5))+" words a minute; under about 100 the answer drags.",
			"Know your story's steps before you start so you can tell them at 130-150 words a minute.")
	}
	perMin := 0.0
	if speech > 0 {
		perMin = float64(a.m.PausesOver1s) / speech * 60
	}
	if a.m.PausesOver3s > maxPausesOver3s || a.m.PausesOver1s >= 3 && perMin > maxPausesPerMinOv {
		a.add("long_pauses", sev(a.m.PausesOver3s > 2),
			strconv.Itoa(a.m.PausesOver1s)+" pauses over a second ("+strconv.Itoa(a.m.PausesOver3s)+" over three, the longest "+strconv.FormatFloat(a.m.LongestPause, 'f', 1, 64)+" s).",
			"Outline the story before you start (situation, three actions, result) so you are not searching for the next step mid-answer.",
			a.m.Pauses[:min(4, len(a.m.Pauses))]...)
	}
	if a.m.DurationSec > a.tb.max.Seconds() {
		a.add("over_time", sev(a.m.DurationSec > 1.5*a.tb.max.Seconds()),
			"The answer took "+mmss(a.m.DurationSec)+", past the "+mmss(a.tb.max.Seconds())+" you had.",
			"Keep to the timebox: cut background and side stories first, never the result.",
			a.span(0, len(a.toks)))
	}
}

func mmss(sec float64) string {
	s := int(sec + 0.5)
	return strconv.Itoa(s/60) + ":" + strconv.Itoa(s%60/10) + strconv.Itoa(s%10)
}
