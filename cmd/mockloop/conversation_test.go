package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/round"
)

// Typed multi-turn conversations over the websocket against a real server:
// each question's answers are judged together (issue 12).

// exchange is one interviewer move and the answer typed to it.
type exchange struct {
	asked    mockloop.Turn      // the interviewer's turn
	question *mockloop.Question // as the page saw it with that turn
	answer   string
	seq      int // the answer's turn seq
	feedback *analysis.Report
	coverage []mockloop.PhaseState
	// resolved are earlier answers sent again because this one supplied
	// some of their findings.
	resolved []mockloop.Turn
}

// conversation drives a typed round: each answer in turn is typed to the
// interviewer's latest move; then the candidate ends the round.
func conversation(t *testing.T, srv *testServer, kind string, minutes int, seed int64, answers []string) ([]exchange, storedRound) {
	t.Helper()
	r := srv.createRound(kind, minutes, seed)
	c := srv.mustDial(r.ID)
	c.send(mockloop.Message{Type: "hello"})
	c.waitFor("state")
	iv, _ := c.waitFor("interviewer")
	var log []exchange
	for i, a := range answers {
		if iv.Turn.Kind == mockloop.TurnClosing {
			break
		}
		ex := exchange{asked: *iv.Turn, question: iv.Question, answer: a}
		c.send(mockloop.Message{Type: "answer", ID: fmt.Sprint("a", i), Text: a})
		ack, _ := c.waitFor("ack")
		ex.seq = ack.TurnSeq
		next, between := c.waitFor("interviewer")
		for _, m := range between {
			switch m.Type {
			case "feedback":
				ex.feedback = m.Report
			case "coverage":
				ex.coverage = m.Coverage
			case "resolved":
				ex.resolved = append(ex.resolved, *m.Turn)
			case "error":
				t.Fatalf("answer %d: error %s: %s", i, m.Code, m.Message)
			}
		}
		if ex.feedback == nil {
			t.Fatalf("answer %d: no feedback", i)
		}
		log = append(log, ex)
		iv = next
	}
	if iv.Turn.Kind != mockloop.TurnClosing {
		c.send(mockloop.Message{Type: "end"})
	}
	c.waitFor("finished")
	return log, getRound(t, srv.URL, r.ID)
}

// asksFor lists, per phase, words that only a request for that phase
// would use; a follow-up containing them asks for the phase.
func asksFor(round analysis.Round, bank *prompts.Bank, questionID string) map[string][]string {
	out := map[string][]string{}
	q, _ := bank.Question(questionID)
	for _, d := range analysis.QuestionPhases(round) {
		if p, ok := q.Probe(d.Code); ok {
			out[d.Name] = append(out[d.Name], p)
		}
	}
	extra := map[string][]string{
		"requirements": {"functional and non-functional requirements"},
		"scale":        {"what numbers are you designing for", "what scale are we designing for"},
		"clarify":      {"what would you clarify", "what would you ask"},
		"brute_force":  {"simplest solution", "simplest correct solution"},
		"complexity":   {"time and space complexity"},
		"edge_cases":   {"what edge cases would you handle", "which edge cases"},
		"walkthrough":  {"on a small example, step by step"},
	}
	for k, v := range extra {
		out[k] = append(out[k], v...)
	}
	return out
}

// checkQuestionLevel asserts the invariants every conversation keeps: no
// phase reported missing after it was covered, no interviewer move asking
// for a covered phase, and a follow-up after every main answer.
func checkQuestionLevel(t *testing.T, kind string, bank *prompts.Bank, log []exchange, minFollowUps int) {
	t.Helper()
	covered := map[int]map[string]int{} // question idx -> phase -> turn seq
	for i, ex := range log {
		qi := ex.asked.QuestionIdx
		if covered[qi] == nil {
			covered[qi] = map[string]int{}
		}
		round := analysis.Round(ex.question.Kind)
		if hasPhases := len(analysis.QuestionPhases(round)) > 0; hasPhases != (len(ex.coverage) > 0) {
			t.Errorf("answer %d in a %s question: coverage message %+v", i, round, ex.coverage)
		}
		// The move that asked this answer must not ask for a covered phase.
		text := strings.ToLower(ex.asked.Text)
		if ex.asked.Kind != mockloop.TurnQuestion || i > 0 && log[i-1].asked.QuestionIdx == qi {
			for phase, phrases := range asksFor(round, bank, ex.asked.QuestionID) {
				if seq, ok := covered[qi][phase]; ok {
					for _, p := range phrases {
						if strings.Contains(text, strings.ToLower(p)) {
							t.Errorf("move %d %q asks for %s, covered by turn %d", i, ex.asked.Text, phase, seq)
						}
					}
				}
			}
			if phase := analysis.PhaseOf(round, ex.asked.ProbeCode); phase != "" {
				if seq, ok := covered[qi][phase]; ok {
					t.Errorf("move %d probes %s, whose phase %s turn %d covered", i, ex.asked.ProbeCode, phase, seq)
				}
			}
		}
		for _, p := range ex.coverage {
			if p.Covered {
				if _, ok := covered[qi][p.Phase]; !ok {
					covered[qi][p.Phase] = p.TurnSeq
				}
			}
		}
		for _, f := range ex.feedback.Findings {
			if phase := analysis.PhaseOf(round, f.Code); phase != "" {
				if seq, ok := covered[qi][phase]; ok {
					t.Errorf("answer %d (turn %d) reported %s after turn %d covered %s", i, ex.seq, f.Code, seq, phase)
				}
			}
		}
		// A main answer is followed by a follow-up, unless the round ended
		// there (the log has no later move for its question).
		if ex.asked.Kind == mockloop.TurnQuestion && i+1 < len(log) {
			probes := 0
			for _, next := range log[i+1:] {
				if next.asked.QuestionIdx != qi || next.asked.Kind == mockloop.TurnQuestion {
					break
				}
				probes++
			}
			if probes < minFollowUps && i+probes+1 < len(log) {
				t.Errorf("main answer %d got %d follow-ups, want at least %d", i, probes, minFollowUps)
			}
		}
	}
}

// sharesWords reports whether text contains n consecutive words of from.
func sharesWords(text, from string, n int) bool {
	norm := func(s string) []string {
		return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-')
		})
	}
	tw, fw := " "+strings.Join(norm(text), " ")+" ", norm(from)
	for i := 0; i+n <= len(fw); i++ {
		if strings.Contains(tw, " "+strings.Join(fw[i:i+n], " ")+" ") {
			return true
		}
	}
	return false
}

const (
	convSDNotifyRequirements = "Let me start with requirements. The service sends notifications over email, SMS and push. Users can opt out " +
		"per channel, and delivery is at-least-once with dedup on a message id so nobody gets the same message twice. For scale, about " +
		"20 million notifications a day, which is roughly 2,000 per second at peak. The send API should answer in under 100 ms and queue the work."
	convSDNotifyDesign = "The API writes each request to a Kafka topic partitioned by user id. Channel workers consume it and call the " +
		"providers. A failed send is retried with exponential backoff, and after five attempts it goes to a dead-letter queue. I chose " +
		"Kafka over SQS because we need replay after a consumer outage, at the cost of running the cluster. We monitor queue depth, p99 " +
		"send latency and the error rate per provider, with alarms on each."
	convSDShortRequirements = "Clarifying first: is this internal only, and do links expire? I'll assume internal teams, custom aliases " +
		"optional, links kept for five years. Functional: create a short link, redirect, and see click counts. Non-functional: " +
		"redirects under 50 ms at p99 and 99.99 percent availability, since a broken link breaks someone's email. Scale: 10 million " +
		"new links a month and about 5,000 redirects per second at peak, so roughly 600 million rows over five years."
	convSDShortDesign = "A create API writes to a DynamoDB table keyed by the short code, with the long URL and owner as attributes. " +
		"Codes come from a counter service that hands out ranges to each app server, encoded in base62, so two servers never issue the " +
		"same code. Redirects go through a load balancer to stateless redirect servers with a Redis cache in front of the table, since " +
		"reads outnumber writes a hundred to one."
	convSDShortDeep = "If the table is unavailable, redirects keep working from the cache for hot links, and a failed write is " +
		"retried with backoff; the counter range is never reused. The bottleneck is a viral link, so the cache is replicated per " +
		"region. I picked DynamoDB over Postgres because the access is a single key lookup, at the cost of harder analytics. We alarm " +
		"on redirect p99, cache hit ratio and the 5xx rate, with a dashboard per region."
	convSDShortFollowUp = "The counter service is the piece I'd build first, because every create depends on it; each app server " +
		"leases a block of a thousand codes, so a counter outage only stops new links once the block runs out, and redirects never stop."
	convCodeClarify = "Before I start, a few questions. Can k be larger than the number of event types? What should I return on ties? " +
		"Is the stream unbounded, and do we need exact counts or is approximate fine?"
	convCodeApproach = "The simplest correct approach is a hash map from event type to count, and on each query we sort the counts, which " +
		"is O(n log n) per query. To improve it I would keep a min-heap of size k next to the map, so a query is O(k) per call and an " +
		"update is O(log k). For example with events a, b, a and k of one, the heap holds a with count two."
	convCodeIntervals = "Can intervals be empty, and are they sorted? I'll assume not sorted. Brute force compares every pair, which is " +
		"O(n^2). Better: sort by start, then sweep once merging overlaps, O(n log n) time and O(n) space. Edge cases: an empty list, one " +
		"interval, touching ends like [1,2] and [2,3]. For example [1,3],[2,6],[8,10] gives [1,6],[8,10]."
	convCodeTopKFollowUp = "The heap holds at most k entries, so it stays small; when a count changes I update the map and push the " +
		"new count, and stale heap entries are skipped lazily when they reach the top of the heap."
	convCodeWindowsFollowUp = "Sorting the windows dominates, so it is O(n log n); the sweep that merges them is linear, and I would " +
		"test the merge with no windows, a single window and two windows that only touch at the end."
	convFollowUp = "The component I worry about most is the worker pool, because one slow provider can hold threads; I would give each " +
		"provider its own pool and cap its concurrency so the others keep sending."
	convBhvNoMetric = "I led the migration of our checkout service to a new payment provider. We had two months. I cut scope to the three " +
		"card types that covered most traffic and I convinced the finance team to delay the wallet support. We shipped on time and the " +
		"checkout failures dropped."
	convBhvMetric = "We measured the checkout failure rate on the payments dashboard. It went from 2.1 percent to 0.4 percent in the " +
		"first month, and refunds fell by 30 percent."
	convBhvStrong = "Last year our payments team owned a checkout service whose error rate had climbed to 3 percent after a provider " +
		"change, and I was asked to fix it before the holiday peak. I pulled a week of failed requests, found that 80 percent were " +
		"timeouts on one provider, and I proposed a circuit breaker with a fallback provider. I wrote the design, got sign-off from the " +
		"two teams that call us, and I rolled it out behind a feature flag to 5 percent of traffic first. The error rate fell to 0.3 " +
		"percent within two weeks, and we kept 1.2 million dollars of orders over the peak that would have failed."
	convGarbled = "the uh of in the sun and to for when the by a it was going the of a moon the and so we in to by the for a of the."
)

func TestConversationsAreJudgedPerQuestion(t *testing.T) {
	t.Parallel()
	bank, err := prompts.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, testConfig(t.TempDir()))
	tests := []struct {
		name    string
		kind    string
		minutes int
		// question is the bank question the round must open with; the
		// test finds a seed that draws it.
		question string
		seed     int64
		answers  []string
		// covered are phases the first question must have covered by the end.
		covered []string
		// check runs scenario-specific assertions.
		check func(t *testing.T, log []exchange, stored storedRound)
	}{
		{
			name: "a notification design: requirements first, then the design, and nothing covered is asked again",
			kind: "system_design", minutes: 30, question: "sd-notifications",
			answers: []string{convSDNotifyRequirements, convFollowUp, convSDNotifyDesign, convFollowUp, convFollowUp},
			covered: []string{"scale", "requirements", "failures", "tradeoffs", "observability"},
			check: func(t *testing.T, log []exchange, stored storedRound) {
				for _, code := range []string{"no_failure_handling", "no_tradeoffs", "no_observability", "too_short"} {
					if log[0].feedback.Has(code) {
						t.Errorf("the requirements answer was flagged %s", code)
					}
				}
				if stored.Round.Debrief == nil {
					t.Fatal("no debrief")
				}
				for _, r := range slices.Concat(stored.Round.Debrief.Reasons, stored.Round.Debrief.Practise) {
					if strings.Contains(strings.ToLower(r), "requirements") {
						t.Errorf("the debrief faults requirements that were given: %q", r)
					}
				}
			},
		},
		{
			name: "a URL shortener over three stages covers every phase and is asked for none of them again",
			kind: "system_design", minutes: 30, question: "sd-url-shortener",
			answers: []string{convSDShortRequirements, convSDShortFollowUp, convSDShortDesign, convSDShortFollowUp, convSDShortDeep, convSDShortFollowUp},
			covered: []string{"clarify", "scale", "requirements", "high_level", "data_model", "failures", "tradeoffs", "observability"},
		},
		{
			name: "a coding question: clarifying questions, then brute force improved, and no request for what was given",
			kind: "coding", minutes: 30, question: "code-top-k-events",
			answers: []string{convCodeClarify, convCodeTopKFollowUp, convCodeApproach, convCodeTopKFollowUp, convCodeTopKFollowUp, convCodeTopKFollowUp},
			covered: []string{"clarify", "brute_force", "optimise", "complexity", "walkthrough"},
			check: func(t *testing.T, log []exchange, _ storedRound) {
				for _, ex := range log[2:] {
					if ex.feedback != nil && (ex.feedback.Has("no_brute_force") || ex.feedback.Has("no_clarifying")) {
						t.Errorf("turn %d flagged %v after clarify and brute force were given", ex.seq, codes(ex.feedback.Findings))
					}
				}
			},
		},
		{
			name: "a coding answer that covers everything at once is not asked for any phase again",
			kind: "coding", minutes: 20, question: "code-maintenance-windows",
			answers: []string{convCodeIntervals, convCodeWindowsFollowUp, convCodeWindowsFollowUp, convCodeWindowsFollowUp},
			covered: []string{"clarify", "brute_force", "optimise", "complexity", "edge_cases", "walkthrough"},
		},
		{
			name: "a behavioral follow-up answer that adds the metric resolves missing_metric for the question",
			kind: "behavioral", minutes: 16, seed: 4,
			answers: []string{convBhvNoMetric, convBhvMetric, convBhvMetric},
			check: func(t *testing.T, log []exchange, stored storedRound) {
				if !log[0].feedback.Has("missing_metric") {
					t.Fatalf("the main answer was not flagged missing_metric (%v); the scenario tests nothing", codes(log[0].feedback.Findings))
				}
				main := turnBySeq(stored.Turns, log[0].seq)
				if !slices.ContainsFunc(main.Resolved, func(r mockloop.Resolution) bool {
					return r.Code == "missing_metric" && r.TurnSeq == log[1].seq
				}) {
					t.Errorf("main answer resolved = %+v, want missing_metric by turn %d", main.Resolved, log[1].seq)
				}
				if len(log[1].resolved) != 1 || log[1].resolved[0].Seq != log[0].seq || len(log[1].resolved[0].Resolved) == 0 {
					t.Errorf("resolved messages after the metric answer = %+v", log[1].resolved)
				}
				if stored.Round.Debrief == nil {
					t.Fatal("no debrief")
				}
				for _, r := range stored.Round.Debrief.Reasons {
					if strings.Contains(r, "most often missing metric") {
						t.Errorf("debrief counts the resolved metric: %q", r)
					}
				}
			},
		},
		{
			name: "a strong behavioral answer still gets a follow-up that quotes the candidate",
			kind: "behavioral", minutes: 16, seed: 6,
			answers: []string{convBhvStrong, convBhvMetric},
			check: func(t *testing.T, log []exchange, _ storedRound) {
				if len(log) < 2 {
					t.Fatalf("the strong answer got no follow-up: %+v", log)
				}
				fu := log[1].asked
				if fu.Kind != mockloop.TurnProbe || !sharesWords(fu.Text, convBhvStrong, 2) {
					t.Errorf("follow-up %s %q does not quote the answer", fu.Kind, fu.Text)
				}
			},
		},
		{
			name: "a Bar Raiser digs twice into a strong answer, quoting it",
			kind: "bar_raiser", minutes: 20, seed: 6,
			answers: []string{convBhvStrong, convBhvMetric, convBhvMetric, convBhvMetric},
			check: func(t *testing.T, log []exchange, _ storedRound) {
				if len(log) < 3 || log[1].asked.Kind == mockloop.TurnQuestion || log[2].asked.Kind == mockloop.TurnQuestion {
					t.Fatalf("the Bar Raiser asked fewer than two follow-ups")
				}
				quoted := false
				for _, ex := range log[1:3] {
					quoted = quoted || sharesWords(ex.asked.Text, convBhvStrong, 2)
				}
				if !quoted {
					t.Errorf("no Bar Raiser follow-up quotes the answer: %q, %q", log[1].asked.Text, log[2].asked.Text)
				}
			},
		},
		{
			name: "a garbled reply to a metric follow-up is marked, asked again, and never quoted as evidence",
			kind: "behavioral", minutes: 16, seed: 4,
			answers: []string{convBhvNoMetric, convGarbled, convGarbled, convBhvMetric},
			check: func(t *testing.T, log []exchange, stored storedRound) {
				if !log[1].feedback.Has(analysis.CodeProbeNotAnswered) {
					t.Errorf("garbled reply feedback = %v, want %s", codes(log[1].feedback.Findings), analysis.CodeProbeNotAnswered)
				}
				if log[2].asked.Kind != mockloop.TurnProbe || log[2].asked.ProbeCode != log[1].asked.ProbeCode {
					t.Errorf("after the miss the interviewer said %s/%s %q, want the same follow-up again", log[2].asked.Kind, log[2].asked.ProbeCode, log[2].asked.Text)
				}
				for _, p := range stored.Round.Debrief.Principles {
					if p.TurnSeq == log[1].seq || p.TurnSeq == log[2].seq {
						t.Errorf("debrief quotes the garbled reply for %s: %q", p.Principle, p.Quote)
					}
				}
				said := false
				for _, r := range stored.Round.Debrief.Reasons {
					said = said || strings.Contains(r, "not answered")
				}
				if !said {
					t.Errorf("debrief reasons %q do not say a follow-up went unanswered", stored.Round.Debrief.Reasons)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seed := tt.seed
			if tt.question != "" {
				seed = seedFor(t, bank, tt.kind, tt.minutes, tt.question)
			}
			log, stored := conversation(t, srv, tt.kind, tt.minutes, seed, tt.answers)
			least := 1
			if tt.kind == "bar_raiser" {
				least = 2
			}
			checkQuestionLevel(t, tt.kind, bank, log, least)
			if len(tt.covered) > 0 {
				if len(stored.Questions) == 0 {
					t.Fatal("GET /api/rounds/{id} has no questions")
				}
				q := stored.Questions[0]
				for _, p := range tt.covered {
					if !slices.ContainsFunc(q.Coverage, func(ps mockloop.PhaseState) bool { return ps.Phase == p && ps.Covered }) {
						t.Errorf("question 1 coverage %+v: %s not covered", q.Coverage, p)
					}
				}
				if len(q.TurnSeqs) < 2 {
					t.Errorf("question 1 turn seqs = %v", q.TurnSeqs)
				}
			}
			if d := stored.Round.Debrief; d != nil && d.Signal != "" {
				t.Errorf("debrief still gives a hire signal %q", d.Signal)
			}
			if tt.check != nil {
				tt.check(t, log, stored)
			}
			if t.Failed() || testing.Verbose() {
				for i, ex := range log {
					t.Logf("%d %s/%s %q\n   -> turn %d findings %v", i, ex.asked.Kind, ex.asked.ProbeCode, ex.asked.Text, ex.seq, codes(ex.feedback.Findings))
				}
			}
		})
	}
}

// seedFor finds the first seed whose round opens with the given question,
// so a scenario's answers fit the question asked.
func seedFor(t *testing.T, bank *prompts.Bank, kind string, minutes int, questionID string) int64 {
	t.Helper()
	for seed := int64(1); seed < 2000; seed++ {
		s, err := round.New(bank, round.Config{Kind: mockloop.RoundKind(kind), Minutes: minutes, Seed: seed})
		if err != nil {
			t.Fatal(err)
		}
		if s.Current().QuestionID == questionID {
			return seed
		}
	}
	t.Fatalf("no seed opens a %s round with %s", kind, questionID)
	return 0
}

func codes(fs []analysis.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}

func turnBySeq(turns []mockloop.Turn, seq int) mockloop.Turn {
	for _, t := range turns {
		if t.Seq == seq {
			return t
		}
	}
	return mockloop.Turn{}
}

func TestPlanPreviewSaysHowManyQuestionsFit(t *testing.T) {
	srv := startServer(t, testConfig(t.TempDir()))
	tests := []struct {
		name    string
		kind    string
		minutes int
	}{
		{"a short behavioral round", "behavioral", 16},
		{"a Bar Raiser round", "bar_raiser", 30},
		{"a long coding round", "coding", 45},
	}
	for _, tt := range tests {
		t.Run(tt.name+" holds the questions the preview promised", func(t *testing.T) {
			resp, err := http.Get(fmt.Sprintf("%s/api/plan?kind=%s&minutes=%d", srv.URL, tt.kind, tt.minutes))
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var p round.PlanPreview
			if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("plan: %s %v", resp.Status, err)
			}
			if p.Questions < 1 || len(p.Blocks) == 0 || p.Blocks[0].MinFollowUps < 1 {
				t.Fatalf("plan = %+v", p)
			}
			r := srv.createRound(tt.kind, tt.minutes, 7)
			c := srv.mustDial(r.ID)
			c.send(mockloop.Message{Type: "hello"})
			st, _ := c.waitFor("state")
			if st.Question == nil || st.Question.Of != p.Questions {
				t.Errorf("the round shows %+v questions, the preview said %d", st.Question, p.Questions)
			}
		})
	}
	t.Run("an unknown kind is a bad request", func(t *testing.T) {
		resp, err := http.Get(srv.URL + "/api/plan?kind=chess")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("status %s", resp.Status)
		}
	})
}
