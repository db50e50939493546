package voice

import (
	"fmt"
	"math"
	"slices"
	"testing"
	"time"
)

func TestResample(t *testing.T) {
	tests := []struct {
		name     string
		from, to int
		freq     float64
		wantGain float64 // dB change of the steady-state level
		tol      float64
	}{
		{"a 1 kHz tone keeps its level from 16 kHz to 8 kHz", 16000, 8000, 1000, 0, 0.3},
		{"a 1 kHz tone keeps its level from 24 kHz to 8 kHz", 24000, 8000, 1000, 0, 0.3},
		{"a 1 kHz tone keeps its level from espeak's 22050 Hz to 8 kHz", 22050, 8000, 1000, 0, 0.3},
		{"a 1 kHz tone keeps its level from 8 kHz up to 16 kHz", 8000, 16000, 1000, 0, 0.3},
		{"a 3 kHz tone is inside the telephone passband", 24000, 8000, 3000, 0, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tone(tt.from, tt.freq, 0.5, time.Second)
			out := Resample(in, tt.from, tt.to)
			if want := len(in) * tt.to / tt.from; len(out) != want {
				t.Fatalf("got %d samples, want %d", len(out), want)
			}
			// Skip the filter's edges.
			edge := tt.to / 20
			gain := rmsDB(out[edge:len(out)-edge]) - rmsDB(in)
			if math.Abs(gain-tt.wantGain) > tt.tol {
				t.Fatalf("level changed by %.2f dB, want %.1f±%.1f", gain, tt.wantGain, tt.tol)
			}
		})
	}

	aliases := []struct {
		name     string
		from, to int
		freq     float64
		minAtten float64
	}{
		{"a 6 kHz tone at 24 kHz is removed, not folded to 2 kHz", 24000, 8000, 6000, 30},
		{"a 5 kHz tone at 16 kHz is removed, not folded to 3 kHz", 16000, 8000, 5000, 30},
		{"a 7 kHz tone at 22050 Hz is removed, not folded to 1 kHz", 22050, 8000, 7000, 30},
	}
	for _, tt := range aliases {
		t.Run(tt.name, func(t *testing.T) {
			in := tone(tt.from, tt.freq, 0.5, time.Second)
			out := Resample(in, tt.from, tt.to)
			edge := tt.to / 20
			atten := rmsDB(in) - rmsDB(out[edge:len(out)-edge])
			if atten < tt.minAtten {
				t.Fatalf("attenuated by %.1f dB, want over %.0f dB", atten, tt.minAtten)
			}
			t.Logf("attenuation %.1f dB", atten)
		})
	}

	t.Run("the output is aligned with the input", func(t *testing.T) {
		in := make([]int16, 2400)
		in[1200] = 20000 // an impulse at 50 ms
		out := Resample(in, 24000, 8000)
		peak := 0
		for i, v := range out {
			if abs(int(v)) > abs(int(out[peak])) {
				peak = i
			}
		}
		if peak != 400 {
			t.Fatalf("impulse at output sample %d, want 400", peak)
		}
	})
	t.Run("the same rate copies", func(t *testing.T) {
		in := []int16{1, 2, 3}
		out := Resample(in, 8000, 8000)
		out[0] = 9
		if in[0] != 1 || len(out) != 3 {
			t.Fatal("same-rate resample must return a copy of the input")
		}
	})
	t.Run("invalid rates give nothing", func(t *testing.T) {
		if out := Resample([]int16{1, 2}, 0, 8000); out != nil {
			t.Fatalf("got %v", out)
		}
	})
}

func TestResamplerPiecesMatchTheWhole(t *testing.T) {
	for _, rates := range [][2]int{{22050, 48000}, {32000, 48000}, {16000, 48000}, {24000, 8000}, {16000, 16000}} {
		t.Run(fmt.Sprintf("%d to %d Hz in 20 ms pieces is sample for sample the whole", rates[0], rates[1]), func(t *testing.T) {
			pcm := tone(rates[0], 440, 0.5, 300*time.Millisecond)
			whole := Resample(pcm, rates[0], rates[1])
			r := newResampler(pcm, rates[0], rates[1])
			if r.Len() != len(whole) {
				t.Fatalf("Len %d, whole %d", r.Len(), len(whole))
			}
			piece := make([]int16, rates[1]/50)
			for i := 0; i < r.Len(); i += len(piece) {
				n := r.Fill(piece, i)
				if !slices.Equal(piece[:n], whole[i:i+n]) {
					t.Fatalf("piece at %d differs from the whole", i)
				}
			}
		})
	}
}
