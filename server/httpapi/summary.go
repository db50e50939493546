package httpapi

import "github.com/mockloop/mockloop/server"

// Summary is one round's figures for the history list and trends.
type Summary struct {
	Answers       int     `json:"answers"`
	Findings      int     `json:"findings"`
	FillersPerMin float64 `json:"fillers_per_min"`
	MetricShare   float64 `json:"metric_share"` // answers with a number
	Ownership     float64 `json:"ownership"`    // I/(I+we) inside Action
	AvgAnswerSec  float64 `json:"avg_answer_sec"`
	WPM           float64 `json:"wpm"`
}

// Summarize computes a round's Summary from its answered turns. Averages
// over timed answers only where the figure needs timings.
func Summarize(turns []server.Turn) Summary {
	var s Summary
	var timed, withMetric int
	var fpm, wpm, secs float64
	var i, we int
	for _, t := range turns {
		if t.Role != server.RoleCandidate || t.Report == nil {
			continue
		}
		m := t.Report.Metrics
		s.Answers++
		s.Findings += len(t.Report.Findings)
		if len(m.MetricMentions) > 0 {
			withMetric++
		}
		i += m.I
		we += m.We
		if m.HasTimings && m.DurationSec > 0 {
			timed++
			fpm += m.FillersPerMin
			wpm += m.WPM
			secs += m.DurationSec
		} else if t.EndedAt != nil && !t.StartedAt.IsZero() {
			secs += t.EndedAt.Sub(t.StartedAt).Seconds()
		}
	}
	if s.Answers > 0 {
		s.MetricShare = float64(withMetric) / float64(s.Answers)
		s.AvgAnswerSec = secs / float64(s.Answers)
	}
	if timed > 0 {
		s.FillersPerMin = fpm / float64(timed)
		s.WPM = wpm / float64(timed)
	}
	if i+we > 0 {
		s.Ownership = float64(i) / float64(i+we)
	}
	return s
}
