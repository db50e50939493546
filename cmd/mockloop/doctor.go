package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/mockloop/mockloop/server/openaicompat"
)

// engineNames are the doctor's labels for the engine kinds.
var engineNames = map[string]string{"llm": "interviewer", "stt": "speech in", "tts": "voice out"}

// runDoctor checks every configured engine with one real request each
// (a few tokens of chat, a 6 s clip and a second of silence to
// transcribe, one sentence to speak) and says ok, slow or broken, why, and
// what to do.
func runDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("doctor", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg Config
	bindConfig(fs, &cfg)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	var lex openaicompat.Lexicon
	if cfg.LLMURL != "" || cfg.STT == "openai" {
		var err error
		if lex, err = openaicompat.LoadLexicon(openaicompat.DefaultLexiconPath); err != nil {
			fmt.Fprintf(stdout, "note: %v; the nonsense checks use structure only\n", err)
		}
	}
	failed := 0
	line := func(mark, name, msg, fix string) {
		fmt.Fprintf(stdout, "%-6s %-12s %s\n", mark, name, msg)
		if fix != "" {
			fmt.Fprintf(stdout, "%-6s %-12s fix: %s\n", "", "", fix)
		}
	}
	if ok, msg := checkDataDir(cfg.DataDir); ok {
		line("ok", "data dir", msg, "")
	} else {
		failed++
		line("BROKEN", "data dir", msg, "choose another with --data-dir")
	}
	for _, kind := range engineKinds {
		h := checkEngine(ctx, cfg, kind, lex, false)
		mark := map[openaicompat.Status]string{openaicompat.StatusOK: "ok", openaicompat.StatusSlow: "SLOW", openaicompat.StatusBroken: "BROKEN"}[h.Status]
		if h.Status != openaicompat.StatusOK {
			failed++
		}
		msg := h.Reason
		if where := engineWhere(cfg, kind); where != "" {
			msg += " (" + where + ")"
		}
		line(mark, engineNames[kind], msg, h.Fix)
	}
	if failed > 0 {
		fmt.Fprintf(stdout, "\n%d check(s) not ok; mockloop falls back to the built-in engines where it can.\n", failed)
		return 1
	}
	return 0
}

// engineWhere says where a remote engine runs, since data goes there.
func engineWhere(cfg Config, kind string) string {
	var ep openaicompat.Endpoint
	switch {
	case kind == "llm" && cfg.LLMURL != "":
		ep = cfg.llmEndpoint()
	case kind == "stt" && cfg.STT == "openai":
		ep = cfg.sttEndpoint()
	case kind == "tts" && cfg.TTS == "openai":
		ep = cfg.ttsEndpoint()
	default:
		return ""
	}
	if ep.Local() {
		return ep.BaseURL + ", on this machine"
	}
	return ep.BaseURL + ", NOT on this machine: data is sent there"
}

func checkDataDir(dir string) (ok bool, msg string) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return false, err.Error()
	}
	f, err := os.CreateTemp(dir, ".doctor-*")
	if err != nil {
		return false, fmt.Sprintf("%s is not writable: %v", dir, err)
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return true, filepath.Clean(dir)
}
