package analysis

import "strings"

// System design and coding talk-through rules. Each phase of the usual
// flow (clarify scope, estimate scale, requirements, components, data
// model and APIs, bottlenecks and failures, trade-offs, observability;
// for coding: questions, brute force, complexity, edge cases, a trace)
// must leave at least one trace in what the candidate said. A cue word
// counts only in a context that makes it that phase: "zero" is an edge
// case in "if k is zero", not in "index zero"; "but" is a trade-off after
// "simple" ("simple but slow"), not in "but then".

// Tool mentions need a reason this close (in words) to count as justified.
const toolReasonWindow = 12

// phaseRule is one phase a round's answer must show, and the finding when
// it does not.
type phaseRule struct {
	round Round
	code  string
	cue   cue
	// ctx keeps only the cue hits whose surroundings make them this
	// phase; nil keeps every hit.
	ctx func(a *analyzer, h hit) bool
	// extra finds evidence the lexicon cannot: numbers of load, O( )
	// tokens, questions put to the interviewer.
	extra               func(a *analyzer) bool
	sev                 Severity
	message, suggestion string
}

var phaseRules = []phaseRule{
	{SystemDesign, "no_requirements", cueRequirements, nil, nil, High,
		"You went straight to the design without pinning down what it must do: no functional or non-functional requirements were stated.",
		"Start by listing two or three core features and the non-functional needs (latency, availability, consistency), and confirm them with the interviewer."},
	{SystemDesign, "no_scale_estimates", cueScale, scaleContext, (*analyzer).hasLoadNumber, High,
		"There are no numbers for scale: no users, requests per second or storage, so the design choices cannot be checked against load.",
		"Do a quick back-of-the-envelope: daily users, peak requests per second, data per day and over five years. Round numbers are fine."},
	{SystemDesign, "no_data_model", cueDataModel, nil, (*analyzer).hasCallShape, Medium,
		"You never say what is stored or how clients call the system: no schema, keys or API.",
		"Sketch the main entities with their keys and the two or three API calls (method, path, request and response)."},
	{SystemDesign, "no_failure_handling", cueFailure, nil, nil, High,
		"Nothing is said about what happens when a part fails or becomes the bottleneck.",
		"Walk through the failure of each component (a node, a zone, the database) and the hottest path under peak load; say how you detect and survive it."},
	{SystemDesign, "no_tradeoffs", cueTradeoff, tradeoffContext, nil, Medium,
		"Every choice is presented as the only option; a reviewer wants to hear what you gave up.",
		"For the two biggest choices, name the alternative and why you did not pick it (\"SQL instead of a key-value store because…, at the cost of…\")."},
	{SystemDesign, "no_observability", cueObservability, nil, nil, Low,
		"You do not say how you would know the system is healthy: no metrics, alarms or dashboards.",
		"Name the few metrics you would alarm on (p99 latency, error rate, queue depth) and the SLO they protect."},

	{Coding, "no_clarifying", cueClarify, nil, (*analyzer).asksQuestion, High,
		"You started solving without checking the input: size, ranges, duplicates, empty input, what to return.",
		"Ask two or three questions first (\"Can the array be empty? Are values negative? Sorted?\") and state your assumptions out loud."},
	{Coding, "no_brute_force", cueBruteForce, bruteForceContext, nil, Low,
		"You jumped to one approach without first giving the simple correct one.",
		"Say the brute-force solution and its cost in one sentence, then improve on it; it shows you can always produce something that works."},
	{Coding, "no_complexity", cueComplexity, complexityContext, (*analyzer).hasBigO, High,
		"You never state the time or space complexity of your solution.",
		"Give time and space in big-O for the brute force and the final approach, and say what dominates."},
	{Coding, "no_edge_cases", cueEdgeCase, edgeCaseContext, nil, Medium,
		"No edge cases are mentioned: empty input, one element, duplicates, negative numbers, overflow.",
		"List the edge cases before coding and check each against your solution at the end."},
	{Coding, "no_walkthrough", cueWalkthrough, walkthroughContext, nil, Medium,
		"You do not walk through an example, so neither you nor the interviewer has checked the idea works.",
		"Trace a small input step by step (\"with [2, 7, 11], i is 0…\") before and after you write the code."},
}

// Confidence of a missing-phase finding: no cue at all is clear; cues that
// were there but out of context leave room for a reading we missed.
const (
	phaseConfNone  = 0.9
	phaseConfOnlyC = 0.6
)

// phaseRulesFor judges every phase of the answer's round.
func (a *analyzer) phaseRulesFor(round Round) {
	if a.nWords < minWordsContent {
		return
	}
	for i := range phaseRules {
		r := &phaseRules[i]
		if r.round != round {
			continue
		}
		found, raw := a.phaseFound(r)
		if found {
			continue
		}
		conf := phaseConfNone
		if raw > 0 {
			conf = phaseConfOnlyC
		}
		a.addc(r.code, r.sev, conf, r.message, r.suggestion)
	}
	if round == SystemDesign {
		a.toolDropping()
	}
}

// phaseFound reports whether the answer shows the phase, and how many cue
// hits there were before context was applied.
func (a *analyzer) phaseFound(r *phaseRule) (bool, int) {
	raw := 0
	for _, h := range a.hits {
		if h.cue != r.cue {
			continue
		}
		raw++
		if r.ctx == nil || r.ctx(a, h) {
			return true, raw
		}
	}
	return r.extra != nil && r.extra(a), raw
}

// near reports whether any token in [w0, w1) (clipped) is one of words.
func (a *analyzer) near(w0, w1 int, words map[string]bool) bool {
	for i := max(w0, 0); i < min(w1, len(a.toks)); i++ {
		if words[a.toks[i].norm] {
			return true
		}
	}
	return false
}

var (
	// Load nouns: what a scale estimate counts.
	loadNouns = setOf("users user requests request writes reads events messages urls links queries rows records orders transactions uploads files photos images videos posts tweets clicks impressions items keys devices notes documents objects calls jobs tasks sessions connections subscribers followers merchants riders drivers sellers buyers accounts streams searches lookups redirects notifications emails payments")
	// Words that make "per second", "a day" a rate of load.
	scaleWords = setOf("qps rps tps dau mau peak estimate estimates estimated ballpark roughly about around")
)

// scaleContext keeps estimate words and rates; a bare "a day" or "gb"
// needs a number or an estimate word in its sentence ("forty writes a
// second", "about 3 TB").
func scaleContext(a *analyzer, h hit) bool {
	w0 := int(h.w0)
	switch a.toks[w0].norm {
	case "a", "per":
		// A rate of load: "forty writes a second", "400 at peak per
		// second"; not a time ("lags by a second or two").
		if a.near(w0-3, w0, loadNouns) {
			return true
		}
		for _, n := range a.nums {
			if n.w1 <= w0 && n.w1 >= w0-3 && n.kind != unitDuration {
				return true
			}
		}
		return false
	case "tb", "gb", "pb", "terabytes", "gigabytes", "petabytes":
		for _, n := range a.nums {
			if n.w1 >= w0-1 && n.w0 <= w0 {
				return true
			}
		}
		return a.near(w0-3, w0, scaleWords)
	}
	return true
}

// hasLoadNumber reports a number of load: a count of users, requests or
// data, or a rate. Latencies, percentages and status codes are not load
// ("under 50 ms", "429", "ten percent of users" as a rule).
func (a *analyzer) hasLoadNumber() bool {
	for _, n := range a.nums {
		switch {
		case n.unit == "GB" || n.unit == "TB" || n.unit == "PB":
			return true
		case containsByte(n.unit, '/') && n.unit[0] != '%' && n.unit[0] != 'm':
			return true // "writes/s", "requests/d"; not "ms/s"
		case loadNouns[n.unit] && n.value >= 10:
			return true
		case n.value >= 1000 && n.kind != unitDuration && n.unit != "$" && n.unit != "%":
			// "2 million people", "50,000 seats": a large count of things.
			return true
		}
		// "100 million new urls", "a few hundred thousand seat requests":
		// the noun may sit a few words on.
		if n.value >= 100 && a.near(n.w1, n.w1+3, loadNouns) {
			return true
		}
	}
	return false
}

// pastParticiple guesses a verb form in -ed ("replicated", "split" is
// missed, which only costs a trade-off reading).
func pastParticiple(w string) bool {
	return len(w) > 4 && w[len(w)-2:] == "ed"
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

var (
	// Evaluative words that make "X but Y" weigh two sides.
	evaluative = setOf("simple simpler simplest easy easier easiest fast faster fastest slow slower cheap cheaper expensive costly exact accurate safe safer flexible rigid complex complicated good better best fine nice stateless scalable consistent available durable reliable robust lighter heavier smaller bigger quick")
	copulas    = setOf("is are it's that's was were")
	// Words that tie a decision to a reason.
	reasonWords = setOf("because since cause given")
)

// tradeoffContext keeps explicit trade-off words; "but" only after an
// evaluative word ("simple but slow"); a decision ("I'd go with",
// "instead of") only with its reason close by.
func tradeoffContext(a *analyzer, h hit) bool {
	w0, w1 := int(h.w0), int(h.w1)
	switch a.toks[w0].norm {
	case "but":
		// "simple but slow", "X is compact but predictable": a copula
		// and an adjective before "but" weigh two sides.
		return a.near(w0-4, w0, evaluative) || a.near(w0-3, w0-1, copulas)
	case "instead", "i'd", "i", "i'll", "we'd":
		return a.near(w1, w1+15, reasonWords) || a.near(w0-12, w0, reasonWords)
	case "two", "three", "one", "another", "the":
		// "replicated three ways" counts copies, not options.
		return !pastParticiple(tokAt(a.toks, w0-1).norm)
	}
	return true
}

// Words that make "check every", "try all" an approach rather than a
// step of one ("bounds-check every neighbour").
var approachWords = setOf("approach way solution version slow slower quadratic squared cubic exponential naive simple simplest correct works baseline o factorial")

// bruteForceContext keeps named brute force; "check every", "try all"
// only when spoken of as an approach with its cost.
func bruteForceContext(a *analyzer, h hit) bool {
	w0, w1 := int(h.w0), int(h.w1)
	switch a.toks[w0].norm {
	case "check", "try", "generate", "enumerate":
		return a.near(w0-6, w0, approachWords) || a.near(w1, w1+12, approachWords)
	}
	return true
}

// traceWords follow a concrete input when it is traced: "left is at A",
// "the heap becomes two three", "that returns false".
var traceWords = setOf("becomes become moves move meet meets returns return gives give pops pop pushes push points finds gets is at then")

// walkthroughContext keeps trace phrases; "for example", "say
// we have", "suppose" only with a concrete input that is then traced
// ("for example \"A man, a plan\": left is at A…"), not "for example
// this is like the classic problem".
func walkthroughContext(a *analyzer, h hit) bool {
	w0, w1 := int(h.w0), int(h.w1)
	switch a.toks[w0].norm {
	case "for", "say", "suppose", "example":
		concrete := false
		for i := w1; i < min(w1+10, len(a.toks)); i++ {
			raw := a.text[a.toks[i].b0:a.toks[i].b1]
			if isDigitToken(a.toks[i]) || a.toks[i].has(classNumberStart) && a.toks[i].norm != "a" && a.toks[i].norm != "an" ||
				strings.ContainsAny(raw, "\"[“'") {
				concrete = true
				break
			}
		}
		return concrete && a.near(w1, w1+25, traceWords)
	}
	return true
}

// complexityContext keeps "time is" and "space is" only when a bound
// follows ("time is o of n", "space is linear").
func complexityContext(a *analyzer, h hit) bool {
	switch a.toks[h.w0].norm {
	case "time", "space":
		n := tokAt(a.toks, int(h.w1)).norm
		return n == "o" || len(n) > 1 && n[0] == 'o' && n[1] == '(' || n == "linear" || n == "constant" || n == "quadratic" || n == "logarithmic" || n == "amortized" || n == "n" || n == "big"
	}
	return true
}

// hasCallShape finds an API call written out: "get(key)", "put(key,".
func (a *analyzer) hasCallShape() bool {
	for i := range a.toks {
		r := a.toks[i].norm
		if k := strings.IndexByte(r, '('); k > 1 && !(r[0] == 'o' && k == 1) {
			return true
		}
	}
	return false
}

// hasBigO finds "O(n)" written as one token.
func (a *analyzer) hasBigO() bool {
	for i := range a.toks {
		if r := a.toks[i].norm; len(r) > 2 && r[0] == 'o' && r[1] == '(' {
			return true
		}
	}
	return false
}

var (
	// Words that frame an edge-case word as a case to handle: "if the
	// list is empty", "what about duplicates", "handle negative numbers".
	edgeFrames = setOf("if when whether what about handle handles handling handled case cases check checks guard special careful watch worry where unless otherwise")
	// Words that name a case by itself only with a frame or an input noun.
	edgeNeedsFrame = setOf("empty null nil none zero negative negatives duplicates duplicate invalid malformed truncated missing late itself larger bigger greater more boundary boundaries")
	// Input nouns an edge word may qualify: "an empty array", "negative numbers".
	inputNouns = setOf("input inputs array arrays list lists string strings tree trees graph graphs grid matrix word words node nodes numbers values value element elements line lines key keys event events pairs interval intervals matrix row rows entries")
)

// edgeCaseContext keeps named cases ("edge case", "off by one",
// "overflow") and a value word only where it is a case to handle.
func edgeCaseContext(a *analyzer, h hit) bool {
	w0, w1 := int(h.w0), int(h.w1)
	if !edgeNeedsFrame[a.toks[w0].norm] {
		return true
	}
	// The case must be about the input: "if the array is empty", "what
	// about duplicates", "if k is zero"; not "if the map has none".
	for f := w0 - 1; f >= 0 && f >= w0-6; f-- {
		if a.toks[f].end {
			break
		}
		if !edgeFrames[a.toks[f].norm] {
			continue
		}
		if w0-f <= 2 || a.inputBetween(f+1, w0) || a.near(w1, w1+2, inputNouns) {
			return true
		}
	}
	// "an empty list returns…", "duplicate keys overwrite": a case as the
	// subject of what the code does.
	return a.near(w1, w1+2, inputNouns) && a.near(w0-3, w0, caseDeterminers)
}

// inputBetween reports an input noun or a one-letter variable ("k", "n")
// in tokens [w0, w1).
func (a *analyzer) inputBetween(w0, w1 int) bool {
	for i := max(w0, 0); i < min(w1, len(a.toks)); i++ {
		w := a.toks[i].norm
		if inputNouns[w] || len(w) == 1 && w != "a" && w != "i" {
			return true
		}
	}
	return false
}

// Interrogative openings: an auxiliary and a subject at the start of a
// clause ("is the array sorted", "can events arrive late", "do you want
// the cycle"), as a recognizer writes a question without its mark.
var (
	auxWords  = setOf("is are can could does do should will would may must")
	subjWords = setOf("the it i we you there they a an this these those all each every k n m its input array list output")
	// clauseOpeners may come between a clause start and its question.
	clauseOpeners = setOf("and or so um uh okay also first then like")
)

// asksQuestion finds a question put to the interviewer: a typed sentence
// ending in "?" or an interrogative clause opening, in the first half of
// the answer (later questions are mostly rhetorical: "does it work?").
func (a *analyzer) asksQuestion() bool {
	half := len(a.toks)/2 + 1
	if a.punctuated && a.typedQuestion(half) {
		return true
	}
	for i := 0; i < half && i+1 < len(a.toks); i++ {
		if !auxWords[a.toks[i].norm] || !subjWords[a.toks[i+1].norm] && !inputNouns[a.toks[i+1].norm] {
			continue
		}
		// At a clause start: after a sentence end, a comma, or an opener.
		// A filled pause marks a clause start in a bare transcript.
		k, paused := i-1, false
		for k >= 0 && clauseOpeners[a.toks[k].norm] && !a.toks[k].end && !a.toks[k].comma {
			paused = paused || a.toks[k].has(classFilledPause)
			k--
		}
		boundary := k < 0 || paused || a.toks[k].end || a.toks[k].comma || a.toks[k].norm == "questions" || a.toks[k].norm == "question"
		// Without punctuation, an inverted auxiliary after a word that
		// cannot be its subject starts a question: "before i start are
		// the times integers", not "the values are the keys".
		if !boundary && !a.punctuated && a.toks[i].norm != "is" && !subjectLike(a.toks[k].norm) {
			boundary = true
		}
		if boundary {
			// "it is" or "there are" after a full stop is a statement; a
			// typed question also ends in "?".
			if a.questionMarkAfter(i) || a.typedWithoutMarks() {
				return true
			}
		}
	}
	return false
}

// typedQuestion finds, before token limit, a typed sentence that opens
// with an auxiliary or a question word and ends in "?": "Should get and
// put both be O(1)?", "What should it return for a missing key?".
func (a *analyzer) typedQuestion(limit int) bool {
	start := 0
	for i := 0; i < limit && i < len(a.toks); i++ {
		if !a.toks[i].end {
			continue
		}
		k := start
		for k < i && clauseOpeners[a.toks[k].norm] {
			k++
		}
		w := a.toks[k].norm
		if (auxWords[w] || whWords[w]) && a.questionMarkAfter(i) {
			return true
		}
		start = i + 1
	}
	return false
}

var whWords = setOf("what what's which how how's when where who whose why")

// subjectLike reports a word that can be the subject of the auxiliary
// after it: a pronoun, a relative word or a plural noun.
func subjectLike(w string) bool {
	switch w {
	case "i", "we", "you", "they", "it", "there", "these", "those", "this", "that", "which", "who", "what", "he", "she", "here",
		// After a modal or "to", "do" and "be" are main verbs: "I will do a
		// recursive check".
		"will", "would", "can", "could", "should", "must", "might", "may", "to", "i'll", "we'll", "don't", "didn't", "let's":
		return true
	}
	return len(w) > 3 && w[len(w)-1] == 's'
}

// questionMarkAfter reports whether the sentence holding token i ends with
// a question mark.
func (a *analyzer) questionMarkAfter(i int) bool {
	for k := i; k < len(a.toks) && k < i+40; k++ {
		if a.toks[k].end {
			raw := a.text[a.toks[k].b0:a.toks[k].b1]
			return len(raw) > 0 && containsByte(raw, '?')
		}
	}
	return false
}

// typedWithoutMarks reports an unpunctuated transcript, where a question
// cannot carry its mark.
func (a *analyzer) typedWithoutMarks() bool { return !a.punctuated }

// toolDropping flags technologies named without a reason tied to a need.
func (a *analyzer) toolDropping() {
	var ev [4]Span
	bare, reasoned := 0, 0
	firstBare := -1
	for _, h := range a.hits {
		if h.cue != cueTool {
			continue
		}
		ok := false
		for _, r := range a.hits {
			if (r.cue == cueReason || r.cue == cueRequirements || r.cue == cueTradeoff && tradeoffContext(a, r)) &&
				int(r.w0) >= int(h.w0)-toolReasonWindow && int(r.w0) <= int(h.w1)+toolReasonWindow {
				ok = true
				break
			}
		}
		if ok {
			reasoned++
			continue
		}
		if bare < len(ev) {
			ev[bare] = a.span(int(h.w0), int(h.w1))
		}
		if firstBare < 0 {
			firstBare = int(h.w0)
		}
		bare++
	}
	if bare < 2 || bare <= reasoned {
		return
	}
	a.add("tool_dropping", Medium,
		"You name technologies like \""+a.quote(firstBare, firstBare+1, 2)+"\" without saying which requirement makes them the right choice.",
		"Tie each component to a need: \"Kafka, because we must replay events after a consumer outage\"; drop the ones you cannot justify.",
		ev[:min(bare, len(ev))]...)
}

// Word sets used by the rules above, built once.
var (
	// caseDeterminers introduce a case as a noun phrase: "an empty list".
	caseDeterminers = setOf("an a the with for on")
)
