package progress

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// t0 is the fixed clock every fixture is built from.
var t0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

func day(n int) time.Time { return t0.Add(time.Duration(n) * 24 * time.Hour) }

// words builds report words from text, timed at pace words per minute
// when pace > 0.
func words(text string, pace float64) []analysis.Word {
	var out []analysis.Word
	for i, w := range strings.Fields(text) {
		wd := analysis.Word{W: w}
		if pace > 0 {
			wd.Start = float64(i) * 60 / pace
			wd.End = wd.Start + 0.3
		}
		out = append(out, wd)
	}
	return out
}

// rep is a hand-built report: the fields the progress package reads.
type rep struct {
	round      analysis.Round
	text       string
	pace       float64 // wpm; 0 untimed
	fillers    int
	i, we      int
	metrics    int
	situation  [2]int // word span of the S part; zero for none
	principles map[string]float64
	findings   []analysis.Severity
}

func (r rep) build() *analysis.Report {
	ws := words(r.text, r.pace)
	out := &analysis.Report{Round: cmpRound(r.round), Text: r.text, Words: ws, Question: "Tell me about a time."}
	m := &out.Metrics
	m.Words = len(ws)
	m.Fillers = r.fillers
	m.I, m.We = r.i, r.we
	if r.pace > 0 {
		m.HasTimings = true
		m.DurationSec = ws[len(ws)-1].End
		m.WPM = r.pace
	}
	for range r.metrics {
		m.MetricMentions = append(m.MetricMentions, analysis.MetricMention{Text: "40%", Value: 40, Unit: "%"})
	}
	if r.situation[1] > 0 {
		m.Star = append(m.Star, analysis.StarPart{Part: "S", Span: analysis.Span{W0: r.situation[0], W1: r.situation[1]}})
	}
	names := make([]string, 0, len(r.principles))
	for n := range r.principles {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		m.Principles = append(m.Principles, analysis.Principle{Name: n, Score: r.principles[n]})
	}
	for i, sev := range r.findings {
		out.Findings = append(out.Findings, analysis.Finding{Code: []string{"vague_claims", "missing_metric", "filler_heavy", "hedging"}[i%4], Severity: sev, Confidence: 1})
	}
	return out
}

func cmpRound(r analysis.Round) analysis.Round {
	if r == "" {
		return analysis.Behavioral
	}
	return r
}

// convo builds a round's turns from a script: "Q:Principle" is a main
// question, "P" a probe, "C" a cut-in, and a rep is the candidate's answer.
func convo(id string, kind mockloop.RoundKind, created time.Time, script ...any) RoundTurns {
	rt := RoundTurns{Round: mockloop.Round{ID: id, Kind: kind, Status: mockloop.StatusFinished, CreatedAt: created}}
	qi := -1
	principle := ""
	for seq, s := range script {
		t := mockloop.Turn{RoundID: id, Seq: seq, StartedAt: created.Add(time.Duration(seq) * time.Minute)}
		switch v := s.(type) {
		case string:
			t.Role = mockloop.RoleInterviewer
			switch {
			case strings.HasPrefix(v, "Q:"):
				qi++
				principle = strings.TrimPrefix(v, "Q:")
				t.Kind = mockloop.TurnQuestion
			case v == "P":
				t.Kind = mockloop.TurnProbe
			case v == "C":
				t.Kind = mockloop.TurnCutIn
			case v == "end":
				t.Kind = mockloop.TurnClosing
			}
			t.Principle = principle
			t.Text = v
		case rep:
			t.Role, t.Kind, t.Principle = mockloop.RoleCandidate, mockloop.TurnAnswer, principle
			t.Report = v.build()
			t.Text = v.text
		}
		t.QuestionIdx = max(qi, 0)
		t.QuestionID = "q" + strings.ReplaceAll(strings.ToLower(principle), " ", "-")
		rt.Turns = append(rt.Turns, t)
	}
	return rt
}

const longStory = "So at my last company, our checkout service was timing out during sales. I profiled the database and I added an index and the timeouts fell by 40% in a week."

func history() []RoundTurns {
	return []RoundTurns{
		// Newest first, as the store returns them.
		convo("r3", mockloop.KindBehavioral, day(2),
			"Q:Ownership",
			rep{text: longStory, pace: 150, fillers: 1, i: 6, we: 1, metrics: 1, situation: [2]int{0, 12},
				principles: map[string]float64{"Ownership": 0.8, "Dive Deep": 0.6, "Frugality": 0.2}},
			"P",
			rep{text: "We measured it with the p99 latency dashboard.", pace: 140, i: 0, we: 1, metrics: 1,
				principles: map[string]float64{"Deliver Results": 0.7}},
			"Q:Earn Trust",
			rep{text: "Um, well, there was this time the team disagreed with me about a launch date.", pace: 130, fillers: 2, i: 1, we: 3,
				situation: [2]int{0, 15}, findings: []analysis.Severity{analysis.High, analysis.Medium}},
			"end"),
		convo("r1", mockloop.KindBehavioral, day(0),
			"Q:Customer Obsession",
			rep{text: "We um shipped a fix for the customer and like they were happy I think.", pace: 190, fillers: 6, i: 1, we: 4,
				findings: []analysis.Severity{analysis.High, analysis.High, analysis.Low}},
			"end"),
		// An abandoned round: no answers, so no trend point.
		convo("r0", mockloop.KindCoding, day(-1), "Q:"),
		convo("r2", mockloop.KindLoop, day(1),
			"Q:Customer Obsession",
			rep{text: "Our biggest customer, a bank, could not export reports. I built the export in two days and they renewed.", i: 3, we: 2, metrics: 1,
				situation: [2]int{0, 9}, principles: map[string]float64{"Customer Obsession": 0.9, "Bias for Action": 0.55},
				findings: []analysis.Severity{analysis.Low}},
			"C",
			rep{text: "The result was a renewal.", i: 0, we: 0},
			"Q:",
			rep{round: analysis.SystemDesign, text: "I would shard the table by tenant.", i: 1},
			"end"),
	}
}

func TestGolden(t *testing.T) {
	h := history()
	stories := StoryBank(h)
	cov := Coverage(stories)
	got := map[string]any{
		"trends":   Trends(h),
		"stories":  stories,
		"coverage": cov,
		"gaps":     Gaps(cov),
	}
	data, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	data = append(data, '\n')
	path := filepath.Join("testdata", "progress.golden.json")
	if *update {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(data, want) {
		t.Errorf("progress differs from %s (run go test -update and review the diff):\n%s", path, data)
	}
}

func TestTrends(t *testing.T) {
	tr := Trends(history())
	t.Run("rounds without answers are left out and the rest run oldest first", func(t *testing.T) {
		var ids []string
		for _, p := range tr.Rounds {
			ids = append(ids, p.RoundID)
		}
		if want := []string{"r1", "r2", "r3"}; !slices.Equal(ids, want) {
			t.Errorf("round order = %v, want %v", ids, want)
		}
	})
	t.Run("an untimed round has no pace or seconds but does have words", func(t *testing.T) {
		p := tr.Rounds[1]
		if p.WPM != nil || p.AnswerSec != nil || p.FillersPerMin != nil {
			t.Errorf("untimed round has timed figures: %+v", p)
		}
		if p.AnswerWords == nil || *p.AnswerWords <= 0 {
			t.Errorf("untimed round has no answer length in words: %+v", p)
		}
	})
	t.Run("ownership sums I and we over answers", func(t *testing.T) {
		p := tr.Rounds[2]
		if p.Ownership == nil || *p.Ownership != 0.583 { // 7 / (7 + 5)
			t.Errorf("ownership = %v, want 0.583", p.Ownership)
		}
	})
	t.Run("a round with no first-person pronouns has no ownership", func(t *testing.T) {
		rt := convo("x", mockloop.KindBehavioral, t0, "Q:Ownership", rep{text: "The system was fixed."})
		if p := Trends([]RoundTurns{rt}).Rounds[0]; p.Ownership != nil {
			t.Errorf("ownership = %v, want nil", *p.Ownership)
		}
	})
	t.Run("series skip rounds without a value", func(t *testing.T) {
		if got := tr.Series(WPM); len(got) != 2 {
			t.Errorf("WPM series = %v, want the two timed rounds", got)
		}
	})
}

func TestDirection(t *testing.T) {
	tests := []struct {
		name   string
		metric Metric
		values []float64
		want   Direction
	}{
		{"one round is not a trend", FillersPerMin, []float64{3}, Unknown},
		{"no rounds is not a trend", WPM, nil, Unknown},
		{"fewer fillers is improving", FillersPerMin, []float64{6, 5, 3, 2}, Improving},
		{"more fillers is worse", FillersPerMin, []float64{1, 2}, Worse},
		{"a change inside the tolerance is steady", FillersPerMin, []float64{2, 2.3}, Steady},
		{"more answers with metrics is improving", MetricShare, []float64{0.2, 0.5, 0.8}, Improving},
		{"less ownership is worse", Ownership, []float64{0.8, 0.5}, Worse},
		{"pace moving into the band is improving", WPM, []float64{200, 190, 160}, Improving},
		{"pace moving from slow to fast past the band is worse", WPM, []float64{95, 185}, Worse},
		{"pace wandering inside the band is steady", WPM, []float64{110, 160, 120, 150}, Steady},
		{"answers growing from short to the target is improving", AnswerSec, []float64{45, 150}, Improving},
		{"answers growing past the target is worse", AnswerWords, []float64{400, 700}, Worse},
		{"only the latest window counts", FillersPerMin, []float64{20, 20, 20, 2, 2, 2, 2, 2}, Steady},
		{"the middle of an odd window is in neither half", Ownership, []float64{0.5, 0.5, 0.1, 0.5, 0.5}, Steady},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := direction(tt.metric, tt.values); got != tt.want {
				t.Errorf("direction(%s, %v) = %s, want %s", tt.metric, tt.values, got, tt.want)
			}
		})
	}
}

func TestStoryBank(t *testing.T) {
	stories := StoryBank(history())
	find := func(round string, seq int) Story {
		t.Helper()
		for _, s := range stories {
			if s.RoundID == round && s.Seq == seq {
				return s
			}
		}
		t.Fatalf("no story at %s/%d in %+v", round, seq, stories)
		return Story{}
	}
	tests := []struct {
		name  string
		check func(t *testing.T)
	}{
		{"stories run oldest round first, then by turn", func(t *testing.T) {
			var got []string
			for _, s := range stories {
				got = append(got, s.RoundID+"/"+s.AskedFor)
			}
			want := []string{"r1/Customer Obsession", "r2/Customer Obsession", "r3/Ownership", "r3/Earn Trust"}
			if !slices.Equal(got, want) {
				t.Errorf("stories = %v, want %v", got, want)
			}
		}},
		{"a follow-up answer joins its story and adds its principles", func(t *testing.T) {
			s := find("r3", 1)
			if !slices.Equal(s.FollowUps, []int{3}) {
				t.Errorf("follow-ups = %v, want [3]", s.FollowUps)
			}
			want := []string{"Ownership", "Dive Deep", "Deliver Results"}
			if !slices.Equal(s.Principles, want) {
				t.Errorf("principles = %v, want %v (Frugality at 0.2 is below the threshold)", s.Principles, want)
			}
		}},
		{"the title is the first clause of the situation, without the lead-in", func(t *testing.T) {
			if got := find("r3", 1).Title; got != "At my last company" {
				t.Errorf("title = %q", got)
			}
			if got := find("r3", 5).Title; got != "There was this time the team disagreed with…" {
				t.Errorf("title = %q", got)
			}
		}},
		{"an answer without a situation is titled from its words, filled pauses dropped", func(t *testing.T) {
			if got := find("r1", 1).Title; got != "We shipped a fix for the customer and…" {
				t.Errorf("title = %q", got)
			}
		}},
		{"a cut-in answer joins its story", func(t *testing.T) {
			if got := find("r2", 1).FollowUps; !slices.Equal(got, []int{3}) {
				t.Errorf("follow-ups = %v, want [3]", got)
			}
		}},
		{"a system design answer in a loop is not a story", func(t *testing.T) {
			for _, s := range stories {
				if s.RoundID == "r2" && s.Seq == 5 {
					t.Errorf("system design answer became a story: %+v", s)
				}
			}
		}},
		{"the score is the main answer's and strong from 80", func(t *testing.T) {
			if s := find("r2", 1); s.Score != 95 || !s.Strong {
				t.Errorf("one low finding: score %d strong %v, want 95 true", s.Score, s.Strong)
			}
			if s := find("r3", 5); s.Score != 63 || s.Strong {
				t.Errorf("high and medium findings: score %d strong %v, want 63 false", s.Score, s.Strong)
			}
		}},
		{"a short answer is not strong however few its findings", func(t *testing.T) {
			for _, code := range []string{"too_short", "missing_action", "missing_result"} {
				r := convo("s", mockloop.KindBehavioral, t0, "Q:Ownership", rep{text: "We shipped it."})
				r.Turns[1].Report.Findings = []analysis.Finding{{Code: code, Severity: analysis.Low, Confidence: 1}}
				if s := StoryBank([]RoundTurns{r})[0]; s.Score != 95 || s.Strong {
					t.Errorf("%s: score %d strong %v, want 95 and not strong", code, s.Score, s.Strong)
				}
			}
		}},
		{"a finding the page puts as a question is not held against the story or the round", func(t *testing.T) {
			r := convo("s", mockloop.KindBehavioral, t0, "Q:Ownership", rep{text: "I rebuilt the cache and cut p99 latency by 40%."})
			r.Turns[1].Report.Findings = []analysis.Finding{
				{Code: "missing_metric", Severity: analysis.High, Confidence: analysis.ShownAsQuestion / 2},
				{Code: "vague_claims", Severity: analysis.Medium, Confidence: 0.9},
			}
			s := StoryBank([]RoundTurns{r})[0]
			if slices.Contains(s.Gaps, "missing_metric") || !slices.Contains(s.Gaps, "vague_claims") {
				t.Errorf("gaps = %v, want vague_claims only", s.Gaps)
			}
			if got := Trends([]RoundTurns{r}).Rounds[0].Faults; got != 1 {
				t.Errorf("faults = %d, want 1 (the doubtful finding left out)", got)
			}
		}},
		{"gaps list high findings before medium ones and skip low", func(t *testing.T) {
			if got := find("r1", 1).Gaps; !slices.Equal(got, []string{"vague_claims", "missing_metric"}) {
				t.Errorf("gaps = %v", got)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, tt.check)
	}
}

func TestTitle(t *testing.T) {
	tests := []struct {
		name, text, asked, want string
	}{
		{"a short clause runs on to the next punctuation", "Okay, so, in 2021, our team lost the pager rotation.", "", "In 2021, our team lost the pager rotation"},
		{"an empty answer is titled with the principle", "", "Frugality", "Frugality"},
		{"an empty answer without a principle is untitled", "", "", "Untitled story"},
		{"only lead-ins fall back to the principle", "um uh so", "Think Big", "Think Big"},
		{"a lower-case start is capitalised", "ëverything broke, badly.", "", "Ëverything broke, badly"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analysis.Report{Words: words(tt.text, 0)}
			if got := title(r, tt.asked); got != tt.want {
				t.Errorf("title(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

// TestTitleSaysWhatTheStoryIsAbout titles analysed answers: the outcome
// when the story states one, the first action when it does not, the
// situation when it has neither.
func TestTitleSaysWhatTheStoryIsAbout(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"a measured outcome names the story", "Our checkout was timing out every Friday. I dug into the traces and I moved the fraud check to a queue. " +
			"As a result checkout timeouts fell from 2% to 0.1% through the holiday sale.", "Checkout timeouts fell from 2% to 0.1% through the holiday sale"},
		{"the outcome's clause is taken from its own start, connectives dropped", "We measured it on the p99 dashboard for a week, and the p99 went from 900 ms to 200 ms.",
			"The p99 went from 900 ms to 200 ms"},
		{"without an outcome the first action names it, without the I", "At my last company our deploys kept failing on Fridays. My job was to fix it. " +
			"I rewrote the build cache, and I split the tests into eight shards.", "Rewrote the build cache"},
		{"with neither the situation's first clause does", "Honestly it went well and everyone was happy.", "Honestly it went well and everyone was happy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Text: tt.text})
			if got := title(r, "Ownership"); got != tt.want {
				t.Errorf("title = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestStoryCompletedByFollowUp checks that a story a follow-up completed
// (Turn.Resolved on the main answer) is judged as completed: the resolved
// gap is gone, the score counts without it, and it is named by the
// follow-up's outcome when the main answer stated none.
func TestStoryCompletedByFollowUp(t *testing.T) {
	main := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Text: "At my last company our deploys kept failing on Fridays. " +
		"My job was to fix it. I rewrote the build cache, and I split the tests into eight shards."})
	follow := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, FollowUp: true,
		Text: "I measured it on the deploy dashboard: failed deploys fell from 20% to 3% in six weeks."})
	// The findings a story without its outcome gets; the analyzer's own
	// choice for this short text is not what is under test.
	main.Findings = []analysis.Finding{
		{Code: "missing_result", Severity: analysis.High, Confidence: 1}, {Code: "missing_metric", Severity: analysis.High, Confidence: 1}, {Code: "too_short", Severity: analysis.Medium, Confidence: 1},
	}
	if outcomeTitle(main) != "" || outcomeTitle(follow) == "" {
		t.Fatalf("fixture: the main answer should state no outcome and the follow-up one (%q, %q)", outcomeTitle(main), outcomeTitle(follow))
	}
	build := func(resolved []mockloop.Resolution) Story {
		rt := RoundTurns{Round: mockloop.Round{ID: "r", Kind: mockloop.KindBehavioral, CreatedAt: t0}, Turns: []mockloop.Turn{
			{Seq: 0, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, Principle: "Ownership"},
			{Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Report: &main, Resolved: resolved},
			{Seq: 2, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe},
			{Seq: 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Report: &follow},
		}}
		return StoryBank([]RoundTurns{rt})[0]
	}
	before := build(nil)
	after := build([]mockloop.Resolution{{Code: "missing_result", TurnSeq: 3}, {Code: "missing_metric", TurnSeq: 3}})
	t.Run("the resolved gaps are not gaps any more", func(t *testing.T) {
		if slices.Contains(after.Gaps, "missing_result") || slices.Contains(after.Gaps, "missing_metric") {
			t.Errorf("gaps = %v, want missing_result and missing_metric gone (before: %v)", after.Gaps, before.Gaps)
		}
	})
	t.Run("the score counts the completed story", func(t *testing.T) {
		if after.Score <= before.Score {
			t.Errorf("score %d after, %d before: want higher once completed", after.Score, before.Score)
		}
	})
	t.Run("the round's fault count leaves the resolved findings out", func(t *testing.T) {
		rt := RoundTurns{Round: mockloop.Round{ID: "r", Kind: mockloop.KindBehavioral, CreatedAt: t0}, Turns: []mockloop.Turn{
			{Seq: 0, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion},
			{Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Report: &main, Resolved: []mockloop.Resolution{{Code: "missing_result", TurnSeq: 3}}},
			{Seq: 2, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe},
			{Seq: 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Report: &follow},
		}}
		want := len(main.Findings) - 1 + len(follow.Findings)
		if got := Trends([]RoundTurns{rt}).Rounds[0].Faults; got != want {
			t.Errorf("faults = %d, want %d (%d findings on the main answer, one resolved; %d on the follow-up)", got, want, len(main.Findings), len(follow.Findings))
		}
	})
	t.Run("the follow-up that completed it is named and names the story", func(t *testing.T) {
		if after.CompletedBy != 3 {
			t.Errorf("completed_by = %d, want 3", after.CompletedBy)
		}
		if want := "Failed deploys fell from 20% to 3% in six weeks"; after.Title != want {
			t.Errorf("title = %q, want %q (before: %q)", after.Title, want, before.Title)
		}
	})
}

func TestCoverage(t *testing.T) {
	cov := Coverage(StoryBank(history()))
	by := map[string]PrincipleCoverage{}
	for _, c := range cov {
		by[c.Principle] = c
	}
	tests := []struct {
		name      string
		principle string
		strength  Strength
		best      string // round/seq
		stories   int
	}{
		{"the best of two stories wins", "Customer Obsession", Strong, "r2/1", 2},
		{"a principle only heard in a follow-up counts", "Deliver Results", Strong, "r3/1", 1},
		{"a story with a high gap is weak", "Earn Trust", Weak, "r3/5", 1},
		{"a principle never shown has no story", "Think Big", None, "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := by[tt.principle]
			best := ""
			if c.Best != nil {
				best = c.Best.RoundID + "/" + strconv.Itoa(c.Best.Seq)
			}
			if c.Strength != tt.strength || best != tt.best || c.Stories != tt.stories {
				t.Errorf("%s: strength %s best %q stories %d, want %s %q %d", tt.principle, c.Strength, best, c.Stories, tt.strength, tt.best, tt.stories)
			}
		})
	}
	t.Run("all sixteen principles are listed", func(t *testing.T) {
		if len(cov) != 16 {
			t.Errorf("coverage has %d principles", len(cov))
		}
	})
	t.Run("gaps are the principles without a strong story, in Amazon's order", func(t *testing.T) {
		g := Gaps(cov)
		if slices.Contains(g, "Customer Obsession") || !slices.Contains(g, "Earn Trust") {
			t.Errorf("gaps = %v", g)
		}
		if len(g) != 16-5 { // strong: Customer Obsession, Ownership, Dive Deep, Deliver Results, Bias for Action
			t.Errorf("gaps = %d %v, want 11", len(g), g)
		}
		if g[0] != "Invent and Simplify" {
			t.Errorf("first gap = %q, want Invent and Simplify", g[0])
		}
	})
	t.Run("a tie goes to the newer story", func(t *testing.T) {
		a := Story{RoundID: "old", Seq: 1, Score: 90, Strong: true, Principles: []string{"Frugality"}}
		b := Story{RoundID: "new", Seq: 1, Score: 90, Strong: true, Principles: []string{"Frugality"}}
		for _, c := range Coverage([]Story{a, b}) {
			if c.Principle == "Frugality" && c.Best.RoundID != "new" {
				t.Errorf("best = %s, want new", c.Best.RoundID)
			}
		}
	})
	t.Run("no stories leave every principle a gap", func(t *testing.T) {
		if g := Gaps(Coverage(nil)); len(g) != 16 {
			t.Errorf("gaps = %v", g)
		}
	})
}
