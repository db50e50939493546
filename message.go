package mockloop

import (
	"encoding/json"

	"github.com/mockloop/mockloop/analysis"
)

// ProtocolVersion is the websocket protocol version (docs/protocol.md).
const ProtocolVersion = 1

// MaxMessageBytes caps one websocket frame in either direction: room for
// a 20,000-word typed answer (about 120 KB), not for abuse.
const MaxMessageBytes = 256 << 10

// MaxAnswerWords caps a stored answer. Longer answers are cut, stored and
// flagged with a notice rather than rejected, so nothing typed is lost
// without the candidate knowing.
const MaxAnswerWords = 20000

// Message is one websocket message in either direction. One flat struct
// with optional fields keeps the wire format readable in docs/protocol.md
// and lets both sides decode any message before looking at Type.
type Message struct {
	V    int    `json:"v"`
	Type string `json:"type"`

	// client → server
	ID        string          `json:"id,omitempty"`
	Text      string          `json:"text,omitempty"`
	SDP       string          `json:"sdp,omitempty"`
	Candidate json.RawMessage `json:"candidate,omitempty"`
	On        *bool           `json:"on,omitempty"`

	// server → client
	Code      string             `json:"code,omitempty"`
	Message   string             `json:"message,omitempty"`
	Level     string             `json:"level,omitempty"`
	Seq       int                `json:"seq,omitempty"`
	TurnSeq   int                `json:"turn_seq,omitempty"`
	Round     *Round             `json:"round,omitempty"`
	Turns     []Turn             `json:"turns,omitempty"`
	Turn      *Turn              `json:"turn,omitempty"`
	Phase     string             `json:"phase,omitempty"`
	Question  *Question          `json:"question,omitempty"`
	Report    *analysis.Report   `json:"report,omitempty"`
	Metrics   *analysis.Metrics  `json:"metrics,omitempty"`
	Findings  []analysis.Finding `json:"findings,omitempty"`
	Elapsed   float64            `json:"elapsed_sec,omitempty"`
	Utterance *Utterance         `json:"utterance,omitempty"`
	State     string             `json:"state,omitempty"`
	Latency   *Latency           `json:"latency,omitempty"`
	Coverage  []PhaseState       `json:"coverage,omitempty"`
}

// Question is what the round page shows about the question being answered.
type Question struct {
	Idx        int     `json:"idx"`
	Of         int     `json:"of"`
	ID         string  `json:"id"`
	Text       string  `json:"text"`
	Principle  string  `json:"principle,omitempty"`
	Kind       string  `json:"kind"` // analyzer round for the answer
	TimeboxSec float64 `json:"timebox_sec"`
	TargetSec  float64 `json:"target_sec"`
	// Phase names the part of a system design or coding question being
	// answered (requirements, high_level, deep_dive; clarify, approach...).
	Phase string `json:"phase,omitempty"`
	// Coverage is the question's phase checklist so far (system design and
	// coding); empty for behavioral questions.
	Coverage []PhaseState `json:"coverage,omitempty"`
}

// Phases of a round as the page sees them.
const (
	PhaseAsking    = "asking"
	PhaseAnswering = "answering"
	PhaseFinished  = "finished"
)

// Error codes sent in "error" messages.
const (
	CodeBadJSON       = "bad_json"
	CodeBadVersion    = "bad_version"
	CodeUnknownType   = "unknown_type"
	CodeTooLarge      = "too_large"
	CodeEmptyAnswer   = "empty_answer"
	CodeNotFound      = "not_found"
	CodeRoundFinished = "round_finished"
	CodeTakenOver     = "taken_over"
	CodeStorage       = "storage"
	CodeRTC           = "rtc"
	CodeRateLimited   = "rate_limited"
	// CodeInternal: a fault on the server; the page's answers are saved.
	CodeInternal = "internal"
)
