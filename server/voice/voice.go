// Package voice owns mockloop's audio pipeline stages, free of any WebRTC
// import so each stage can be tested on its own:
//
//	RTP payloads -> Reorder -> OpusDecoder -> Framer -> Listener (VAD,
//	turn-taking, streaming to a server.Transcriber) -> Events
//	mockloop.Audio (TTS) -> Resample -> FrameEncoder -> Speaker (20 ms pacing) -> sink
//
// Everything on the way in runs at 16 kHz mono in 20 ms frames, the rate
// pocketsphinx and Whisper expect; on the way out the interviewer is Opus
// at 48 kHz (the encoder lives with the Ogg muxer, server/oggopus), or
// G.711 µ-law at 8 kHz (PCMU) for a remote that cannot receive Opus.
package voice

import "time"

// Audio format of the input side of the pipeline.
const (
	// SampleRate is the rate of every Frame: 16 kHz, what the speech
	// recognisers want, and a rate pion/opus decodes to directly.
	SampleRate = 16000
	// FrameSamples is the number of samples in one 20 ms Frame.
	FrameSamples = 320
	// FrameDur is the duration of one Frame; Opus in WebRTC also uses 20 ms
	// packets, so one packet usually becomes one Frame.
	FrameDur = 20 * time.Millisecond
)

// Frame is exactly FrameDur of mono 16-bit audio at SampleRate.
type Frame struct {
	// PCM holds FrameSamples samples. A Frame owns its slice: stages never
	// reuse a slice they have sent on.
	PCM []int16
	// At is the stream time of the first sample, counted from the first
	// audio the Framer saw (lost and silent stretches included).
	At time.Duration
}

// Ticker is the part of *time.Ticker the pipeline uses. It is an interface
// so tests can drive time by hand instead of waiting for it.
type Ticker interface {
	// C delivers the tick times.
	C() <-chan time.Time
	// Stop releases the ticker; no more ticks are sent.
	Stop()
}

// NewTimeTicker returns a Ticker backed by time.NewTicker.
func NewTimeTicker(d time.Duration) Ticker { return timeTicker{time.NewTicker(d)} }

type timeTicker struct{ t *time.Ticker }

func (t timeTicker) C() <-chan time.Time { return t.t.C }
func (t timeTicker) Stop()               { t.t.Stop() }

// durSamples converts a duration to a sample count at SampleRate.
func durSamples(d time.Duration) int {
	return int(d * SampleRate / time.Second)
}

// samplesDur converts a sample count at SampleRate to a duration.
func samplesDur(n int) time.Duration {
	return time.Duration(n) * time.Second / SampleRate
}
