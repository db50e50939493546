package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
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
	health      *engineHealth
	voices      []httpapi.Voice
	voiceID     string // the default voice
	close       []func() error
}

func (c Config) sttEndpoint() openaicompat.Endpoint {
	return openaicompat.Endpoint{BaseURL: c.STTURL, APIKey: c.STTKey, Model: c.STTModel, Timeout: c.STTTimeout}
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

func buildEngines(ctx context.Context, cfg Config, bank *prompts.Bank, log *slog.Logger) (_ *engines, err error) {
	e := &engines{scripted: round.Scripted{}}
	e.interviewer = e.scripted
	mt := metrics.New()
	e.metrics, e.observer = mt.Handler(), mt
	e.info.LLM = httpapi.Engine{Name: "scripted", Local: true}
	e.info.STT = httpapi.Engine{Name: "none", Local: true}
	e.info.TTS = httpapi.Engine{Name: "none", Local: true}

	// The word list that tells English from model garbage, for the LLM's
	// replies and the remote transcriber's text.
	var lex openaicompat.Lexicon
	if cfg.LLMURL != "" || cfg.STT == "openai" {
		var err error
		if lex, err = openaicompat.LoadLexicon(openaicompat.DefaultLexiconPath); err != nil {
			log.Warn("no English word list: garbage checks use structure only (apt-get install pocketsphinx-en-us)", "err", err)
		}
	}

	e.health = newEngineHealth(cfg, lex, log)
	e.close = append(e.close, e.health.Close)
	if cfg.CheckEngines {
		e.observer = healthObserver{e.observer, e.health}
	}
	defer func() {
		// In the background: start-up never waits on a slow engine.
		if err == nil && cfg.CheckEngines {
			e.health.CheckAll()
		}
	}()

	if cfg.LLMURL != "" {
		ep := cfg.llmEndpoint()
		iv, err := openaicompat.NewInterviewer(ep, openaicompat.InterviewerOptions{
			System:            personaSystem(bank),
			Turn:              turnPrompt(bank),
			FirstTokenTimeout: cfg.LLMFirstToken,
			TotalTimeout:      cfg.LLMTotal,
			StallTimeout:      cfg.LLMStall,
			Lexicon:           lex,
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
	vd := &live.VoiceDeps{RTC: rtc.Config{ICEServers: cfg.ICEServers, MicBitrate: cfg.MicBitrate}, Turn: turn, STTTimeout: cfg.STTTimeout}
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
		st, err := openaicompat.NewTranscriber(ep, openaicompat.TranscriberOptions{Lexicon: lex})
		if err != nil {
			return nil, fmt.Errorf("speech-to-text: %w", err)
		}
		vd.STT, vd.Fallback = st, sph
		e.info.STT = endpointInfo("openai", ep)
		if !ep.Local() {
			log.Warn("the transcription endpoint is not on this machine: answer audio is sent to it", "endpoint", ep)
		}
	}
	if err := e.addVoices(ctx, cfg, vd, log); err != nil {
		return nil, err
	}
	e.voice = vd
	return e, nil
}

// addVoices opens the text-to-speech engines (voices.go) and gives the
// session and the page their voices.
func (e *engines) addVoices(ctx context.Context, cfg Config, vd *live.VoiceDeps, log *slog.Logger) error {
	set, err := buildVoices(ctx, cfg, log)
	if err != nil {
		if cfg.TTS == ttsAuto {
			log.Warn("no interviewer voice; captions only", "err", err)
			return nil
		}
		return err
	}
	e.close = append(e.close, set.Close)
	vd.Voices = map[string]mockloop.Synthesizer{}
	for _, v := range set.Voices {
		vd.Voices[v.ID] = v.Synth
		e.voices = append(e.voices, httpapi.Voice{ID: v.ID, Label: v.Label, Engine: v.Synth.Name()})
		if v.ID == set.Default {
			vd.Synth = v.Synth
			e.info.TTS = httpapi.Engine{Name: v.Synth.Name(), Local: true}
		}
	}
	e.voiceID = set.Default
	if cfg.TTS == ttsOpenAI {
		e.info.TTS = endpointInfo("openai", cfg.ttsEndpoint())
	}
	return nil
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
		return bank.Render(prompts.PersonaTemplate(kind), prompts.PersonaData{RoundKind: kind, Minutes: p.Minutes})
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
