package main

import (
	"context"
	"log/slog"
	"net/http"

	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/round"
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
	return e, nil
}

// engineChecks tries each configured engine for doctor.
func engineChecks(ctx context.Context, cfg Config) []check {
	return []check{{name: "interviewer", ok: true, msg: "scripted (built in)"}}
}
