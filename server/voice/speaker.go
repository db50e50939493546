package voice

import (
	"context"
	"fmt"
	"time"

	"github.com/mockloop/mockloop"
)

// Output format: PCMU, G.711 µ-law at 8 kHz, which pion registers by
// default and Chrome offers (VOICE-NOTES.md, "Speaking back").
const (
	// OutputRate is the sample rate of the audio the Speaker sends.
	OutputRate = 8000
	// OutputFrameBytes is one 20 ms PCMU payload: 160 samples, a byte each.
	OutputFrameBytes = OutputRate * int(FrameDur/time.Millisecond) / 1000
	// muLawSilence is the µ-law code for zero.
	muLawSilence = 0xFF
)

// Speaker paces interviewer audio onto an outgoing track: 8 kHz µ-law, one
// 20 ms payload per tick. Pacing by a ticker (not Sleep) keeps the packets
// on a steady 20 ms grid even when writing takes a while.
type Speaker struct {
	sink      func(payload []byte, dur time.Duration) error
	newTicker func(time.Duration) Ticker
	// Now stamps the first packet; it defaults to time.Now and can be
	// replaced before Play is called (tests use a fake clock).
	Now func() time.Time
}

// NewSpeaker returns a Speaker writing to sink (for example a wrapper
// around pion's TrackLocalStaticSample.WriteSample) with ticks from
// newTicker (nil means NewTimeTicker).
func NewSpeaker(sink func(payload []byte, dur time.Duration) error, newTicker func(time.Duration) Ticker) *Speaker {
	if newTicker == nil {
		newTicker = NewTimeTicker
	}
	return &Speaker{sink: sink, newTicker: newTicker, Now: time.Now}
}

// Play converts a to PCMU and writes it one frame per tick: the first
// frame at once, the rest on each 20 ms tick; the last frame is padded
// with silence. It returns when all audio is written, when the sink fails,
// or within one frame after ctx is cancelled (barge-in), then with
// context.Cause(ctx). firstPacket is when the first frame went to the sink
// (zero if none did), for latency figures.
func (s *Speaker) Play(ctx context.Context, a mockloop.Audio) (firstPacket time.Time, err error) {
	if a.SampleRate <= 0 {
		return time.Time{}, fmt.Errorf("play: invalid sample rate %d", a.SampleRate)
	}
	if len(a.PCM) == 0 {
		return time.Time{}, nil
	}
	ulaw := EncodeMuLaw(Resample(a.PCM, a.SampleRate, OutputRate))
	if err := context.Cause(ctx); err != nil {
		return time.Time{}, err
	}
	ticker := s.newTicker(FrameDur)
	defer ticker.Stop()
	for i := 0; i < len(ulaw); i += OutputFrameBytes {
		if i > 0 {
			select {
			case <-ctx.Done():
				return firstPacket, context.Cause(ctx)
			case <-ticker.C():
			}
		}
		// Cancellation wins over a tick that was ready at the same time.
		if err := context.Cause(ctx); err != nil {
			return firstPacket, err
		}
		payload := make([]byte, OutputFrameBytes)
		n := copy(payload, ulaw[i:])
		for j := n; j < len(payload); j++ {
			payload[j] = muLawSilence
		}
		if err := s.sink(payload, FrameDur); err != nil {
			return firstPacket, fmt.Errorf("play: write frame %d: %w", i/OutputFrameBytes, err)
		}
		if i == 0 {
			firstPacket = s.Now()
		}
	}
	return firstPacket, nil
}
