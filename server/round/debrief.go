package round

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
)

// Debrief scoring. These weights are mockloop's own heuristic, not Amazon's:
// a high-severity finding is a gap a Bar Raiser would write down, a low
// one a delivery habit.
const (
	weightHigh   = 25
	weightMedium = 12
	weightLow    = 5
	// principleEvidence is the analyzer score from which an answer counts
	// as evidence for a principle it was not asked about.
	principleEvidence = 0.5
	// coveredScore is the answer score from which an answer counts as
	// evidence for the principle its question targeted.
	coveredScore = 60
	quoteRunes   = 160
	practiseN    = 3
)

func severityWeight(s analysis.Severity) int {
	switch s {
	case analysis.High:
		return weightHigh
	case analysis.Medium:
		return weightMedium
	case analysis.Low:
		return weightLow
	}
	return 0
}

// answer is one scored candidate answer.
type answer struct {
	seq       int
	question  int    // QuestionIdx
	principle string // of the question it answered
	rep       analysis.Report
	score     int // 0..100
	// evidence is false for an answer to a follow-up that missed what the
	// follow-up asked for, or talked about something else: it is never
	// quoted as evidence.
	evidence bool
	resolved []mockloop.Resolution
	// asked is the follow-up this answered, "" for a main answer.
	asked string
}

// Score rates one answer from 0 to 100 by the severity of its findings.
func Score(rep analysis.Report) int {
	score := 100
	for _, f := range rep.Findings {
		score -= severityWeight(f.Severity)
	}
	return max(0, score)
}

// Debrief summarises a finished round from its turns: the Leadership
// Principles the answers gave evidence for, the strongest and weakest
// answers (turn seq, -1 when there were no answers), three things to
// practise next, and reasons the analyzer can back (what was missing
// across questions, what follow-ups resolved or did not get). It gives no
// hire signal: nothing here is calibrated against real hiring decisions,
// so Signal is always "". It is a pure function of its inputs.
//
// The turns' reports are the question-level ones the session stores
// (phases covered elsewhere in the question are not faults there), and a
// finding in a turn's Resolved list was supplied by a later answer to the
// same question, so it is not counted.
func Debrief(r mockloop.Round, turns []mockloop.Turn) mockloop.Debrief {
	turns = slices.Clone(turns)
	slices.SortStableFunc(turns, func(a, b mockloop.Turn) int { return cmp.Compare(a.Seq, b.Seq) })
	var answers []answer
	// asked and unanswered count main questions (and design or coding
	// phases) with no answer before the next one.
	asked, unanswered, pending := 0, 0, false
	principle := ""
	var lastKind mockloop.TurnKind
	lastText := ""
	for _, t := range turns {
		if t.Role == mockloop.RoleInterviewer {
			lastKind, lastText = t.Kind, t.Text
			if t.Kind == mockloop.TurnQuestion {
				if pending {
					unanswered++
				}
				asked++
				pending = true
				principle = t.Principle
			}
			continue
		}
		if t.Report == nil {
			continue
		}
		pending = false
		p := t.Principle
		if p == "" {
			p = principle
		}
		r := *t.Report
		a := answer{seq: t.Seq, question: t.QuestionIdx, principle: p, evidence: true, resolved: t.Resolved}
		if lastKind == mockloop.TurnProbe || lastKind == mockloop.TurnCutIn {
			r.Findings = forFollowUp(r.Findings)
			a.asked = lastText
		}
		// A finding a later answer resolved, or one the analyzer is unsure
		// of (the page asks it as a question), is not a fault here either.
		r.Findings = slices.DeleteFunc(slices.Clone(r.Findings), func(f analysis.Finding) bool {
			return f.Doubtful() || slices.ContainsFunc(t.Resolved, func(res mockloop.Resolution) bool { return res.Code == f.Code })
		})
		a.evidence = !r.Has(analysis.CodeProbeNotAnswered)
		a.rep, a.score = r, Score(r)
		answers = append(answers, a)
	}
	d := mockloop.Debrief{Strongest: -1, Weakest: -1}
	if len(answers) > 0 {
		// Ties go to the earlier answer.
		best, worst := answers[0], answers[0]
		for _, a := range answers[1:] {
			if a.score > best.score {
				best = a
			}
			if a.score < worst.score {
				worst = a
			}
		}
		d.Strongest, d.Weakest = best.seq, worst.seq
	}
	d.Principles = evidence(answers)
	d.Practise = practise(r.Kind, answers, d.Principles)
	if pending {
		unanswered++
	}
	d.Reasons = reasons(r.Kind, answers, asked, unanswered)
	return d
}

// evidence picks, for each principle, the answer that shows it best, in
// Amazon's order of the principles.
func evidence(answers []answer) []mockloop.PrincipleEvidence {
	type best struct {
		ev       mockloop.PrincipleEvidence
		strength float64
	}
	found := map[string]best{}
	offer := func(p string, seq int, quote string, strength float64) {
		name, ok := prompts.CanonicalPrinciple(p)
		if !ok || quote == "" {
			return
		}
		if b, ok := found[name]; ok && b.strength >= strength {
			return
		}
		found[name] = best{mockloop.PrincipleEvidence{Principle: name, TurnSeq: seq, Quote: quote}, strength}
	}
	for _, a := range answers {
		if !a.evidence {
			continue
		}
		quality := float64(a.score) / 100
		for _, p := range a.rep.Metrics.Principles {
			if p.Score < principleEvidence {
				continue
			}
			q := excerpt(a.rep.Text)
			if len(p.Evidence) > 0 {
				q = spanText(a.rep.Text, p.Evidence[0])
			}
			offer(p.Name, a.seq, q, p.Score*quality)
		}
		// Answering the question for a principle well is evidence for it,
		// though weaker than the analyzer hearing it in the words.
		if a.score >= coveredScore {
			offer(a.principle, a.seq, excerpt(a.rep.Text), 0.5*quality)
		}
	}
	var out []mockloop.PrincipleEvidence
	for _, p := range prompts.Principles() {
		if b, ok := found[p]; ok {
			out = append(out, b.ev)
		}
	}
	if out == nil {
		out = []mockloop.PrincipleEvidence{}
	}
	return out
}

// spanText returns the text of a span, whose offsets are code points.
func spanText(text string, sp analysis.Span) string {
	rs := []rune(text)
	start, end := max(0, sp.Start), min(len(rs), sp.End)
	if start >= end {
		return excerpt(text)
	}
	return excerpt(string(rs[start:end]))
}

// excerpt shortens text to about quoteRunes, cutting at a word boundary.
func excerpt(text string) string {
	text = strings.Join(strings.Fields(text), " ")
	rs := []rune(text)
	if len(rs) <= quoteRunes {
		return text
	}
	cut := string(rs[:quoteRunes])
	if i := strings.LastIndexByte(cut, ' '); i > quoteRunes/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, ",;:") + "…"
}

// advice says concretely what to practise for a finding code drawn on an
// answer judged as round r.
func advice(code string, r analysis.Round) string {
	switch code {
	case "missing_metric":
		return "End every story with a number: the metric you moved, from what to what, and how you measured it."
	case "weak_ownership":
		return "Say \"I\" for your own actions: for each story, write down the three decisions you personally made."
	case "missing_result":
		return "Finish each answer with the result and what happened next, in one or two sentences."
	case "missing_action":
		return "Spend most of each answer on the steps you took yourself, in order."
	case "missing_context":
		return "Open with one or two sentences of context: the team, the system and what was at stake."
	case "unbalanced_star":
		return "Cut the background to two sentences and give most of the answer to what you did and why."
	case "rambling", "over_time":
		return "Keep a main answer to about two minutes: rehearse each story against a timer and cut the background."
	case "vague_claims":
		return "Replace every general claim (\"it got much better\") with which metric changed, from what to what, for whom."
	case "too_short":
		// What a whole answer holds depends on the round: a story, a
		// design's phases, a solution's approach, cost and tests.
		switch r {
		case analysis.SystemDesign:
			return "Take each design through its phases before you stop: requirements and scale, the main components and data, then failures, trade-offs and how you would watch it."
		case analysis.Coding:
			return "Give each coding answer its approach, its time and space complexity, and the tests and edge cases you would run before you stop."
		}
		return "Give each answer its situation, your actions and a measured result before you stop."
	case "hedging":
		return "State decisions and results plainly; drop \"I think\" and \"kind of\" where you know the facts."
	case "narrow_scope":
		return "For each story, say who beyond your team benefited: teams that adopted it, a mechanism others reuse, the org-wide change."
	case "no_tradeoffs":
		return "For each key decision, name the alternative you rejected and why."
	case "tool_dropping":
		return "Tie every technology you name to the requirement that makes it the right choice."
	case "no_requirements":
		return "Open every design by listing functional and non-functional requirements before drawing any components."
	case "no_scale_estimates":
		return "Estimate the scale early, out loud: requests per second, data size and growth."
	case "no_failure_handling":
		return "For each component, say what happens when it fails and how the system recovers: timeouts, retries, idempotency, fallbacks."
	case "no_data_model":
		return "Sketch the data model and the partition key before choosing a database."
	case "no_observability":
		return "Name the metrics and alarms that would tell you the system is unhealthy before customers do."
	case "no_clarifying":
		return "Ask two or three clarifying questions about the input before you solve a coding problem."
	case "no_brute_force":
		return "Give the simple brute-force solution and its cost in one sentence before optimising."
	case "no_complexity":
		return "Give the time and space complexity in big-O for every solution, without being asked."
	case "no_edge_cases":
		return "List the edge cases (empty input, duplicates, ties, limits) before you call a solution done."
	case "no_walkthrough":
		return "Trace a small example through your solution step by step before you call it done."
	case "no_scope":
		return "Open every design by asking who uses it and what is in and out of scope for the first version."
	case "no_high_level":
		return "Lay out the main components and trace one request through them before going deep on any of them."
	case "no_optimisation":
		return "After the simple solution, say what it wastes and which data structure removes the waste."
	case analysis.CodeProbeNotAnswered:
		return "Answer a follow-up in its first sentence (the number, the result, what you did), then add context."
	case "filler_heavy":
		return "Replace \"um\" and \"like\" with a silent pause: record one answer a day and count them."
	case "long_pauses":
		return "Prepare the outline of each story so you do not stop for long mid-answer; say \"let me think for a moment\" when you need to."
	case "too_fast":
		return "Slow down to about 140 words a minute, with a breath between the parts of the story."
	case "too_slow":
		return "Pick up the pace: know each story's outline well enough to tell it without searching for words."
	}
	return ""
}

// practise returns the three things to work on next: the finding codes
// that cost the most across the round (count times severity), then, if
// the answers left fewer than three, principles with no evidence yet
// (behavioral rounds) or the round's core habits.
func practise(kind mockloop.RoundKind, answers []answer, covered []mockloop.PrincipleEvidence) []string {
	weight := map[string]int{}
	example := map[string]analysis.Finding{}
	round := map[string]analysis.Round{} // of the answer example came from
	seen := map[string]bool{}
	for _, a := range answers {
		for _, f := range a.rep.Findings {
			key := fmt.Sprint(a.question, "/", f.Code)
			if seen[key] {
				continue // one question counts once per code
			}
			seen[key] = true
			weight[f.Code] += max(1, severityWeight(f.Severity))
			if old, ok := example[f.Code]; !ok || severityWeight(f.Severity) > severityWeight(old.Severity) {
				example[f.Code] = f
				round[f.Code] = a.rep.Round
			}
		}
	}
	codes := make([]string, 0, len(weight))
	for c := range weight {
		codes = append(codes, c)
	}
	slices.SortFunc(codes, func(a, b string) int { return cmp.Or(cmp.Compare(weight[b], weight[a]), strings.Compare(a, b)) })
	out := []string{}
	for _, c := range codes {
		if len(out) == practiseN {
			return out
		}
		text := advice(c, round[c])
		if text == "" {
			text = cmp.Or(example[c].Suggestion, example[c].Message)
		}
		if text != "" && !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	for _, text := range fillers(kind, covered) {
		if len(out) == practiseN {
			break
		}
		if !slices.Contains(out, text) {
			out = append(out, text)
		}
	}
	return out
}

func fillers(kind mockloop.RoundKind, covered []mockloop.PrincipleEvidence) []string {
	var out []string
	// The top-ups for design and coding name no phase: a phase the answers
	// covered must not come back as something to practise.
	switch kind {
	case mockloop.KindSystemDesign:
		return []string{
			"Practise another design prompt end to end against a 35-minute timer, saying each phase out loud as you reach it.",
			"For every component you name, have one reason ready for \"why that and not something simpler?\", and what it costs.",
			"Close each design with what you would build first and what could wait for the second version.",
		}
	case mockloop.KindCoding:
		return []string{
			"Practise another problem end to end against a 30-minute timer: clarify, simple solution, improvement, cost, edge cases, test.",
			"Say why each data structure you pick is the right one for the problem, and what it costs in memory.",
			"Before you call a solution done, run it by hand on the smallest input that could break it.",
		}
	}
	for _, p := range prompts.Principles() {
		if !slices.ContainsFunc(covered, func(e mockloop.PrincipleEvidence) bool { return e.Principle == p }) {
			out = append(out, fmt.Sprintf("Prepare a story that shows %s, with your own actions and a measured result.", p))
		}
	}
	return out
}

// reasons says what the analyzer can back about the round as a whole:
// how much was answered, the gap found in most questions, what follow-ups
// resolved, and which follow-ups went unanswered. Each gap counts once per
// question, after what later answers resolved.
func reasons(kind mockloop.RoundKind, answers []answer, asked, unanswered int) []string {
	if len(answers) == 0 {
		return []string{"No answers were given, so there is nothing to judge."}
	}
	questions := map[int]bool{}
	gaps := map[string]map[int]bool{}
	wide := false
	for _, a := range answers {
		questions[a.question] = true
		for _, f := range a.rep.Findings {
			if f.Severity != analysis.High && f.Severity != analysis.Medium || f.Code == analysis.CodeProbeNotAnswered || delivery(f.Code) {
				continue
			}
			if gaps[f.Code] == nil {
				gaps[f.Code] = map[int]bool{}
			}
			gaps[f.Code][a.question] = true
		}
		if a.rep.Metrics.Scope == "multi_team" || a.rep.Metrics.Scope == "org" {
			wide = true
		}
	}
	out := []string{fmt.Sprintf("%d answers to %d questions.", len(answers), len(questions))}
	top := ""
	for c, qs := range gaps {
		if top == "" || len(qs) > len(gaps[top]) || len(qs) == len(gaps[top]) && c < top {
			top = c
		}
	}
	if top != "" {
		out = append(out, fmt.Sprintf("The gap found in most questions: %s (%d of %d).", humanCode(top), len(gaps[top]), len(questions)))
	}
	var fixed []string
	for _, a := range answers {
		for _, r := range a.resolved {
			fixed = append(fixed, fmt.Sprintf("%s (question %d)", humanCode(r.Code), a.question+1))
		}
	}
	if len(fixed) > 0 {
		out = append(out, "Supplied when a follow-up asked: "+strings.Join(fixed, ", ")+".")
	}
	var missed []string
	for _, a := range answers {
		if !a.evidence {
			missed = append(missed, fmt.Sprintf("“%s” (question %d, turn %d)", excerpt(stripLead(a.asked)), a.question+1, a.seq))
		}
	}
	if len(missed) > 0 {
		out = append(out, fmt.Sprintf("%d follow-up answers were not answered or were off the question, so they count as no evidence: %s.",
			len(missed), strings.Join(missed, "; ")))
	}
	if unanswered > 0 {
		out = append(out, fmt.Sprintf("%d of %d questions had no answer.", unanswered, asked))
	}
	if kind == mockloop.KindBarRaiser && !wide {
		out = append(out, "No answer showed impact beyond the candidate's own team.")
	}
	return out
}

// delivery reports whether a finding is about how the answer was said
// rather than what it said; the reasons are about content.
func delivery(code string) bool {
	switch code {
	case "filler_heavy", "long_pauses", "too_fast", "too_slow", "over_time", "hedging", "rambling":
		return true
	}
	return false
}

func humanCode(code string) string { return strings.ReplaceAll(code, "_", " ") }

// stripLead drops the acknowledgement before a follow-up ("Thanks. How…").
func stripLead(text string) string {
	for _, lead := range slices.Concat(acks(), retries()) {
		if lead != "" {
			text = strings.TrimPrefix(text, lead)
		}
	}
	return text
}
