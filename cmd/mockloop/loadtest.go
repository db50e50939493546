package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"time"

	"github.com/mockloop/mockloop/cmd/mockloop/internal/loadtest"
)

// defaultClips are the speech clips a load test speaks when given none:
// real people reading and talking, 5 to 11 seconds each, so a session
// gives several answers a minute.
var defaultClips = []string{
	"fleurs_en_001.wav",
	"mfa_crossword.wav",
	"librispeech_1272-128104-0000.wav",
	"ljspeech_LJ001-0001.wav",
	"ami_es2011a_intro.wav",
	"mfa_uhum.wav",
}

// debianClips are pocketsphinx-testdata's recordings, used when the repo's
// shared clips are not there (an installed binary).
var debianClips = []string{
	"/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0870.wav",
	"/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0890.wav",
	"/usr/share/pocketsphinx/test/data/librivox/sense_and_sensibility_01_austen_64kb-0920.wav",
}

// runLoadtest is "mockloop loadtest": N scripted candidates speak real
// recordings to a server at once, and the run reports what held.
func runLoadtest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mockloop loadtest [flags] [FILE.wav ...]\n\n"+
			"Speak real recordings from N WebRTC candidates at once to a server on loopback and report\n"+
			"sessions held, server CPU per session, feedback latency and lost utterances. Without --url\n"+
			"a server runs in this process with a temporary data dir (then the CPU figure includes the\n"+
			"candidates; give --url and --pid of a separate server for the server alone).\n\nFlags:")
		fs.PrintDefaults()
	}
	var (
		o          loadtest.Options
		asJSON     bool
		verbose    bool
		cpuProfile string
		cfg        Config
	)
	fs.StringVar(&o.BaseURL, "url", "", "server base URL on loopback (default: start one in this process)")
	fs.IntVar(&o.PID, "pid", 0, "process id of the server at --url, to measure its CPU from /proc")
	fs.IntVar(&o.Sessions, "sessions", 2, fmt.Sprintf("concurrent spoken sessions (1 to %d)", loadtest.MaxSessions))
	fs.DurationVar(&o.Duration, "duration", 30*time.Second, "how long the sessions speak (at most 30m)")
	fs.Float64Var(&o.Speed, "speed", 1, "how fast to send the audio (1 = real time)")
	fs.BoolVar(&o.Silence, "silence", false, `commit answers by silence instead of "I'm done" (feedback latency is then approximate)`)
	fs.DurationVar(&o.Baseline, "baseline", 3*time.Second, "measure the idle server's CPU this long first (0 skips)")
	fs.BoolVar(&asJSON, "json", false, "print the report as JSON")
	fs.BoolVar(&verbose, "v", false, "log to stderr")
	fs.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of this process (in-process server and candidates) to this file")
	// The in-process server takes serve's flags (--stt, --tts,
	// --turn-commit...).
	bindConfig(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })

	o.WAVs = fs.Args()
	if len(o.WAVs) == 0 {
		o.WAVs = findClips()
		if len(o.WAVs) == 0 {
			fmt.Fprintln(stderr, "mockloop loadtest: no WAV files given and no default clips found (../shared/testdata/speech or pocketsphinx-testdata)")
			return 2
		}
	}
	o.TurnCommit = cfg.TurnCommit
	log := slog.New(slog.DiscardHandler)
	if verbose {
		log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	o.Logger = log

	if o.BaseURL == "" {
		if !set["data-dir"] {
			dir, err := os.MkdirTemp("", "mockloop-loadtest-")
			if err != nil {
				fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
				return 1
			}
			defer os.RemoveAll(dir)
			cfg.DataDir = dir
		}
		if !set["addr"] {
			cfg.Addr = "127.0.0.1:0"
		}
		if !set["log-level"] {
			cfg.LogLevel = "warn"
		}
		if err := cfg.validate(); err != nil {
			fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
			return 2
		}
		url, stop, err := startInProcess(ctx, cfg, newLogger(cfg, stderr))
		if err != nil {
			fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
			return 1
		}
		defer stop()
		o.BaseURL = url
	}

	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err != nil {
			fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
			return 1
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintf(stderr, "mockloop loadtest: cpu profile: %v\n", err)
			return 1
		}
		defer pprof.StopCPUProfile()
	}

	rep, err := loadtest.Run(ctx, o)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
		return 1
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "mockloop loadtest: %v\n", err)
			return 1
		}
	} else {
		printLoadtest(stdout, o, rep)
	}
	if rep.Held < rep.Sessions || rep.Lost > 0 {
		return 1
	}
	return 0
}

// startInProcess runs a server on cfg.Addr in this process and returns
// its URL and a function that shuts it down gracefully.
func startInProcess(ctx context.Context, cfg Config, log *slog.Logger) (string, func(), error) {
	ctx, cancel := context.WithCancel(ctx)
	m, err := NewMain(ctx, cfg, log)
	if err != nil {
		cancel()
		return "", nil, err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		cancel()
		m.Close()
		return "", nil, fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	done := make(chan error, 1)
	go func() { done <- m.Serve(ctx, ln) }()
	stop := func() {
		cancel()
		if err := <-done; err != nil {
			log.Warn("in-process server", "err", err)
		}
		m.Close()
	}
	return "http://" + ln.Addr().String(), stop, nil
}

// findClips looks for the repo's shared speech clips above the working
// directory, then for pocketsphinx-testdata.
func findClips() []string {
	if dir, err := os.Getwd(); err == nil {
		for range 6 {
			var found []string
			for _, c := range defaultClips {
				p := filepath.Join(dir, "..", "shared", "testdata", "speech", c)
				if _, err := os.Stat(p); err == nil {
					found = append(found, p)
				}
			}
			if len(found) > 0 {
				return found
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	var found []string
	for _, p := range debianClips {
		if _, err := os.Stat(p); err == nil {
			found = append(found, p)
		}
	}
	return found
}

func printLoadtest(w io.Writer, o loadtest.Options, r loadtest.Report) {
	fmt.Fprintf(w, "sessions held: %d of %d over %s (speed %gx, %d clips)\n", r.Held, r.Sessions, r.Wall.Round(time.Millisecond), o.Speed, len(o.WAVs))
	for _, f := range r.Failures {
		fmt.Fprintf(w, "  session %d (round %s): %s\n", f.Session, f.Round, f.Err)
	}
	fmt.Fprintf(w, "answers acknowledged: %d, utterances acknowledged: %d, lost: %d\n", r.Answers, r.Acked, r.Lost)
	for _, l := range r.LostWhat {
		fmt.Fprintf(w, "  %s\n", l)
	}
	if r.Feedback.N > 0 {
		fmt.Fprintf(w, "feedback latency from %s: p50 %s, p95 %s, max %s (%d answers)\n", r.FeedbackFrom,
			r.Feedback.P50.Round(time.Millisecond), r.Feedback.P95.Round(time.Millisecond), r.Feedback.Max.Round(time.Millisecond), r.Feedback.N)
	} else {
		fmt.Fprintln(w, "feedback latency: no answers completed")
	}
	idle := "not measured"
	if r.CPU.Idle >= 0 {
		idle = fmt.Sprintf("%.3f cores", r.CPU.Idle)
	}
	fmt.Fprintf(w, "CPU (%s): %.3f cores, %.3f per session; idle baseline %s\n", r.CPU.Scope, r.CPU.Cores, r.CPU.PerSession, idle)
	if strings.HasPrefix(r.CPU.Scope, "this process") {
		fmt.Fprintln(w, "  (the candidates' Opus encoding and WebRTC run in this process too; use --url and --pid for the server alone)")
	}
}
