package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// Summaries returns the newest limit rounds (all when limit <= 0) with the
// averages of their answers, newest first.
func (db *DB) Summaries(ctx context.Context, limit int) ([]mockloop.RoundSummary, error) {
	rounds, err := db.Rounds(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("summaries: %w", err)
	}
	if len(rounds) == 0 {
		return nil, nil
	}
	acc := make(map[string]*summaryAcc, len(rounds))
	for _, r := range rounds {
		acc[r.ID] = &summaryAcc{}
	}
	sqlLimit := limit
	if sqlLimit <= 0 {
		sqlLimit = -1
	}
	// The words and text are the bulk of a report (a 20,000-word answer is
	// megabytes) and no average needs them. The findings are counted here
	// rather than from the findings table, which holds no confidence.
	rows, err := db.db.QueryContext(ctx, `SELECT t.round_id, json_remove(t.report, '$.words', '$.text')
		FROM turns AS t
		WHERE t.role = ? AND t.report IS NOT NULL AND t.round_id IN
			(SELECT id FROM rounds ORDER BY created_at DESC, rowid DESC LIMIT ?)
		ORDER BY t.round_id, t.seq`, string(mockloop.RoleCandidate), sqlLimit)
	if err != nil {
		return nil, classify("summaries: read reports", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			roundID string
			raw     sql.NullString
		)
		if err := rows.Scan(&roundID, &raw); err != nil {
			return nil, classify("summaries: read reports", err)
		}
		a := acc[roundID]
		if a == nil || !raw.Valid {
			continue // a round created between the two queries
		}
		var rep analysis.Report
		if err := json.Unmarshal([]byte(raw.String), &rep); err != nil {
			return nil, fmt.Errorf("summaries: round %s: decode report: %w", roundID, err)
		}
		a.add(rep)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("summaries: read reports", err)
	}

	out := make([]mockloop.RoundSummary, len(rounds))
	for i, r := range rounds {
		out[i] = acc[r.ID].summary(r)
	}
	return out, nil
}

type summaryAcc struct {
	answers, timed, withMetric, findings int
	words, fillers                       int
	seconds                              float64
	i, we                                int
}

func (a *summaryAcc) add(rep analysis.Report) {
	m := rep.Metrics
	a.answers++
	// Faults only: a finding the page puts as a question is not one.
	for _, f := range rep.Findings {
		if !f.Doubtful() {
			a.findings++
		}
	}
	if len(m.MetricMentions) > 0 {
		a.withMetric++
	}
	a.i += m.I
	a.we += m.We
	if m.HasTimings && m.DurationSec > 0 {
		a.timed++
		a.seconds += m.DurationSec
		a.words += m.Words
		a.fillers += m.Fillers
	}
}

func (a *summaryAcc) summary(r mockloop.Round) mockloop.RoundSummary {
	s := mockloop.RoundSummary{
		ID: r.ID, Kind: r.Kind, Status: r.Status, CreatedAt: r.CreatedAt,
		Answers: a.answers, TimedAnswers: a.timed, Findings: a.findings,
	}
	if a.answers > 0 {
		s.MetricShare = ratio(float64(a.withMetric), float64(a.answers))
	}
	if a.i+a.we > 0 {
		s.Ownership = ratio(float64(a.i), float64(a.i+a.we))
	}
	if a.seconds > 0 {
		minutes := a.seconds / 60
		s.FillersPerMin = ratio(float64(a.fillers), minutes)
		s.WPM = ratio(float64(a.words), minutes)
		s.AvgAnswerSec = ratio(a.seconds, float64(a.timed))
	}
	return s
}

func ratio(num, den float64) *float64 {
	v := num / den
	return &v
}
