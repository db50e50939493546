package voice

import (
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// vadRun runs a fresh VAD over pcm and returns the decision per frame.
func vadRun(cfg VADConfig, pcm []int16) (speech []bool, levels []float64) {
	v := NewVAD(cfg)
	for _, f := range frames(pcm) {
		s, l := v.Process(f)
		speech = append(speech, s)
		levels = append(levels, l)
	}
	return speech, levels
}

func fraction(speech []bool) float64 {
	n := 0
	for _, s := range speech {
		if s {
			n++
		}
	}
	return float64(n) / float64(max(1, len(speech)))
}

// faded applies 2 ms raised-cosine ramps at both ends, as real sounds
// have; an abrupt stop would leave the high-pass ringing into the next
// frame.
func faded(pcm []int16) []int16 {
	out := slices.Clone(pcm)
	n := durSamples(2 * time.Millisecond)
	for i := range n {
		g := 0.5 - 0.5*math.Cos(math.Pi*float64(i)/float64(n))
		out[i] = int16(float64(out[i]) * g)
		out[len(out)-1-i] = int16(float64(out[len(out)-1-i]) * g)
	}
	return out
}

// square makes a full-scale square wave.
func square(freq float64, d time.Duration) []int16 {
	out := make([]int16, durSamples(d))
	for i := range out {
		if math.Sin(2*math.Pi*freq*float64(i)/SampleRate) >= 0 {
			out[i] = math.MaxInt16
		} else {
			out[i] = math.MinInt16
		}
	}
	return out
}

// syllables imitates speech: 200 ms tone bursts with 100 ms gaps, at
// amplitude amp, for d.
func syllables(amp float64, d time.Duration) []int16 {
	var out []int16
	for len(out) < durSamples(d) {
		out = append(out, tone(SampleRate, 220, amp, 200*time.Millisecond)...)
		out = append(out, make([]int16, durSamples(100*time.Millisecond))...)
	}
	return out[:durSamples(d)]
}

func add(a, b []int16) []int16 {
	out := make([]int16, len(a))
	for i := range a {
		out[i] = clip16(float64(a[i]) + float64(b[i%len(b)]))
	}
	return out
}

func TestVADSynthetic(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hum := add(add(tone(SampleRate, 60, 0.2, 10*time.Second), tone(SampleRate, 120, 0.1, 10*time.Second)), tone(SampleRate, 180, 0.05, 10*time.Second))
	quiet := noise(rng, 0.003, 10*time.Second) // about -55 dBFS room noise

	tests := []struct {
		name  string
		pcm   []int16
		check func(t *testing.T, speech []bool)
	}{
		{"digital silence is never speech", make([]int16, 5*SampleRate), func(t *testing.T, s []bool) {
			if f := fraction(s); f != 0 {
				t.Fatalf("speech fraction %.2f", f)
			}
		}},
		{"a constant mains hum with harmonics is never speech", hum, func(t *testing.T, s []bool) {
			if f := fraction(s); f != 0 {
				t.Fatalf("speech fraction %.2f", f)
			}
		}},
		{"syllables over room noise are speech, the silence around them is not", concat(quiet[:2*SampleRate], add(syllables(0.3, 3*time.Second), quiet), quiet[:2*SampleRate]), func(t *testing.T, s []bool) {
			if f := fraction(s[100:250]); f < 0.95 {
				t.Fatalf("speech fraction during syllables %.2f", f)
			}
			if f := fraction(s[:100]) + fraction(s[260:]); f != 0 {
				t.Fatalf("speech in the silence: %.2f", f)
			}
		}},
		{"a DC offset does not change the decisions", add(concat(quiet[:2*SampleRate], add(syllables(0.3, 3*time.Second), quiet), quiet[:2*SampleRate]), []int16{8000}), func(t *testing.T, s []bool) {
			ref, _ := vadRun(VADConfig{}, concat(quiet[:2*SampleRate], add(syllables(0.3, 3*time.Second), quiet), quiet[:2*SampleRate]))
			diff := 0
			for i := range s {
				if s[i] != ref[i] {
					diff++
				}
			}
			if diff > 2 {
				t.Fatalf("%d frames differ from the same audio without DC", diff)
			}
		}},
		{"a hum that starts loud becomes the floor within the floor window", concat(quiet[:SampleRate], hum, hum), func(t *testing.T, s []bool) {
			// 3 s window plus rise: from 6 s after the hum starts it must
			// be off for good.
			if f := fraction(s[(1+6)*50:]); f != 0 {
				t.Fatalf("speech fraction after the floor adapted %.2f", f)
			}
		}},
		{"full-scale white noise for 20 s is taken for speech at first, then for the floor", concat(quiet[:SampleRate], noise(rng, 1, 20*time.Second)), func(t *testing.T, s []bool) {
			if !s[60] {
				t.Fatal("a sudden loud noise should look like speech at first")
			}
			if f := fraction(s[(1+8)*50:]); f != 0 {
				t.Fatalf("speech fraction after the floor adapted %.2f", f)
			}
		}},
		{"a full-scale square burst ends speech within the hangover after it stops", concat(quiet[:SampleRate], square(440, time.Second), quiet[:2*SampleRate]), func(t *testing.T, s []bool) {
			if f := fraction(s[50:100]); f < 0.9 {
				t.Fatalf("burst speech fraction %.2f", f)
			}
			if f := fraction(s[100+DefaultVADConfig().HangoverFrames+1:]); f != 0 {
				t.Fatalf("speech after the burst %.2f", f)
			}
		}},
		{"lost packets filled with digital silence do not make room noise look like speech", concat(noise(rng, 0.01, 3*time.Second), make([]int16, SampleRate), noise(rng, 0.01, 3*time.Second)), func(t *testing.T, s []bool) {
			if f := fraction(s); f != 0 {
				t.Fatalf("speech fraction %.2f", f)
			}
		}},
		{"a single 20 ms click does not start speech", concat(quiet[:SampleRate], noise(rng, 0.9, FrameDur), quiet[:SampleRate]), func(t *testing.T, s []bool) {
			if f := fraction(s); f != 0 {
				t.Fatalf("speech fraction %.2f", f)
			}
		}},
		{"two loud frames do not start speech, three do", concat(quiet[:SampleRate], faded(tone(SampleRate, 1000, 0.5, 2*FrameDur)), quiet[:SampleRate], faded(tone(SampleRate, 1000, 0.5, 3*FrameDur)), quiet[:SampleRate]), func(t *testing.T, s []bool) {
			if fraction(s[:102]) != 0 {
				t.Fatal("two frames started speech")
			}
			if !s[102+2] {
				t.Fatal("three frames did not start speech")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			speech, _ := vadRun(VADConfig{}, tt.pcm)
			tt.check(t, speech)
		})
	}
}

// clipNames lists the shared human recordings.
func clipNames(tb testing.TB) []string {
	files, err := filepath.Glob(filepath.Join(speechDir(tb), "*.wav"))
	if err != nil || len(files) == 0 {
		tb.Fatalf("no clips: %v", err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	return files
}

// segments renders speech decisions as start-end times, one per line.
func segments(speech []bool) string {
	var b strings.Builder
	start := -1
	for i := 0; i <= len(speech); i++ {
		on := i < len(speech) && speech[i]
		switch {
		case on && start < 0:
			start = i
		case !on && start >= 0:
			fmt.Fprintf(&b, "%6.2f %6.2f\n", float64(start)*FrameDur.Seconds(), float64(i)*FrameDur.Seconds())
			start = -1
		}
	}
	return b.String()
}

// pauses returns the lengths of non-speech runs between speech.
func pauses(speech []bool) []time.Duration {
	var out []time.Duration
	run, seen := 0, false
	for _, s := range speech {
		if s {
			if seen && run > 0 {
				out = append(out, time.Duration(run)*FrameDur)
			}
			run, seen = 0, true
		} else {
			run++
		}
	}
	return out
}

func TestVADOnHumanSpeech(t *testing.T) {
	for _, name := range clipNames(t) {
		t.Run(name+" keeps every loud frame as speech and matches its golden segments", func(t *testing.T) {
			pcm := loadClip(t, name)
			speech, levels := vadRun(VADConfig{}, pcm)

			// The loud frames are the vowels of words: whatever the floor
			// does, they must be speech (allowing the onset frames).
			peak := slices.Max(levels)
			loud, missed := 0, 0
			for i, l := range levels {
				if l > peak-15 {
					loud++
					// The first frames of a word wait for the onset rule.
					onset := slices.Contains(speech[i:min(len(speech), i+DefaultVADConfig().OnsetFrames)], true)
					if !speech[i] && !onset {
						missed++
					}
				}
			}
			if float64(missed) > 0.02*float64(loud) {
				t.Errorf("%d of %d loud frames not speech", missed, loud)
			}
			if f := fraction(speech); f < 0.3 || f > 0.97 {
				t.Errorf("speech fraction %.2f outside 0.3-0.97", f)
			}

			golden := filepath.Join("testdata", "vad", strings.TrimSuffix(name, ".wav")+".txt")
			got := segments(speech)
			if *update {
				if err := os.MkdirAll(filepath.Dir(golden), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if got != string(want) {
				t.Errorf("segments changed (run with -update if intended):\ngot:\n%swant:\n%s", got, want)
			}
		})
	}

	t.Run("the unscripted mfa clips' thinking pauses are found as pauses", func(t *testing.T) {
		// Listening to them: each has hesitations of half a second or
		// more between phrases ("but um ... montreal").
		for _, name := range []string{"mfa_crossword.wav", "mfa_surround.wav", "mfa_acoustic_corpus.wav"} {
			speech, _ := vadRun(VADConfig{}, loadClip(t, name))
			long := 0
			for _, p := range pauses(speech) {
				if p >= 500*time.Millisecond {
					long++
				}
			}
			if long < 2 {
				t.Errorf("%s: %d pauses of 0.5 s or more, want at least 2", name, long)
			}
		}
	})

	t.Run("two seconds of a clip's own background spliced in reads as one pause", func(t *testing.T) {
		for _, name := range []string{"mfa_acoustic_corpus.wav", "fleurs_en_002.wav", "librispeech_61-70968-0000.wav"} {
			pcm := loadClip(t, name)
			bg := quietest(pcm, 300*time.Millisecond)
			var gap []int16
			for len(gap) < 2*SampleRate {
				gap = append(gap, bg...)
			}
			gap = gap[:2*SampleRate]
			mid := len(pcm) / 2 / FrameSamples * FrameSamples
			speech, _ := vadRun(VADConfig{}, concat(pcm[:mid], gap, pcm[mid:]))
			from := mid/FrameSamples + 15 // hangover and the word cut at mid
			if f := fraction(speech[from : mid/FrameSamples+100]); f > 0 {
				t.Errorf("%s: speech fraction %.2f inside the spliced pause", name, f)
			}
		}
	})
}

// quietest returns the quietest stretch of length d in pcm: the clip's own
// background noise.
func quietest(pcm []int16, d time.Duration) []int16 {
	n := durSamples(d)
	best, bestAt := math.Inf(1), 0
	for i := 0; i+n <= len(pcm); i += FrameSamples {
		if l := rmsDB(pcm[i : i+n]); l < best {
			best, bestAt = l, i
		}
	}
	return pcm[bestAt : bestAt+n]
}
