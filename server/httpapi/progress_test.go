package httpapi

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/progress"
	"github.com/mockloop/mockloop/server/sqlitestore"
)

var progressT0 = time.Date(2025, 3, 14, 9, 0, 0, 0, time.UTC)

func progressCtx(t testing.TB) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// progressDB opens a real database in a temporary directory.
func progressDB(t testing.TB) *sqlitestore.DB {
	t.Helper()
	db, err := sqlitestore.Open(progressCtx(t), filepath.Join(t.TempDir(), "mockloop.db"))
	if err != nil {
		t.Fatalf("open db: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// spoken times text at 150 wpm.
func spoken(text string) []analysis.Word {
	var out []analysis.Word
	for i, w := range strings.Fields(text) {
		out = append(out, analysis.Word{W: w, Start: float64(i) * 0.4, End: float64(i)*0.4 + 0.3})
	}
	return out
}

// seedRound stores a round and its conversation: a string is an
// interviewer turn ("Q:Principle" a main question, "P" a probe), a
// *analysis.Report a candidate answer.
func seedRound(t *testing.T, db *sqlitestore.DB, id string, kind mockloop.RoundKind, created time.Time, script ...any) {
	t.Helper()
	ctx := progressCtx(t)
	r := &mockloop.Round{ID: id, Kind: kind, Status: mockloop.StatusFinished, Seed: 1, Minutes: 30, CreatedAt: created, UpdatedAt: created, State: []byte("{}")}
	if err := db.CreateRound(ctx, r); err != nil {
		t.Fatalf("create round: %v", err)
	}
	var turns []*mockloop.Turn
	principle := ""
	for seq, s := range script {
		turn := &mockloop.Turn{RoundID: id, Seq: seq, StartedAt: created.Add(time.Duration(seq) * time.Minute)}
		switch v := s.(type) {
		case string:
			turn.Role, turn.Kind, turn.Text = mockloop.RoleInterviewer, mockloop.TurnProbe, v
			if p, ok := strings.CutPrefix(v, "Q:"); ok {
				turn.Kind, principle = mockloop.TurnQuestion, p
			}
		case *analysis.Report:
			turn.Role, turn.Kind, turn.Report, turn.Text = mockloop.RoleCandidate, mockloop.TurnAnswer, v, v.Text
		}
		turn.Principle = principle
		turns = append(turns, turn)
	}
	if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: turns}); err != nil {
		t.Fatalf("save step: %v", err)
	}
}

// strongStory is a hand-built answer with no findings that the analyzer
// heard as showing principle.
func strongStory(principle string) *analysis.Report {
	text := "At my last company the billing job failed nightly. I rewrote it and failures fell to zero."
	return &analysis.Report{Round: analysis.Behavioral, Text: text, Words: spoken(text), Findings: []analysis.Finding{},
		Metrics: analysis.Metrics{Words: 16, I: 1, Principles: []analysis.Principle{{Name: principle, Score: 0.9}}}}
}

const spokenStory = "So um last year our checkout service was timing out during the holiday sale. I profiled the database and I added an index and we rolled it out. As a result p99 latency fell from 2 seconds to 300 milliseconds."

func progressAPI(t testing.TB, db *sqlitestore.DB) http.Handler {
	t.Helper()
	a := &API{Store: db, Summaries: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	mux := http.NewServeMux()
	a.registerProgress(mux)
	return mux
}

func get(t *testing.T, h http.Handler, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

func seededDB(t *testing.T) *sqlitestore.DB {
	t.Helper()
	db := progressDB(t)
	timed := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: spoken(spokenStory)})
	followUp := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: spoken("We measured it on the p99 dashboard for a week.")})
	seedRound(t, db, "r1", mockloop.KindBehavioral, progressT0, "Q:Ownership", &timed, "P", &followUp, "Q:Frugality", strongStory("Frugality"))
	typed := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Text: "We shipped it."})
	seedRound(t, db, "r2", mockloop.KindLoop, progressT0.Add(24*time.Hour), "Q:Earn Trust", &typed)
	seedRound(t, db, "empty", mockloop.KindCoding, progressT0.Add(48*time.Hour))
	return db
}

func TestProgressJSON(t *testing.T) {
	h := progressAPI(t, seededDB(t))
	rec := get(t, h, "/api/progress")
	if rec.Code != http.StatusOK || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /api/progress: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	var got Progress
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decode: %v", err)
	}
	tests := []struct {
		name string
		ok   bool
		show any
	}{
		{"trends cover the two rounds with answers, oldest first",
			len(got.Trends.Rounds) == 2 && got.Trends.Rounds[0].RoundID == "r1" && got.Trends.Rounds[1].RoundID == "r2", got.Trends.Rounds},
		{"the spoken round has a pace and the typed one has none",
			got.Trends.Rounds[0].WPM != nil && got.Trends.Rounds[1].WPM == nil, got.Trends.Rounds},
		{"every main behavioral answer is a story, its follow-up attached",
			len(got.Stories) == 3 && slices.Equal(got.Stories[0].FollowUps, []int{3}), got.Stories},
		{"all sixteen principles are covered or not",
			len(got.Coverage) == len(prompts.Principles()), len(got.Coverage)},
		{"a strong story closes its principle's gap and the others stay open",
			!slices.Contains(got.Gaps, "Frugality") && slices.Contains(got.Gaps, "Earn Trust") && slices.Contains(got.Gaps, "Think Big"), got.Gaps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.ok {
				t.Errorf("got %+v", tt.show)
			}
		})
	}
}

func TestProgressEmptyStore(t *testing.T) {
	db := progressDB(t)
	t.Run("an empty store gives empty lists, not nulls", func(t *testing.T) {
		rec := get(t, progressAPI(t, db), "/api/progress")
		body := rec.Body.String()
		if rec.Code != http.StatusOK || !strings.Contains(body, `"stories": []`) || !strings.Contains(body, `"rounds": []`) {
			t.Errorf("GET /api/progress on an empty store: %d %s", rec.Code, body)
		}
	})
	t.Run("with nothing practised every principle is a gap", func(t *testing.T) {
		gaps, err := GapFocus(progressCtx(t), db, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(gaps, prompts.Principles()) {
			t.Errorf("gaps = %v", gaps)
		}
	})
}

func TestGapFocus(t *testing.T) {
	db := seededDB(t)
	gaps, err := GapFocus(progressCtx(t), db, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(gaps) != 15 || slices.Contains(gaps, "Frugality") {
		t.Errorf("gaps = %v, want all but Frugality", gaps)
	}
	t.Run("a closed store is an error, not an empty focus", func(t *testing.T) {
		db.Close()
		if _, err := GapFocus(progressCtx(t), db, nil); err == nil || !strings.Contains(err.Error(), "gap focus") {
			t.Errorf("err = %v", err)
		}
	})
}

func TestTrendSeries(t *testing.T) {
	db := seededDB(t)
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	withSums := &API{Store: db, Summaries: db, Logger: quiet}
	without := &API{Store: db, Logger: quiet}
	for _, m := range []progress.Metric{progress.FillersPerMin, progress.MetricShare, progress.Ownership, progress.AnswerSec, progress.WPM} {
		t.Run(string(m)+" from the store's summaries matches the full computation", func(t *testing.T) {
			fast, err := withSums.trendSeries(progressCtx(t), m)
			if err != nil {
				t.Fatal(err)
			}
			full, err := without.trendSeries(progressCtx(t), m)
			if err != nil {
				t.Fatal(err)
			}
			if len(fast) != len(full) || len(full) == 0 {
				t.Fatalf("summaries %v, full %v", fast, full)
			}
			for i := range full {
				if math.Abs(fast[i]-full[i]) > 0.001 {
					t.Errorf("value %d: summaries %v, full %v", i, fast, full)
				}
			}
		})
	}
}

func TestCharts(t *testing.T) {
	h := progressAPI(t, seededDB(t))
	tests := []struct {
		name   string
		path   string
		status int
		want   string // in the body
	}{
		{"the pace chart of a spoken answer", "/api/rounds/r1/charts/1/pace.svg", 200, "<title>Speaking pace</title>"},
		{"the timeline of a spoken answer", "/api/rounds/r1/charts/1/timeline.svg", 200, "<title>Answer timeline</title>"},
		{"the ownership chart of a follow-up answer", "/api/rounds/r1/charts/3/ownership.svg", 200, "<title>I versus we</title>"},
		{"a typed answer's pace chart says why it is empty", "/api/rounds/r2/charts/1/pace.svg", 200, "Pace needs a spoken answer"},
		{"a sparkline of a trend metric", "/api/progress/fillers_per_min.svg", 200, "<title>Fillers per minute</title>"},
		{"a sparkline of answer length in words", "/api/progress/answer_words.svg", 200, "2 rounds"},
		{"an interviewer turn has no chart", "/api/rounds/r1/charts/0/pace.svg", 404, "answer not found"},
		{"a turn past the end has no chart", "/api/rounds/r1/charts/99/pace.svg", 404, "answer not found"},
		{"a seq that is not a number", "/api/rounds/r1/charts/one/pace.svg", 404, "answer not found"},
		{"an unknown round", "/api/rounds/nope/charts/1/pace.svg", 404, "round not found"},
		{"an unknown chart name", "/api/rounds/r1/charts/1/words.svg", 404, "chart not found"},
		{"a chart name without .svg", "/api/rounds/r1/charts/1/pace", 404, "chart not found"},
		{"a path-like chart name", "/api/rounds/r1/charts/1/..%2Fpace.svg", 404, "chart not found"},
		{"an unknown trend metric", "/api/progress/happiness.svg", 404, "chart not found"},
		{"a trend metric without .svg", "/api/progress/wpm", 404, "chart not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := get(t, h, tt.path)
			if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.want) {
				t.Fatalf("GET %s = %d %.200s, want %d with %q", tt.path, rec.Code, rec.Body, tt.status, tt.want)
			}
			if tt.status == 200 {
				if ct := rec.Header().Get("Content-Type"); ct != "image/svg+xml" {
					t.Errorf("Content-Type = %q", ct)
				}
				if !strings.HasPrefix(rec.Body.String(), "<svg ") {
					t.Errorf("body is not an SVG: %.80s", rec.Body)
				}
			}
		})
	}
}
