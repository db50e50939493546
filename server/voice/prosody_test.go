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
