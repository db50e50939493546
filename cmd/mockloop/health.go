package main

import (
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/openaicompat"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// doctorClip is espeak-ng saying clipWords (6 s, 8 kHz to keep it small;
// resampled to 16 kHz for the transcriber): the real request doctor times.
//
//go:embed doctor_clip.wav
var doctorClip []byte

// clipWords are the words of doctorClip a working transcriber returns.
var clipWords = []string{"tell", "me", "about", "a", "project", "you", "led", "last", "year", "and", "what", "would", "do", "differently", "next", "time"}

// clipPCM is doctorClip at 16 kHz.
func clipPCM() ([]int16, error) {
	a, err := voice.ReadWAV(bytes.NewReader(doctorClip))
	if err != nil {
		return nil, fmt.Errorf("doctor clip: %w", err)
	}
	return voice.Resample(a.PCM, a.SampleRate, 16000), nil
}

// engineKinds are the engines in the order doctor and the page list them.
var engineKinds = []string{"llm", "stt", "tts"}

// checkEngine runs the real check of one configured engine. The doctor's
// own budget is generous so a slow engine is measured, not cut off.
// sphinxLoaded skips loading pocketsphinx again when the caller already
// has it running (serve).
func checkEngine(ctx context.Context, cfg Config, kind string, lex openaicompat.Lexicon, sphinxLoaded bool) openaicompat.Health {
	ok := func(reason string) openaicompat.Health {
		return openaicompat.Health{Status: openaicompat.StatusOK, Reason: reason}
	}
	const budget = 60 * time.Second
	switch kind {
	case "llm":
		if cfg.LLMURL == "" {
			return ok("the built-in scripted interviewer; set --llm-url for an LLM")
		}
		ep := cfg.llmEndpoint()
		ep.Timeout = budget
		return openaicompat.CheckLLM(ctx, ep, openaicompat.CheckOptions{Lexicon: lex})
	case "stt":
		switch cfg.STT {
		case "none":
			return ok("off (--stt none): typed answers only")
		case "sphinx":
			if sphinxLoaded {
				return ok("pocketsphinx en-us (embedded)")
			}
			return checkSphinx()
		}
		if !sphinxLoaded {
			if h := checkSphinx(); h.Status != openaicompat.StatusOK {
				h.Reason = "the embedded fallback: " + h.Reason
				return h
			}
		}
		pcm, err := clipPCM()
		if err != nil {
			return openaicompat.Health{Status: openaicompat.StatusBroken, Reason: err.Error(), Err: err}
		}
		ep := cfg.sttEndpoint()
		ep.Timeout = budget
		return openaicompat.CheckSTT(ctx, ep, openaicompat.CheckOptions{Clip: pcm, Words: clipWords, Lexicon: lex}, cfg.STTTimeout)
	case "tts":
		switch cfg.TTS {
		case ttsNone:
			return ok("off (--tts none): captions only")
		case ttsOpenAI:
		default:
			set, err := buildVoices(ctx, cfg, slog.New(slog.DiscardHandler))
			if err != nil {
				return openaicompat.Health{Status: openaicompat.StatusBroken, Reason: err.Error(), Fix: "apt-get install festival festvox-us-slt-hts flite espeak-ng, or --tts none", Err: err}
			}
			defer set.Close()
			labels := make([]string, len(set.Voices))
			for i, v := range set.Voices {
				labels[i] = v.ID + ": " + v.Label
			}
			return ok(strings.Join(labels, "; ") + " (default " + set.Default + ")")
		}
		ep := cfg.ttsEndpoint()
		ep.Timeout = budget
		return openaicompat.CheckTTS(ctx, ep, cfg.TTSVoice, openaicompat.CheckOptions{})
	}
	return openaicompat.Health{Status: openaicompat.StatusUnchecked}
}

func checkSphinx() openaicompat.Health {
	t, err := sphinx.New(sphinx.Config{})
	if err != nil {
		return openaicompat.Health{Status: openaicompat.StatusBroken, Reason: "pocketsphinx: " + err.Error(), Fix: "apt-get install pocketsphinx-en-us, or --stt none", Err: err}
	}
	t.Close()
	return openaicompat.Health{Status: openaicompat.StatusOK, Reason: "pocketsphinx en-us (embedded)"}
}

// engineHealth keeps the latest check of each engine for the page's
// engines line. Checks run in the background: once at start-up and again
// (at most once a minute per engine) after a failure in a round.
type engineHealth struct {
	cfg   Config
	lex   openaicompat.Lexicon
	log   *slog.Logger
	now   func() time.Time
	ctx   context.Context
	stop  context.CancelFunc
	wg    sync.WaitGroup
	every time.Duration

	mu      sync.Mutex
	last    map[string]openaicompat.Health
	running map[string]bool
	checked map[string]time.Time
}

func newEngineHealth(cfg Config, lex openaicompat.Lexicon, log *slog.Logger) *engineHealth {
	ctx, stop := context.WithCancel(context.Background())
	return &engineHealth{cfg: cfg, lex: lex, log: log, now: time.Now, ctx: ctx, stop: stop, every: time.Minute,
		last: map[string]openaicompat.Health{}, running: map[string]bool{}, checked: map[string]time.Time{}}
}

// Get is the latest result for kind ("unchecked" before the first).
func (h *engineHealth) Get(kind string) (status, reason, fix string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.last[kind]
	if !ok {
		return string(openaicompat.StatusUnchecked), "", ""
	}
	return string(r.Status), r.Reason, r.Fix
}

// CheckAll starts a check of every engine; it does not wait.
func (h *engineHealth) CheckAll() {
	for _, k := range engineKinds {
		h.Recheck(k)
	}
}

// Recheck starts a check of kind unless one is running or one ran within
// the minute.
func (h *engineHealth) Recheck(kind string) {
	h.mu.Lock()
	if h.ctx.Err() != nil || h.running[kind] || (!h.checked[kind].IsZero() && h.now().Sub(h.checked[kind]) < h.every) {
		h.mu.Unlock()
		return
	}
	h.running[kind] = true
	h.checked[kind] = h.now()
	h.mu.Unlock()
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		// serve has pocketsphinx loaded whenever speech is on.
		r := checkEngine(h.ctx, h.cfg, kind, h.lex, h.cfg.STT != "none")
		h.mu.Lock()
		h.running[kind] = false
		if h.ctx.Err() == nil {
			h.last[kind] = r
		}
		h.mu.Unlock()
		if r.Status != openaicompat.StatusOK {
			h.log.Warn("engine check", "engine", kind, "status", r.Status, "reason", r.Reason, "fix", r.Fix, "err", r.Err)
		}
	}()
}

// Close stops the checks and waits for them.
func (h *engineHealth) Close() error {
	h.stop()
	h.wg.Wait()
	return nil
}

// healthObserver rechecks an engine when a round sees it fail, so the
// page's engines line says what broke.
type healthObserver struct {
	live.Observer
	h *engineHealth
}

func (o healthObserver) EngineError(engine, kind string) {
	o.Observer.EngineError(engine, kind)
	o.h.Recheck(engine)
}
