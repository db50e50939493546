// Package mockloop holds mockloop's vocabulary: rounds, turns, utterances and
// the events a session emits, plus the interfaces the concrete engines
// implement (Store, Transcriber, Interviewer, Synthesizer). Subpackages
// provide the implementations; cmd/mockloop wires them together.
package mockloop

import (
	"context"
	"errors"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

// RoundKind is what the candidate picked on the home page. It extends the
// analyzer's round kinds with a full loop.
type RoundKind string

// Round kinds. Loop is a sequence of the others, like an on-site.
const (
	KindBehavioral   RoundKind = "behavioral"
	KindSystemDesign RoundKind = "system_design"
	KindCoding       RoundKind = "coding"
	KindBarRaiser    RoundKind = "bar_raiser"
	KindLoop         RoundKind = "loop"
)

// Valid reports whether k is a known round kind.
func (k RoundKind) Valid() bool {
	switch k {
	case KindBehavioral, KindSystemDesign, KindCoding, KindBarRaiser, KindLoop:
		return true
	}
	return false
}

// RoundStatus is where a round is in its life.
type RoundStatus string

// Round statuses.
const (
	StatusActive   RoundStatus = "active"
	StatusFinished RoundStatus = "finished"
)

// Round is one mock interview. State is the round engine's own record of
// where it is (opaque JSON to everything else) so a restart can resume.
type Round struct {
	ID         string            `json:"id"`
	Kind       RoundKind         `json:"kind"`
	Status     RoundStatus       `json:"status"`
	Seed       int64             `json:"seed"`
	Minutes    int               `json:"minutes"`
	CreatedAt  time.Time         `json:"created_at"`
	UpdatedAt  time.Time         `json:"updated_at"`
	FinishedAt *time.Time        `json:"finished_at,omitempty"`
	State      []byte            `json:"-"`
	Debrief    *Debrief          `json:"debrief,omitempty"`
	Engines    map[string]string `json:"engines,omitempty"`
}

// Role says who spoke a turn.
type Role string

// Roles.
const (
	RoleInterviewer Role = "interviewer"
	RoleCandidate   Role = "candidate"
)

// TurnKind says what an interviewer turn was for, or marks a candidate
// answer.
type TurnKind string

// Turn kinds.
const (
	TurnQuestion TurnKind = "question" // a new main question
	TurnProbe    TurnKind = "probe"    // a follow-up on the last answer
	TurnCutIn    TurnKind = "cutin"    // a polite interruption of a rambling answer
	TurnClosing  TurnKind = "closing"  // the end of the round
	TurnAnswer   TurnKind = "answer"   // the candidate's answer
)

// Turn is one contribution to the conversation. A candidate turn is the
// whole answer, made of one or more utterances; its Report is filled when
// the turn is committed.
type Turn struct {
	ID          int64            `json:"id"`
	RoundID     string           `json:"round_id"`
	Seq         int              `json:"seq"`
	Role        Role             `json:"role"`
	Kind        TurnKind         `json:"kind"`
	QuestionIdx int              `json:"question_idx"`
	QuestionID  string           `json:"question_id,omitempty"`
	Principle   string           `json:"principle,omitempty"`
	ProbeCode   string           `json:"probe_code,omitempty"`
	Text        string           `json:"text"`
	Source      string           `json:"source,omitempty"` // typed, sphinx, openai:<model>, scripted, llm:<model>
	StartedAt   time.Time        `json:"started_at"`
	EndedAt     *time.Time       `json:"ended_at,omitempty"`
	Report      *analysis.Report `json:"report,omitempty"`
	Latency     *Latency         `json:"latency,omitempty"`
	AudioPath   string           `json:"audio_path,omitempty"`
	// Resolved lists findings of this answer that a later follow-up answer
	// to the same question supplied (the metric, the result, the "I").
	Resolved []Resolution `json:"resolved,omitempty"`
}

// Resolution says that a finding on an answer was resolved by a later
// answer to the same question.
type Resolution struct {
	Code    string `json:"code"`
	TurnSeq int    `json:"turn_seq"` // the answer turn that supplied it
}

// PhaseState is one phase of a system design or coding question (clarify,
// scale, requirements, ...) and whether any answer to the question has
// covered it yet. Judged across all of the question's turns.
type PhaseState struct {
	Phase   string `json:"phase"`
	Label   string `json:"label"`
	Covered bool   `json:"covered"`
	TurnSeq int    `json:"turn_seq,omitempty"` // the answer that first covered it
}

// Utterance is one finalised stretch of candidate speech (or one typed
// submission). Words carry timings relative to the utterance start when the
// engine gives them. Every utterance is persisted before it is acknowledged.
type Utterance struct {
	ID        int64           `json:"id"`
	RoundID   string          `json:"round_id"`
	TurnSeq   int             `json:"turn_seq"`
	Seq       int             `json:"seq"`
	Text      string          `json:"text"`
	Words     []analysis.Word `json:"words,omitempty"`
	Offset    float64         `json:"offset"` // seconds from the start of the answer turn
	Duration  float64         `json:"duration"`
	Engine    string          `json:"engine"`
	CreatedAt time.Time       `json:"created_at"`
}

// Latency records how long each stage of one interviewer reply took, in
// milliseconds, all from the same origin: the end of speech (the
// listener's last voiced frame) after a spoken answer, the submission
// after a typed one (then SpeechEndToCommitMS is 0).
type Latency struct {
	// SpeechEndToCommitMS is the turn policy's wait: end of speech to the
	// decision that the answer is over.
	SpeechEndToCommitMS float64 `json:"speech_end_to_commit_ms"`
	// TranscriptMS: the answer's last transcript is in.
	TranscriptMS float64 `json:"transcript_ms"`
	FirstTokenMS float64 `json:"first_token_ms"`
	FirstAudioMS float64 `json:"first_audio_ms"`
}

// Debrief is the end-of-round summary, in the style of a loop debrief. It is
// the tool's opinion and labelled as such in the UI.
type Debrief struct {
	Signal     string              `json:"signal"` // strong_hire, hire, lean_hire, lean_no_hire, no_hire, strong_no_hire
	Reasons    []string            `json:"reasons"`
	Principles []PrincipleEvidence `json:"principles"`
	Strongest  int                 `json:"strongest_turn_seq"`
	Weakest    int                 `json:"weakest_turn_seq"`
	Practise   []string            `json:"practise"`
}

// PrincipleEvidence ties a Leadership Principle to the answer that showed it.
type PrincipleEvidence struct {
	Principle string `json:"principle"`
	TurnSeq   int    `json:"turn_seq"`
	Quote     string `json:"quote"`
}

// Errors shared by the implementations.
var (
	ErrNotFound = errors.New("not found")
	ErrReadOnly = errors.New("storage is read-only")
	// ErrStorageFull means the store could not grow (a full disk or quota);
	// nothing committed before is affected.
	ErrStorageFull = errors.New("storage is full")
	// ErrStorageLocked means another process held the store longer than
	// the store waits; retrying later can work.
	ErrStorageLocked = errors.New("storage is locked by another process")
)

// Step is everything one round-engine step changes. A Store writes it in
// one transaction: turns with ID 0 are inserted (and get their ID), others
// updated; the round's state is saved with them so a restart resumes
// exactly where the last acknowledged step left off.
type Step struct {
	Round *Round
	Turns []*Turn
}

// Store keeps rounds, turns, utterances and findings.
type Store interface {
	CreateRound(ctx context.Context, r *Round) error
	Round(ctx context.Context, id string) (*Round, error)   // ErrNotFound
	Rounds(ctx context.Context, limit int) ([]Round, error) // newest first
	SaveStep(ctx context.Context, s Step) error
	AddUtterance(ctx context.Context, u *Utterance) error
	Turns(ctx context.Context, roundID string) ([]Turn, error)
	Utterances(ctx context.Context, roundID string) ([]Utterance, error)
	DeleteRound(ctx context.Context, id string) error
	DeleteAll(ctx context.Context) error
	Close() error
}

// Audio is mono 16-bit PCM at SampleRate.
type Audio struct {
	SampleRate int
	PCM        []int16
}

// Transcript is what a Transcriber heard in one utterance.
type Transcript struct {
	Text  string
	Words []analysis.Word // timings in seconds from the start of the audio
	// Engine names the engine and the settings that matter for reading the
	// text, e.g. "sphinx en-us" or "openai whisper-1 prompt=fillers", since a
	// filler count of zero may only mean the engine removed them.
	Engine string
}

// Transcriber turns speech into text. A Stream is fed audio while the
// candidate talks so the final text is ready soon after they stop.
type Transcriber interface {
	// Start begins one utterance.
	Start(ctx context.Context) (TranscriberStream, error)
	Name() string
}

// TranscriberStream receives one utterance's audio at 16 kHz.
type TranscriberStream interface {
	Write(pcm16k []int16) error
	// Partial returns the best guess so far; engines that cannot stream
	// return "".
	Partial() string
	// Finish ends the utterance and returns the final transcript.
	Finish(ctx context.Context) (Transcript, error)
	// Close releases the stream without a result (the peer vanished).
	Close()
}

// Prompt is what the round engine wants the interviewer to say next. The
// engine decides the move; an Interviewer only words it.
type Prompt struct {
	Kind      TurnKind
	RoundKind RoundKind
	Persona   string // "interviewer" or "bar_raiser"
	Minutes   int    // the round's length, for the persona prompt
	// Scripted is the scripted interviewer's wording; an LLM interviewer
	// uses it as the intent and falls back to it on failure.
	Scripted  string
	Question  string             // the current main question
	ProbeCode string             // the finding the probe targets, if any
	Findings  []analysis.Finding // for the last answer
	History   []Turn             // the conversation so far
	// Coverage is the current question's phase checklist (system design
	// and coding), so an LLM interviewer never asks for a covered phase.
	Coverage []PhaseState
	// Quote is the candidate's words a dig-in follow-up refers to.
	Quote string
}

// Interviewer words the engine's next move, streaming text as it is made.
type Interviewer interface {
	// Say streams the reply through emit (chunks of text, in order) and
	// returns the whole text.
	Say(ctx context.Context, p Prompt, emit func(chunk string)) (string, error)
	Name() string
}

// Synthesizer turns text into speech.
type Synthesizer interface {
	Synthesize(ctx context.Context, text string) (Audio, error)
	Name() string
}

// RoundSummary is one row of the history page: a round and the averages of
// its analysed answers. A ratio is nil when there is nothing to take it
// over (no timed answers, no first-person pronouns), so the page can show
// "no data" rather than a misleading zero.
type RoundSummary struct {
	ID        string      `json:"id"`
	Kind      RoundKind   `json:"kind"`
	Status    RoundStatus `json:"status"`
	CreatedAt time.Time   `json:"created_at"`
	// Answers counts candidate turns that have a report; TimedAnswers those
	// of them with word timings (spoken answers).
	Answers      int `json:"answers"`
	TimedAnswers int `json:"timed_answers"`
	Findings     int `json:"findings"`
	// FillersPerMin and WPM are totals over total speaking time of the
	// timed answers, so a long answer weighs more than a short one.
	FillersPerMin *float64 `json:"fillers_per_min"`
	WPM           *float64 `json:"wpm"`
	AvgAnswerSec  *float64 `json:"avg_answer_sec"`
	// MetricShare is the share of answers that mention at least one
	// quantity.
	MetricShare *float64 `json:"metric_share"`
	// Ownership is I / (I + We) inside the Action part, summed over answers.
	Ownership *float64 `json:"ownership"`
}
