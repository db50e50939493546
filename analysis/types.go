package analysis

import (
	"encoding/json"
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
	// Conf is the recognizer's probability that the word is right, 0..1,
	// whatever the engine. Zero (or absent) means unknown: typed text and
	// engines without confidences are trusted fully.
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

// Kind says what a finding judges: what was said (content) or how it was
// said (delivery). Content findings rest on the words being right;
// delivery findings on timing rest on the clock.
type Kind string

// The finding kinds. Their string values are part of the JSON contract.
const (
	Content  Kind = "content"
	Delivery Kind = "delivery"
)

// Finding is one thing a Bar Raiser would hold against the answer.
type Finding struct {
	// Code is stable and documented in docs/findings.md.
	Code       string   `json:"code"`
	Kind       Kind     `json:"kind"`
	Severity   Severity `json:"severity"`
	Message    string   `json:"message"`
	Suggestion string   `json:"suggestion"`
	Evidence   []Span   `json:"evidence,omitempty"`
	// Confidence, 0..1, is how strongly the evidence supports the finding:
	// how clear the language was, and whether the words were heard well.
	// The page shows a finding under 0.5 as its Question, not a fault.
	Confidence float64 `json:"confidence"`
	// Question is the finding asked of the candidate ("Did you say what
	// changed?").
	Question string `json:"question,omitempty"`
}

// ShownAsQuestion is the confidence under which a finding is put to the
// candidate as its Question rather than stated as a fault.
const ShownAsQuestion = 0.5

// Doubtful reports whether f is put to the candidate as its Question
// rather than stated as a fault: its confidence is under ShownAsQuestion.
// A doubtful finding is not counted as a fault anywhere (debrief, trends,
// story bank, history). A finding stored before findings carried a
// confidence reads as fully confident (UnmarshalJSON), so it is not
// doubtful.
func (f Finding) Doubtful() bool { return f.Confidence < ShownAsQuestion }

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

// UnmarshalJSON reads a finding. One stored before findings carried a
// confidence (no "confidence" key) was shown as a fault, so it reads as
// fully confident rather than as a doubtful zero.
func (f *Finding) UnmarshalJSON(b []byte) error {
	type plain Finding
	p := plain{Confidence: 1}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*f = Finding(p)
	return nil
}
