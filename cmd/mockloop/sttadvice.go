package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/espeak"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/sttprobe"
	"github.com/mockloop/mockloop/server/voice"
)

// approximateText is the one line the round page shows while the embedded
// recognizer is in use. The figure is the held-out word error rate of the
// shipped settings through the real path (README, "How well mockloop
// hears"), rounded so the sentence stays true across small changes.
const approximateText = "Spoken content feedback is approximate: the built-in recognizer mishears about half the words, so content findings it was unsure of are asked as questions. " +
	"For accurate transcripts run `docker compose up -d` (Whisper through speaches), or a whisper.cpp server: " +
	"`whisper-server -m ggml-base.en.bin --port 8081 --request-path /v1/audio --inference-path /transcriptions`, then `mockloop serve --stt openai --stt-url http://127.0.0.1:8081/v1`."

// probeSentence is spoken by the interviewer's voice into the probe
// request, so a server is judged on speech, not a tone.
const probeSentence = "Testing one two three."

// sttAdvisor holds the stt_hint of GET /api/config; the probe for a local
// transcription server fills the offer in when it finishes.
type sttAdvisor struct {
	mu   sync.Mutex
	hint httpapi.STTHint
	// probed is closed when the probe has finished, found or not (tests
	// wait on it instead of polling the API).
	probed chan struct{}
}

func newSTTAdvisor(embedded bool) *sttAdvisor {
	a := &sttAdvisor{probed: make(chan struct{})}
	if embedded {
		a.hint = httpapi.STTHint{Approximate: true, Text: approximateText}
	}
	return a
}

// Hint is the current hint; API reads it on every request.
func (a *sttAdvisor) Hint() httpapi.STTHint {
	a.mu.Lock()
	defer a.mu.Unlock()
	h := a.hint
	if h.Offer != nil {
		o := *h.Offer
		h.Offer = &o
	}
	return h
}

func (a *sttAdvisor) offer(f sttprobe.Found) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.hint.Offer = &httpapi.STTOffer{Name: f.Name, URL: f.BaseURL, Command: f.Command()}
	a.hint.Text = fmt.Sprintf("Spoken content feedback is approximate with the built-in recognizer. A %s is running on this machine at %s and transcribed a test clip: restart with `%s` to use it.", f.Name, f.BaseURL, f.Command())
}

// probeCandidates reads --stt-probe: "auto" is the usual local ports but
// mockloop's own, "off" none, anything else a comma-separated list of base
// URLs (tests, or a server on an unusual port).
func probeCandidates(setting, addr string) []sttprobe.Candidate {
	switch setting {
	case "off", "":
		return nil
	case "auto":
		self := 0
		if _, port, err := net.SplitHostPort(addr); err == nil {
			self, _ = strconv.Atoi(port)
		}
		return sttprobe.Candidates(self)
	}
	var out []sttprobe.Candidate
	for _, u := range strings.Split(setting, ",") {
		if u = strings.TrimSpace(u); u != "" {
			out = append(out, sttprobe.Candidate{Name: "transcription server", BaseURL: strings.TrimSuffix(u, "/"), Model: "whisper-1"})
		}
	}
	return out
}

// probeSample is the probe clip: the sentence in espeak-ng's voice at
// 16 kHz, or, without espeak-ng, a second of a tone (still a real request;
// the server's answer shows it transcribes).
func probeSample(ctx context.Context) mockloop.Audio {
	if sy, err := espeak.New(espeak.Config{}); err == nil {
		if a, err := sy.Synthesize(ctx, probeSentence); err == nil && len(a.PCM) > 0 {
			return mockloop.Audio{SampleRate: voice.SampleRate, PCM: voice.Resample(a.PCM, a.SampleRate, voice.SampleRate)}
		}
	}
	pcm := make([]int16, voice.SampleRate)
	for i := range pcm {
		pcm[i] = int16(4000 * math.Sin(2*math.Pi*220*float64(i)/voice.SampleRate))
	}
	return mockloop.Audio{SampleRate: voice.SampleRate, PCM: pcm}
}

// startProbe looks for a local transcription server in the background and
// offers the first that answers; it never switches engines by itself. The
// returned function cancels the probe and waits for it to end.
func startProbe(ctx context.Context, a *sttAdvisor, cands []sttprobe.Candidate, log *slog.Logger) (stop func() error) {
	if len(cands) == 0 {
		close(a.probed)
		return func() error { return nil }
	}
	ctx, cancel := context.WithCancel(ctx)
	go func() {
		defer close(a.probed)
		start := time.Now()
		f, err := sttprobe.Probe(ctx, cands, probeSample(ctx), sttprobe.Options{})
		if err != nil {
			if !errors.Is(err, context.Canceled) {
				log.Debug("no local transcription server found", "err", err, "ms", time.Since(start).Milliseconds())
			}
			return
		}
		a.offer(f)
		log.Info("a local transcription server answered; restart with it for accurate transcripts", "server", f.Name, "url", f.BaseURL, "heard", f.Text, "command", f.Command())
	}()
	return func() error {
		cancel()
		<-a.probed
		return nil
	}
}
