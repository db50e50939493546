package voice

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"
)

// speechDir finds the shared human speech recordings (speechdata.Dir).
func speechDir(tb testing.TB) string {
	tb.Helper()
	d, err := speechdata.Dir()
	if err != nil {
		speechdata.Unavailable(tb, err)
	}
	return d
}

// loadClip reads one of the human recordings at 16 kHz.
func loadClip(tb testing.TB, name string) []int16 {
	tb.Helper()
	f, err := os.Open(filepath.Join(speechDir(tb), name))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	a, err := ReadWAV(f)
	if err != nil {
		tb.Fatalf("read %s: %v", name, err)
	}
	if a.SampleRate != SampleRate {
		tb.Fatalf("%s: rate %d, want %d", name, a.SampleRate, SampleRate)
	}
	return a.PCM
}

// tone makes d of a sine at freq Hz with peak amplitude amp (0-1).
func tone(rate int, freq, amp float64, d time.Duration) []int16 {
	n := int(d * time.Duration(rate) / time.Second)
	out := make([]int16, n)
	for i := range out {
		out[i] = int16(amp * 32767 * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return out
}

// noise makes d of uniform white noise with peak amplitude amp.
func noise(rng *rand.Rand, amp float64, d time.Duration) []int16 {
	out := make([]int16, durSamples(d))
	for i := range out {
		out[i] = int16(amp * 32767 * (2*rng.Float64() - 1))
	}
	return out
}

// rmsDB is the RMS level of pcm in dBFS.
func rmsDB(pcm []int16) float64 {
	var s float64
	for _, v := range pcm {
		s += float64(v) * float64(v)
	}
	if s == 0 {
		return math.Inf(-1)
	}
	return 10 * math.Log10(s/float64(len(pcm))/(32768*32768))
}

// frames cuts pcm into Frames with a fresh Framer.
func frames(pcm []int16) []Frame {
	return NewFramer().Push(pcm)
}

func concat(parts ...[]int16) []int16 {
	var out []int16
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}
