package analysis

// Question-level judgement. Analyze judges one answer alone; a real
// interviewer judges a question's answers together: the main answer, the
// follow-ups and the cut-ins. QuestionState is that memory. It is built only
// on the exported Report (finding codes, metrics, text), so it keeps working
// whatever the per-answer rules become, and it is plain JSON so the round
// engine can save it with the round and resume after a restart.

import (
	"slices"
	"strings"
	"unicode"
)

// Question-level finding codes, added to a Report by QuestionState. The
// phase codes no_scope, no_high_level and no_optimisation name phases the
// per-answer rules have no code for.
const (
	// CodeProbeNotAnswered marks an answer to a follow-up that did not give
	// what the follow-up asked for (the number, the result, the "I", the
	// phase), or was off the topic of the question.
	CodeProbeNotAnswered = "probe_not_answered"
	CodeNoScope          = "no_scope"
	CodeNoHighLevel      = "no_high_level"
	CodeNoOptimisation   = "no_optimisation"
)

// Stages of a system design and of a coding question, in the order an
// interview reaches them. The round engine asks one main question per
// stage; a phase is due from its stage on.
const (
	StageRequirements = "requirements"
	StageHighLevel    = "high_level"
	StageDeepDive     = "deep_dive"
	StageClarify      = "clarify"
	StageApproach     = "approach"
	StageComplexity   = "complexity"
	StageEdgeCases    = "edge_cases"
)

// QuestionStages returns the stages of a round's questions, in order; nil
// for behavioral and Bar Raiser questions, which are one story each.
func QuestionStages(r Round) []string {
	switch r {
	case SystemDesign:
		return []string{StageRequirements, StageHighLevel, StageDeepDive}
	case Coding:
		return []string{StageClarify, StageApproach, StageComplexity, StageEdgeCases}
	}
	return nil
}

// PhaseDef is one phase of the usual flow of a system design or coding
// question. A phase is covered by an answer that says something for it
// (one of its cues), or, for a phase with a per-answer Code, by a full
// answer the rules did not fault for it.
type PhaseDef struct {
	Name  string `json:"phase"`
	Label string `json:"label"`
	// Code is the finding that reports the phase missing.
	Code string `json:"code"`
	// Stage is the stage from which the phase is due.
	Stage string `json:"stage"`
	// Missing is the question-level message when the question ends without
	// the phase; Suggestion says what to do instead.
	Missing    string `json:"-"`
	Suggestion string `json:"-"`
	cues       []string
	// minHits is how many different cues an answer needs; 0 means one.
	minHits int
}

// QuestionPhases returns the phases of a round's questions in the order an
// interview usually takes them; nil for behavioral and Bar Raiser rounds.
// To add a phase, add it here with its cues (see docs/conversation.md).
func QuestionPhases(r Round) []PhaseDef {
	switch r {
	case SystemDesign:
		return []PhaseDef{
			{Name: "clarify", Label: "Clarify scope and use cases", Code: CodeNoScope, Stage: StageRequirements,
				Missing:    "Across the whole question you never pinned down who uses the system and what is in or out of scope.",
				Suggestion: "Open with two or three questions about users and use cases, and say what you leave out.",
				cues: []string{"?", "i'd ask", "i would ask", "a few questions", "questions first", "is this for", "are we building", "who is it for", "out of the first", "use case*", "in scope", "out of scope", "scope", "clarify*", "assum*", "who uses", "who are the users",
					"do we need", "should it support", "should we support", "users can", "user can", "customers can", "mvp", "first version"}},
			{Name: "scale", Label: "Scale assumptions", Code: "no_scale_estimates", Stage: StageRequirements,
				Missing:    "Across the whole question you gave no numbers for scale: users, requests per second or storage.",
				Suggestion: "Do a quick back-of-the-envelope early: daily users, peak requests per second, data per day.",
				cues: []string{"per minute", "per hour", "per month", "a month", "an hour", "requests a", "writes a", "reads a", "concurrent users", "storage", "bandwidth", "per second", "per day", "a day", "a second", "qps", "rps", "tps", "daily active", "dau", "mau", "million*", "billion*",
					"thousand*", "terabyte*", "gigabyte*", "petabyte*", "tb", "gb", "pb", "peak", "throughput", "back of the envelope"}},
			{Name: "requirements", Label: "Functional and non-functional requirements", Code: "no_requirements", Stage: StageRequirements,
				Missing:    "Across the whole question you never stated what the system must do or the non-functional needs.",
				Suggestion: "List two or three core features and the latency, availability and consistency you need, and confirm them.",
				cues: []string{"low latency", "read-heavy", "write-heavy", "read heavy", "write heavy", "real-time", "real time", "users should", "users need", "should support", "goal*", "99.9*", "requirement*", "functional", "non-functional", "nonfunctional", "must support", "must be", "needs to", "has to",
					"must", "should be", "should let", "let a user", "let users", "users can", "a user can", "low latency", "latency budget", "latency target", "latency under", "availability", "available", "consistency", "consistent", "durab*", "at-least-once", "at least once",
					"exactly-once", "exactly once", "at-most-once", "sla", "slo", "opt-out*", "opt out", "dedup*", "ordering"}},
			{Name: "high_level", Label: "High-level components", Code: CodeNoHighLevel, Stage: StageHighLevel,
				Missing:    "Across the whole question you never laid out the main components and how a request flows through them.",
				Suggestion: "Name the four or five main components and trace one request through them before going deep.",
				// One component is a mention; a design names several.
				minHits: 3,
				cues: []string{"component*", "architecture", "high-level", "high level", "load balancer*", "api gateway", "gateway*",
					"worker*", "queue*", "consumer*", "producer*", "fan out", "fan-out", "flows through", "request flow", "cache*",
					"database*", "db", "topic*", "stream*", "cdn", "redis", "kafka", "sqs", "sns", "dynamodb", "postgres*", "mysql",
					"cassandra", "s3", "blob store", "object store", "app server*", "api server*", "web server*", "scheduler*",
					"pub/sub", "pubsub", "message bus", "event bus", "microservice*", "front end", "frontend", "backend"}},
			{Name: "data_model", Label: "Data model and APIs", Code: "no_data_model", Stage: StageHighLevel,
				Missing:    "Across the whole question you never said what is stored or how clients call the system.",
				Suggestion: "Sketch the main entities with their keys and the two or three API calls.",
				cues: []string{"request body", "field*", "attribute*", "keyed on", "partitioned by", "shard key", "sharded by", "foreign key", "nosql", "relational", "sql", "kv store", "key value", "json", "schema", "table*", "data model", "partition key", "primary key", "sort key", "key-value", "keyed by", "column*",
					"index*", "endpoint*", "api call*", "api design", "rest api", "grpc", "entity", "entities", "stored as", "we store",
					"we'd store", "i'd store"}},
			{Name: "failures", Label: "Bottlenecks and failures", Code: "no_failure_handling", Stage: StageDeepDive,
				Missing:    "Across the whole question you never said what happens when a part fails or becomes the bottleneck.",
				Suggestion: "Walk through the failure of each component and the hottest path under peak load.",
				cues: []string{"fallback*", "fail open", "fail closed", "circuit", "poison", "split brain", "quorum", "leader election", "multi-az", "multi-region", "disaster", "recover*", "lost", "lose", "overload*", "spike*", "hot shard*", "load shedding", "shed load", "single point of failure", "spof", "fail*", "retr*", "backoff", "back off", "timeout*", "time out", "dead-letter", "dead letter", "dlq", "failover",
					"fail over", "replica*", "replicat*", "bottleneck*", "hot partition*", "hot key*", "outage*", "idempoten*", "circuit breaker*",
					"goes down", "crash*", "degrad*", "throttl*", "rate limit*", "backpressure", "back pressure", "redundan*"}},
			{Name: "tradeoffs", Label: "Trade-offs", Code: "no_tradeoffs", Stage: StageHighLevel,
				Missing:    "Across the whole question every choice was presented as the only option.",
				Suggestion: "For the two biggest choices, name the alternative and why you did not pick it.",
				cues: []string{"trade*", "went with", "opted for", "prefer*", "we lose", "you lose", "at the expense", "which is fine", "good enough", "another option", "one option", "other option", "option*", "drawback*", "sacrific*", "compromise*", "worth it", "more expensive", "cheaper", "we could also", "the catch", "trade-off*", "tradeoff*", "trade off", "instead of", "rather than", "at the cost", "the cost of", "downside*",
					"alternative*", "versus", "vs", "give up", "gave up", "the price", "on the other hand", "cheaper but", "simpler but", "pros and cons"}},
			{Name: "observability", Label: "Observability", Code: "no_observability", Stage: StageDeepDive,
				Missing:    "Across the whole question you never said how you would know the system is healthy.",
				Suggestion: "Name the few metrics you would alarm on and the SLO they protect.",
				cues: []string{"sli*", "logs", "instrument*", "telemetry", "grafana", "prometheus", "datadog", "cloudwatch", "paged", "page the", "runbook*", "canar*", "monitor*", "metric*", "alarm*", "alert*", "dashboard*", "tracing", "trace id",
					"logging", "on-call", "on call", "pager", "observab*", "health check*", "queue depth", "error rate*"}},
		}
	case Coding:
		return []PhaseDef{
			{Name: "clarify", Label: "Clarify the problem", Code: "no_clarifying", Stage: StageClarify,
				Missing:    "Across the whole question you never checked the input or the expected output.",
				Suggestion: "Ask two or three questions first (empty input, ranges, duplicates) and state your assumptions.",
				cues: []string{"clarify*", "assum*", "can the", "is the input", "are the", "are there", "can there", "what if", "what should",
					"should i", "should we", "do we", "does it", "is it sorted", "constraint*", "how large", "how big", "?"}},
			{Name: "brute_force", Label: "Brute force", Code: "no_brute_force", Stage: StageApproach,
				Missing:    "Across the whole question you never gave the simple correct solution first.",
				Suggestion: "Say the brute-force solution and its cost in one sentence, then improve on it.",
				cues: []string{"every possible", "all possible", "try all", "exhaustive*", "basic approach", "obvious approach", "first approach", "simple solution", "simple way", "o(n^2)", "o(n²)", "brute force", "brute-force", "naive*", "simplest", "simple approach", "straightforward", "try every", "all pairs",
					"every pair", "nested loop*", "check every", "scan the whole", "recompute"}},
			{Name: "optimise", Label: "Optimise", Code: CodeNoOptimisation, Stage: StageApproach,
				Missing:    "Across the whole question you stayed with the first approach and never improved on it.",
				Suggestion: "Once the simple solution works, say what it wastes and which structure removes the waste.",
				cues: []string{"single pass", "one pass", "only once", "in place", "linked list", "deque", "ordered map", "two heaps", "union find", "bfs", "dfs", "topological", "greedy", "avoid*", "optimi*", "improve*", "better", "faster", "speed up", "instead", "heap", "min-heap", "max-heap", "hash map*",
					"hashmap*", "dictionary", "two pointer*", "sliding window", "binary search", "memoi*", "dynamic programming", "prefix sum*",
					"bucket*", "trie", "sort first", "precompute", "cache the", "amortis*", "amortiz*"}},
			{Name: "complexity", Label: "Complexity", Code: "no_complexity", Stage: StageComplexity,
				Missing:    "Across the whole question you never stated the time or space complexity.",
				Suggestion: "Give time and space in big-O for the brute force and the final approach.",
				cues: []string{"time and space", "space is", "time is", "n log k", "log k", "constant space", "linear time", "big-o", "o(*", "big o", "big-o", "linear", "logarithmic", "quadratic", "constant time", "time complexity",
					"space complexity", "n log n", "log n", "n squared", "per call", "per query", "per event", "memory"}},
			{Name: "edge_cases", Label: "Edge cases", Code: "no_edge_cases", Stage: StageEdgeCases,
				Missing:    "Across the whole question you never named an edge case.",
				Suggestion: "List the edge cases (empty input, one element, duplicates, ties, overflow) and check each.",
				cues: []string{"when k", "if k", "missing", "malformed", "unicode", "large input", "max value", "min value", "bounds", "empty input", "edge case*", "corner case*", "empty", "null", "nil", "zero", "negative*", "duplicate*", "overflow*", "single element",
					"one element", "tie", "ties", "larger than", "out of range", "invalid", "boundary", "boundaries"}},
			{Name: "walkthrough", Label: "Walk-through and testing", Code: "no_walkthrough", Stage: StageEdgeCases,
				Missing:    "Across the whole question you never traced an example or said how you would test it.",
				Suggestion: "Trace a small input step by step, then name the tests you would write.",
				cues: []string{"example", "dry run", "assert*", "check it against", "say the input", "for example", "for instance", "walk through", "walking through", "trace*", "e.g", "let's say", "say we have",
					"suppose", "step by step", "test*", "unit test*", "dry run", "with the input", "if the input is"}},
		}
	}
	return nil
}

// PhaseMark is one phase of a question and whether any answer covered it.
type PhaseMark struct {
	Phase   string `json:"phase"`
	Label   string `json:"label"`
	Covered bool   `json:"covered"`
	Turn    int    `json:"turn,omitempty"` // the answer that first covered it
}

// ResolvedFinding says that a finding on answer Turn was supplied by the
// later answer By to the same question.
type ResolvedFinding struct {
	Code string `json:"code"`
	Turn int    `json:"turn"`
	By   int    `json:"by"`
}

// ProbeMiss is a follow-up whose answer did not give what it asked for.
type ProbeMiss struct {
	Turn  int    `json:"turn"`  // the answer
	Code  string `json:"code"`  // the probe's code
	Probe string `json:"probe"` // what was asked
}

// QuestionState is what the candidate has said across one question's
// answers. The zero value is not ready; use NewQuestionState.
type QuestionState struct {
	Round  Round       `json:"round"`
	Phases []PhaseMark `json:"phases,omitempty"`
	// Stage is the furthest stage reached, an index into QuestionStages.
	Stage   int   `json:"stage"`
	Answers []int `json:"answers,omitempty"`
	// Open are findings of a main answer that a follow-up may still
	// supply, with the answer they were found on.
	Open     []ResolvedFinding `json:"open,omitempty"`
	Resolved []ResolvedFinding `json:"resolved,omitempty"`
	// Reported are missing-phase codes already reported, with the answer
	// they were reported on, so each is reported once per question.
	Reported []ResolvedFinding `json:"reported,omitempty"`
	Misses   []ProbeMiss       `json:"misses,omitempty"`
	// Quoted are quotes the interviewer already used, lower case.
	Quoted []string `json:"quoted,omitempty"`
	// Topic holds stems of the question and of the on-topic answers, to
	// tell an answer to the question from one that is not.
	Topic  []string `json:"topic,omitempty"`
	Closed bool     `json:"closed,omitempty"`
}

// maxTopicStems bounds the saved topic so a long question stays small.
const maxTopicStems = 400

// NewQuestionState starts the memory of one question of round r.
func NewQuestionState(r Round, question string) QuestionState {
	q := QuestionState{Round: r}
	for _, p := range QuestionPhases(r) {
		q.Phases = append(q.Phases, PhaseMark{Phase: p.Name, Label: p.Label})
	}
	q.addTopic(question)
	q.addTopic(domainWords(r))
	return q
}

// domainWords are words any answer about a round's kind of question may
// use without echoing the question: "the input fits in memory" is about a
// coding problem whatever the problem says.
func domainWords(r Round) string {
	switch r {
	case SystemDesign:
		return "service services system database storage cache queue request requests users traffic latency server servers " +
			"client clients data writes reads region shard replica network message messages events scale design component"
	case Coding:
		return "input output array string list element elements memory loop index pointer value values number numbers " +
			"count counts result function solution algorithm sort sorted sorting stack queue tree graph node nodes character " +
			"characters window duplicate complexity linear"
	}
	return "team teams customer customers project projects manager deadline launch release result results decided worked " +
		"built shipped fixed problem issue impact people stakeholder stakeholders engineer engineers product business " +
		"company months weeks later learned"
}

// QuestionAnswer is one answer to a question, as QuestionState.Observe
// takes it.
type QuestionAnswer struct {
	Turn   int
	Report Report
	// Stage is the stage the answer was given in (system design and
	// coding); "" means the first.
	Stage string
	// Probe is the code of the follow-up this answers, "" for a main
	// answer; ProbeText is what the follow-up said.
	Probe     string
	ProbeText string
}

// Judgement is the question-level verdict on one answer.
type Judgement struct {
	// Findings replace the answer's own findings: phases already covered
	// or not reached yet are dropped, each missing phase is reported once.
	Findings []Finding `json:"findings"`
	// Covered lists the phases this answer covered first.
	Covered  []string          `json:"covered,omitempty"`
	Resolved []ResolvedFinding `json:"resolved,omitempty"`
	// Answered is false for an answer to a follow-up that did not give
	// what the follow-up asked for; always true for a main answer.
	Answered bool `json:"answered"`
	OnTopic  bool `json:"on_topic"`
	// Evidence says whether the answer may be quoted as evidence.
	Evidence bool `json:"evidence"`
}

// supplies says whether an answer gives what a finding said was missing.
func supplies(code string, r Report) bool {
	m := r.Metrics
	switch code {
	case "missing_metric", "vague_claims":
		return len(m.MetricMentions) > 0 && !r.Has(code)
	case "missing_result":
		return hasPart(m, "R") || len(m.MetricMentions) > 0 && hasCue(r.Text, resultCues())
	case "weak_ownership":
		return m.IAll > 0 && m.IAll >= m.WeAll && !r.Has(code)
	case "missing_action":
		return (hasPart(m, "A") || m.IAll > 0) && m.Words >= 12 && !r.Has(code)
	case "missing_context":
		return hasPart(m, "S") || hasPart(m, "T")
	case "narrow_scope":
		return m.Scope == "multi_team" || m.Scope == "org"
	case "tool_dropping":
		return hasCue(r.Text, []string{"because", "so that", "since", "which means", "the reason", "in order to"})
	case "hedging":
		return m.Words >= 8 && !r.Has(code)
	case "too_short":
		return m.Words >= 40
	case "rambling":
		return m.Words > 0 && !r.Has(code)
	}
	return false
}

// plainlySupplied are findings any later answer can resolve, whatever it
// was asked, because what supplies them cannot be mistaken: a number, the
// "I", impact beyond the team. The others count only when asked for.
func plainlySupplied(code string) bool {
	switch code {
	case "missing_metric", "vague_claims", "weak_ownership", "narrow_scope":
		return true
	}
	return false
}

func resolvable(code string) bool {
	switch code {
	case "missing_metric", "vague_claims", "missing_result", "weak_ownership", "missing_action", "missing_context",
		"narrow_scope", "tool_dropping":
		return true
	}
	return false
}

func resultCues() []string {
	return []string{"result*", "outcome", "in the end", "ended up", "reduc*", "dropp*", "increas*", "improv*", "went from", "saved",
		"grew", "cut", "fell", "rose", "down to", "up to", "from"}
}

func hasPart(m Metrics, part string) bool {
	for _, p := range m.Star {
		if p.Part == part && p.Span.W1 > p.Span.W0 {
			return true
		}
	}
	return false
}

// Observe adds one answer to the question and returns the question-level
// verdict on it.
func (q *QuestionState) Observe(a QuestionAnswer) Judgement {
	rep := a.Report
	defs := QuestionPhases(q.Round)
	stages := QuestionStages(q.Round)
	if i := slices.Index(stages, a.Stage); i > q.Stage {
		q.Stage = i
	}
	q.Answers = append(q.Answers, a.Turn)
	j := Judgement{Answered: true, OnTopic: true}
	words := lowerWords(rep.Text)
	// A report without text (a client that sent only findings) cannot be
	// checked against its follow-up, so it is taken as answered.
	checkable := len(words) > 0

	// Coverage first: what this answer said counts before its findings
	// are judged.
	for i, d := range defs {
		// Off the follow-up's topic or not, what an answer covers counts:
		// a candidate may answer a phase nobody asked for yet.
		if q.Phases[i].Covered || !coversPhase(d, rep, words) {
			continue
		}
		q.Phases[i].Covered, q.Phases[i].Turn = true, a.Turn
		j.Covered = append(j.Covered, d.Name)
		// A missing phase reported on an earlier answer is now resolved.
		for _, r := range q.Reported {
			if r.Code == d.Code && r.Turn != a.Turn {
				res := ResolvedFinding{Code: d.Code, Turn: r.Turn, By: a.Turn}
				q.Resolved = append(q.Resolved, res)
				j.Resolved = append(j.Resolved, res)
			}
		}
	}

	if a.Probe != "" && checkable {
		// An answer that gives what was asked (the number, the "I") or
		// covers a phase is on topic even in words the question never
		// used.
		j.OnTopic = len(j.Covered) > 0 || q.onTopic(rep, words, a.ProbeText) ||
			len(words) >= 5 && plainlySupplied(a.Probe) && supplies(a.Probe, rep)
	}

	for _, f := range rep.Findings {
		if i := phaseByCode(defs, f.Code); i >= 0 {
			d := defs[i]
			switch {
			case q.Phases[i].Covered, slices.Index(stages, d.Stage) > q.Stage, q.reported(f.Code):
				continue
			}
			q.Reported = append(q.Reported, ResolvedFinding{Code: f.Code, Turn: a.Turn})
		}
		if f.Code == "too_short" && len(defs) > 0 && (len(j.Covered) > 0 || q.dueCovered(defs, stages)) {
			// A short turn that moved the design on is a checkpoint, not
			// a thin answer.
			continue
		}
		j.Findings = append(j.Findings, f)
	}

	if a.Probe == "" && rep.Metrics.Words >= minWordsForOwnCodes {
		// Phases the per-answer rules have no code for are reported here,
		// once, from the stage they are due.
		for i, d := range defs {
			if !ownPhaseCode(d.Code) || q.Phases[i].Covered || slices.Index(stages, d.Stage) > q.Stage || q.reported(d.Code) {
				continue
			}
			q.Reported = append(q.Reported, ResolvedFinding{Code: d.Code, Turn: a.Turn})
			j.Findings = append(j.Findings, questionFinding(d.Code, Low, "Not covered yet: "+strings.ToLower(d.Label)+".", d.Suggestion,
				"Did you cover "+strings.ToLower(d.Label)+"?"))
		}
	}
	if a.Probe == "" {
		for _, f := range j.Findings {
			if resolvable(f.Code) && !slices.ContainsFunc(q.Open, func(o ResolvedFinding) bool { return o.Code == f.Code }) {
				q.Open = append(q.Open, ResolvedFinding{Code: f.Code, Turn: a.Turn})
			}
		}
	} else {
		j.Answered = !checkable || j.OnTopic && q.probeAnswered(a.Probe, rep, defs, j.Covered)
		if j.OnTopic {
			for i := 0; i < len(q.Open); i++ {
				o := q.Open[i]
				if o.Turn != a.Turn && (o.Code == a.Probe || plainlySupplied(o.Code)) && supplies(o.Code, rep) {
					res := ResolvedFinding{Code: o.Code, Turn: o.Turn, By: a.Turn}
					q.Resolved = append(q.Resolved, res)
					j.Resolved = append(j.Resolved, res)
					q.Open = slices.Delete(q.Open, i, i+1)
					i--
				}
			}
		}
		if !j.Answered {
			q.Misses = append(q.Misses, ProbeMiss{Turn: a.Turn, Code: a.Probe, Probe: a.ProbeText})
			j.Findings = append(j.Findings, probeMissFinding(a, j.OnTopic))
		}
	}
	j.Evidence = j.OnTopic && j.Answered
	if j.OnTopic {
		q.addTopic(rep.Text)
	}
	if j.Findings == nil {
		j.Findings = []Finding{}
	}
	return j
}

func (q *QuestionState) reported(code string) bool {
	return slices.ContainsFunc(q.Reported, func(r ResolvedFinding) bool { return r.Code == code })
}

// dueCovered reports whether every phase due at the current stage is
// covered.
func (q *QuestionState) dueCovered(defs []PhaseDef, stages []string) bool {
	for i, d := range defs {
		if slices.Index(stages, d.Stage) <= q.Stage && !q.Phases[i].Covered {
			return false
		}
	}
	return true
}

// probeAnswered says whether an answer gave what its follow-up asked for.
func (q *QuestionState) probeAnswered(code string, rep Report, defs []PhaseDef, covered []string) bool {
	if i := phaseByCode(defs, code); i >= 0 {
		// Asked for a phase: answered if it is covered now, by this answer
		// or (when the follow-up was asked anyway) before.
		return q.Phases[i].Covered
	}
	switch code {
	case "too_short", "vague_claims", "hedging":
		// "Take that further": more detail, or a phase it had not covered.
		if len(covered) > 0 || code == "too_short" && rep.Metrics.Words >= 25 {
			return true
		}
		return supplies(code, rep)
	case "missing_metric", "missing_result", "weak_ownership", "missing_action", "missing_context",
		"narrow_scope", "tool_dropping", "rambling":
		return supplies(code, rep)
	}
	// A challenge or a dig-in on the candidate's words: any real answer.
	return rep.Metrics.Words >= 8
}

func probeMissFinding(a QuestionAnswer, onTopic bool) Finding {
	asked := strings.TrimSpace(a.ProbeText)
	if asked == "" {
		asked = "the follow-up"
	} else {
		asked = "“" + asked + "”"
	}
	msg := "The follow-up asked " + asked + "; this answer did not give it."
	if !onTopic {
		msg = "This answer to " + asked + " does not talk about the question, so it cannot count as evidence."
	}
	return questionFinding(CodeProbeNotAnswered, Medium, msg,
		"Answer the follow-up first, in one sentence (the number, the result, what you did), then add context if it helps.",
		"Did this answer give what the follow-up asked for?")
}

// questionConfidence is how sure the question-level findings are: they
// rest on the whole question's answers, as sure as the rules' clear
// findings, so the page states them as faults.
const questionConfidence = 0.8

// questionFinding is a content finding the question-level judgement adds.
func questionFinding(code string, sev Severity, msg, suggestion, question string) Finding {
	return Finding{Code: code, Kind: Content, Severity: sev, Message: msg, Suggestion: suggestion,
		Confidence: questionConfidence, Question: question}
}

// Close ends the question and returns the phases still missing, as
// question-level findings, except those already reported. all says the
// interview reached the question's last stage; otherwise only phases due
// by the stage reached count.
func (q *QuestionState) Close(all bool) []Finding {
	if q.Closed {
		return nil
	}
	q.Closed = true
	defs := QuestionPhases(q.Round)
	stages := QuestionStages(q.Round)
	var out []Finding
	for i, d := range defs {
		if q.Phases[i].Covered || q.reported(d.Code) || !all && slices.Index(stages, d.Stage) > q.Stage {
			continue
		}
		last := 0
		if n := len(q.Answers); n > 0 {
			last = q.Answers[n-1]
		}
		q.Reported = append(q.Reported, ResolvedFinding{Code: d.Code, Turn: last})
		out = append(out, questionFinding(d.Code, Medium, d.Missing, d.Suggestion, "Did you cover "+strings.ToLower(d.Label)+"?"))
	}
	return out
}

// Gaps returns what the question still lacks that an interviewer may ask
// for: the main answers' findings no follow-up resolved yet, then the
// missing-phase codes reported whose phase is still not covered.
func (q *QuestionState) Gaps() []string {
	defs := QuestionPhases(q.Round)
	var out []string
	for _, o := range q.Open {
		if !slices.Contains(out, o.Code) {
			out = append(out, o.Code)
		}
	}
	for _, r := range q.Reported {
		if i := phaseByCode(defs, r.Code); i >= 0 && !q.Phases[i].Covered && !slices.Contains(out, r.Code) {
			out = append(out, r.Code)
		}
	}
	return out
}

// Missing returns the phases not covered yet, in order.
func (q *QuestionState) Missing() []string {
	var out []string
	for _, p := range q.Phases {
		if !p.Covered {
			out = append(out, p.Phase)
		}
	}
	return out
}

// IsCovered reports whether the named phase is covered.
func (q *QuestionState) IsCovered(phase string) bool {
	for _, p := range q.Phases {
		if p.Phase == phase {
			return p.Covered
		}
	}
	return false
}

// PhaseOf returns the phase a finding code reports missing, or "".
func PhaseOf(r Round, code string) string {
	defs := QuestionPhases(r)
	if i := phaseByCode(defs, code); i >= 0 {
		return defs[i].Name
	}
	return ""
}

func phaseByCode(defs []PhaseDef, code string) int {
	return slices.IndexFunc(defs, func(d PhaseDef) bool { return d.Code == code })
}

// coversPhase says whether an answer covers a phase: one of its cues, or a
// full answer the per-answer rules did not fault for it.
func coversPhase(d PhaseDef, rep Report, words []string) bool {
	if countCues(words, rep.Text, d.cues) >= max(1, d.minHits) {
		return true
	}
	if d.Code == "no_tradeoffs" && choiceOver(words) {
		return true
	}
	if d.Code == "no_requirements" {
		// "reads under 50 ms": a latency target is a non-functional
		// requirement.
		for _, m := range rep.Metrics.MetricMentions {
			if m.Unit == "ms" {
				return true
			}
		}
	}
	if d.Code == "no_scale_estimates" {
		// "2,000 per second", "5k users": a large number is an estimate.
		for _, m := range rep.Metrics.MetricMentions {
			if m.Value >= 1000 || m.Unit == "users" {
				return true
			}
		}
	}
	return !ownPhaseCode(d.Code) && rep.Metrics.Words >= minWordsForAbsence && !rep.Has(d.Code) && codeJudged(rep, d.Code)
}

// choiceOver finds "chose X over Y", "picked X instead of Y", "use X
// rather than Y": a choice with its alternative named.
func choiceOver(words []string) bool {
	for i, w := range words {
		if w != "over" && w != "instead" && w != "rather" {
			continue
		}
		for k := max(0, i-5); k < i; k++ {
			switch words[k] {
			case "chose", "chosen", "choose", "picked", "pick", "went", "prefer", "preferred", "use", "using", "used", "selected", "took":
				return true
			}
		}
	}
	return false
}

// minWordsForOwnCodes is how long a main answer must be before a phase
// without a per-answer rule is reported missing on it.
const minWordsForOwnCodes = 15

func ownPhaseCode(code string) bool {
	return code == CodeNoScope || code == CodeNoHighLevel || code == CodeNoOptimisation
}

// minWordsForAbsence is how long an answer must be before the absence of a
// phase's finding counts as covering it; the per-answer rules do not judge
// content below about that length.
const minWordsForAbsence = 40

// codeJudged says the per-answer rules were looking for the code: they
// faulted the answer for some sibling phase, so silence on this one is an
// answer, not a skipped rule.
func codeJudged(rep Report, code string) bool {
	for _, d := range QuestionPhases(rep.Round) {
		if d.Code != code && !ownPhaseCode(d.Code) && rep.Has(d.Code) {
			return true
		}
	}
	return false
}

// onTopic says whether an answer to a follow-up talks about the question:
// it shares content words with the question, the follow-up or the answers
// so far, or it gives numbers (what most follow-ups ask for).
func (q *QuestionState) onTopic(rep Report, words []string, probe string) bool {
	n := rep.Metrics.Words
	if n == 0 {
		n = len(words)
	}
	if n == 0 {
		return false
	}
	topic := map[string]bool{}
	for _, s := range q.Topic {
		topic[s] = true
	}
	for _, w := range lowerWords(probe) {
		if s := stem(w); s != "" {
			topic[s] = true
		}
	}
	shared := map[string]bool{}
	content := 0
	for _, w := range words {
		s := stem(w)
		if s == "" {
			continue
		}
		content++
		if topic[s] {
			shared[s] = true
		}
	}
	if content == 0 {
		return false
	}
	need := 1
	if n >= 20 {
		need = 2
	}
	if len(shared) >= need {
		return true
	}
	// A short answer that is a number ("about 40 percent") is on topic.
	return n < 20 && len(rep.Metrics.MetricMentions) > 0
}

func (q *QuestionState) addTopic(text string) {
	seen := map[string]bool{}
	for _, s := range q.Topic {
		seen[s] = true
	}
	for _, w := range lowerWords(text) {
		s := stem(w)
		if s == "" || seen[s] || len(q.Topic) >= maxTopicStems {
			continue
		}
		seen[s] = true
		q.Topic = append(q.Topic, s)
	}
}

// stem reduces a content word to a crude stem (its first five letters) so
// "measured" meets "measure"; function words give "".
func stem(w string) string {
	w = strings.Trim(w, "-'")
	if len([]rune(w)) < 4 || stopword(w) {
		return ""
	}
	for _, suf := range []string{"ing", "ers", "ed", "es", "er", "s"} {
		if len(w) > len(suf)+3 && strings.HasSuffix(w, suf) {
			w = strings.TrimSuffix(w, suf)
			break
		}
	}
	rs := []rune(w)
	if len(rs) > 5 {
		rs = rs[:5]
	}
	return string(rs)
}

// lowerWords splits text into lower-case words, keeping inner hyphens and
// apostrophes ("dead-letter", "don't") and "o(n)" as one word.
func lowerWords(text string) []string {
	var out []string
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, strings.Trim(b.String(), "-'"))
			b.Reset()
		}
	}
	for _, r := range strings.ToLower(text) {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		case (r == '-' || r == '\'' || r == '’' || r == '(' || r == ')' || r == '*' || r == '^') && b.Len() > 0:
			if r == '’' {
				r = '\''
			}
			b.WriteRune(r)
		case r == '(' && b.Len() == 0:
			// "(n)" after a space stays apart.
			flush()
		default:
			flush()
		}
	}
	flush()
	for i, w := range out {
		out[i] = strings.TrimRight(w, ")")
		if strings.HasPrefix(w, "o(") {
			out[i] = w
		}
	}
	return out
}

// matchCues reports whether any cue occurs in words. A cue is one or more
// words; a trailing "*" matches any ending; "?" matches a question mark in
// the raw text.
func matchCues(words []string, raw string, cues []string) bool {
	return countCues(words, raw, cues) > 0
}

// countCues returns how many different cues occur in words.
func countCues(words []string, raw string, cues []string) int {
	n := 0
	for _, c := range cues {
		if c == "?" {
			if strings.Contains(raw, "?") {
				n++
			}
			continue
		}
		parts := strings.Fields(c)
		for i := 0; i+len(parts) <= len(words); i++ {
			ok := true
			for k, p := range parts {
				w := words[i+k]
				if strings.HasSuffix(p, "*") {
					if !strings.HasPrefix(w, p[:len(p)-1]) {
						ok = false
						break
					}
				} else if w != p && strings.TrimRight(w, "s") != p {
					ok = false
					break
				}
			}
			if ok {
				n++
				break
			}
		}
	}
	return n
}

func hasCue(text string, cues []string) bool { return matchCues(lowerWords(text), text, cues) }

// stopword reports whether w is a function word or a word too common in
// any answer to tell topics apart.
func stopword(w string) bool {
	switch w {
	case "about", "above", "after", "again", "also", "because", "been", "before", "being", "both", "but", "could", "did", "does",
		"doing", "done", "down", "during", "each", "even", "every", "from", "further", "going", "gonna", "have", "having", "here",
		"into", "just", "know", "like", "made", "make", "many", "more", "most", "much", "must", "only", "other", "ours", "over",
		"really", "said", "same", "should", "since", "some", "such", "than", "that", "their", "them", "then", "there", "these",
		"they", "thing", "things", "think", "this", "those", "through", "time", "under", "until", "very", "want", "well", "went",
		"were", "what", "when", "where", "which", "while", "will", "with", "would", "your", "yours", "yeah", "okay", "sure",
		"actually", "basically", "kind", "sort", "maybe", "quite", "pretty", "right", "lot", "lots", "got", "get", "gets",
		"tell", "take", "took", "come", "came", "back", "still", "yes", "tried", "thank", "thanks":
		return true
	}
	return false
}

// Quote is a stretch of the candidate's own words worth a follow-up: a
// technical component they named or a decision they made.
type Quote struct {
	// Kind is "component", "decision" or "result" (a decision that moved a
	// number).
	Kind string `json:"kind"`
	// Said is the candidate's words as they said them ("a dead-letter
	// queue", "I cut scope").
	Said string `json:"said"`
	// You is Said turned to the second person, ready for "You said …" or
	// "You mentioned …" ("a dead-letter queue", "you cut scope").
	You string `json:"you"`
	// Score ranks quotes: a decision, or a component with its modifiers,
	// says more about the candidate than a bare "the API".
	Score int `json:"score"`
}

// Longest quote, in words, after the verb of a decision or in a noun
// phrase: enough to be recognisable, short enough to say aloud.
const (
	maxDecisionWords = 7
	maxModifiers     = 3
)

// qtok is one word of an answer for quoting: its raw spelling, its lower
// case form, and whether a clause ends after it.
type qtok struct {
	raw, low string
	stop     bool
}

func quoteTokens(text string) []qtok {
	var out []qtok
	for _, f := range strings.Fields(text) {
		raw := strings.TrimLeft(f, "\"'“‘(")
		core := strings.TrimRight(raw, ".,;:!?\"'”’)")
		if core == "" {
			if len(out) > 0 {
				out[len(out)-1].stop = true
			}
			continue
		}
		stop := core != raw
		out = append(out, qtok{raw: core, low: strings.ToLower(strings.ReplaceAll(core, "’", "'")), stop: stop})
	}
	return out
}

// Quotes returns the candidate's components and decisions in the order they
// were said, without repeats. It is deterministic and cheap.
func Quotes(rep Report) []Quote {
	toks := quoteTokens(rep.Text)
	var out []Quote
	seen := map[string]bool{}
	add := func(q Quote) {
		k := strings.ToLower(q.You)
		if q.You == "" || seen[k] {
			return
		}
		seen[k] = true
		out = append(out, q)
	}
	for i := 0; i < len(toks); i++ {
		if q, n, ok := decisionAt(toks, i); ok {
			add(q)
			i += n - 1
			continue
		}
		if q, n, ok := componentAt(toks, i); ok {
			add(q)
			i += n - 1
		}
	}
	slices.SortStableFunc(out, func(a, b Quote) int { return b.Score - a.Score })
	return out
}

// decisionAt reads "I cut scope", "we decided to shard by user id", "we'd
// put a queue in front" starting at toks[i].
func decisionAt(toks []qtok, i int) (Quote, int, bool) {
	subj := toks[i].low
	aux := ""
	switch subj {
	case "i", "we":
	case "i'd", "we'd":
		aux = "'d"
	case "i'll", "we'll":
		aux = "'ll"
	default:
		return Quote{}, 0, false
	}
	if toks[i].stop {
		return Quote{}, 0, false
	}
	j := i + 1
	var mids []string
	for j < len(toks) && len(mids) < 2 && !toks[j-1].stop {
		w := toks[j].low
		if aux == "" && (w == "would" || w == "will") {
			aux = " " + w
			j++
			continue
		}
		if w == "then" || w == "also" || w == "finally" || w == "eventually" || w == "first" || w == "just" || w == "personally" ||
			w == "quickly" || w == "instead" {
			mids = append(mids, toks[j].raw)
			j++
			continue
		}
		break
	}
	if j >= len(toks) || toks[j-1].stop || !decisionVerb(toks[j].low) {
		return Quote{}, 0, false
	}
	end := j + 1
	for end < len(toks) && end-j <= maxDecisionWords && !toks[end-1].stop && !clauseBreak(toks[end].low) &&
		!(end-j >= 2 && phraseBreak(toks[end].low)) {
		end++
	}
	if end == j+1 {
		return Quote{}, 0, false // a verb alone says nothing to dig into
	}
	for end > j+1 && trailingWeak(toks[end-1].low) {
		end--
	}
	said := make([]string, 0, end-i)
	for _, t := range toks[i:end] {
		said = append(said, t.raw)
	}
	you := []string{"you" + strings.TrimPrefix(aux, " ")}
	if strings.HasPrefix(aux, " ") {
		you = []string{"you", strings.TrimSpace(aux)}
	}
	you = append(you, mids...)
	for _, t := range toks[j:end] {
		you = append(you, secondPerson(t.raw))
	}
	kind := "decision"
	for _, t := range toks[j:end] {
		if strings.IndexFunc(t.low, unicode.IsDigit) >= 0 {
			kind = "result"
		}
	}
	for k := range you {
		if k > 0 && you[k] == "I" {
			you[k] = "you"
		}
	}
	return Quote{Kind: kind, Said: strings.Join(said, " "), You: strings.Join(you, " "), Score: 3}, end - i, true
}

// componentAt reads a technical noun phrase ("a dead-letter queue", "the
// Redis cache", "a min-heap of size k") starting at toks[i].
func componentAt(toks []qtok, i int) (Quote, int, bool) {
	det := ""
	start := i
	if rejectedAlternative(toks, i) {
		return Quote{}, 0, false // "Redis over Kafka": Kafka is what they did not choose
	}
	switch toks[i].low {
	case "a", "an", "the", "our", "my", "this", "that", "one":
		if toks[i].stop {
			return Quote{}, 0, false
		}
		det = toks[i].low
		i++
	}
	j := i
	for j < len(toks) && j-i < maxModifiers+1 {
		if n := componentHead(toks, j); n > 0 {
			end := j + n
			// "the worker pool", "a Redis cluster": a head noun that goes on.
			for k := 0; k < 2 && end < len(toks) && !toks[end-1].stop && componentHead(toks, end) == 1; k++ {
				end++
				n++
			}
			if end < len(toks) && !toks[end-1].stop && measureNoun(toks[end].low) {
				return Quote{}, 0, false // "queue depth" is a metric, not a component
			}
			if j == i && n == 1 && !properTech(toks[j].low) {
				switch det {
				case "", "the", "this", "that":
					// A bare "queue" may be a verb ("and queue the work");
					// "the service" is the system itself. Neither says
					// what the candidate chose.
					return Quote{}, 0, false
				}
			}
			// Keep a plain noun-noun compound head ("queue depth") out:
			// the phrase ends at the head.
			words := make([]string, 0, end-start)
			for _, t := range toks[start:end] {
				words = append(words, t.raw)
			}
			you := make([]string, 0, len(words))
			for k, t := range toks[start:end] {
				if k == 0 && det == "" && !properTech(t.low) && sentenceCase(t.raw) {
					t.raw = strings.ToLower(t.raw[:1]) + t.raw[1:] // "Channel workers" opened a sentence
				}
				if k == 0 && det != "" {
					switch det {
					case "our", "my":
						you = append(you, "your")
					case "this", "that", "one":
						you = append(you, "the")
					default:
						you = append(you, t.raw)
					}
					continue
				}
				you = append(you, t.raw)
			}
			if det == "" && !properTech(toks[j].low) && !massNoun(toks[end-1].low) && !strings.HasSuffix(toks[end-1].low, "s") {
				you = append([]string{"the"}, you...)
			}
			switch strings.ToLower(you[0]) {
			case "a", "an":
				if len(you) > 1 {
					you[0] = article(you[1])
				}
			case "the":
				you[0] = "the"
			}
			score := 1 + (j - i) + (n - 1)
			if properTech(toks[j].low) {
				score++
			}
			return Quote{Kind: "component", Said: strings.Join(words, " "), You: strings.Join(you, " "), Score: min(score, 3)}, end - start, true
		}
		if toks[j].stop || !modifier(toks[j].low) {
			return Quote{}, 0, false
		}
		j++
	}
	return Quote{}, 0, false
}

// rejectedAlternative reports whether toks[i] follows "over", "than",
// "instead of" or "not": the alternative the candidate turned down.
func rejectedAlternative(toks []qtok, i int) bool {
	if i == 0 || toks[i-1].stop {
		return false
	}
	switch toks[i-1].low {
	case "over", "than", "not", "vs", "versus":
		return true
	case "of":
		return i >= 2 && toks[i-2].low == "instead"
	}
	return false
}

// componentHead returns how many tokens of a technical head noun start at
// toks[j], or 0.
func componentHead(toks []qtok, j int) int {
	w := toks[j].low
	if j+1 < len(toks) && !toks[j].stop {
		switch w + " " + toks[j+1].low {
		case "load balancer", "rate limiter", "circuit breaker", "hash map", "hash set", "hash table", "bloom filter", "message queue",
			"priority queue", "sliding window", "two pointers", "binary search", "feature flag", "write-ahead log", "api gateway",
			"linked list", "ring buffer", "prefix sum", "prefix sums", "segment tree", "cron job", "dead-letter queue", "read replica",
			"read replicas", "consistent hashing", "exponential backoff", "idempotency key", "idempotency keys", "partition key", "sort key":
			return 2
		}
	}
	if properTech(w) {
		if j+1 < len(toks) && !toks[j].stop && componentHead(toks, j+1) > 0 {
			return 0 // "Kafka topic": the head comes next
		}
		return 1
	}
	switch strings.TrimSuffix(w, "s") {
	case "queue", "cache", "database", "service", "gateway", "worker", "consumer", "producer", "topic", "stream", "index", "replica",
		"shard", "partition", "schema", "endpoint", "cdn", "scheduler", "backoff", "heap", "min-heap", "max-heap", "hashmap", "trie",
		"stack", "deque", "counter", "bucket", "pipeline", "dashboard", "alarm", "canary", "runbook", "lock", "ledger", "dlq", "webhook",
		"retry", "outbox", "snapshot", "checkpoint", "playbook", "migration", "rollout", "prototype", "postmortem", "post-mortem",
		"memo", "roadmap", "metric", "experiment", "survey", "dedup", "deduplication", "sharding", "map", "array", "set", "tree",
		"graph", "cursor", "token", "api", "table", "pool", "cluster", "fleet", "tier", "layer", "node", "warehouse":
		return 1
	}
	return 0
}

// sentenceCase reports whether only the first letter of w is upper case,
// as for a word that opens a sentence (not "SQS" or "iPhone").
func sentenceCase(w string) bool {
	rs := []rune(w)
	if len(rs) < 2 || !unicode.IsUpper(rs[0]) {
		return false
	}
	for _, r := range rs[1:] {
		if unicode.IsUpper(r) {
			return false
		}
	}
	return true
}

// massNoun are heads said without an article ("exponential backoff").
func massNoun(w string) bool {
	switch w {
	case "backoff", "dedup", "deduplication", "sharding", "hashing", "caching", "batching", "retry", "search":
		return true
	}
	return strings.HasSuffix(w, "ing")
}

// measureNoun are nouns that turn a component into a measure of it.
func measureNoun(w string) bool {
	switch w {
	case "depth", "size", "length", "latency", "lag", "time", "count", "rate", "usage", "hit", "miss", "misses", "throughput":
		return true
	}
	return false
}

func properTech(w string) bool {
	switch w {
	case "redis", "kafka", "dynamodb", "postgres", "postgresql", "mysql", "s3", "sqs", "sns", "cassandra", "elasticsearch",
		"memcached", "kinesis", "lambda", "zookeeper", "rabbitmq", "cloudfront", "spark", "flink", "grafana", "prometheus",
		"datadog", "kubernetes", "mongodb", "bigtable", "spanner", "snowflake", "airflow", "terraform", "jenkins":
		return true
	}
	return false
}

// modifier reports whether w can stand before a head noun in a technical
// noun phrase ("dead-letter", "per-user", "fan-out", "Redis").
func modifier(w string) bool {
	if w == "" || stopword(w) || quoteStop(w) || strings.HasSuffix(w, "ly") {
		return false
	}
	switch w {
	case "empty", "null", "single", "negative", "duplicate", "separate", "long", "short", "big", "small", "large", "old", "same",
		"whole", "first", "last", "next", "previous", "few", "several", "each", "every", "another", "simple", "good", "bad", "huge":
		// They pick out an instance ("an empty graph"), not a component
		// the candidate chose.
		return false
	}
	return strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' }) < 0
}

// quoteStop are words that end a noun phrase or a clause: pronouns,
// prepositions, conjunctions, auxiliaries and common verbs.
func quoteStop(w string) bool {
	switch w {
	case "a", "an", "the", "i", "we", "you", "he", "she", "it", "our", "my", "his", "her", "its", "us", "me", "and", "or", "but",
		"so", "of", "in", "on", "at", "to", "for", "by", "as", "is", "are", "was", "be", "if", "use", "used", "using", "add", "added",
		"put", "need", "needs", "keep", "send", "sends", "write", "writes", "read", "reads", "call", "calls", "hit", "has", "had",
		"can", "not", "no", "all", "any", "one", "two", "new", "it's", "that's", "there's", "i'm", "we're", "i'd", "we'd", "per",
		"would", "will", "let", "lets", "let's", "say", "says", "go", "goes", "into", "onto", "up", "out", "off", "monitor",
		"monitors", "track", "tracks", "watch", "build", "run", "runs", "create", "return", "returns", "hold", "holds", "push",
		"pop", "sort", "store", "stores", "check", "checks", "see", "what", "how", "why", "where", "who", "which", "when":
		return true
	}
	return false
}

func decisionVerb(w string) bool {
	switch w {
	case "decided", "decide", "chose", "choose", "picked", "pick", "cut", "dropped", "drop", "pushed", "push", "proposed",
		"propose", "convinced", "convince", "persuaded", "persuade", "escalated", "escalate", "rewrote", "rewrite", "migrated",
		"migrate", "built", "build", "designed", "design", "introduced", "introduce", "replaced", "replace", "removed", "remove",
		"moved", "move", "split", "delayed", "delay", "postponed", "postpone", "rolled", "roll", "shipped", "ship", "launched",
		"launch", "negotiated", "negotiate", "prioritised", "prioritized", "prioritise", "prioritize", "refused", "insisted",
		"volunteered", "automated", "automate", "added", "add", "changed", "change", "switched", "switch", "shard", "sharded",
		"partition", "partitioned", "cache", "cached", "use", "used", "store", "stored", "keep", "kept", "put", "created", "create",
		"wrote", "write", "ran", "run", "led", "lead", "owned", "own", "reverted", "revert", "deferred", "defer", "simplified",
		"simplify", "reduced", "reduce", "traded", "trade", "accepted", "accept", "offered", "offer", "set", "killed", "kill",
		"paused", "pause", "stopped", "stop", "fixed", "fix", "redesigned", "redesign", "refactored", "refactor", "hired", "trained",
		"mentored", "coached", "measured", "measure", "tracked", "track", "sort", "sorted", "scan", "iterate", "maintain",
		"maintained", "precompute", "precomputed", "batch", "batched", "dedupe", "deduplicate", "retry", "retried", "queue", "queued":
		return true
	}
	return false
}

// clauseBreak are words that start a new clause after a decision.
func clauseBreak(w string) bool {
	switch w {
	case "and", "but", "so", "because", "which", "while", "when", "then", "since", "although", "though", "after", "before",
		"until", "unless", "where", "who", "whereas", "or":
		return true
	}
	return false
}

// phraseBreak are prepositions that start an adjunct after a decision's
// object ("I cut scope | to the three card types"); "of" and "over" stay,
// since "the migration of X" and "Kafka over SQS" belong to the object.
func phraseBreak(w string) bool {
	switch w {
	case "to", "in", "on", "at", "for", "with", "from", "into", "next", "by", "during", "across", "within", "without", "via":
		return true
	}
	return false
}

// trailingWeak are words a quote should not end on.
func trailingWeak(w string) bool {
	switch w {
	case "a", "an", "the", "to", "of", "in", "on", "at", "for", "by", "with", "our", "my", "that", "this", "from", "into", "as":
		return true
	}
	return false
}

// secondPerson turns the candidate's first person into the interviewer's
// second: "my" becomes "your", "us" becomes "you".
func secondPerson(w string) string {
	switch strings.ToLower(w) {
	case "i", "me", "we", "us":
		return "you"
	case "my", "our":
		return "your"
	case "mine", "ours":
		return "yours"
	case "myself":
		return "yourself"
	case "ourselves":
		return "yourselves"
	case "i'm", "we're":
		return "you're"
	case "i've", "we've":
		return "you've"
	}
	return w
}

// article is "a" or "an" for the word after it, by its first letter.
func article(next string) string {
	if next != "" && strings.ContainsRune("aeiouAEIOU", []rune(next)[0]) {
		return "an"
	}
	return "a"
}

// Covers reports whether text, one answer at stage of a system design or
// coding question, gives what that turn is for: the phase whose finding
// code is code when the interviewer asked for one, or else every phase
// due from stage. The turn policy waits through pauses until it does, as
// it waits for a story's result. It is true where nothing is expected
// (behavioral rounds, an unknown stage or code).
func Covers(r Round, stage, code, text string) bool {
	defs := QuestionPhases(r)
	var due []PhaseDef
	if i := phaseByCode(defs, code); code != "" && i >= 0 {
		due = defs[i : i+1]
	} else {
		for _, d := range defs {
			if d.Stage == stage {
				due = append(due, d)
			}
		}
	}
	if len(due) == 0 {
		return true
	}
	rep := Analyze(Input{Round: r, Text: text})
	words := lowerWords(rep.Text)
	for _, d := range due {
		if !coversPhase(d, rep, words) {
			return false
		}
	}
	return true
}
