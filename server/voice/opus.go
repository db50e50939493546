package voice

import (
	"errors"
	"fmt"
	"time"

	"github.com/pion/opus"
)

// maxPacketSamples is the most one Opus packet can hold at SampleRate:
// 120 ms (RFC 6716 section 3.2.5).
const maxPacketSamples = SampleRate * 120 / 1000

// ErrEmptyPacket is returned for a zero-length payload, which RTP allows
// but Opus cannot decode.
var ErrEmptyPacket = errors.New("empty opus packet")

// OpusDecoder decodes one mono Opus stream straight to 16 kHz with
// pion/opus v0.1.0, which handles SILK, CELT and the hybrid mode Chrome
// sends for speech (VOICE-NOTES.md), so no resampler is needed on the way
// in. It has no packet-loss concealment: callers insert FrameSamples of
// silence per lost 20 ms (Framer.Silence).
//
// An OpusDecoder keeps inter-frame state and is not safe for concurrent
// use; use one per track.
type OpusDecoder struct {
	dec opus.Decoder
	buf []int16
}

// NewOpusDecoder returns a decoder whose output is mono at SampleRate.
func NewOpusDecoder() (*OpusDecoder, error) {
	dec, err := opus.NewDecoderWithOutput(SampleRate, 1)
	if err != nil {
		return nil, fmt.Errorf("new opus decoder: %w", err)
	}
	return &OpusDecoder{dec: dec, buf: make([]int16, maxPacketSamples)}, nil
}

// Decode decodes one packet of any frame duration (2.5 to 120 ms; WebRTC
// uses 20 ms) and returns its samples at SampleRate. The returned slice is
// freshly allocated and belongs to the caller, so it may be sent to another
// goroutine; the decoder reuses only its own scratch buffer.
func (d *OpusDecoder) Decode(packet []byte) ([]int16, error) {
	if len(packet) == 0 {
		return nil, ErrEmptyPacket
	}
	n, err := d.dec.DecodeToInt16(packet, d.buf)
	if err != nil {
		return nil, fmt.Errorf("decode opus packet (toc 0x%02x, %d bytes): %w", packet[0], len(packet), err)
	}
	out := make([]int16, n)
	copy(out, d.buf[:n])
	return out, nil
}

// OpusConfig returns the configuration number (0-31) from a packet's TOC
// byte (RFC 6716 section 3.1): 0-11 SILK, 12-15 hybrid, 16-31 CELT.
// Chrome's speech is hybrid, configs 13 and 15 (20 ms super-wide and full
// band).
func OpusConfig(packet []byte) (int, error) {
	if len(packet) == 0 {
		return 0, ErrEmptyPacket
	}
	return int(packet[0] >> 3), nil
}

// OpusPacketDuration returns how much audio a packet holds, read from its
// TOC byte and frame count (RFC 6716 sections 3.1 and 3.2) without decoding
// it. The RTP layer uses it to know how much silence a lost packet stood
// for.
func OpusPacketDuration(packet []byte) (time.Duration, error) {
	if len(packet) == 0 {
		return 0, ErrEmptyPacket
	}
	cfg := int(packet[0] >> 3)
	var frame time.Duration
	switch {
	case cfg < 12: // SILK: 10, 20, 40, 60 ms
		frame = []time.Duration{10, 20, 40, 60}[cfg%4] * time.Millisecond
	case cfg < 16: // hybrid: 10, 20 ms
		frame = []time.Duration{10, 20}[cfg%2] * time.Millisecond
	default: // CELT: 2.5, 5, 10, 20 ms
		frame = []time.Duration{2500, 5000, 10000, 20000}[cfg%4] * time.Microsecond
	}
	frames := 1
	switch packet[0] & 3 {
	case 1, 2:
		frames = 2
	case 3:
		if len(packet) < 2 {
			return 0, fmt.Errorf("opus code 3 packet without frame count byte")
		}
		frames = int(packet[1] & 0x3f)
	}
	return time.Duration(frames) * frame, nil
}
