package voice

import (
	"testing"
	"time"

	hopus "gopkg.in/hraban/opus.v2"
)

// encodeOpus encodes 16 kHz speech the way Chrome does for a microphone:
// 48 kHz, mono, VoIP application, 32 kbps (WebRTC's default), 20 ms
// packets. libopus (through cgo) is used only here, in tests, to make
// packets; the package itself stays pure Go.
func encodeOpus(tb testing.TB, pcm16k []int16) [][]byte {
	tb.Helper()
	enc, err := hopus.NewEncoder(48000, 1, hopus.AppVoIP)
	if err != nil {
		tb.Fatalf("new encoder: %v", err)
	}
	if err := enc.SetBitrate(32000); err != nil {
		tb.Fatalf("set bitrate: %v", err)
	}
	pcm48 := Resample(pcm16k, SampleRate, 48000)
	var packets [][]byte
	buf := make([]byte, 1500)
	for i := 0; i+960 <= len(pcm48); i += 960 {
		n, err := enc.Encode(pcm48[i:i+960], buf)
		if err != nil {
			tb.Fatalf("encode: %v", err)
		}
		packets = append(packets, append([]byte(nil), buf[:n]...))
	}
	return packets
}

func TestOpusDecoder(t *testing.T) {
	clip := loadClip(t, "librispeech_61-70968-0000.wav")
	packets := encodeOpus(t, clip)

	t.Run("Chrome-like encoding produces hybrid packets (TOC configs 13 and 15)", func(t *testing.T) {
		hybrid := 0
		for _, p := range packets {
			cfg, err := OpusConfig(p)
			if err != nil {
				t.Fatal(err)
			}
			if cfg == 13 || cfg == 15 {
				hybrid++
			}
		}
		// libopus may code a few near-silent packets another way.
		if hybrid < len(packets)*9/10 {
			t.Fatalf("%d of %d packets are hybrid", hybrid, len(packets))
		}
		t.Logf("%d of %d packets hybrid", hybrid, len(packets))
	})

	t.Run("hybrid packets decode to 20 ms of speech at the original level, not silence", func(t *testing.T) {
		d, err := NewOpusDecoder()
		if err != nil {
			t.Fatal(err)
		}
		var out []int16
		for i, p := range packets {
			pcm, err := d.Decode(p)
			if err != nil {
				t.Fatalf("packet %d: %v", i, err)
			}
			if len(pcm) != FrameSamples {
				t.Fatalf("packet %d decoded to %d samples, want %d", i, len(pcm), FrameSamples)
			}
			out = append(out, pcm...)
		}
		in, got := rmsDB(clip[:len(out)]), rmsDB(out)
		if got < in-3 || got > in+3 {
			t.Fatalf("decoded level %.1f dBFS, original %.1f dBFS", got, in)
		}
		// And the speech is where it was: the VAD finds about as much of
		// it in the decoded audio as in the original.
		sIn, sOut := speechFraction(clip[:len(out)]), speechFraction(out)
		if sOut < sIn-0.1 || sOut > sIn+0.1 {
			t.Fatalf("speech fraction %.2f decoded vs %.2f original", sOut, sIn)
		}
		t.Logf("level %.1f vs %.1f dBFS; speech %.2f vs %.2f", got, in, sOut, sIn)
	})

	t.Run("decoded slices are fresh and belong to the caller", func(t *testing.T) {
		d, _ := NewOpusDecoder()
		a, _ := d.Decode(packets[10])
		keep := a[100]
		if _, err := d.Decode(packets[11]); err != nil {
			t.Fatal(err)
		}
		if a[100] != keep {
			t.Fatal("a later Decode overwrote an earlier result")
		}
	})

	t.Run("an empty or corrupt packet is an error, not a panic", func(t *testing.T) {
		d, _ := NewOpusDecoder()
		if _, err := d.Decode(nil); err == nil {
			t.Fatal("empty packet decoded")
		}
		// Code 3 with a frame count of 0 is malformed (RFC 6716 3.2.5).
		if _, err := d.Decode([]byte{0x6b, 0x00}); err == nil {
			t.Fatal("malformed packet decoded")
		}
	})
}

func TestOpusPacketDuration(t *testing.T) {
	tests := []struct {
		name   string
		packet []byte
		want   time.Duration
	}{
		{"hybrid full band 20 ms (config 15), one frame", []byte{15 << 3}, 20 * time.Millisecond},
		{"hybrid super-wide 10 ms (config 12), two frames", []byte{12<<3 | 1}, 20 * time.Millisecond},
		{"SILK wide band 60 ms (config 11)", []byte{11 << 3}, 60 * time.Millisecond},
		{"CELT 2.5 ms (config 16), code 3 with 8 frames", []byte{16<<3 | 3, 8}, 20 * time.Millisecond},
		{"SILK 40 ms (config 2), two frames", []byte{2<<3 | 2}, 80 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := OpusPacketDuration(tt.packet)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
		})
	}
	t.Run("an empty packet is an error", func(t *testing.T) {
		if _, err := OpusPacketDuration(nil); err == nil {
			t.Fatal("no error")
		}
	})
}

// speechFraction runs a fresh default VAD over pcm.
func speechFraction(pcm []int16) float64 {
	v := NewVAD(VADConfig{})
	fs := frames(pcm)
	n := 0
	for _, f := range fs {
		if s, _ := v.Process(f); s {
			n++
		}
	}
	return float64(n) / float64(len(fs))
}

// BenchmarkDecodeVAD measures the receive path per stream: Opus decode,
// framing and VAD of a real clip encoded like Chrome's microphone. The
// figure that matters is CPU time per second of audio, reported as
// cpu-fraction (1.0 would be one core per stream).
func BenchmarkDecodeVAD(b *testing.B) {
	clip := loadClip(b, "mfa_acoustic_corpus.wav")
	packets := encodeOpus(b, clip)
	audio := time.Duration(len(packets)) * FrameDur
	b.ResetTimer()
	for b.Loop() {
		d, err := NewOpusDecoder()
		if err != nil {
			b.Fatal(err)
		}
		f := NewFramer()
		v := NewVAD(VADConfig{})
		for _, p := range packets {
			pcm, err := d.Decode(p)
			if err != nil {
				b.Fatal(err)
			}
			for _, fr := range f.Push(pcm) {
				v.Process(fr)
			}
		}
	}
	perClip := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(audio.Seconds(), "audio-s/op")
	b.ReportMetric(perClip.Seconds()/audio.Seconds(), "cpu-fraction")
}
