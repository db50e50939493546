package analysis

// Clause reading: who did what, and what changed. The answer is cut into
// clauses at sentence ends and at the conjunctions speech chains clauses
// with; in each the first subject and its verb are found by position and
// small word classes (pronouns, forms of "be", auxiliaries), with verbs of
// doing recognised from the action-verb list, a regular -ed ending or a
// short list of irregular participles. No tagger is used: the classes
// that matter (first person, team, passive, helper verbs, change verbs)
// are closed or nearly so, and the whole reading must fit the 1 ms budget
// on every partial transcript. Whether a tagger would read spoken run-ons
// better was not measured.

// agent is who a clause says did the work.
type agent uint8

const (
	agentNone    agent = iota
	agentI             // "I rewrote the checks"
	agentWe            // "we rolled back", "the team rewrote"
	agentPassive       // "the fix was pushed", "a decision was made"
	agentHelper        // "I helped get the fix out", "I was involved in"
)

// clause is one clause, tokens [w0, w1), and what it says.
type clause struct {
	w0, w1 int32
	agent  agent
	verb   int32 // token of the main verb, -1 when none was found
	subj   int32 // token of the subject ("we", "I"), -1 when none
	// outcome is set when the clause states a change or an end state
	// ("the pages stopped", "they adopted it", "both managers were happy").
	outcome bool
	// lesson and hypo mark a lesson ("what I took away") and a
	// hypothetical ("I would", "if we had"); plan marks an obligation or a
	// plan ("it had to be fixed", "we were going to") and before a
	// pluperfect ("had been dropped"): neither is an outcome.
	lesson, hypo, plan bool
}

var (
	// clauseBreaks start a new clause in speech without punctuation.
	clauseBreaks = setOf("and so but then because which when after once until while since although though whereas where")
	beForms      = setOf("was were is are been being be got get gets getting")
	// Adverbs and fillers that may sit between a subject and its verb.
	verbGap = setOf("then just also basically actually quickly first personally eventually immediately finally really myself ourselves um uh kind sort of like ahead all both still even never already initially later soon pretty mostly only again")
	// Participles that after "was" describe a state, not something done
	// to the subject: "I was excited", "it was complicated".
	stateParticiples = setOf("excited interested worried surprised frustrated concerned supposed based used tired annoyed confused complicated related located called named involved needed expected required scared stressed overwhelmed bored impressed pleased disappointed convinced determined allowed blocked stuck married qualified motivated experienced skilled limited focused aligned prepared committed")
	// Irregular past participles of doing.
	irregularParticiples = setOf("held made done sent written built taken given put set shown told found run chosen kept brought held caught sold bought led paid split shut cut begun drawn driven thrown rewritten undone rebuilt spun torn won")
	// Helper verbs that hide the speaker's own part: "I helped", "I
	// supported", "I was part of".
	helperVerbs = setOf("helped help assisted supported participated contributed joined facilitated")
	// First-person team subjects.
	teamSubjects = setOf("we we've we'd we'll us")
	teamNouns    = setOf("team teams squad group everyone everybody")
)

// clauses cuts the answer into clauses and reads each one.
func (a *analyzer) clauses() {
	toks := a.toks
	a.cls = make([]clause, 0, len(toks)/6+2)
	w0 := 0
	for i := 1; i <= len(toks); i++ {
		cut := i == len(toks) || toks[i-1].end || i-w0 >= 25
		if !cut && i-w0 >= 2 {
			w := toks[i].norm
			cut = clauseBreaks[w] && !(w == "and" && a.inNumber(i)) || toks[i-1].comma && (w == "i" || w == "we") ||
				// A run-on: "…of the traffic peak i dug into…" starts a
				// clause at a new subject and its verb.
				(w == "i" || w == "we") && !clauseBreaks[toks[i-1].norm] && a.verbAfter(i)
		}
		if cut {
			c := a.readClause(w0, i)
			// "we divided the work, built the pipeline and tested it":
			// a verb with no subject of its own shares the one before.
			if c.agent == agentNone && c.subj < 0 && len(a.cls) > 0 && !toks[w0-min(w0, 1)].end {
				if p := a.cls[len(a.cls)-1]; p.agent == agentI || p.agent == agentWe {
					if v := a.leadingVerb(w0, i); v >= 0 {
						c.agent, c.verb = p.agent, int32(v)
						c.outcome = a.outcomeClause(c)
					}
				}
			}
			a.cls = append(a.cls, c)
			w0 = i
		}
	}
}

// readClause finds the subject and verb of tokens [w0, w1).
func (a *analyzer) readClause(w0, w1 int) clause {
	c := clause{w0: int32(w0), w1: int32(w1), verb: -1, subj: -1}
	toks := a.toks
	for i := w0; i < w1; i++ {
		w := toks[i].norm
		switch {
		case w == "would" || w == "i'd" || w == "we'd" || w == "if" || w == "could" || w == "should":
			c.hypo = true
		case (w == "to" && i > w0 && planVerbs[toks[i-1].norm]) || w == "had" && a.pluperfect(i+1):
			c.plan = true
		case w == "always" || w == "make" && tokAt(toks, i+1).norm == "sure":
			c.lesson = c.lesson || i > w0 && (toks[i-1].norm == "i" || toks[i-1].norm == "now")
		case w == "lesson" || w == "lessons" || w == "learned" || w == "learnt" || w == "takeaway" || w == "hindsight" || w == "took" && tokAt(toks, i+1).norm == "away":
			c.lesson = true
		}
	}
	subj := -1
	for i := w0; i < w1 && i < w0+8; i++ {
		w := toks[i].norm
		if w == "i" || teamSubjects[w] || teamNouns[w] && i > w0 && (toks[i-1].norm == "the" || toks[i-1].norm == "my" || toks[i-1].norm == "our" || toks[i-1].norm == "whole") {
			subj = i
			break
		}
		if beForms[w] {
			break
		}
	}
	// The verb: the first word after the subject past any adverbs.
	if subj >= 0 {
		c.subj = int32(subj)
		v := subj + 1
		for v < w1 && verbGap[toks[v].norm] {
			v++
		}
		if v < w1 {
			c.verb = int32(v)
			vw := toks[v].norm
			me := toks[subj].norm == "i"
			switch {
			case me && helperVerbs[vw]:
				c.agent = agentHelper
			case me && vw == "was" && (tokAt(toks, v+1).norm == "involved" || tokAt(toks, v+1).norm == "part"):
				c.agent = agentHelper // "I was involved in", "I was part of"
			case beForms[vw] || vw == "had" || vw == "have" || vw == "think" || vw == "guess" || vw == "mean" || vw == "felt" || vw == "feel" || vw == "knew" || vw == "wanted" || vw == "didn't" || vw == "don't":
				// A state, a hedge or a wish, not an action.
			case a.actionVerb(v):
				if me {
					c.agent = agentI
				} else {
					c.agent = agentWe
				}
			}
		}
	}
	if c.agent == agentNone {
		// The passive: a form of "be" and a participle of doing, the
		// speaker not its subject: "the config was reverted".
		for i := w0; i+1 < w1; i++ {
			// Past forms only: "they are owned by different teams" is a
			// state of the situation, "the config was reverted" work done.
			if b := toks[i].norm; b != "was" && b != "were" && b != "got" && b != "been" {
				continue
			}
			if subj >= 0 && toks[subj].norm == "i" && subj < i {
				break
			}
			p := i + 1
			for p < w1 && verbGap[toks[p].norm] {
				p++
			}
			if p < w1 && a.participle(p) && !(tokAt(toks, p+1).norm == "to" && toks[p].norm != "made") {
				c.agent, c.verb = agentPassive, int32(p)
				break
			}
		}
	}
	c.outcome = a.outcomeClause(c)
	return c
}

// inNumber reports an "and" inside a spelled number: "two and a half",
// "a hundred and fifty".
func (a *analyzer) inNumber(i int) bool {
	next := tokAt(a.toks, i+1).norm
	return next == "a" && tokAt(a.toks, i+2).norm == "half" || a.toks[i-1].norm == "hundred" && isNumberWord(next)
}

// verbAfter reports an action or helper verb right after the subject at
// token s, past adverbs.
func (a *analyzer) verbAfter(s int) bool {
	v := s + 1
	for v < len(a.toks) && verbGap[a.toks[v].norm] {
		v++
	}
	return v < len(a.toks) && (a.actionVerb(v) || helperVerbs[a.toks[v].norm])
}

// leadingVerb returns the action verb that opens tokens [w0, w1) after a
// conjunction and adverbs ("and then rewrote…"), or -1.
func (a *analyzer) leadingVerb(w0, w1 int) int {
	v := w0
	for v < w1 && (clauseBreaks[a.toks[v].norm] || verbGap[a.toks[v].norm]) {
		v++
	}
	if v < w1 && v > w0 && a.actionVerb(v) {
		return v
	}
	return -1
}

// pluperfect reports a past participle after "had" ("had grown", "had
// been dropped", "had never written"): background to the story, told
// before its time.
func (a *analyzer) pluperfect(p int) bool {
	for p < len(a.toks) && (a.toks[p].norm == "ever" || a.toks[p].norm == "never" || a.toks[p].norm == "already" || a.toks[p].norm == "just") {
		p++
	}
	if p >= len(a.toks) {
		return false
	}
	w := a.toks[p].norm
	return w == "been" || a.participle(p) || len(w) > 3 && (w[len(w)-1] == 'n' && w[len(w)-2] == 'w' || w[len(w)-2:] == "en")
}

// actionVerb reports whether toks[v] is a verb of doing: in the lexicon of
// action verbs, or a regular past tense.
func (a *analyzer) actionVerb(v int) bool {
	t := &a.toks[v]
	if t.has(classActionVerb) {
		return true
	}
	w := t.norm
	return len(w) > 4 && w[len(w)-2:] == "ed" && !stateParticiples[w]
}

// participle reports a past participle of doing: "reverted", "made".
func (a *analyzer) participle(p int) bool {
	w := a.toks[p].norm
	if stateParticiples[w] {
		return false
	}
	return irregularParticiples[w] || len(w) > 4 && w[len(w)-2:] == "ed"
}

var (
	// Change verbs: a clause with one of them states what changed,
	// whoever the subject ("the pages stopped", "they adopted it", "I cut
	// the bill by a third").
	changeVerbs = setOf("relaunched restored reopened dropped fell decreased declined shrank increased rose grew doubled halved tripled improved stopped disappeared vanished resolved succeeded paid adopted approved accepted launched shipped released recovered renewed expanded extended won saved cut reduced eliminated removed finished completed delivered passed became thanked praised promoted signed merged closed started began")
	// deliveryVerbs are the change verbs that state an outcome even with
	// the speaker as subject ("I shipped it on the new date"); the rest
	// ("I removed them", "I cut the scope") are actions unless a number
	// says what changed.
	deliveryVerbs = setOf("shipped launched released delivered finished completed won saved")
	// opinionVerbs after "I" make a clause an opinion.
	opinionVerbs = setOf("think believe feel guess suppose")
	// harmVerbs after "nobody"/"nothing" make an outcome: "nobody got
	// paged", "nothing broke", "nobody lost their matches".
	harmVerbs = setOf("got lost missed broke failed dropped complained crashed paged called escalated")
	// planVerbs before "to" make an obligation or a plan.
	planVerbs = setOf("had have has needed need going want wanted try tries trying supposed planned plan tried was were is option options")
	// Verbs a negation turns into an outcome for others: "the on-call
	// folks didn't get woken up", "customers don't see the error".
	negOutcomeVerbs = setOf("get got have need see break fail page happen come hear lose")
	// Targets that "hit" or "met" reach: "we hit the date".
	targetWords = setOf("deadline date target goal sla slo mark milestone")
	// End-state words: "much better now", "both managers were happy".
	stateWords = setOf("flat quiet happy happier grateful pleased thrilled relieved better smoother faster quieter calmer stable fine glad impressed satisfied easier cleaner simpler safer reliable solid green clean smooth resolved fixed gone")
)

// outcomeClause reports whether a clause states an outcome: a change verb
// in the past ("went down", "stopped", "they adopted it"), an end state
// ("the teams get along much better now", "nothing falls through the
// cracks"), or a result marker. Plans and hypotheticals are not
// outcomes.
func (a *analyzer) outcomeClause(c clause) bool {
	if c.hypo || c.plan {
		return false
	}
	toks := a.toks
	// An opinion ("I think being wrong is fine") or a generalisation
	// ("it's always the thing nobody owns") is not what happened.
	for i := int(c.w0); i < int(c.w1); i++ {
		switch w := toks[i].norm; {
		case w == "always" || w == "usually" || w == "generally" || w == "typically":
			return false
		case w == "i" && opinionVerbs[tokAt(toks, i+1).norm] && !a.pastAfter(i+2, int(c.w1)):
			// "I think the team was happier after that" is a hedged
			// outcome; "I think being wrong is fine" an opinion.
			return false
		}
	}
	for i := int(c.w0); i < int(c.w1); i++ {
		w := toks[i].norm
		next := tokAt(toks, i+1).norm
		switch {
		case changeVerbs[w]:
			switch {
			case w == "grew" && next == "up":
				continue // "I grew up around that world"
			case w == "started" || w == "began":
				// "every team started using it", not "we started doing".
				p := tokAt(toks, i-1).norm
				if len(next) > 3 && next[len(next)-3:] == "ing" && (c.agent == agentNone || c.agent == agentPassive) && p != "i" && p != "we" {
					return true
				}
				continue
			case (c.agent == agentI || c.agent == agentWe) && !deliveryVerbs[w] && !a.numberIn(int(c.w0), int(c.w1)):
				continue // "I removed them", "we cut the features" are actions
			}
			return true
		case (w == "hit" || w == "met" || w == "made" || w == "beat") && (targetWords[next] || targetWords[tokAt(toks, i+2).norm]):
			return true
		case w == "went" && (next == "down" || next == "up" || next == "away" || next == "out" || next == "live" || next == "fine" || next == "well" || next == "smoothly" || next == "from"):
			return true
		case w == "came" && (next == "down" || next == "back" && c.agent == agentNone):
			return true
		case w == "ran" || w == "worked" || w == "held":
			if next == "without" || next == "fine" || next == "smoothly" || next == "well" || next == "perfectly" || next == "up" || next == "cleanly" {
				return true
			}
		case stateWords[w] && i > int(c.w0):
			p := toks[i-1].norm
			if beForms[p] || p == "stayed" || p == "remained" || p == "stays" || p == "much" || p == "lot" || p == "way" || p == "felt" || p == "looked" || p == "all" || p == "very" || p == "so" || p == "really" || p == "more" {
				return true
			}
		case w == "no" && next == "longer":
			return true
		case (w == "didn't" || w == "don't" || w == "doesn't" || w == "haven't" || w == "hasn't") && c.agent == agentNone && negOutcomeVerbs[next]:
			return true
		case w == "nothing" || w == "nobody" || w == "never" || w == "no" && next == "one":
			// "now nothing falls through the cracks", "it never paged
			// again"; not "nobody wanted to touch it".
			// "now nothing falls through the cracks", "nobody got paged",
			// "nothing broke", "it never happened again"; not "nobody
			// noticed", "nobody owned it" (the problem).
			if len(next) > 3 && next[len(next)-1] == 's' && next != "was" && next != "has" || harmVerbs[next] || a.near(i, int(c.w1), lastingWords) {
				return true
			}
		case w == "now" && !c.lesson:
			// "now the deploy takes ten minutes", "the teams get along
			// better now"; not "now I started on the fix", nor the
			// speaker's own habit ("I communicate a lot more now" is a
			// lesson).
			if next != "i" && next != "we" && next != "let" && next != "let's" && next != "so" && !a.near(int(c.w0), i, speakerWord) {
				return true
			}
		case (w == "resulted" || w == "led" || w == "leading" || w == "resulting") && (next == "in" || next == "to"):
			return true
		case w == "since" && (next == "then" || next == "that") && !c.lesson:
			return true
		case w == "as" && next == "a" && tokAt(toks, i+2).norm == "result":
			return true
		case w == "ended" && next == "up":
			if n2 := tokAt(toks, i+2).norm; !(len(n2) > 3 && n2[len(n2)-3:] == "ing") {
				return true // "ended up with half the pages", not "ended up suggesting"
			}
		}
	}
	return false
}

// pastAfter reports a past form of "be" or a regular past tense in
// tokens [w0, w1).
func (a *analyzer) pastAfter(w0, w1 int) bool {
	for i := w0; i < min(w1, len(a.toks)); i++ {
		w := a.toks[i].norm
		if w == "was" || w == "were" || len(w) > 4 && w[len(w)-2:] == "ed" {
			return true
		}
	}
	return false
}

// numberIn reports a quantity inside tokens [w0, w1).
func (a *analyzer) numberIn(w0, w1 int) bool {
	for _, n := range a.nums {
		if n.w0 >= w0 && n.w0 < w1 && n.unit != "" {
			return true
		}
	}
	return false
}

// countOwnership sets Metrics.I, We and Ownership from the clauses, so
// the meter, the scorecard, the chart and the weak_ownership finding
// quote one count.
func (a *analyzer) countOwnership() {
	n := 0
	for k := range a.cls {
		if c := &a.cls[k]; !c.hypo && !c.lesson && c.agent != agentNone {
			n++
		}
	}
	if n == 0 {
		return
	}
	a.m.Ownership = make([]Owned, 0, n)
	for k := range a.cls {
		c := &a.cls[k]
		if c.hypo || c.lesson || c.agent == agentNone {
			continue
		}
		by := "i"
		switch c.agent {
		case agentI:
			a.m.I++
		case agentWe:
			by = "we"
		case agentPassive:
			by = "passive"
		case agentHelper:
			by = "helper"
		}
		if by != "i" {
			a.m.We++
		}
		a.m.Ownership = append(a.m.Ownership, Owned{By: by, Span: a.doerSpan(c)})
	}
}

// doerSpan is who did what in clause c: from its subject (or start) to
// its verb ("we rolled", "the fix was pushed").
func (a *analyzer) doerSpan(c *clause) Span {
	start, end := int(c.w0), int(c.w0)+3
	if c.subj >= 0 && c.subj < c.verb {
		start = int(c.subj)
	}
	if c.verb >= 0 {
		end = int(c.verb) + 1
	}
	return a.span(start, min(end, int(c.w1)))
}

// lastOutcome returns the index of the last outcome clause that follows
// the first clause of doing, or -1.
func (a *analyzer) lastOutcome() int {
	first := -1
	for k := range a.cls {
		if a.cls[k].agent != agentNone {
			first = k
			break
		}
	}
	if first < 0 {
		first = 0
	}
	// An outcome told before the second half of the story is the
	// problem ("one day it stopped sending emails"), not its result.
	last := -1
	for k := max(first, len(a.cls)/2); k < len(a.cls); k++ {
		if a.cls[k].outcome && !a.cls[k].lesson {
			last = k
		}
	}
	return last
}

// Word sets used by the rules above, built once.
var (
	// lastingWords make a "nothing"/"never" clause an outcome: "never again".
	lastingWords = setOf("again anymore since")
	// speakerWord is the speaker as a subject.
	speakerWord = setOf("i")
)
