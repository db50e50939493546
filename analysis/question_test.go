package analysis

import (
	"slices"
	"strings"
	"testing"
)

// turn is one answer of a scripted conversation: the stage it was given in,
// the follow-up it answers ("" for a main answer) and the text.
type turn struct {
	stage, probe, probeText, text string
}

// ProbeDigInForTest is the round engine's dig-in code, which the analysis
// package does not know: any code without a rule of its own.
const ProbeDigInForTest = "dig_in"

func observeAll(r Round, question string, turns []turn) (QuestionState, []Judgement) {
	q := NewQuestionState(r, question)
	var js []Judgement
	for i, t := range turns {
		rep := Analyze(Input{Round: r, Question: question, Text: t.text, FollowUp: t.probe != ""})
		js = append(js, q.Observe(QuestionAnswer{Turn: i + 1, Report: rep, Stage: t.stage, Probe: t.probe, ProbeText: t.probeText}))
	}
	return q, js
}

func codes(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

const (
	sdNotifyRequirements = "Let me start with requirements. The service sends notifications over email, SMS and push. Users can opt out per channel, " +
		"and delivery is at-least-once with dedup on a message id so nobody gets the same message twice. For scale, about 20 million " +
		"notifications a day, which is roughly 2,000 per second at peak. The send API should answer in under 100 ms and queue the work."
	sdNotifyDesign = "The API writes each request to a Kafka topic partitioned by user id. Channel workers consume it and call the providers. " +
		"A failed send is retried with exponential backoff, and after five attempts it goes to a dead-letter queue. I chose Kafka over SQS " +
		"because we need replay after a consumer outage, at the cost of running the cluster. We monitor queue depth, p99 send latency and " +
		"the error rate per provider, with alarms on each."
	sdCacheRequirements = "Who are the users? I'll assume an internal read-heavy product catalogue. Functional requirements: read an item by id, update " +
		"prices, and invalidate on write. Non-functional: p99 reads under 10 ms, high availability, eventual consistency is fine for " +
		"prices within a second. Scale is around 50 thousand reads per second and 500 writes per second, with 200 GB of hot data."
	sdCacheDesign = "Clients go through a load balancer to stateless API servers, which read from a Redis cluster sharded with consistent hashing, " +
		"and fall back to the Postgres database on a miss. Writes go to Postgres first, then an invalidation event on a Kafka topic that " +
		"cache workers consume. The table is keyed by item id with a version column."
	codeTopKClarify = "Before I start, a few questions. Can k be larger than the number of event types? What should I return on ties? " +
		"Is the stream unbounded, and do we need exact counts or is approximate fine?"
	codeTopKApproach = "The simplest correct approach is a hash map from event type to count, and on each query we sort the counts, which is " +
		"O(n log n) per query. To improve it I would keep a min-heap of size k next to the map, so a query is O(k) per call and an update " +
		"is O(log k). For example with events a, b, a and k of one, the heap holds a with count two."
	codeIntervalsAll = "Can intervals be empty, and are they sorted? I'll assume not sorted. Brute force compares every pair, which is O(n^2). " +
		"Better: sort by start, then sweep once merging overlaps, O(n log n) time and O(n) space. Edge cases: an empty list, one interval, " +
		"touching ends like [1,2] and [2,3]. For example [1,3],[2,6],[8,10] gives [1,6],[8,10]."
	bhvMain = "I led the migration of our checkout service to a new payment provider. We had two months. I cut scope to the three card " +
		"types that covered most traffic and I convinced the finance team to delay the wallet support. We shipped on time and the " +
		"checkout failures dropped."
	bhvMetric  = "We measured the checkout failure rate on the payments dashboard. It went from 2.1 percent to 0.4 percent in the first month, and refunds fell by 30 percent."
	bhvGarbled = "the uh of in the sun and to for when the by a it was going the of a moon the and so we in to by the for a of the."
	bhvWeMain  = "Our team noticed that the nightly billing export kept timing out. We looked into it together and we rewrote the query and we added " +
		"an index on the invoices table. We tested it over a week and the export finished in twelve minutes instead of three hours."
	bhvIAnswer = "I was the one who found the slow query in the export: I profiled it, I wrote the new index migration and I ran the load test myself before the rollout."
)

func TestQuestionStateJudgesAcrossTurns(t *testing.T) {
	tests := []struct {
		name     string
		round    Round
		question string
		turns    []turn
		// never lists codes that must not appear in any judgement after
		// (and including) the turn index given.
		never map[string]int
		// covered lists phases covered by the end.
		covered []string
		// want lists codes that must appear on the given turn index.
		want map[int][]string
	}{
		{
			name:  "a first system design answer giving requirements and scale is not faulted for later phases or length",
			round: SystemDesign, question: "Design a notification service.",
			turns:   []turn{{stage: StageRequirements, text: sdNotifyRequirements}},
			never:   map[string]int{"no_failure_handling": 0, "no_tradeoffs": 0, "no_observability": 0, "too_short": 0, "no_requirements": 0, "no_scale_estimates": 0},
			covered: []string{"scale", "requirements"},
		},
		{
			name:  "the design turn after the requirements is not flagged no_requirements",
			round: SystemDesign, question: "Design a notification service.",
			turns:   []turn{{stage: StageRequirements, text: sdNotifyRequirements}, {stage: StageHighLevel, text: sdNotifyDesign}},
			never:   map[string]int{"no_requirements": 0, "no_scale_estimates": 0, "no_failure_handling": 0, "no_tradeoffs": 0, "no_observability": 0},
			covered: []string{"scale", "requirements", "high_level", "failures", "tradeoffs", "observability"},
		},
		{
			name:  "a cache design covered in two turns reports nothing missing for the phases it gave",
			round: SystemDesign, question: "Design a read-through cache for a product catalogue.",
			turns:   []turn{{stage: StageRequirements, text: sdCacheRequirements}, {stage: StageHighLevel, text: sdCacheDesign}},
			never:   map[string]int{"no_requirements": 0, "no_scale_estimates": 0, "no_data_model": 1, CodeNoScope: 0},
			covered: []string{"clarify", "scale", "requirements", "high_level", "data_model"},
		},
		{
			name:  "a phase missing when it is due is reported once, not on every later turn",
			round: SystemDesign, question: "Design a notification service.",
			turns: []turn{{stage: StageHighLevel, text: sdNotifyDesign}, {stage: StageHighLevel, probe: "vague_claims", probeText: "Which component?", text: sdNotifyDesign + " The workers are stateless."}},
			want:  map[int][]string{0: {"no_requirements"}},
			never: map[string]int{"no_requirements": 1},
		},
		{
			name:  "coding: clarifying questions first, then brute force and an optimisation",
			round: Coding, question: "Return the k most frequent event types.",
			turns:   []turn{{stage: StageClarify, text: codeTopKClarify}, {stage: StageApproach, text: codeTopKApproach}},
			never:   map[string]int{"no_clarifying": 0, "no_brute_force": 0, "no_edge_cases": 0, "no_complexity": 0, "too_short": 0},
			covered: []string{"clarify", "brute_force", "optimise", "complexity", "walkthrough"},
		},
		{
			name: "a trade-off said as a choice over its alternative counts", round: SystemDesign, question: "Design a job queue.",
			turns: []turn{{stage: StageHighLevel, text: "Producers enqueue into Redis lists, one per priority, and workers pull from the highest non-empty one."},
				{stage: StageHighLevel, probe: "no_tradeoffs", probeText: "What alternative did you consider?", text: "I went with Redis lists over Kafka since we need per-job acks and priorities; we lose easy replay."}},
			covered: []string{"tradeoffs"},
		},
		{
			name: "requirements given as a probe answer with a latency target count", round: SystemDesign, question: "Design a key-value store.",
			turns: []turn{{stage: StageRequirements, probe: "no_requirements", probeText: "What are the requirements?",
				text: "It must let a user create and fetch items, and reads should be under 50 ms."}},
			covered: []string{"requirements"},
		},
		{
			name: "a phase answered in reply to another follow-up still counts", round: Coding, question: "Return the first unique character of a stream.",
			turns: []turn{{stage: StageClarify, probe: ProbeDigInForTest, probeText: "You said you'd use a hash map. Why does that work?",
				text: "I guess I'd assume the input fits in memory and has no nulls."}},
			covered: []string{"clarify"},
		},
		{
			name:  "coding: one answer that covers every phase covers them all",
			round: Coding, question: "Merge overlapping intervals.",
			turns:   []turn{{stage: StageClarify, text: codeIntervalsAll}},
			covered: []string{"clarify", "brute_force", "optimise", "complexity", "edge_cases", "walkthrough"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, js := observeAll(tt.round, tt.question, tt.turns)
			for i, j := range js {
				for code, from := range tt.never {
					if i >= from && slices.Contains(codes(j.Findings), code) {
						t.Errorf("turn %d: %s reported (findings %v)", i, code, codes(j.Findings))
					}
				}
				for _, code := range tt.want[i] {
					if !slices.Contains(codes(j.Findings), code) {
						t.Errorf("turn %d: want %s, got %v", i, code, codes(j.Findings))
					}
				}
			}
			for _, p := range tt.covered {
				if !q.IsCovered(p) {
					t.Errorf("phase %s not covered; missing %v", p, q.Missing())
				}
			}
			// Closing never reports a phase that was covered.
			for _, f := range q.Close(true) {
				if q.IsCovered(PhaseOf(tt.round, f.Code)) {
					t.Errorf("close reported covered phase %s", f.Code)
				}
			}
		})
	}
}

func TestCloseReportsWhatIsStillMissingOnce(t *testing.T) {
	q, _ := observeAll(SystemDesign, "Design a notification service.", []turn{{stage: StageRequirements, text: sdNotifyRequirements}})
	first := codes(q.Close(true))
	for _, want := range []string{"no_failure_handling", "no_observability", "no_tradeoffs"} {
		if !slices.Contains(first, want) {
			t.Errorf("close = %v, want %s among them", first, want)
		}
	}
	for _, not := range []string{"no_requirements", "no_scale_estimates"} {
		if slices.Contains(first, not) {
			t.Errorf("close = %v reports covered %s", first, not)
		}
	}
	if again := q.Close(true); len(again) != 0 {
		t.Errorf("second close = %v, want nothing", codes(again))
	}
}

func TestFollowUpAnswersResolveOrMiss(t *testing.T) {
	tests := []struct {
		name         string
		main, answer string
		probe, asked string
		wantResolved []string
		wantAnswered bool
		wantEvidence bool
	}{
		{"a probe answer that adds the metric resolves missing_metric", bhvMain, bhvMetric,
			"missing_metric", "How did you measure the result? What were the numbers before and after?", []string{"missing_metric"}, true, true},
		{"a garbled reply to a metric probe is not an answer and not evidence", bhvMain, bhvGarbled,
			"missing_metric", "How did you measure the result? What were the numbers before and after?", nil, false, false},
		{"an answer full of I resolves weak ownership", bhvWeMain, bhvIAnswer,
			"weak_ownership", "You said we quite a lot there. What did you personally do?", []string{"weak_ownership"}, true, true},
		{"an answer in new words that gives the I is on topic and resolves ownership", bhvWeMain,
			"I personally interviewed the analysts, I drafted the plan and I presented it to my director.",
			"weak_ownership", "What did you personally do?", []string{"weak_ownership"}, true, true},
		{"word salad to a context follow-up resolves nothing", bhvMain, "banana keyboard seventeen the the running of purple in to",
			"missing_context", "What was the situation, and what was at stake?", nil, false, false},
		{"an on-topic answer without a number does not resolve the metric", bhvMain,
			"We checked with the finance team and the payments dashboard after the checkout migration and everyone was happy with it.",
			"missing_metric", "How did you measure the result?", nil, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := NewQuestionState(Behavioral, "Tell me about a time you delivered under a tight deadline.")
			main := Analyze(Input{Round: Behavioral, Text: tt.main})
			mj := q.Observe(QuestionAnswer{Turn: 1, Report: main})
			if tt.wantResolved != nil && !slices.Contains(codes(mj.Findings), tt.wantResolved[0]) {
				t.Fatalf("main answer findings %v lack %s; the scenario tests nothing", codes(mj.Findings), tt.wantResolved[0])
			}
			rep := Analyze(Input{Round: Behavioral, Text: tt.answer, FollowUp: true})
			j := q.Observe(QuestionAnswer{Turn: 3, Report: rep, Probe: tt.probe, ProbeText: tt.asked})
			var got []string
			for _, r := range j.Resolved {
				if r.Turn != 1 || r.By != 3 {
					t.Errorf("resolution %+v, want turn 1 by 3", r)
				}
				got = append(got, r.Code)
			}
			for _, c := range tt.wantResolved {
				if !slices.Contains(got, c) {
					t.Errorf("resolved %v, want %s", got, c)
				}
			}
			if tt.wantResolved == nil && len(got) > 0 {
				t.Errorf("resolved %v, want none", got)
			}
			if j.Answered != tt.wantAnswered || j.Evidence != tt.wantEvidence {
				t.Errorf("answered %v evidence %v, want %v %v", j.Answered, j.Evidence, tt.wantAnswered, tt.wantEvidence)
			}
			if !tt.wantAnswered && !slices.Contains(codes(j.Findings), CodeProbeNotAnswered) {
				t.Errorf("findings %v, want %s", codes(j.Findings), CodeProbeNotAnswered)
			}
			for _, f := range j.Findings {
				// The page states a finding as a fault only from this
				// confidence on; the question-level ones are faults.
				if f.Code == CodeProbeNotAnswered && (f.Confidence < ShownAsQuestion || f.Kind != Content || f.Question == "") {
					t.Errorf("finding %+v is not a sure content finding with a question", f)
				}
			}
		})
	}
}

func TestQuotesTakeTheCandidatesWords(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string // You forms that must be among the quotes
		not        []string
	}{
		{"a technical component with its modifier", sdNotifyDesign, []string{"a dead-letter queue", "you chose Kafka over SQS", "a Kafka topic"}, []string{"the monitor queue"}},
		{"a decision in a story, cut before its adjunct", bhvMain, []string{"you cut scope", "you convinced the finance team"}, nil},
		{"first person becomes second person", "I moved our cron jobs to a scheduler and we dropped my old script.", []string{"you moved your cron jobs"}, nil},
		{"a coding structure", codeTopKApproach, []string{"a hash map", "you would keep a min-heap of size k"}, nil},
		{"garbled speech gives nothing to quote", bhvGarbled, nil, nil},
		{"the alternative turned down is not quoted as a component", "We went with Redis lists over Kafka since we need per-job acks.",
			[]string{"Redis"}, []string{"Kafka"}},
		{"an edge case is not a component", "Edge cases: an empty graph, a self-loop and a single node.", nil, []string{"an empty graph", "a single node"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, q := range Quotes(Report{Text: tt.text}) {
				got = append(got, q.You)
				if !strings.Contains(strings.ToLower(tt.text), strings.ToLower(strings.Fields(q.Said)[len(strings.Fields(q.Said))-1])) {
					t.Errorf("quote %q is not from the text", q.Said)
				}
			}
			for _, w := range tt.want {
				if !slices.Contains(got, w) {
					t.Errorf("quotes %q lack %q", got, w)
				}
			}
			for _, n := range tt.not {
				if slices.Contains(got, n) {
					t.Errorf("quotes %q include %q", got, n)
				}
			}
			if tt.want == nil && len(got) > 0 {
				t.Errorf("quotes %q, want none", got)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	tests := []struct {
		name        string
		round       Round
		stage, code string
		text        string
		want        bool
	}{
		{"requirements with scope, scale and needs cover the requirements stage", SystemDesign, StageRequirements, "",
			"Who uses it: our own services send notifications to users, and email and SMS are out of scope for the first version. It must deliver at least once with dedup and respect opt-outs. About 20 million a day, 2,000 per second at peak.", true},
		{"scope alone does not cover the requirements stage yet", SystemDesign, StageRequirements, "",
			"Okay so first I want to pin down who uses this and what is in scope.", false},
		{"a follow-up on failures is covered by retries and a dead-letter queue", SystemDesign, StageHighLevel, "no_failure_handling",
			"If a provider times out we retry with exponential backoff, and after five attempts the message goes to a dead-letter queue.", true},
		{"a follow-up on failures is not covered by more components", SystemDesign, StageHighLevel, "no_failure_handling",
			"There is an API in front and a queue feeding the workers.", false},
		{"coding complexity is covered by a big-O", Coding, StageComplexity, "", "That is O(n log k) time and O(k) space.", true},
		{"coding complexity is not covered by restating the approach", Coding, StageComplexity, "", "So I keep the running values in a heap as they arrive.", false},
		{"behavioral answers expect nothing", Behavioral, "", "", "We did it.", true},
		{"an unknown stage expects nothing", SystemDesign, "", "", "Hmm.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Covers(tt.round, tt.stage, tt.code, tt.text); got != tt.want {
				t.Fatalf("Covers(%s, %q, %q) = %v, want %v", tt.round, tt.stage, tt.code, got, tt.want)
			}
		})
	}
}
