package voice

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// glide is a voice-like tone (a fundamental and two harmonics) whose
// pitch moves from f0 to f1 Hz and whose amplitude moves from a0 to a1
// over d, with the phase integrated so the pitch is continuous.
func glide(f0, f1, a0, a1 float64, d time.Duration) []int16 {
	n := durSamples(d)
	out := make([]int16, n)
	phase := 0.0
	for i := range out {
		x := float64(i) / float64(n)
		f := f0 * math.Pow(f1/f0, x) // a straight line in semitones
		a := a0 + (a1-a0)*x
		phase += 2 * math.Pi * f / SampleRate
		v := math.Sin(phase) + 0.5*math.Sin(2*phase) + 0.25*math.Sin(3*phase)
		out[i] = int16(a * 32767 * v / 1.75)
	}
	return out
}

func TestPitchOf(t *testing.T) {
	tests := []struct {
		name string
		hz   float64
	}{
		{"a low male voice at 90 Hz", 90},
		{"a male voice at 120 Hz", 120},
		{"a female voice at 210 Hz", 210},
		{"a high voice at 330 Hz", 330},
	}
	for _, tt := range tests {
		t.Run(tt.name+" is found within 2%, not at an octave", func(t *testing.T) {
			w := glide(tt.hz, tt.hz, 0.3, 0.3, 40*time.Millisecond)
			got, ok := pitchOf(w)
			if !ok || math.Abs(got-tt.hz)/tt.hz > 0.02 {
				t.Fatalf("pitch %.1f Hz (voiced %v), want %.0f", got, ok, tt.hz)
			}
		})
	}
	t.Run("white noise has no pitch", func(t *testing.T) {
		if f, ok := pitchOf(noise(newRand(), 0.3, 40*time.Millisecond)); ok {
			t.Fatalf("noise voiced at %.1f Hz", f)
		}
	})
}

func TestEstimateProsody(t *testing.T) {
	half := 500 * time.Millisecond
	tests := []struct {
		name string
		pcm  []int16
		want Contour
	}{
		{"a statement's final fall, 200 to 150 Hz, is falling", glide(200, 150, 0.3, 0.3, half), ContourFalling},
		{"a male fall, 130 to 100 Hz, is falling", glide(130, 100, 0.3, 0.25, half), ContourFalling},
		{"a question's rise, 150 to 210 Hz, is rising", glide(150, 210, 0.3, 0.3, half), ContourRising},
		{"a held filler at 180 Hz is level", glide(180, 180, 0.3, 0.3, half), ContourLevel},
		{"a pitch wobble of one semitone is level", glide(180, 190, 0.3, 0.3, half), ContourLevel},
		{"a held pitch fading out strongly is falling", glide(180, 180, 0.4, 0.01, half), ContourFalling},
		{"unpitched noise that fades is falling by its energy", fade(noise(newRand(), 0.3, half)), ContourFalling},
		{"unpitched noise at a steady level is level", noise(newRand(), 0.3, half), ContourLevel},
		{"silence tells nothing", make([]int16, durSamples(half)), ContourUnknown},
		{"60 ms is too little to tell", glide(200, 150, 0.3, 0.3, 60*time.Millisecond), ContourUnknown},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := EstimateProsody(tt.pcm)
			if got := p.Contour(); got != tt.want {
				t.Fatalf("contour %v, want %v (%+v)", got, tt.want, p)
			}
		})
	}
	t.Run("the slope is measured in semitones per second", func(t *testing.T) {
		// 200 -> 150 Hz is 12*log2(0.75) = -4.98 st over 0.5 s.
		p := EstimateProsody(glide(200, 150, 0.3, 0.3, half))
		if want := 12 * math.Log2(0.75) / 0.5; math.Abs(p.PitchSlope-want) > 1.5 {
			t.Fatalf("slope %.2f st/s, want about %.2f", p.PitchSlope, want)
		}
	})
}

// fade scales pcm linearly from full to a tenth.
func fade(pcm []int16) []int16 {
	out := make([]int16, len(pcm))
	for i, v := range pcm {
		g := 1 - 0.9*float64(i)/float64(len(pcm))
		out[i] = int16(float64(v) * g)
	}
	return out
}

func newRand() *rand.Rand { return rand.New(rand.NewPCG(3, 4)) }

func TestPitchRange(t *testing.T) {
	// A speaker heard at 100 Hz for as long as at 200 Hz: 100 Hz sits at
	// the bottom quarter of the range, 200 Hz at the top quarter.
	var r PitchRange
	win := 2 * FrameSamples
	feed := func(hz float64, n int) {
		for range n {
			r.Add(glide(hz, hz, 0.3, 0.3, samplesDur(win)))
		}
	}
	feed(100, rangeMin/2-1)
	feed(200, rangeMin/2)
	if _, ok := r.Level(0); ok {
		t.Fatalf("a level read from %d pitched frames, want none under %d", len(r.st), rangeMin)
	}
	r.Add(noise(newRand(), 0.3, samplesDur(win)))
	if _, ok := r.Level(0); ok {
		t.Fatal("an unvoiced window was counted")
	}
	feed(100, 1)
	tests := []struct {
		name   string
		hz     float64
		lo, hi float64
	}{
		{"the speaker's low pitch is in the bottom of the range", 100, 0.2, 0.3},
		{"the speaker's high pitch is in the top of the range", 200, 0.7, 0.8},
		{"between the two is mid-range", 141, 0.45, 0.55},
		{"below anything heard is the bottom", 60, 0, 0},
		{"above anything heard is the top", 400, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := r.Level(12 * math.Log2(tt.hz/100))
			if !ok || got < tt.lo || got > tt.hi {
				t.Fatalf("Level(%.0f Hz) = %.2f (ok %v), want %.2f-%.2f", tt.hz, got, ok, tt.lo, tt.hi)
			}
		})
	}
}

func TestFinalPitch(t *testing.T) {
	// A glide from 200 to 100 Hz over a second rests near 100 Hz: the
	// median of its last 0.35 s is about 110 Hz (1.6 semitones re 100 Hz).
	p := EstimateProsody(glide(200, 100, 0.3, 0.3, time.Second))
	want := 12 * math.Log2(100*math.Pow(2, 0.175)/100)
	if p.FinalFrames < 10 || math.Abs(p.FinalPitch-want) > 0.7 {
		t.Fatalf("final pitch %.2f st over %d frames, want %.2f st over the last 0.35 s", p.FinalPitch, p.FinalFrames, want)
	}
}

func TestPitchRangeOfAMonotoneVoiceGivesNoLevel(t *testing.T) {
	var r PitchRange
	flat := glide(220, 220, 0.3, 0.3, 40*time.Millisecond)
	for range 4 * rangeMin {
		r.Add(flat)
	}
	if got, ok := r.Level(12 * math.Log2(2.2)); ok {
		t.Fatalf("a monotone voice placed at %.2f of its range", got)
	}
}

func TestPitchRangeFollowsTheLatestVoice(t *testing.T) {
	// After a minute of voice at 200 and 250 Hz, an earlier minute at
	// 100 Hz is forgotten: 200 Hz is the bottom of the range (half of
	// it level with 200 Hz, none below), not its top. Pitches go in as
	// semitones re 100 Hz; TestPitchRange measures them from audio.
	var r PitchRange
	for range rangeKeep {
		r.add(0)
	}
	for i := range rangeKeep {
		r.add(12 + 3.86*float32(i%2))
	}
	if got, ok := r.Level(12); !ok || got != 0.25 {
		t.Fatalf("Level(200 Hz) = %.2f (ok %v) after a minute at 200 and 250 Hz, want 0.25", got, ok)
	}
}
