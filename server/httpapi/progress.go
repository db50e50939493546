package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/charts"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/progress"
)

// progressRounds is how many of the newest rounds progress is computed
// from: months of daily practice, while one request stays well under a
// second on a laptop.
const progressRounds = 200

// registerProgress adds the progress page's JSON and the SVG charts.
func (a *API) registerProgress(mux *http.ServeMux) {
	mux.Handle("GET /api/progress", a.wrap(a.progress))
	mux.Handle("GET /api/progress/{file}", a.wrap(a.trendChart))
	mux.Handle("GET /api/rounds/{id}/charts/{seq}/{file}", a.wrap(a.answerChart))
}

// loadHistory reads the newest limit rounds with their turns. With a
// bank, answers carry Turn.Resolved from the round engine's state, as on
// the review page, so a finding a follow-up resolved is no fault here
// either.
func loadHistory(ctx context.Context, store mockloop.Store, bank *prompts.Bank, limit int) ([]progress.RoundTurns, error) {
	rounds, err := store.Rounds(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("list rounds: %w", err)
	}
	out := make([]progress.RoundTurns, 0, len(rounds))
	for _, r := range rounds {
		turns, err := store.Turns(ctx, r.ID)
		if err != nil {
			return nil, fmt.Errorf("load turns of round %s: %w", r.ID, err)
		}
		if bank != nil {
			// A state that cannot be restored leaves the turns as
			// committed: the counts then include what a follow-up
			// resolved, which is what they said before resolutions.
			if _, resolved, err := live.Review(bank, &r, turns); err == nil {
				turns = resolved
			}
		}
		out = append(out, progress.RoundTurns{Round: r, Turns: turns})
	}
	return out, nil
}

// GapFocus returns the Leadership Principles without a strong story in the
// stored rounds, in Amazon's order, for a "practise my gaps" round
// (round.Config.Focus). All sixteen when nothing has been practised yet;
// none when every principle has a strong story.
func GapFocus(ctx context.Context, store mockloop.Store, bank *prompts.Bank) ([]string, error) {
	h, err := loadHistory(ctx, store, bank, progressRounds)
	if err != nil {
		return nil, fmt.Errorf("gap focus: %w", err)
	}
	return progress.Gaps(progress.Coverage(progress.StoryBank(h))), nil
}

// Progress is the body of GET /api/progress.
type Progress struct {
	Trends   progress.TrendSet            `json:"trends"`
	Stories  []progress.Story             `json:"stories"`
	Coverage []progress.PrincipleCoverage `json:"coverage"`
	Gaps     []string                     `json:"gaps"`
}

func (a *API) progress(w http.ResponseWriter, r *http.Request) error {
	h, err := loadHistory(r.Context(), a.Store, a.Deps.Bank, progressRounds)
	if err != nil {
		return fmt.Errorf("progress: %w", err)
	}
	stories := progress.StoryBank(h)
	cov := progress.Coverage(stories)
	writeJSON(w, http.StatusOK, Progress{
		Trends:   progress.Trends(h),
		Stories:  stories,
		Coverage: cov,
		Gaps:     progress.Gaps(cov),
	})
	return nil
}

// trendLabels names each trend metric on its sparkline; the keys are the
// only metrics served.
var trendLabels = map[progress.Metric]string{
	progress.FillersPerMin: "Fillers per minute",
	progress.MetricShare:   "Share of answers with a metric",
	progress.Ownership:     "Ownership: I / (I + we) in Action",
	progress.AnswerSec:     "Average answer length (seconds)",
	progress.AnswerWords:   "Average answer length (words)",
	progress.WPM:           "Speaking pace (wpm)",
}

func (a *API) trendChart(w http.ResponseWriter, r *http.Request) error {
	name, ok := strings.CutSuffix(r.PathValue("file"), ".svg")
	label, known := trendLabels[progress.Metric(name)]
	if !ok || !known {
		return notFound("chart")
	}
	series, err := a.trendSeries(r.Context(), progress.Metric(name))
	if err != nil {
		return fmt.Errorf("trend chart: %w", err)
	}
	writeSVG(w, charts.Sparkline(series, label))
	return nil
}

// trendSeries returns a metric's values, oldest round first. The store's
// one-query summaries leave the words out of the reports, which is most of
// the cost of loading 200 rounds, so they are used when they carry the
// metric; the figures are defined the same way (progress.Point).
func (a *API) trendSeries(ctx context.Context, m progress.Metric) ([]float64, error) {
	if a.Summaries != nil && m != progress.AnswerWords {
		sums, err := a.Summaries.Summaries(ctx, progressRounds)
		if err != nil {
			return nil, fmt.Errorf("summarize rounds: %w", err)
		}
		out := []float64{}
		for i := len(sums) - 1; i >= 0; i-- {
			s := sums[i]
			if s.Answers == 0 {
				continue
			}
			var v *float64
			switch m {
			case progress.FillersPerMin:
				v = s.FillersPerMin
			case progress.MetricShare:
				v = s.MetricShare
			case progress.Ownership:
				v = s.Ownership
			case progress.AnswerSec:
				v = s.AvgAnswerSec
			case progress.WPM:
				v = s.WPM
			}
			if v != nil {
				out = append(out, *v)
			}
		}
		return out, nil
	}
	h, err := loadHistory(ctx, a.Store, a.Deps.Bank, progressRounds)
	if err != nil {
		return nil, err
	}
	return progress.Trends(h).Series(m), nil
}

// answerCharts are the charts of one answer, by file name.
var answerCharts = map[string]func(analysis.Report) string{
	"pace.svg":      charts.Pace,
	"timeline.svg":  charts.Timeline,
	"ownership.svg": charts.Ownership,
}

func (a *API) answerChart(w http.ResponseWriter, r *http.Request) error {
	draw, ok := answerCharts[r.PathValue("file")]
	if !ok {
		return notFound("chart")
	}
	seq, err := strconv.Atoi(r.PathValue("seq"))
	if err != nil {
		return notFound("answer")
	}
	_, turns, err := a.load(r)
	if err != nil {
		return err
	}
	for _, t := range turns {
		if t.Seq == seq && t.Role == mockloop.RoleCandidate && t.Report != nil {
			writeSVG(w, draw(*t.Report))
			return nil
		}
	}
	return notFound("answer")
}

func writeSVG(w http.ResponseWriter, svg string) {
	w.Header().Set("Content-Type", "image/svg+xml")
	// A round can be deleted, so charts are not cached for long.
	w.Header().Set("Cache-Control", "private, no-cache")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(svg))
}
