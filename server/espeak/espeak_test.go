package espeak

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"
)

func newTestSynth(t testing.TB) *Synth {
	t.Helper()
	if _, err := exec.LookPath(DefaultBinary); err != nil {
		speechdata.Unavailable(t, fmt.Errorf("espeak-ng not installed: %w", err))
	}
	s, err := New(Config{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func rms(pcm []int16) float64 {
	var sum float64
	for _, v := range pcm {
		sum += float64(v) * float64(v)
	}
	return math.Sqrt(sum / float64(max(len(pcm), 1)))
}

func TestSynthesize(t *testing.T) {
	s := newTestSynth(t)
	tests := []struct {
		name           string
		text           string
		minSec, maxSec float64
	}{
		{"a question gives one to four seconds of speech", "Tell me about a time you disagreed with your manager.", 1, 4},
		{"a text that looks like an option is spoken, not obeyed", "--help me understand the trade-off.", 0.8, 4},
		{"a text with quotes and a newline is spoken whole", "Say \"cache\".\nThen explain why.", 0.8, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := s.Synthesize(context.Background(), tt.text)
			if err != nil {
				t.Fatal(err)
			}
			if a.SampleRate != SampleRate {
				t.Errorf("SampleRate = %d, want %d", a.SampleRate, SampleRate)
			}
			sec := float64(len(a.PCM)) / float64(a.SampleRate)
			if sec < tt.minSec || sec > tt.maxSec {
				t.Errorf("audio lasts %.2f s, want %.1f-%.1f s", sec, tt.minSec, tt.maxSec)
			}
			// Speech from espeak-ng has an RMS in the thousands; silence
			// or a mangled byte order would not.
			if r := rms(a.PCM); r < 500 {
				t.Errorf("RMS %.0f: no speech energy", r)
			}
		})
	}
}

func TestEmptyTextGivesEmptyAudioWithoutRunningTheProgram(t *testing.T) {
	// A path that cannot run proves the program was never started.
	s := &Synth{path: filepath.Join(t.TempDir(), "missing")}
	for _, text := range []string{"", "  \n\t"} {
		a, err := s.Synthesize(context.Background(), text)
		if err != nil {
			t.Fatalf("Synthesize(%q): %v", text, err)
		}
		if len(a.PCM) != 0 {
			t.Errorf("Synthesize(%q) gave %d samples", text, len(a.PCM))
		}
	}
}

func TestCancellationKillsTheProcess(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "started")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	// A stand-in for espeak-ng that says it started and then hangs;
	// exec keeps it one process, so killing it closes stdout.
	script := filepath.Join(dir, "espeak-ng")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho started > "+fifo+"\nexec sleep 60\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Binary: script})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := s.Synthesize(ctx, "a long answer")
		done <- err
	}()
	// Opening the FIFO blocks until the script opens it for writing.
	f, err := os.Open(fifo)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	start := time.Now()
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Synthesize after cancel: %v, want context.Canceled", err)
		}
		t.Logf("returned %v after cancel", time.Since(start))
	case <-time.After(10 * time.Second):
		t.Fatal("Synthesize did not return within 10 s of cancel")
	}
}

func TestNewRejectsBadSettings(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"a missing program names the Debian package", Config{Binary: "espeak-ng-does-not-exist"}, "install the Debian package espeak-ng"},
		{"a voice that looks like an option is refused", Config{Voice: "--stdin"}, "bad voice"},
		{"a speaking rate outside espeak's range is refused", Config{WPM: 20}, "outside 80-450"},
		{"a pitch over 99 is refused", Config{Pitch: 120}, "outside 0-99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New(%+v) error = %v, want one containing %q", tt.cfg, err, tt.want)
			}
		})
	}
}

func TestAFailingProgramGivesItsMessage(t *testing.T) {
	script := filepath.Join(t.TempDir(), "espeak-ng")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho 'voice not found' >&2\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	s, err := New(Config{Binary: script})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.Synthesize(context.Background(), "hello")
	if err == nil || !strings.Contains(err.Error(), "voice not found") {
		t.Errorf("error = %v, want the program's message", err)
	}
}

// wav builds a RIFF/WAVE header and data with the given sizes.
func wav(riffSize, dataSize uint32, channels, bits uint16, samples ...int16) []byte {
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, riffSize)
	b = append(b, "WAVEfmt "...)
	b = binary.LittleEndian.AppendUint32(b, 16)
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, channels)
	b = binary.LittleEndian.AppendUint32(b, SampleRate)
	b = binary.LittleEndian.AppendUint32(b, SampleRate*2)
	b = binary.LittleEndian.AppendUint16(b, 2)
	b = binary.LittleEndian.AppendUint16(b, bits)
	b = append(b, "LIST"...)
	b = binary.LittleEndian.AppendUint32(b, 3) // odd size: one pad byte follows
	b = append(b, 'a', 'b', 'c', 0)
	b = append(b, "data"...)
	b = binary.LittleEndian.AppendUint32(b, dataSize)
	for _, s := range samples {
		b = binary.LittleEndian.AppendUint16(b, uint16(s))
	}
	return b
}

func TestParseWAV(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		want    []int16
		wantErr string
	}{
		{"streamed placeholder sizes read to the end", wav(0x7ffff000, 0x7ffff000, 1, 16, 1, -2, 300), []int16{1, -2, 300}, ""},
		{"exact sizes read the data chunk", wav(0, 4, 1, 16, 7, -7), []int16{7, -7}, ""},
		{"stereo is refused", wav(0, 4, 2, 16, 1, 2), nil, "want mono"},
		{"8-bit is refused", wav(0, 4, 1, 8, 1, 2), nil, "want 16"},
		{"a non-WAV stream is refused", []byte("ID3 not a wav file"), nil, "not a RIFF WAVE"},
		{"a header without data is refused", wav(0, 0, 1, 16)[:36], nil, "no data chunk"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, rate, err := parseWAV(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if rate != SampleRate || len(got) != len(tt.want) {
				t.Fatalf("got %d samples at %d Hz, want %v at %d", len(got), rate, tt.want, SampleRate)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("sample %d = %d, want %d", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func FuzzParseWAV(f *testing.F) {
	f.Add(wav(0x7ffff000, 0x7ffff000, 1, 16, 1, 2, 3))
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, b []byte) {
		pcm, _, err := parseWAV(b)
		// The samples never claim more bytes than the input has.
		if err == nil && 2*len(pcm) > len(b) {
			t.Errorf("%d samples from %d bytes", len(pcm), len(b))
		}
	})
}

// BenchmarkSynthesize reports synthesis time against the length of the
// audio it makes (the baseline: under 1 means faster than real time).
func BenchmarkSynthesize(b *testing.B) {
	s := newTestSynth(b)
	const text = "Tell me about a time you had to make a decision without all the data you wanted."
	var audioSec float64
	start := time.Now()
	for b.Loop() {
		a, err := s.Synthesize(context.Background(), text)
		if err != nil {
			b.Fatal(err)
		}
		audioSec += float64(len(a.PCM)) / float64(a.SampleRate)
	}
	elapsed := time.Since(start).Seconds()
	b.ReportMetric(audioSec/float64(b.N), "audio-s/op")
	b.ReportMetric(elapsed/audioSec, "synth-s/audio-s")
}
