package analysis

// System design and coding talk-through rules. Each phase of the usual
// flow (clarify scope, estimate scale, requirements, components, data
// model and APIs, bottlenecks and failures, trade-offs, observability)
// must leave at least one trace in what the candidate said.

// Tool mentions need a reason this close (in words) to count as justified.
const toolReasonWindow = 12

func (a *analyzer) designRules() {
	if a.nWords < minWordsContent {
		return
	}
	if a.cueN[cueRequirements] == 0 {
		a.add("no_requirements", High,
			"You went straight to the design without pinning down what it must do: no functional or non-functional requirements were stated.",
			"Start by listing two or three core features and the non-functional needs (latency, availability, consistency), and confirm them with the interviewer.")
	}
	scaleNums := 0
	for _, n := range a.nums {
		if n.kind == unitImpact || n.value >= 1000 {
			scaleNums++
		}
	}
	if a.cueN[cueScale] == 0 && scaleNums == 0 {
		a.add("no_scale_estimates", High,
			"There are no numbers for scale: no users, requests per second or storage, so the design choices cannot be checked against load.",
			"Do a quick back-of-the-envelope: daily users, peak requests per second, data per day and over five years. Round numbers are fine.")
	}
	if a.cueN[cueDataModel] == 0 {
		a.add("no_data_model", Medium,
			"You never say what is stored or how clients call the system: no schema, keys or API.",
			"Sketch the main entities with their keys and the two or three API calls (method, path, request and response).")
	}
	if a.cueN[cueFailure] == 0 {
		a.add("no_failure_handling", High,
			"Nothing is said about what happens when a part fails or becomes the bottleneck.",
			"Walk through the failure of each component (a node, a zone, the database) and the hottest path under peak load; say how you detect and survive it.")
	}
	if a.cueN[cueTradeoff] == 0 {
		a.add("no_tradeoffs", Medium,
			"Every choice is presented as the only option; a reviewer wants to hear what you gave up.",
			"For the two biggest choices, name the alternative and why you did not pick it (\"SQL instead of a key-value store because…, at the cost of…\").")
	}
	if a.cueN[cueObservability] == 0 {
		a.add("no_observability", Low,
			"You do not say how you would know the system is healthy: no metrics, alarms or dashboards.",
			"Name the few metrics you would alarm on (p99 latency, error rate, queue depth) and the SLO they protect.")
	}
	a.toolDropping()
}

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
			if (r.cue == cueReason || r.cue == cueRequirements || r.cue == cueTradeoff) &&
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

func (a *analyzer) codingRules() {
	if a.nWords < minWordsContent {
		return
	}
	complexity := a.cueN[cueComplexity]
	for i := range a.toks {
		if r := a.toks[i].norm; len(r) > 2 && r[0] == 'o' && r[1] == '(' {
			complexity++
		}
	}
	if a.cueN[cueClarify] == 0 {
		a.add("no_clarifying", High,
			"You started solving without checking the input: size, ranges, duplicates, empty input, what to return.",
			"Ask two or three questions first (\"Can the array be empty? Are values negative? Sorted?\") and state your assumptions out loud.")
	}
	if a.cueN[cueBruteForce] == 0 {
		a.add("no_brute_force", Low,
			"You jumped to one approach without first giving the simple correct one.",
			"Say the brute-force solution and its cost in one sentence, then improve on it; it shows you can always produce something that works.")
	}
	if complexity == 0 {
		a.add("no_complexity", High,
			"You never state the time or space complexity of your solution.",
			"Give time and space in big-O for the brute force and the final approach, and say what dominates.")
	}
	if a.cueN[cueEdgeCase] == 0 {
		a.add("no_edge_cases", Medium,
			"No edge cases are mentioned: empty input, one element, duplicates, negative numbers, overflow.",
			"List the edge cases before coding and check each against your solution at the end.")
	}
	if a.cueN[cueWalkthrough] == 0 {
		a.add("no_walkthrough", Medium,
			"You do not walk through an example, so neither you nor the interviewer has checked the idea works.",
			"Trace a small input step by step (\"with [2, 7, 11], i is 0…\") before and after you write the code.")
	}
}
