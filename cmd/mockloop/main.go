// Command mockloop is a local-first voice mock interviewer for Amazon-style
// loops. "mockloop serve" (the default) runs the web app; the other
// subcommands analyze an answer, export a round, dial a server with a WAV
// file as the microphone, check the configured engines and run benchmarks.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is set by the Makefile with -ldflags.
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

const usage = `mockloop: a local-first voice mock interviewer

Usage:
  mockloop [serve] [flags]        run the web app (default http://127.0.0.1:8080)
  mockloop analyze [flags] FILE|- analyze one answer (text or words JSON)
  mockloop export [flags] ROUND_ID [--format md|json]
  mockloop dial [flags] FILE.wav  join a round over WebRTC, speak a WAV file
  mockloop transcribe [flags] FILE.wav [--json]
                                  the round's recognizer on a WAV file: words, times, confidences
  mockloop doctor [flags]         check the configured engines
  mockloop say [--voice V] -o FILE.wav TEXT  speak a line with the interviewer's voice
  mockloop bench [flags] [WAV...] spoken turns through a real server: latency per stage
  mockloop loadtest [flags]       N spoken sessions at once: sessions held, CPU, p95, lost utterances
  mockloop version

Run "mockloop COMMAND -h" for a command's flags.
`

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return runServe(ctx, args, stdout, stderr)
	case "analyze":
		return runAnalyze(args, stdin, stdout, stderr)
	case "export":
		return runExport(ctx, args, stdout, stderr)
	case "dial":
		return runDial(ctx, args, stdout, stderr)
	case "transcribe":
		return runTranscribe(ctx, args, stdout, stderr)
	case "doctor":
		return runDoctor(ctx, args, stdout, stderr)
	case "loadtest":
		return runLoadtest(ctx, args, stdout, stderr)
	case "say":
		return runSay(ctx, args, stdout, stderr)
	case "bench":
		return runBench(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "mockloop", version)
		return 0
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	}
	fmt.Fprintf(stderr, "mockloop: unknown command %q\n\n%s", cmd, usage)
	return 2
}
