package voice

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestBargeInCounting(t *testing.T) {
	const onset = 3 // DefaultVADConfig().OnsetFrames
	tests := []struct {
		name   string
		voiced string // one character per 20 ms frame after the onset: v voiced, . not
		fireAt int    // index into voiced where it fires; -1 never
	}{
		{"250 ms of continuous speech fires", strings.Repeat("v", 20), 9},
		{"a 150 ms burst does not", "vvvv" + strings.Repeat(".", 30), -1},
		{"stop closures inside a word are bridged", "vvv..vvv..vvvv", 13},
		{"clicks 100 ms apart never add up", strings.Repeat("v....", 20), -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := startBargeIn(onset)
			got := -1
			for i, c := range tt.voiced {
				if b.frame(c == 'v') {
					if got >= 0 {
						t.Fatalf("fired twice, at %d and %d", got, i)
					}
					got = i
				}
			}
			if got != tt.fireAt {
				t.Fatalf("fired at frame %d, want %d", got, tt.fireAt)
			}
		})
	}
	t.Run("a non-empty partial fires at once, an empty one does not", func(t *testing.T) {
		b := startBargeIn(onset)
		if b.words("") {
			t.Fatal("an empty partial fired")
		}
		if !b.words("wait") {
			t.Fatal("a partial with words did not fire")
		}
		if b.frame(true) || b.words("wait i") {
			t.Fatal("fired a second time")
		}
	})
}

// soxWAV runs sox with args to make a 16 kHz mono WAV and reads it.
func soxWAV(t *testing.T, args ...string) []int16 {
	t.Helper()
	path := filepath.Join(t.TempDir(), "sox.wav")
	cmd := exec.Command("sox", append([]string{"-n", "-r", "16000", "-c", "1", "-b", "16", path}, args...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sox %v: %v\n%s (install the Debian package sox)", args, err, out)
	}
	a, err := ReadWAVFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a.PCM
}

// TestListenerBargeIn plays what a microphone hears while the interviewer
// talks (room noise and the interviewer's voice faintly through the
// speakers, after the browser's echo canceller) with noises made by sox
// or a human recording on top: only speech may interrupt.
func TestListenerBargeIn(t *testing.T) {
	human := loadClip(t, "ljspeech_LJ001-0005.wav")
	tests := []struct {
		name  string
		sound func(t *testing.T) []int16
		opens bool // the VAD's fast onset opens an utterance (the old barge-in trigger)
		want  bool
	}{
		{"a 150 ms white-noise burst does not interrupt", func(t *testing.T) []int16 {
			return soxWAV(t, "synth", "0.15", "whitenoise", "vol", "0.5")
		}, true, false},
		{"a 120 ms pink-noise burst at speech level does not interrupt", func(t *testing.T) []int16 {
			return soxWAV(t, "synth", "0.12", "pinknoise", "vol", "0.4")
		}, true, false},
		{"keyboard clicks do not interrupt", func(t *testing.T) []int16 {
			// 8 ms clicks every 160 ms for 1.6 s, like typing.
			return soxWAV(t, "synth", "0.008", "whitenoise", "vol", "0.8", "pad", "0", "0.152", "repeat", "9")
		}, false, false},
		{"two loud clicks do not interrupt", func(t *testing.T) []int16 {
			return soxWAV(t, "synth", "0.004", "square", "1000", "vol", "0.9", "pad", "0", "0.3", "repeat", "1")
		}, false, false},
		{"a person talking interrupts", func(t *testing.T) []int16 { return human[:2*SampleRate] }, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, ListenerConfig{})
			h.feed(h.quiet(time.Second))
			// The interviewer's voice leaking back, 40 dB under speech.
			echo := scale(human[2*SampleRate:4*SampleRate], 0.01)
			sound := tt.sound(t)
			h.feed(add(echo, h.quiet(2*time.Second)))
			h.feed(add(padTo(sound, SampleRate*2), h.quiet(2*time.Second)))
			h.feed(h.quiet(time.Second))
			h.barrier()
			barged, started := h.count(BargeIn), h.count(SpeechStart)
			if tt.want && barged != 1 {
				t.Fatalf("%d barge-ins for speech (speech starts %d), want 1; saw %s", barged, started, summary(h.seen))
			}
			if (started > 0) != tt.opens {
				t.Fatalf("%d speech starts, want opens=%v", started, tt.opens)
			}
			if !tt.want && barged != 0 {
				t.Fatalf("%d barge-ins for a noise (speech starts %d), want 0; saw %s", barged, started, summary(h.seen))
			}
		})
	}
}

func scale(pcm []int16, g float64) []int16 {
	out := make([]int16, len(pcm))
	for i, v := range pcm {
		out[i] = int16(float64(v) * g)
	}
	return out
}

func padTo(pcm []int16, n int) []int16 {
	if len(pcm) >= n {
		return pcm[:n]
	}
	return append(append([]int16(nil), pcm...), make([]int16, n-len(pcm))...)
}
