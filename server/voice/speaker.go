package voice

import (
	"context"
	"fmt"
	"time"

	"github.com/mockloop/mockloop"
)

// FrameEncoder turns one 20 ms frame of mono PCM at its SampleRate into
// one RTP payload: Opus at 48 kHz for browsers that offer it (all do),
// PCMU at 8 kHz otherwise.
type FrameEncoder interface {
	SampleRate() int
	// Encode takes exactly SampleRate()/50 samples and returns a payload
	// the caller may keep.
	Encode(frame []int16) ([]byte, error)
}

// MuLawEncoder is the PCMU FrameEncoder: G.711 µ-law at 8 kHz, 160 bytes
// per 20 ms (RTP payload type 0). It is the fallback for a remote that
// offers no Opus to receive.
type MuLawEncoder struct{}

// MuLawRate is PCMU's sample rate (RFC 3551).
const MuLawRate = 8000

// SampleRate implements FrameEncoder.
func (MuLawEncoder) SampleRate() int { return MuLawRate }

// Encode implements FrameEncoder.
func (MuLawEncoder) Encode(frame []int16) ([]byte, error) { return EncodeMuLaw(frame), nil }

// Speaker paces interviewer audio onto an outgoing track, one 20 ms
// payload per tick. Pacing by a ticker (not Sleep) keeps the packets on a
// steady 20 ms grid even when encoding or writing takes a while.
type Speaker struct {
	sink      func(payload []byte, dur time.Duration) error
	enc       FrameEncoder
	newTicker func(time.Duration) Ticker
	// Now stamps the first packet; it defaults to time.Now and can be
	// replaced before Play is called (tests use a fake clock).
	Now func() time.Time
}

// NewSpeaker returns a Speaker encoding with enc and writing to sink (for
// example a wrapper around pion's TrackLocalStaticSample.WriteSample),
// with ticks from newTicker (nil means NewTimeTicker).
func NewSpeaker(sink func(payload []byte, dur time.Duration) error, enc FrameEncoder, newTicker func(time.Duration) Ticker) *Speaker {
	if newTicker == nil {
		newTicker = NewTimeTicker
	}
	return &Speaker{sink: sink, enc: enc, newTicker: newTicker, Now: time.Now}
}

// Play resamples a to the encoder's rate and writes it one encoded frame
// per tick: the first frame at once, the rest on each 20 ms tick; the last
// frame is padded with silence. Each frame is resampled and encoded just
// before it is sent, so the first packet leaves after one frame's work,
// not the whole sentence's. It returns when all audio is written, when the sink fails,
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
	rate := s.enc.SampleRate()
	frameLen := rate * int(FrameDur/time.Millisecond) / 1000
	// Resampled a frame at a time, so the first packet waits for one
	// frame's work, not the whole sentence's.
	rs := newResampler(a.PCM, a.SampleRate, rate)
	if err := context.Cause(ctx); err != nil {
		return time.Time{}, err
	}
	ticker := s.newTicker(FrameDur)
	defer ticker.Stop()
	frame := make([]int16, frameLen)
	for i := 0; i < rs.Len(); i += frameLen {
		clear(frame)
		rs.Fill(frame, i)
		payload, err := s.enc.Encode(frame)
		if err != nil {
			return firstPacket, fmt.Errorf("play: frame %d: %w", i/frameLen, err)
		}
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
		if err := s.sink(payload, FrameDur); err != nil {
			return firstPacket, fmt.Errorf("play: write frame %d: %w", i/frameLen, err)
		}
		if i == 0 {
			firstPacket = s.Now()
		}
	}
	return firstPacket, nil
}
