package analysis

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkSpans fails the test when any span in the report points outside
// Report.Text or Report.Words.
func checkSpans(t testing.TB, r Report) {
	t.Helper()
	nc, nw := utf8.RuneCountInString(r.Text), len(r.Words)
	check := func(where string, s Span) {
		if s.Start < 0 || s.End < s.Start || s.End > nc || s.W0 < 0 || s.W1 < s.W0 || s.W1 > nw {
			t.Fatalf("%s: span %+v out of range (text %d code points, %d words)", where, s, nc, nw)
		}
	}
	for _, f := range r.Findings {
		for _, s := range f.Evidence {
			check("finding "+f.Code, s)
		}
		if !(f.Confidence >= 0 && f.Confidence <= 1) || f.Kind == "" || f.Question == "" {
			t.Fatalf("finding %s: confidence %v, kind %q, question %q", f.Code, f.Confidence, f.Kind, f.Question)
		}
	}
	if c := r.Metrics.TranscriptConfidence; !(c >= 0 && c <= 1) {
		t.Fatalf("transcript confidence %v outside [0, 1]", c)
	}
	for _, p := range r.Metrics.Star {
		check("star "+p.Part, p.Span)
	}
	for _, m := range r.Metrics.MetricMentions {
		check("metric "+m.Text, m.Span)
	}
	for _, p := range r.Metrics.Principles {
		if len(p.Quotes) != len(p.Evidence) || len(p.Evidence) == 0 {
			t.Fatalf("principle %s: %d quotes for %d evidence spans", p.Name, len(p.Quotes), len(p.Evidence))
		}
		for _, s := range p.Evidence {
			check("principle "+p.Name, s)
		}
	}
	for _, s := range r.Metrics.Pauses {
		check("pause", s)
	}
}

func TestAnalyzeEdgeSizes(t *testing.T) {
	long := strings.Repeat("so um I built the cache and we cut latency by 40% because the p99 was bad ", 1300)
	tests := []struct {
		name  string
		in    Input
		words int
	}{
		{"an empty answer gives an empty report", Input{Round: Behavioral}, 0},
		{"a single word is analysed without findings about missing parts", Input{Round: Behavioral, Text: "hello"}, 1},
		{"one timed word is analysed", Input{Round: Coding, Words: []Word{{W: "um", Start: 0.2, End: 0.4}}}, 1},
		{"twenty thousand words are analysed", Input{Round: SystemDesign, Text: long}, len(strings.Fields(long))},
		{"an unknown round falls back to behavioral", Input{Round: "poker", Text: "we did it"}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := Analyze(tc.in)
			if len(r.Words) != tc.words || r.Metrics.Words != tc.words {
				t.Fatalf("got %d words (metric %d), want %d", len(r.Words), r.Metrics.Words, tc.words)
			}
			if tc.words < minWordsContent && (r.Has("missing_result") || r.Has("missing_action")) {
				t.Errorf("content findings on a %d-word partial: %v", tc.words, r.Findings)
			}
			if _, err := ParseRound(string(r.Round)); err != nil {
				t.Errorf("report round %q is not a known round", r.Round)
			}
			checkSpans(t, r)
		})
	}
}

func TestFindingsStoredBeforeConfidenceReadAsFaults(t *testing.T) {
	tests := []struct {
		name     string
		json     string
		want     float64
		doubtful bool
	}{
		{"a finding without a confidence key is fully confident", `{"code":"missing_metric","severity":"high","message":"m"}`, 1, false},
		{"a stored confidence is kept", `{"code":"missing_metric","confidence":0.3}`, 0.3, true},
		{"a stored zero stays zero", `{"code":"missing_metric","confidence":0}`, 0, true},
		{"a finding at the threshold is a fault", `{"code":"missing_metric","confidence":0.5}`, ShownAsQuestion, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Finding
			if err := json.Unmarshal([]byte(tt.json), &f); err != nil {
				t.Fatal(err)
			}
			if f.Confidence != tt.want || f.Code != "missing_metric" {
				t.Errorf("decoded %+v, want confidence %v", f, tt.want)
			}
			if f.Doubtful() != tt.doubtful {
				t.Errorf("Doubtful() = %v, want %v", f.Doubtful(), tt.doubtful)
			}
		})
	}
}
