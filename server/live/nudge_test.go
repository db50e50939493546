package live

import (
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

func words(text string) []analysis.Word {
	var ws []analysis.Word
	for _, f := range strings.Fields(text) {
		ws = append(ws, analysis.Word{W: f})
	}
	return ws
}

func TestPickNudge(t *testing.T) {
	const target, timebox = 2 * time.Minute, 3 * time.Minute
	withResult := &analysis.Report{Metrics: analysis.Metrics{Star: []analysis.StarPart{{Part: "S"}, {Part: "R"}}, MetricMentions: []analysis.MetricMention{{Text: "30%"}}}}
	noResult := &analysis.Report{Metrics: analysis.Metrics{Star: []analysis.StarPart{{Part: "S"}, {Part: "A"}}, MetricMentions: []analysis.MetricMention{{Text: "30%"}}}}
	noNumber := &analysis.Report{Metrics: analysis.Metrics{Star: []analysis.StarPart{{Part: "A"}}}}
	weWeWe := &analysis.Report{Words: words("I joined and then we built it, we tested it and we shipped it"), Metrics: analysis.Metrics{MetricMentions: []analysis.MetricMention{{Text: "2x"}}}}
	weThenI := &analysis.Report{Words: words("we built it, we tested it and I shipped it"), Metrics: analysis.Metrics{MetricMentions: []analysis.MetricMention{{Text: "2x"}}}}
	fillers := &analysis.Report{Metrics: analysis.Metrics{Words: 50, FillerRate: 0.1, MetricMentions: []analysis.MetricMention{{Text: "2x"}}}}
	cases := []struct {
		name    string
		round   analysis.Round
		elapsed time.Duration
		report  *analysis.Report
		sent    map[string]bool
		want    string
	}{
		{"nothing is said early in a good answer", analysis.Behavioral, 20 * time.Second, withResult, nil, ""},
		{"at the target with no result part, land the result", analysis.Behavioral, target, noResult, nil, nudgeLandResult},
		{"at the target with a result, no nudge", analysis.Behavioral, target + time.Second, withResult, nil, ""},
		{"past the timebox, wrap up", analysis.Behavioral, timebox, withResult, nil, nudgeOverTime},
		{"over time is said once per answer", analysis.Behavioral, timebox, withResult, map[string]bool{nudgeOverTime: true}, ""},
		{"a minute in with no number", analysis.Behavioral, 61 * time.Second, noNumber, nil, nudgeNoNumber},
		{"no number is not nagged in a system design answer", analysis.SystemDesign, 61 * time.Second, noNumber, nil, ""},
		{"three we in a row", analysis.Behavioral, 30 * time.Second, weWeWe, nil, nudgeWeRun},
		{"an I after the we resets the run", analysis.Behavioral, 30 * time.Second, weThenI, nil, ""},
		{"heavy fillers", analysis.Coding, 40 * time.Second, fillers, nil, nudgeFillers},
		{"time-based nudges work without a report", analysis.Behavioral, target, nil, nil, nudgeLandResult},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, text := pickNudge(nudgeInput{round: tc.round, elapsed: tc.elapsed, target: target, timebox: timebox, report: tc.report}, tc.sent)
			if got != tc.want {
				t.Fatalf("nudge = %q (%q), want %q", got, text, tc.want)
			}
			if got != "" && text == "" {
				t.Fatalf("nudge %q has no text", got)
			}
		})
	}
}

func TestNudgesAreRateLimited(t *testing.T) {
	var n nudgeState
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	in := nudgeInput{round: analysis.Behavioral, elapsed: 3 * time.Minute, target: 2 * time.Minute, timebox: 3 * time.Minute}
	if code, _ := n.next(in, t0); code != nudgeOverTime {
		t.Fatalf("first nudge = %q, want over_time", code)
	}
	if code, _ := n.next(in, t0.Add(5*time.Second)); code != "" {
		t.Fatalf("a second nudge 5 s later = %q, want none", code)
	}
	if code, _ := n.next(in, t0.Add(nudgeGap)); code != nudgeLandResult {
		t.Fatalf("after the gap = %q, want land_result", code)
	}
	n.reset()
	if code, _ := n.next(in, t0.Add(nudgeGap+time.Second)); code != nudgeOverTime {
		t.Fatalf("after reset (a new answer) = %q, want over_time again", code)
	}
}
