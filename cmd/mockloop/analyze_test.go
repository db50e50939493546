package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mockloop/mockloop/analysis"
)

// lowConfWords makes a words JSON list of text, each word heard at 0.3.
func lowConfWords(text string) string {
	var parts []string
	for i, w := range strings.Fields(text) {
		parts = append(parts, fmt.Sprintf(`{"w":%q,"start":%.1f,"end":%.1f,"conf":0.3}`, w, float64(i)*0.4, float64(i)*0.4+0.3))
	}
	return strings.Join(parts, ",")
}

func TestRunAnalyze(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		stdin    string
		code     int
		stdout   []string // substrings the output must contain
		stderr   string   // substring of the one-line error
		wantJSON func(t *testing.T, r analysis.Report)
	}{
		{name: "a plain text file prints a readable report", args: []string{"testdata/analyze/strong.txt"}, code: 0,
			stdout: []string{"Round: behavioral", "STAR:", "95%"}},
		{name: "stdin text with --json prints the report as JSON", args: []string{"--json", "--round", "bar_raiser", "-"},
			stdin: "we did everything together and we shipped it and we were happy", code: 0,
			wantJSON: func(t *testing.T, r analysis.Report) {
				if r.Round != analysis.BarRaiser || r.Metrics.Words != 12 {
					t.Errorf("got round %q and %d words", r.Round, r.Metrics.Words)
				}
			}},
		{name: "a words JSON file keeps its round and timings", args: []string{"--json", "testdata/analyze/words.json"}, code: 0,
			wantJSON: func(t *testing.T, r analysis.Report) {
				if r.Round != analysis.Coding || !r.Metrics.HasTimings || r.Text != "so the brute force is quadratic" {
					t.Errorf("got round %q, timings %v, text %q", r.Round, r.Metrics.HasTimings, r.Text)
				}
			}},
		{name: "a text JSON shape is accepted", args: []string{"--json", "-"}, stdin: `{"text":"I built it","round":"system_design","question":"Design X"}`, code: 0,
			wantJSON: func(t *testing.T, r analysis.Report) {
				if r.Round != analysis.SystemDesign || r.Question != "Design X" {
					t.Errorf("got round %q question %q", r.Round, r.Question)
				}
			}},
		{name: "a finding heard poorly is printed as its question", args: []string{"-"},
			stdin: `{"words":[` + lowConfWords("so we looked at it and we fixed the thing and we shipped it and it was fine and we moved on to the next project after that one was over and done with and we kept going and we talked about it with the other team and we all agreed it was a good call at the time") + `]}`, code: 0,
			stdout: []string{"Transcript confidence: 0.30", "[?] ", "(confidence 0."}},
		{name: "an unknown round is bad input", args: []string{"--round", "poker", "testdata/analyze/strong.txt"}, code: 2, stderr: "unknown round"},
		{name: "bad JSON is bad input", args: []string{"testdata/analyze/bad.json"}, code: 2, stderr: "decode testdata/analyze/bad.json"},
		{name: "an unreadable file is bad input", args: []string{"testdata/analyze/missing.txt"}, code: 2, stderr: "read input"},
		{name: "an empty answer is bad input", args: []string{"-"}, stdin: "  \n", code: 2, stderr: "empty"},
		{name: "a missing FILE argument is bad input", args: nil, code: 2, stderr: "exactly one FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runAnalyze(tc.args, strings.NewReader(tc.stdin), &out, &errb)
			checkCLI(t, code, &out, &errb, tc.code, tc.stdout, tc.stderr)
			if tc.wantJSON != nil {
				var r analysis.Report
				if err := json.Unmarshal(out.Bytes(), &r); err != nil {
					t.Fatalf("stdout is not a JSON report: %v\n%s", err, out.String())
				}
				tc.wantJSON(t, r)
			}
		})
	}
}
