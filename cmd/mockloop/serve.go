package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/sqlitestore"
	"github.com/mockloop/mockloop/server/sttprobe"
	"github.com/mockloop/mockloop/server/ws"
	"github.com/mockloop/mockloop/webui"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	bindConfig(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := cfg.validate(); err != nil {
		fmt.Fprintln(stderr, "mockloop:", err)
		return 2
	}
	log := newLogger(cfg, stderr)
	m, err := NewMain(ctx, cfg, log)
	if err != nil {
		fmt.Fprintln(stderr, "mockloop:", err)
		return 1
	}
	defer m.Close()
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop: listen on %s: %v\n", cfg.Addr, err)
		return 1
	}
	url := "http://" + ln.Addr().String()
	if cfg.Token != "" {
		url += "/?token=" + cfg.Token
	}
	fmt.Fprintf(stdout, "mockloop %s listening on %s\n", version, url)
	log.Info("serving", "addr", ln.Addr().String(), "data_dir", cfg.DataDir, "stt", m.Engines.STT.Name, "tts", m.Engines.TTS.Name, "llm", m.Engines.LLM.Name)
	if err := m.Serve(ctx, ln); err != nil {
		fmt.Fprintln(stderr, "mockloop:", err)
		return 1
	}
	return 0
}

func newLogger(cfg Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// Main is the wired application: storage, engines, sessions and HTTP.
type Main struct {
	Config  Config
	Log     *slog.Logger
	Store   *sqlitestore.DB
	Hub     *live.Hub
	API     *httpapi.API
	Engines httpapi.Engines
	// STTAdvice is the stt_hint of /api/config and the probe behind it.
	STTAdvice *sttAdvisor
	closers   []func() error
}

// NewMain opens the data dir and wires every piece from cfg.
func NewMain(ctx context.Context, cfg Config, log *slog.Logger) (*Main, error) {
	m := &Main{Config: cfg, Log: log}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data dir %s: %w (choose another with --data-dir)", cfg.DataDir, err)
	}
	bank, err := prompts.Load(os.DirFS(cfg.DataDir))
	if err != nil {
		return nil, fmt.Errorf("question banks: %w", err)
	}
	db, err := sqlitestore.Open(ctx, filepath.Join(cfg.DataDir, "mockloop.db"))
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	m.Store = db
	m.closers = append(m.closers, db.Close)
	eng, err := buildEngines(ctx, cfg, bank, log)
	if err != nil {
		m.Close()
		return nil, err
	}
	m.closers = append(m.closers, eng.close...)
	m.Engines = eng.info
	deps := live.Deps{
		Store:       db,
		Bank:        bank,
		Interviewer: eng.interviewer,
		Scripted:    eng.scripted,
		Voice:       eng.voice,
		Observer:    eng.observer,
		Logger:      log,
	}
	m.Hub = live.NewHub(deps)
	adv := newSTTAdvisor(eng.info.STT.Name == "sphinx")
	var cands []sttprobe.Candidate
	if adv.Hint().Approximate {
		cands = probeCandidates(cfg.STTProbe, cfg.Addr)
	}
	m.STTAdvice = adv
	m.closers = append(m.closers, startProbe(ctx, adv, cands, log))
	m.API = &httpapi.API{
		Store:     db,
		Summaries: db,
		Hub:       m.Hub,
		Deps:      deps,
		Pages:     webui.New(cfg.WebUIDir),
		WS:        &ws.Handler{Hub: m.Hub, AllowOrigins: cfg.AllowOrigins, Logger: log},
		Metrics:   eng.metrics,
		Engines:   eng.info,
		Health:    eng.health.Get,
		Voice:     eng.voice != nil,
		Voices:    eng.voices,
		// DefaultVoice is set with Voices: a round names one of them.
		DefaultVoice: eng.voiceID,
		Version:      version,
		AudioDir:     filepath.Join(cfg.DataDir, "audio"),
		Token:        cfg.Token,
		Logger:       log,
		STTHint:      adv.Hint,
	}
	return m, nil
}

// Serve runs the HTTP server on ln until ctx is cancelled, then shuts down
// cleanly: in-flight requests finish, sessions save what they hold.
func (m *Main) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           m.API.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	m.Log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m.Hub.Shutdown()
	if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}

// Close releases everything NewMain opened, in reverse order.
func (m *Main) Close() error {
	var errs []error
	for i := len(m.closers) - 1; i >= 0; i-- {
		errs = append(errs, m.closers[i]())
	}
	m.closers = nil
	return errors.Join(errs...)
}
