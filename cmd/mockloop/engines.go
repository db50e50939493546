package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os/exec"
	"path/filepath"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/espeak"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/metrics"
	"github.com/mockloop/mockloop/server/openaicompat"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/rtc"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// engines are the concrete STT, TTS and interviewer chosen by Config.
type engines struct {
	interviewer mockloop.Interviewer
	scripted    mockloop.Interviewer
	voice       *live.VoiceDeps
	metrics     http.Handler
	observer    live.Observer
	info        httpapi.Engines
	close       []func() error
}

func (c Config) sttEndpoint() openaicompat.Endpoint {
	return openaicompat.Endpoint{BaseURL: c.STTURL, APIKey: c.STTKey, Model: c.STTModel}
}

func (c Config) ttsEndpoint() openaicompat.Endpoint {
	return openaicompat.Endpoint{BaseURL: c.TTSURL, APIKey: c.TTSKey, Model: c.TTSModel}
}

func (c Config) llmEndpoint() openaicompat.Endpoint {
	return openaicompat.Endpoint{BaseURL: c.LLMURL, APIKey: c.LLMKey, Model: c.LLMModel}
}

func endpointInfo(name string, e openaicompat.Endpoint) httpapi.Engine {
	return httpapi.Engine{Name: name, Model: e.Model, URL: e.BaseURL, Local: e.Local()}
}

func buildEngines(ctx context.Context, cfg Config, bank *prompts.Bank, log *slog.Logger) (*engines, error) {
	e := &engines{scripted: round.Scripted{}}
	e.interviewer = e.scripted
	mt := metrics.New()
	e.metrics, e.observer = mt.Handler(), mt
	e.info.LLM = httpapi.Engine{Name: "scripted", Local: true}
	e.info.STT = httpapi.Engine{Name: "none", Local: true}
	e.info.TTS = httpapi.Engine{Name: "none", Local: true}

	if cfg.LLMURL != "" {
		ep := cfg.llmEndpoint()
		iv, err := openaicompat.NewInterviewer(ep, openaicompat.InterviewerOptions{
			System:            personaSystem(bank),
			Turn:              turnPrompt(bank),
			FirstTokenTimeout: cfg.LLMFirstToken,
			TotalTimeout:      cfg.LLMTotal,
		})
		if err != nil {
			return nil, fmt.Errorf("LLM interviewer: %w", err)
		}
		e.interviewer = iv
		e.info.LLM = endpointInfo("llm", ep)
		if !ep.Local() {
			log.Warn("the LLM endpoint is not on this machine: transcripts are sent to it", "endpoint", ep)
		}
	}

	if cfg.STT == "none" {
		return e, nil
	}
	turn := voice.DefaultTurnConfig()
	turn.UtteranceEnd, turn.TurnCommit = cfg.UtteranceEnd, cfg.TurnCommit
	if cfg.TurnPolicy == "silence" {
		turn.Policy = voice.PolicySilence
	}
	vd := &live.VoiceDeps{RTC: rtc.Config{ICEServers: cfg.ICEServers}, Turn: turn}
	if cfg.KeepAudio {
		vd.AudioDir = filepath.Join(cfg.DataDir, "audio")
	}
	// The embedded recogniser is the default and the fallback when a
	// remote one fails, so it is loaded either way.
	sph, err := sphinx.New(sphinx.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("speech-to-text: %w (or start with --stt none to type answers only)", err)
	}
	e.close = append(e.close, sph.Close)
	vd.STT = sph
	e.info.STT = httpapi.Engine{Name: "sphinx", Model: "en-us", Local: true}
	if cfg.STT == "openai" {
		ep := cfg.sttEndpoint()
		st, err := openaicompat.NewTranscriber(ep, openaicompat.TranscriberOptions{})
		if err != nil {
			return nil, fmt.Errorf("speech-to-text: %w", err)
		}
		vd.STT, vd.Fallback = st, sph
		e.info.STT = endpointInfo("openai", ep)
		if !ep.Local() {
			log.Warn("the transcription endpoint is not on this machine: answer audio is sent to it", "endpoint", ep)
		}
	}
	switch cfg.TTS {
	case "espeak":
		sy, err := espeak.New(espeak.Config{})
		if err != nil {
			log.Warn("no interviewer voice; captions only", "err", err)
			break
		}
		vd.Synth = sy
		e.info.TTS = httpapi.Engine{Name: "espeak-ng", Local: true}
	case "openai":
		ep := cfg.ttsEndpoint()
		sy, err := openaicompat.NewSynthesizer(ep, cfg.TTSVoice, "wav")
		if err != nil {
			return nil, fmt.Errorf("text-to-speech: %w", err)
		}
		vd.Synth = sy
		e.info.TTS = endpointInfo("openai", ep)
	}
	e.voice = vd
	return e, nil
}

// personaSystem renders the system prompt from the persona templates in
// prompts/ (overridable from the data dir).
func personaSystem(bank *prompts.Bank) func(p mockloop.Prompt) (string, error) {
	return func(p mockloop.Prompt) (string, error) {
		kind := string(p.RoundKind)
		if p.Persona == round.PersonaBarRaiser {
			kind = string(mockloop.KindBarRaiser)
		}
		if kind == "" || kind == string(mockloop.KindLoop) {
			kind = string(mockloop.KindBehavioral)
		}
		return bank.Render(prompts.PersonaTemplate(kind), prompts.PersonaData{RoundKind: kind})
	}
}

// turnPrompt renders the user message of each reply from the turn template:
// the engine's move, the analyzer's findings and the transcript, in which
// the candidate's words are quoted data.
func turnPrompt(bank *prompts.Bank) func(p mockloop.Prompt) (string, error) {
	return func(p mockloop.Prompt) (string, error) {
		principle := ""
		for i := len(p.History) - 1; i >= 0 && principle == ""; i-- {
			principle = p.History[i].Principle
		}
		return bank.Render(prompts.TemplateTurn, round.TemplateData(p, principle))
	}
}

// engineChecks tries each configured engine for doctor.
func engineChecks(ctx context.Context, cfg Config) []check {
	var out []check
	remote := func(name, kind string, ep openaicompat.Endpoint) check {
		where := "on this machine"
		if !ep.Local() {
			where = "NOT on this machine: data is sent there"
		}
		if err := openaicompat.Check(ctx, kind, ep); err != nil {
			return check{name, false, fmt.Sprintf("%s (%s): %v", ep.BaseURL, where, err)}
		}
		return check{name, true, fmt.Sprintf("%s model %s at %s (%s)", kind, ep.Model, ep.BaseURL, where)}
	}
	if cfg.LLMURL == "" {
		out = append(out, check{"interviewer", true, "scripted (built in); set --llm-url for an LLM"})
	} else {
		out = append(out, remote("interviewer", "llm", cfg.llmEndpoint()))
	}
	switch cfg.STT {
	case "none":
		out = append(out, check{"speech in", true, "off (--stt none): typed answers only"})
	default:
		if t, err := sphinx.New(sphinx.Config{}); err != nil {
			out = append(out, check{"speech in", false, "pocketsphinx: " + err.Error()})
		} else {
			t.Close()
			out = append(out, check{"speech in", true, "pocketsphinx en-us (embedded)"})
		}
		if cfg.STT == "openai" {
			out = append(out, remote("speech in", "stt", cfg.sttEndpoint()))
		}
	}
	switch cfg.TTS {
	case "none":
		out = append(out, check{"voice out", true, "off (--tts none): captions only"})
	case "espeak":
		if p, err := exec.LookPath("espeak-ng"); err != nil {
			out = append(out, check{"voice out", false, "espeak-ng not found: apt-get install espeak-ng"})
		} else {
			out = append(out, check{"voice out", true, "espeak-ng at " + p})
		}
	case "openai":
		out = append(out, remote("voice out", "tts", cfg.ttsEndpoint()))
	}
	return out
}
