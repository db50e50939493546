package analysis

import (
	"fmt"
	"time"
)

// Round is the kind of interview round an answer was given in. It picks
// which rules apply and the default timebox.
type Round string

// The round kinds. Their string values are part of the JSON contract.
const (
	Behavioral   Round = "behavioral"
	SystemDesign Round = "system_design"
	Coding       Round = "coding"
	BarRaiser    Round = "bar_raiser"
)

// Rounds lists every round kind in display order.
var Rounds = []Round{Behavioral, SystemDesign, Coding, BarRaiser}

// ParseRound accepts a round kind as written in the CLI and JSON, and a few
// obvious spellings ("system-design", "bar-raiser").
func ParseRound(s string) (Round, error) {
	switch s {
	case "behavioral", "behavioural", "lp":
		return Behavioral, nil
	case "system_design", "system-design", "sd", "design":
		return SystemDesign, nil
	case "coding", "code":
		return Coding, nil
	case "bar_raiser", "bar-raiser", "br":
		return BarRaiser, nil
	}
	return "", fmt.Errorf("unknown round %q (want behavioral, system_design, coding or bar_raiser)", s)
}

// Word is one recognised word with its timing in seconds from the start of
// the answer. Start and End are both zero when the engine gave no timings.
type Word struct {
	W     string  `json:"w"`
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// Conf is the recognizer's confidence in the word, 0..1; zero means
	// unknown (typed text) and is trusted.
	Conf float64 `json:"conf,omitempty"`
}

// Input is one answer to analyse.
type Input struct {
	Round    Round
	Question string
	// Text is the answer as typed or transcribed. When Words is non-empty the
	// words are authoritative and Text is ignored.
	Text  string
	Words []Word
	// Timebox is the time the candidate had; zero means the round's default.
	Timebox time.Duration
	// FollowUp marks an answer to a follow-up probe or cut-in: it is not a
	// whole story, so the Structural findings are not reported.
	FollowUp bool
}

// Severity ranks a finding for display and for choosing follow-up probes.
type Severity string

// Severities, weakest first.
const (
	Low    Severity = "low"
	Medium Severity = "medium"
	High   Severity = "high"
)

// Span locates evidence in Report.Text.
type Span struct {
	// Start and End are offsets in Unicode code points (not bytes) into
	// Report.Text, End exclusive, so a browser can slice Array.from(text).
	Start int `json:"start"`
	End   int `json:"end"`
	// W0 and W1 are word indexes into Report.Words, W1 exclusive.
	W0 int `json:"w0"`
	W1 int `json:"w1"`
	// T0 and T1 are seconds from the start of the answer; both zero when
	// the input had no timings.
	T0 float64 `json:"t0,omitempty"`
	T1 float64 `json:"t1,omitempty"`
}

// Finding is one thing a Bar Raiser would hold against the answer.
type Finding struct {
	// Code is stable and documented in docs/findings.md.
	Code       string   `json:"code"`
	Severity   Severity `json:"severity"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion"`
	Evidence   []Span   `json:"evidence,omitempty"`
}

// Report is the analyzer's whole verdict on one answer.
type Report struct {
	Round    Round  `json:"round"`
	Question string `json:"question,omitempty"`
	// Text is the answer the spans refer to: the input text, or the words
	// joined by single spaces when the input had words.
	Text string `json:"text"`
	// Words are the tokens of Text in order, with timings when known.
	Words    []Word    `json:"words"`
	Findings []Finding `json:"findings"`
	Metrics  Metrics   `json:"metrics"`
}

// Has reports whether the report contains a finding with the given code.
func (r Report) Has(code string) bool {
	for _, f := range r.Findings {
		if f.Code == code {
			return true
		}
	}
	return false
}
