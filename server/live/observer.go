package live

import "time"

// Observer receives the session's measurements. server/metrics implements
// it with Prometheus; a nil Observer in Deps measures nothing.
type Observer interface {
	// SessionStarted and SessionEnded bracket a round's live session.
	SessionStarted()
	SessionEnded()
	// Utterance counts one stored utterance of audioSec seconds,
	// transcribed by engine.
	Utterance(engine string, audioSec float64)
	// Answer counts one committed answer (typed or spoken) and the time the
	// analyzer took on it.
	Answer(source string, analyzer time.Duration)
	// TurnLatency records one stage of an interviewer reply measured from
	// the candidate's committed end of turn: "transcript", "first_token"
	// or "first_audio".
	TurnLatency(stage string, d time.Duration)
	// EngineError counts a failure of engine ("llm", "stt", "tts") of a
	// kind (openaicompat's kind names: "timeout", "unavailable",
	// "model_not_found", "server_error", "garbage", ...; "other").
	EngineError(engine, kind string)
	// Rejected counts client messages refused, by error code.
	Rejected(code string)
}

// nopObserver is used when Deps.Observer is nil.
type nopObserver struct{}

func (nopObserver) SessionStarted()                   {}
func (nopObserver) SessionEnded()                     {}
func (nopObserver) Utterance(string, float64)         {}
func (nopObserver) Answer(string, time.Duration)      {}
func (nopObserver) TurnLatency(string, time.Duration) {}
func (nopObserver) EngineError(string, string)        {}
func (nopObserver) Rejected(string)                   {}
