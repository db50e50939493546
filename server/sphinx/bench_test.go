package sphinx

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// BenchmarkDecode feeds the whole speech set in 20 ms chunks, as the voice
// pipeline does, and reports the real-time factor (decode time over audio
// time; the audio duration is the baseline, 1.0 means just keeping up) and
// the Finish latency: the time from the last Write to the transcript, which
// is what the candidate waits for after they stop.
func BenchmarkDecode(b *testing.B) {
	clips := loadManifest(b)
	tr, err := New(Config{PoolSize: 1})
	if err != nil {
		b.Fatalf("sphinx: %v", err)
	}
	defer tr.Close()
	pcms := make([][]int16, len(clips))
	audioSec := 0.0
	for i, c := range clips {
		if pcms[i], err = readWAV16k(filepath.Join(speechDir, c.file)); err != nil {
			b.Fatal(err)
		}
		audioSec += float64(len(pcms[i])) / SampleRate
	}
	ctx := context.Background()
	var decode time.Duration
	var finishes []time.Duration
	for b.Loop() {
		for _, pcm := range pcms {
			start := time.Now()
			s, err := tr.Start(ctx)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < len(pcm); i += SampleRate / 50 {
				if err := s.Write(pcm[i:min(i+SampleRate/50, len(pcm))]); err != nil {
					b.Fatal(err)
				}
				s.Partial()
			}
			lastWrite := time.Now()
			if _, err := s.Finish(ctx); err != nil {
				b.Fatal(err)
			}
			finishes = append(finishes, time.Since(lastWrite))
			decode += time.Since(start)
		}
	}
	slices.Sort(finishes)
	pct := func(p float64) float64 {
		return float64(finishes[int(p*float64(len(finishes)-1))].Microseconds()) / 1000
	}
	b.ReportMetric(audioSec, "audio-s/op")
	b.ReportMetric(decode.Seconds()/(audioSec*float64(b.N)), "rtf")
	b.ReportMetric(pct(0.5), "finish-p50-ms")
	b.ReportMetric(pct(0.95), "finish-p95-ms")
}
