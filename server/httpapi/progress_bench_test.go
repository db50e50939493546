package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// BenchmarkProgress serves GET /api/progress over a full window of 200
// behavioral rounds, each three questions with a 300-word spoken answer
// and a follow-up. Loading the same rounds from the store is the baseline:
// everything progress adds is the difference.
func BenchmarkProgress(b *testing.B) {
	db := progressDB(b)
	text := strings.Repeat(spokenStory+" ", 300/len(strings.Fields(spokenStory))+1)
	main := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: spoken(strings.Join(strings.Fields(text)[:300], " "))})
	follow := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: spoken("We measured it on the p99 dashboard for a week and it held.")})
	ctx := context.Background()
	for i := range progressRounds {
		id := fmt.Sprintf("r%03d", i)
		r := &mockloop.Round{ID: id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusFinished, Seed: 1, Minutes: 30,
			CreatedAt: progressT0.Add(time.Duration(i) * time.Hour), UpdatedAt: progressT0, State: []byte("{}")}
		if err := db.CreateRound(ctx, r); err != nil {
			b.Fatal(err)
		}
		var turns []*mockloop.Turn
		for q, p := range []string{"Ownership", "Earn Trust", "Dive Deep"} {
			base := q * 4
			turns = append(turns,
				&mockloop.Turn{Seq: base, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, QuestionIdx: q, Principle: p},
				&mockloop.Turn{Seq: base + 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, QuestionIdx: q, Principle: p, Report: &main},
				&mockloop.Turn{Seq: base + 2, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, QuestionIdx: q, Principle: p},
				&mockloop.Turn{Seq: base + 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, QuestionIdx: q, Principle: p, Report: &follow})
		}
		for _, tu := range turns {
			tu.RoundID = id
		}
		if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: turns}); err != nil {
			b.Fatal(err)
		}
	}
	h := progressAPI(b, db)
	b.Run("baseline load 200 rounds", func(b *testing.B) {
		for b.Loop() {
			if _, err := loadHistory(ctx, db, nil, progressRounds); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("GET /api/progress/wpm.svg from summaries", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/progress/wpm.svg", nil))
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Code)
			}
		}
	})
	b.Run("GET /api/progress", func(b *testing.B) {
		for b.Loop() {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/progress", nil))
			if rec.Code != http.StatusOK {
				b.Fatal(rec.Code)
			}
		}
	})
}
