package voice

import (
	"bytes"
	"encoding/binary"
	"errors"
	"slices"
	"testing"

	"github.com/mockloop/mockloop"
)

// rawWAV builds a WAV by hand so tests control every field.
func rawWAV(format, channels uint16, rate uint32, bits uint16, extra []byte, data []byte, dataSize uint32) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(0)) // RIFF size, fixed below
	b.WriteString("WAVE")
	b.WriteString("fmt ")
	binary.Write(&b, binary.LittleEndian, uint32(16))
	binary.Write(&b, binary.LittleEndian, format)
	binary.Write(&b, binary.LittleEndian, channels)
	binary.Write(&b, binary.LittleEndian, rate)
	binary.Write(&b, binary.LittleEndian, rate*uint32(channels)*uint32(bits)/8)
	binary.Write(&b, binary.LittleEndian, channels*bits/8)
	binary.Write(&b, binary.LittleEndian, bits)
	b.Write(extra)
	b.WriteString("data")
	binary.Write(&b, binary.LittleEndian, dataSize)
	b.Write(data)
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func TestWAV(t *testing.T) {
	samples := []int16{0, 1, -1, 32767, -32768, 1234}
	var pcmBytes bytes.Buffer
	binary.Write(&pcmBytes, binary.LittleEndian, samples)
	list := append([]byte("LIST"), 5, 0, 0, 0, 'I', 'N', 'F', 'O', 'x', 0) // odd size, padded

	t.Run("write then read gives the same audio", func(t *testing.T) {
		var b bytes.Buffer
		if err := WriteWAV(&b, mockloop.Audio{SampleRate: 22050, PCM: samples}); err != nil {
			t.Fatal(err)
		}
		if b.Len() != 44+2*len(samples) {
			t.Fatalf("wrote %d bytes, want %d", b.Len(), 44+2*len(samples))
		}
		a, err := ReadWAV(&b)
		if err != nil {
			t.Fatal(err)
		}
		if a.SampleRate != 22050 || !slices.Equal(a.PCM, samples) {
			t.Fatalf("read back %d Hz %v", a.SampleRate, a.PCM)
		}
	})
	t.Run("a LIST chunk with odd size before data is skipped", func(t *testing.T) {
		a, err := ReadWAV(bytes.NewReader(rawWAV(1, 1, 16000, 16, list, pcmBytes.Bytes(), uint32(pcmBytes.Len()))))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.PCM, samples) {
			t.Fatalf("got %v", a.PCM)
		}
	})
	t.Run("a streaming writer's oversized data length reads to the end", func(t *testing.T) {
		a, err := ReadWAV(bytes.NewReader(rawWAV(1, 1, 16000, 16, nil, pcmBytes.Bytes(), 0xFFFFFFFF)))
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(a.PCM, samples) {
			t.Fatalf("got %v", a.PCM)
		}
	})
	rejects := []struct {
		name string
		wav  []byte
	}{
		{"stereo is rejected", rawWAV(1, 2, 16000, 16, nil, pcmBytes.Bytes(), uint32(pcmBytes.Len()))},
		{"8-bit is rejected", rawWAV(1, 1, 16000, 8, nil, pcmBytes.Bytes(), uint32(pcmBytes.Len()))},
		{"float is rejected", rawWAV(3, 1, 16000, 32, nil, pcmBytes.Bytes(), uint32(pcmBytes.Len()))},
		{"µ-law is rejected", rawWAV(7, 1, 8000, 8, nil, pcmBytes.Bytes(), uint32(pcmBytes.Len()))},
		{"not RIFF is rejected", []byte("ID3\x04 this is an mp3 really")},
	}
	for _, tt := range rejects {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadWAV(bytes.NewReader(tt.wav))
			if !errors.Is(err, ErrWAVFormat) {
				t.Fatalf("got %v, want an ErrWAVFormat", err)
			}
		})
	}
	t.Run("a truncated header is an error", func(t *testing.T) {
		if _, err := ReadWAV(bytes.NewReader([]byte("RIFF\x00"))); err == nil {
			t.Fatal("no error")
		}
	})
	t.Run("every shared speech clip reads as 16 kHz mono", func(t *testing.T) {
		for _, name := range []string{"mfa_uhum.wav", "librivox_sonnet001.wav"} {
			if pcm := loadClip(t, name); len(pcm) < SampleRate {
				t.Fatalf("%s: only %d samples", name, len(pcm))
			}
		}
	})
}

// FuzzReadWAV checks that any input is either rejected or read into at
// most half as many samples as it has bytes, without panicking.
func FuzzReadWAV(f *testing.F) {
	var b bytes.Buffer
	WriteWAV(&b, mockloop.Audio{SampleRate: 16000, PCM: []int16{1, -2, 3}})
	f.Add(b.Bytes())
	f.Add(rawWAV(1, 1, 8000, 16, []byte("LIST\x02\x00\x00\x00ab"), []byte{1, 2, 3}, 0xFFFFFFFF))
	f.Fuzz(func(t *testing.T, in []byte) {
		a, err := ReadWAV(bytes.NewReader(in))
		if err != nil {
			return
		}
		if 2*len(a.PCM) > len(in) || a.SampleRate <= 0 {
			t.Fatalf("%d bytes read as %d samples at %d Hz", len(in), len(a.PCM), a.SampleRate)
		}
	})
}
