package oggopus

import (
	"fmt"
	"sync"

	"gopkg.in/hraban/opus.v2"
)

// PacketEncoder encodes 20 ms frames of mono PCM into raw Opus packets, for
// files (Encode) and for the interviewer's WebRTC track alike, so both
// carry the same encoder settings. It is safe for concurrent use; the
// encoder's state runs on from one frame to the next, as a stream needs.
type PacketEncoder struct {
	mu       sync.Mutex
	enc      *opus.Encoder
	rate     int
	frameLen int
	buf      []byte
}

// NewPacketEncoder returns a mono VoIP-mode encoder for 20 ms frames at
// rate (8, 12, 16, 24 or 48 kHz) and bitrate bits per second
// (DefaultBitrate when bitrate <= 0).
func NewPacketEncoder(rate, bitrate int) (*PacketEncoder, error) {
	switch rate {
	case 8000, 12000, 16000, 24000, 48000:
	default:
		return nil, fmt.Errorf("encode %d Hz: %w", rate, ErrSampleRate)
	}
	if bitrate <= 0 {
		bitrate = DefaultBitrate
	}
	enc, err := opus.NewEncoder(rate, 1, opus.AppVoIP)
	if err != nil {
		return nil, fmt.Errorf("opus encoder: %w", err)
	}
	if err := enc.SetBitrate(bitrate); err != nil {
		return nil, fmt.Errorf("opus bitrate %d: %w", bitrate, err)
	}
	if err := enc.SetComplexity(complexity); err != nil {
		return nil, fmt.Errorf("opus complexity %d: %w", complexity, err)
	}
	return &PacketEncoder{enc: enc, rate: rate, frameLen: rate / frameDiv, buf: make([]byte, maxPacketBytes)}, nil
}

// SampleRate is the input rate the encoder was made for.
func (e *PacketEncoder) SampleRate() int { return e.rate }

// FrameSamples is the number of samples Encode takes: 20 ms at the rate.
func (e *PacketEncoder) FrameSamples() int { return e.frameLen }

// Encode encodes exactly one 20 ms frame and returns a new packet slice.
func (e *PacketEncoder) Encode(frame []int16) ([]byte, error) {
	if len(frame) != e.frameLen {
		return nil, fmt.Errorf("opus encode: frame of %d samples, want %d", len(frame), e.frameLen)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	n, err := e.enc.Encode(frame, e.buf)
	if err != nil {
		return nil, fmt.Errorf("opus encode: %w", err)
	}
	return append([]byte(nil), e.buf[:n]...), nil
}
