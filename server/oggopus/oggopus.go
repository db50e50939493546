// Package oggopus owns the compressed form of kept answer audio: mono
// 16-bit PCM encoded with libopus and muxed into an Ogg Opus file (RFC 7845
// on Ogg, RFC 3533) that browsers play and seek in an <audio> element.
// The Ogg muxing is written here; the Opus codec is libopus through
// gopkg.in/hraban/opus.v2.
package oggopus

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"

	"gopkg.in/hraban/opus.v2"

	"github.com/mockloop/mockloop"
)

// DefaultBitrate is used when Encode is given a bitrate of 0 or less. 24
// kbit/s is in the range RFC 6716 section 2.1.1 gives for wideband speech
// (16-20 kbit/s) with some headroom, and a tenth of 16 kHz 16-bit WAV.
const DefaultBitrate = 24000

const (
	// granuleRate is the clock of Ogg Opus granule positions and pre-skip,
	// whatever the input rate (RFC 7845 section 4).
	granuleRate = 48000
	// frameDiv makes 20 ms frames: the frame size RFC 6716 section 2.1.4
	// recommends for most uses, and what WebRTC sends.
	frameDiv = 50
	// preSkip is libopus's encoder lookahead at 48 kHz: OPUS_GET_LOOKAHEAD
	// returns Fs/400 + delay_compensation, with delay_compensation = Fs/250
	// for every application but RESTRICTED_LOWDELAY (libopus
	// src/opus_encoder.c), i.e. 2.5 + 4 = 6.5 ms at any rate. hraban/opus
	// does not expose that ctl; the round-trip test checks the alignment
	// this value gives. RFC 7845 section 4.2: pre-skip is the encoder
	// delay, to be dropped by the player.
	preSkip = granuleRate/400 + granuleRate/250
	// packetsPerPage bounds how much audio one page carries: 50 x 20 ms
	// = 1 s, opusenc's default --max-delay. A page costs 27 bytes plus one
	// per lacing value, so a page per 60-byte packet would add ~50% to the
	// file, while browsers and libopusfile seek inside a page anyway.
	packetsPerPage = 50
	// complexity trades encoder CPU for quality. The session encodes the
	// whole answer when it commits it, before the next question, so speed
	// matters: 5 is WebRTC's default on phones
	// (api/audio_codecs/opus/audio_encoder_opus_config.cc; 9 on desktop)
	// and measured here at half the time of libopus's default, with the
	// same speech envelope and a file 1-3% smaller (BenchmarkEncode,
	// TestEncodeRoundTrip).
	complexity = 5
	// maxPacketBytes is the output buffer libopus recommends for one
	// packet (opus_encode documentation: 4000 bytes is safe).
	maxPacketBytes = 4000
)

// ErrSampleRate is returned for a rate the Opus encoder does not take.
var ErrSampleRate = errors.New("oggopus: sample rate must be 8, 12, 16, 24 or 48 kHz")

// Encode writes a as an Ogg Opus file (mono, VoIP mode, 20 ms packets) at
// bitrate bits per second, or DefaultBitrate when bitrate <= 0. The file
// decodes to exactly len(a.PCM) samples at the input rate's duration.
func Encode(w io.Writer, a mockloop.Audio, bitrate int) error {
	enc, err := NewPacketEncoder(a.SampleRate, bitrate)
	if err != nil {
		return err
	}

	m := muxer{w: w, serial: serialFor(a.PCM)}
	if err := m.headers(a.SampleRate); err != nil {
		return err
	}

	frameLen := a.SampleRate / frameDiv
	scale := int64(granuleRate / a.SampleRate)
	frameGranule := int64(frameLen) * scale
	// The decoder's output lags the input by preSkip, so the encoder is fed
	// zeros past the end until the last real sample has come out; the last
	// page's granule position then trims what lies beyond it (RFC 7845
	// section 4.4), always less than one packet.
	endGranule := preSkip + int64(len(a.PCM))*scale
	frames := int((endGranule + frameGranule - 1) / frameGranule)

	frame := make([]int16, frameLen)
	var packets [][]byte
	for i := range frames {
		clear(frame)
		if start := i * frameLen; start < len(a.PCM) {
			copy(frame, a.PCM[start:])
		}
		pkt, err := enc.Encode(frame)
		if err != nil {
			return fmt.Errorf("frame %d: %w", i, err)
		}
		last := i == frames-1
		if len(packets) == packetsPerPage || segmentsFor(packets...)+segmentsFor(pkt) > maxSegments {
			// The page's granule is where its last packet ends.
			if err := m.page(0, int64(i)*frameGranule, packets); err != nil {
				return err
			}
			packets = packets[:0]
		}
		packets = append(packets, pkt)
		if last {
			if err := m.page(flagEOS, endGranule, packets); err != nil {
				return err
			}
		}
	}
	return nil
}

// muxer writes the pages of one logical Ogg bitstream in order.
type muxer struct {
	w      io.Writer
	serial uint32
	seq    uint32
}

func (m *muxer) page(flags byte, granule int64, packets [][]byte) error {
	b, err := pageSpec{flags: flags, granule: granule, serial: m.serial, seq: m.seq, packets: packets}.build()
	if err != nil {
		return err
	}
	if _, err := m.w.Write(b); err != nil {
		return fmt.Errorf("write ogg page %d: %w", m.seq, err)
	}
	m.seq++
	return nil
}

// headers writes the identification header alone on the first (BOS) page
// and the comment header on the second, both with granule position 0, as
// RFC 7845 section 3 requires; audio starts on a fresh page after them.
func (m *muxer) headers(inputRate int) error {
	if err := m.page(flagBOS, 0, [][]byte{opusHead(inputRate)}); err != nil {
		return fmt.Errorf("opus head: %w", err)
	}
	if err := m.page(0, 0, [][]byte{opusTags(opus.Version())}); err != nil {
		return fmt.Errorf("opus tags: %w", err)
	}
	return nil
}

// opusHead is the identification header, RFC 7845 section 5.1.
func opusHead(inputRate int) []byte {
	b := make([]byte, 19)
	copy(b, "OpusHead")
	b[8] = 1 // version
	b[9] = 1 // channel count: mono
	binary.LittleEndian.PutUint16(b[10:], preSkip)
	binary.LittleEndian.PutUint32(b[12:], uint32(inputRate)) // informational: the player still decodes at 48 kHz
	binary.LittleEndian.PutUint16(b[16:], 0)                 // output gain
	b[18] = 0                                                // channel mapping family 0: mono or stereo, no table
	return b
}

// opusTags is the comment header, RFC 7845 section 5.2: a vendor string
// naming the encoder library, and one comment naming the muxer.
func opusTags(vendor string) []byte {
	comments := []string{"ENCODER=mockloop oggopus"}
	b := append([]byte("OpusTags"), binary.LittleEndian.AppendUint32(nil, uint32(len(vendor)))...)
	b = append(b, vendor...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(comments)))
	for _, c := range comments {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(c)))
		b = append(b, c...)
	}
	return b
}

// serialFor derives the bitstream serial number from the audio. RFC 3533
// section 4 only asks serials to differ between the logical streams of one
// physical stream; a file here holds one, so a hash keeps the output
// reproducible without a random source.
func serialFor(pcm []int16) uint32 {
	h := fnv.New32a()
	var b [2]byte
	for _, s := range pcm {
		binary.LittleEndian.PutUint16(b[:], uint16(s))
		h.Write(b[:])
	}
	return h.Sum32()
}
