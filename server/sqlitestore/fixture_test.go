package sqlitestore

import (
	"context"
	"flag"
	"path/filepath"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// t0 is the fixed clock every fixture is built from.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589793238, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func ptr[T any](v T) *T { return &v }

func openTemp(t *testing.T, opts ...Option) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "mockloop.db")
	db, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db, path
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// fixtureRound has every field set, including the optional ones.
func fixtureRound(id string) *mockloop.Round {
	return &mockloop.Round{
		ID:         id,
		Kind:       mockloop.KindBehavioral,
		Status:     mockloop.StatusFinished,
		Seed:       -42,
		Minutes:    45,
		CreatedAt:  t0,
		UpdatedAt:  at(1800),
		FinishedAt: ptr(at(1801.5)),
		State:      []byte(`{"q":3,"probes":[1,2],"phase":"finished"}`),
		Debrief: &mockloop.Debrief{
			Signal:  "lean_hire",
			Reasons: []string{"Clear ownership in the outage story.", "Results lacked numbers."},
			Principles: []mockloop.PrincipleEvidence{
				{Principle: "Ownership", TurnSeq: 1, Quote: "I rolled back the deploy"},
			},
			Strongest: 1,
			Weakest:   3,
			Practise:  []string{"Quantify the result."},
		},
		Engines: map[string]string{"stt": "sphinx en-us", "tts": "espeak-ng", "llm": "scripted"},
	}
}

func fixtureReport() *analysis.Report {
	return &analysis.Report{
		Round:    analysis.Behavioral,
		Question: "Tell me about a time you owned an outage.",
		Text:     "um so we had an outage and I rolled back the deploy within 5 minutes",
		Words: []analysis.Word{
			{W: "um", Start: 0.1, End: 0.3}, {W: "so", Start: 0.5, End: 0.6},
			{W: "we", Start: 0.7, End: 0.8}, {W: "had", Start: 0.8, End: 0.9},
			{W: "an", Start: 0.9, End: 1.0}, {W: "outage", Start: 1.0, End: 1.4},
			{W: "and", Start: 1.5, End: 1.6}, {W: "I", Start: 1.7, End: 1.75},
			{W: "rolled", Start: 1.8, End: 2.1}, {W: "back", Start: 2.1, End: 2.3},
			{W: "the", Start: 2.3, End: 2.4}, {W: "deploy", Start: 2.4, End: 2.8},
			{W: "within", Start: 2.9, End: 3.1}, {W: "5", Start: 3.1, End: 3.3},
			{W: "minutes", Start: 3.3, End: 3.8},
		},
		Findings: []analysis.Finding{
			{Code: "filler_heavy", Severity: analysis.Medium, Message: "Fillers at the start.",
				Suggestion: "Pause instead of saying um.", Evidence: []analysis.Span{{Start: 0, End: 2, W0: 0, W1: 1, T0: 0.1, T1: 0.3}}},
			{Code: "no_result", Severity: analysis.High, Message: "No result stated.",
				Suggestion: "End with the outcome and a number."},
		},
		Metrics: analysis.Metrics{
			Words: 15, DurationSec: 3.7, HasTimings: true, WPM: 243.2, WPMWindows: []float64{243.2},
			Fillers: 1, FillerRate: 1.0 / 15, FillersPerMin: 16.2, Hedges: 0,
			PausesOver1s: 0, LongestPause: 0.2, I: 1, We: 1, IAll: 1, WeAll: 1,
			Star: []analysis.StarPart{{Part: "A", Span: analysis.Span{Start: 35, End: 68, W0: 7, W1: 15}, Share: 0.5}},
			MetricMentions: []analysis.MetricMention{{Text: "5 minutes", Value: 5, Unit: "min",
				Span: analysis.Span{Start: 59, End: 68, W0: 13, W1: 15}}},
			Principles: []analysis.Principle{{Name: "Ownership", Score: 0.7}},
			Scope:      "team",
		},
	}
}

// fixtureTurns is a question, an answer with a report, a probe and an
// answer without one yet.
func fixtureTurns() []*mockloop.Turn {
	return []*mockloop.Turn{
		{Seq: 0, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, QuestionIdx: 0,
			QuestionID: "own-1", Principle: "Ownership", Text: "Tell me about a time you owned an outage.",
			Source: "scripted", StartedAt: at(1), EndedAt: ptr(at(4)),
			Latency: &mockloop.Latency{TranscriptMS: 0, FirstTokenMS: 12.5, FirstAudioMS: 180}},
		{Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, QuestionIdx: 0, QuestionID: "own-1",
			Text: fixtureReport().Text, Source: "sphinx", StartedAt: at(5), EndedAt: ptr(at(9)),
			Report: fixtureReport(), AudioPath: "audio/r1/1.wav"},
		{Seq: 2, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, QuestionIdx: 0, ProbeCode: "no_result",
			Text: "What was the result, in numbers?", Source: "llm:qwen2.5", StartedAt: at(10)},
		{Seq: 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, QuestionIdx: 0, Text: "Typed: “naïve” café 😀",
			Source: "typed", StartedAt: at(12)},
	}
}

func fixtureUtterances(roundID string) []*mockloop.Utterance {
	return []*mockloop.Utterance{
		{RoundID: roundID, TurnSeq: 1, Seq: 0, Text: "um so we had an outage",
			Words:  []analysis.Word{{W: "um", Start: 0.1, End: 0.3}, {W: "so", Start: 0.5, End: 0.6}},
			Offset: 0, Duration: 1.4, Engine: "sphinx en-us", CreatedAt: at(6.4)},
		{RoundID: roundID, TurnSeq: 1, Seq: 1, Text: "and I rolled back the deploy within 5 minutes",
			Offset: 1.5, Duration: 2.3, Engine: "sphinx en-us", CreatedAt: at(9)},
	}
}

// seed stores the fixture round, turns and utterances and returns them as
// stored (IDs set).
func seed(t *testing.T, db *DB, id string) (*mockloop.Round, []*mockloop.Turn, []*mockloop.Utterance) {
	t.Helper()
	ctx := ctxT(t)
	r := fixtureRound(id)
	if err := db.CreateRound(ctx, r); err != nil {
		t.Fatalf("CreateRound: %v", err)
	}
	step := stepOf(r)
	turns := step.Turns
	if err := db.SaveStep(ctx, step); err != nil {
		t.Fatalf("SaveStep: %v", err)
	}
	utts := fixtureUtterances(id)
	for _, u := range utts {
		if err := db.AddUtterance(ctx, u); err != nil {
			t.Fatalf("AddUtterance: %v", err)
		}
	}
	return r, turns, utts
}

func stepOf(r *mockloop.Round) mockloop.Step { return mockloop.Step{Round: r, Turns: fixtureTurns()} }
