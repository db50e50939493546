package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/espeak"
	"github.com/mockloop/mockloop/server/festival"
	"github.com/mockloop/mockloop/server/flite"
	"github.com/mockloop/mockloop/server/openaicompat"
)

// Embedded voice ids, stable across engines so a round's stored choice
// keeps its meaning when an engine is missing: the id names the CMU
// Arctic speaker the best engine uses, and a fallback speaks in the same
// register.
const (
	voiceFemale   = "slt"
	voiceMale     = "rms"
	voiceMaleAlt  = "awb"
	defaultVoice  = voiceFemale
	openaiVoice   = "af_heart"
	espeakFemale  = "en-us+f3"
	espeakMale    = "en-us+m3"
	ttsAuto       = "auto"
	ttsFestival   = "festival"
	ttsFlite      = "flite"
	ttsEspeak     = "espeak"
	ttsOpenAI     = "openai"
	ttsNone       = "none"
	ttsEngineList = "auto, festival, flite, espeak, openai or none"
)

// ErrUnknownVoice is returned for a --voice or --tts-voice the engine
// does not have.
var ErrUnknownVoice = errors.New("unknown voice")

// fallbackSynth speaks with next when first fails (festival's process
// died and cannot restart, say), so the interviewer keeps a voice in the
// same register; a cancelled context is not a failure.
type fallbackSynth struct {
	first, next mockloop.Synthesizer
}

func (f fallbackSynth) Name() string { return f.first.Name() }

func (f fallbackSynth) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	a, err := f.first.Synthesize(ctx, text)
	if err == nil || ctx.Err() != nil {
		return a, err
	}
	b, err2 := f.next.Synthesize(ctx, text)
	if err2 != nil {
		return b, errors.Join(err, err2)
	}
	return b, nil
}

// voiceChoice is one interviewer voice a user can pick.
type voiceChoice struct {
	ID    string
	Label string
	Synth mockloop.Synthesizer
}

// voiceSet is the voices of the configured engine and the default one.
type voiceSet struct {
	Voices  []voiceChoice
	Default string
	close   []func() error
}

func (v *voiceSet) find(id string) (voiceChoice, bool) {
	for _, c := range v.Voices {
		if c.ID == id {
			return c, true
		}
	}
	return voiceChoice{}, false
}

// Close stops warm engine processes.
func (v *voiceSet) Close() error {
	var errs []error
	for _, c := range v.close {
		errs = append(errs, c())
	}
	return errors.Join(errs...)
}

// ids lists the voice ids for error messages.
func (v *voiceSet) ids() string {
	ids := make([]string, len(v.Voices))
	for i, c := range v.Voices {
		ids[i] = c.ID
	}
	return strings.Join(ids, ", ")
}

// buildVoices opens the engines --tts names. "auto" is the measured best
// per voice (README "Interviewer voice"): festival's HTS voice for the
// female voice (word error rate 0.24 against flite's 0.29 and espeak-ng's
// 0.88), flite for the male voices, and espeak-ng when neither is
// installed. A missing engine in auto is logged and skipped; with an
// explicit --tts it is an error.
func buildVoices(ctx context.Context, cfg Config, log *slog.Logger) (*voiceSet, error) {
	vs := &voiceSet{}
	var errs []error
	add := func(id, label string, sy mockloop.Synthesizer) {
		for i, c := range vs.Voices {
			if c.ID == id {
				// A lesser engine for a voice already there backs it up.
				vs.Voices[i].Synth = fallbackSynth{c.Synth, sy}
				return
			}
		}
		vs.Voices = append(vs.Voices, voiceChoice{ID: id, Label: label, Synth: sy})
	}
	tryFestival := func() {
		sy, err := festival.New(ctx, festival.Config{Logger: log})
		if err != nil {
			errs = append(errs, err)
			return
		}
		vs.close = append(vs.close, sy.Close)
		add(voiceFemale, "Female (festival HTS slt)", sy)
	}
	tryFlite := func(ids ...string) {
		labels := map[string]string{
			voiceFemale:  "Female (flite slt)",
			voiceMale:    "Male (flite rms)",
			voiceMaleAlt: "Male, Scottish (flite awb)",
		}
		for _, id := range ids {
			sy, err := flite.New(id)
			if err != nil {
				errs = append(errs, err)
				continue
			}
			add(id, labels[id], sy)
		}
	}
	tryEspeak := func() {
		for _, v := range []struct{ id, label, voice string }{
			{voiceFemale, "Female (espeak-ng)", espeakFemale},
			{voiceMale, "Male (espeak-ng)", espeakMale},
		} {
			sy, err := espeak.New(espeak.Config{Voice: v.voice})
			if err != nil {
				errs = append(errs, err)
				return
			}
			add(v.id, v.label, sy)
		}
	}

	vs.Default = cfg.TTSVoice
	switch cfg.TTS {
	case ttsNone:
		return vs, nil
	case ttsOpenAI:
		if vs.Default == "" {
			vs.Default = openaiVoice
		}
		sy, err := openaicompat.NewSynthesizer(cfg.ttsEndpoint(), vs.Default, "wav")
		if err != nil {
			return nil, fmt.Errorf("text-to-speech: %w", err)
		}
		add(vs.Default, vs.Default+" ("+cfg.TTSModel+")", sy)
		return vs, nil
	case ttsAuto:
		tryFestival()
		tryFlite(voiceFemale, voiceMale, voiceMaleAlt)
		tryEspeak()
		for _, err := range errs {
			log.Info("text-to-speech engine skipped", "err", err)
		}
		errs = nil
	case ttsFestival:
		tryFestival()
	case ttsFlite:
		tryFlite(voiceFemale, voiceMale, voiceMaleAlt)
	case ttsEspeak:
		tryEspeak()
	default:
		return nil, fmt.Errorf("--tts %q: want %s", cfg.TTS, ttsEngineList)
	}
	if len(errs) > 0 || len(vs.Voices) == 0 {
		vs.Close()
		if len(errs) == 0 {
			errs = append(errs, errors.New("no engine installed (apt-get install festival festvox-us-slt-hts flite espeak-ng)"))
		}
		return nil, fmt.Errorf("text-to-speech %s: %w", cfg.TTS, errors.Join(errs...))
	}
	if vs.Default == "" {
		vs.Default = defaultVoice
	}
	if _, ok := vs.find(vs.Default); !ok {
		vs.Close()
		return nil, fmt.Errorf("voice %q: %w (--tts %s has %s)", vs.Default, ErrUnknownVoice, cfg.TTS, vs.ids())
	}
	return vs, nil
}
