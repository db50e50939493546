package voice

import (
	"fmt"
	"time"

	"github.com/mockloop/mockloop"
)

// ControlKind says what a Control asks of the Listener.
type ControlKind int

// Control kinds.
const (
	// Done is the "I'm done" button: finalise any open utterance and end
	// the turn at once (reason done).
	Done ControlKind = iota + 1
	// Mute stops listening: the open utterance is finalised and frames are
	// ignored; turn timers stand still until Unmute.
	Mute
	// Unmute starts listening again with fresh silence timers.
	Unmute
	// Reset starts a new answer turn (the interviewer has asked) with
	// Control.MaxAnswer as its cap; an open utterance is finalised first
	// and belongs to the old turn.
	Reset
)

func (k ControlKind) String() string {
	switch k {
	case Done:
		return "done"
	case Mute:
		return "mute"
	case Unmute:
		return "unmute"
	case Reset:
		return "reset"
	}
	return fmt.Sprintf("ControlKind(%d)", int(k))
}

// Control is a command for a running Listener.
type Control struct {
	Kind ControlKind
	// MaxAnswer caps the new turn (Reset only); zero keeps
	// TurnConfig.MaxAnswer.
	MaxAnswer time.Duration
	// NoStory marks a turn whose answer is not a story with a result
	// (system design, coding, a follow-up), so the turn policy does not
	// wait for one (Reset only).
	NoStory bool
	// Expect, when set, says whether the answer so far gives what the
	// question asks for (a design stage's phases, a probed phase): until
	// it does, the turn policy waits through pauses as for a story
	// without its result (Reset only; it replaces the story check).
	Expect func(text string) bool
}

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	// SpeechStart: the VAD heard sound begin and an utterance opened.
	// Offset is where the utterance starts, lead-in included. It may be a
	// cough or a click: interrupt on BargeIn, not on this.
	SpeechStart EventKind = iota + 1
	// Partial: Text is the transcriber's guess so far for the open
	// utterance.
	Partial
	// Utterance: a finalised utterance with Transcript, Offset, Duration
	// and its audio in PCM. Utterances whose transcript is empty are
	// dropped (noise), except when every engine failed: then Text is empty
	// and PCM is there to keep and re-transcribe later.
	Utterance
	// TurnEnd: the candidate's turn is committed; Reason says why, Text
	// joins the turn's utterances, Duration is the turn's length, and
	// SpeechEnd, Decided and Transcribed are the honest clock.
	TurnEnd
	// State: the turn-taking state changed (State is listening, speaking,
	// pause or ended).
	State
	// Notice: something the candidate should know, in Text (e.g. the
	// transcription endpoint failed and the embedded engine took over).
	// FromSTT marks notices about speech-to-text.
	Notice
	// Busy: no speech recogniser was free when an utterance began; its
	// audio is kept and transcribed once one is. The frame loop does not
	// wait for it.
	Busy
	// Hold: the candidate has been silent a long time in the middle of an
	// unfinished answer; Text is a gentle line for the interviewer to say
	// ("Take your time."). The turn stays open.
	Hold
	// BargeIn: the open utterance is speech (bargein.go): enough voiced
	// audio or a non-empty partial. Once per utterance; interrupt the
	// interviewer on it.
	BargeIn
)

func (k EventKind) String() string {
	switch k {
	case SpeechStart:
		return "speech_start"
	case Partial:
		return "partial"
	case Utterance:
		return "utterance"
	case TurnEnd:
		return "turn_end"
	case State:
		return "state"
	case Notice:
		return "notice"
	case Busy:
		return "busy"
	case Hold:
		return "hold"
	case BargeIn:
		return "barge_in"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Turn-taking states for State events (the protocol's listen message).
const (
	StateListening = "listening" // the turn is open, nothing heard yet
	StateSpeaking  = "speaking"  // an utterance is open
	StatePause     = "pause"     // the candidate has said something and is silent
	StateEnded     = "ended"     // the turn is committed
)

// Reasons a turn ended, for TurnEnd events.
const (
	ReasonSilence  = "silence"
	ReasonDone     = "done"
	ReasonMaxTime  = "max_time"
	ReasonPeerGone = "peer_gone"
)

// Event is what a Listener reports. Which fields are set depends on Kind.
type Event struct {
	Kind       EventKind
	Text       string
	Transcript mockloop.Transcript
	// Offset and Duration place the utterance (or, for TurnEnd, the turn)
	// relative to the start of the answer turn.
	Offset, Duration time.Duration
	// PCM is the utterance audio at SampleRate, lead-in included, for
	// keeping. The Listener does not touch it after sending.
	PCM    []int16
	State  string
	Reason string
	// Level is the VAD level in dBFS of the frame that caused the event.
	Level float64
	// Turn numbers answer turns from 1; it rises at each Reset and when
	// speech starts after a committed turn. Utterance events finalised
	// after a Reset carry the turn they belong to.
	Turn int
	// FromSTT marks a Notice about speech-to-text (a fallback or a
	// failure), so the session can count engine errors without reading
	// the text.
	FromSTT bool

	// The honest clock of a TurnEnd, all wall times from ListenerConfig.Now:
	// SpeechEnd is the arrival of the turn's last voiced frame (zero if
	// nothing was voiced), Decided is when the turn policy (or a control)
	// committed the turn, and Transcribed is when the last transcript was
	// in and the event was sent.
	SpeechEnd, Decided, Transcribed time.Time
}
