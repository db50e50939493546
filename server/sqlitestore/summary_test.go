package sqlitestore

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

func TestSummaries(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)

	timed := func(words, fillers, i, we, metrics int, sec float64, findings ...string) *analysis.Report {
		rep := &analysis.Report{Round: analysis.Behavioral, Metrics: analysis.Metrics{
			Words: words, Fillers: fillers, I: i, We: we, DurationSec: sec, HasTimings: sec > 0}}
		for range metrics {
			rep.Metrics.MetricMentions = append(rep.Metrics.MetricMentions, analysis.MetricMention{Text: "40%", Value: 40, Unit: "%"})
		}
		for _, c := range findings {
			// A code ending in "?" is a finding the page puts as a question.
			code, doubtful := strings.CutSuffix(c, "?")
			conf := 1.0
			if doubtful {
				conf = analysis.ShownAsQuestion / 2
			}
			rep.Findings = append(rep.Findings, analysis.Finding{Code: code, Severity: analysis.Medium, Message: code, Confidence: conf})
		}
		return rep
	}
	rounds := []struct {
		id      string
		created float64
		reports []*analysis.Report
	}{
		// Two spoken answers: 60 s with 150 words, 3 fillers; 120 s with
		// 210 words, 6 fillers. Totals: 360 words and 9 fillers in 3 min.
		{"spoken", 100, []*analysis.Report{
			timed(150, 3, 6, 2, 1, 60, "filler_heavy", "no_result"),
			timed(210, 6, 2, 6, 0, 120, "we_not_i", "missing_metric?"),
		}},
		// Typed answers have no timings: rates are undefined.
		{"typed", 200, []*analysis.Report{timed(80, 0, 0, 0, 2, 0, "weak_ownership?"), timed(90, 1, 0, 0, 0, 0)}},
		{"empty", 300, nil},
	}
	for _, r := range rounds {
		if err := db.CreateRound(ctx, &mockloop.Round{ID: r.id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusFinished, CreatedAt: at(r.created), UpdatedAt: at(r.created)}); err != nil {
			t.Fatal(err)
		}
		var turns []*mockloop.Turn
		for i, rep := range r.reports {
			turns = append(turns,
				&mockloop.Turn{Seq: 2 * i, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, StartedAt: t0},
				&mockloop.Turn{Seq: 2*i + 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, StartedAt: t0, Report: rep})
		}
		// A candidate turn not yet analysed does not count as an answer.
		turns = append(turns, &mockloop.Turn{Seq: 99, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, StartedAt: t0})
		if err := db.SaveStep(ctx, mockloop.Step{Round: &mockloop.Round{ID: r.id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusFinished, UpdatedAt: at(r.created)}, Turns: turns}); err != nil {
			t.Fatal(err)
		}
	}

	got, err := db.Summaries(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != "empty" || got[1].ID != "typed" || got[2].ID != "spoken" {
		t.Fatalf("summaries not newest first: %+v", got)
	}
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		name string
		got  mockloop.RoundSummary
		want mockloop.RoundSummary
	}{
		{"spoken answers average by total speaking time and count only faults", got[2], mockloop.RoundSummary{
			Answers: 2, TimedAnswers: 2, Findings: 3,
			FillersPerMin: f(9.0 / 3), WPM: f(360.0 / 3), AvgAnswerSec: f(90),
			MetricShare: f(0.5), Ownership: f(8.0 / 16)}},
		{"typed answers have no rates but do have a metric share, and a finding put as a question is no fault", got[1], mockloop.RoundSummary{
			Answers: 2, MetricShare: f(0.5)}},
		{"a round with no answers has no averages at all", got[0], mockloop.RoundSummary{}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, w := c.got, c.want
			if g.Answers != w.Answers || g.TimedAnswers != w.TimedAnswers || g.Findings != w.Findings {
				t.Errorf("counts = %d/%d/%d, want %d/%d/%d", g.Answers, g.TimedAnswers, g.Findings, w.Answers, w.TimedAnswers, w.Findings)
			}
			for _, m := range []struct {
				name      string
				got, want *float64
			}{
				{"fillers_per_min", g.FillersPerMin, w.FillersPerMin},
				{"wpm", g.WPM, w.WPM},
				{"avg_answer_sec", g.AvgAnswerSec, w.AvgAnswerSec},
				{"metric_share", g.MetricShare, w.MetricShare},
				{"ownership", g.Ownership, w.Ownership},
			} {
				if show(m.got) != show(m.want) {
					t.Errorf("%s = %s, want %s", m.name, show(m.got), show(m.want))
				}
			}
		})
	}
	t.Run("a limit summarises only the newest rounds", func(t *testing.T) {
		s, err := db.Summaries(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(s) != 1 || s[0].ID != "empty" {
			t.Errorf("Summaries(1) = %+v", s)
		}
	})
}

func show(v *float64) string {
	if v == nil {
		return "null"
	}
	return fmt.Sprintf("%.6f", math.Round(*v*1e6)/1e6)
}
