package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
)

// runDial is "mockloop dial": join a round over WebRTC with a WAV file as
// the microphone and print what the server made of it.
func runDial(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("dial", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: mockloop dial [flags] FILE.wav\n\nJoin a round over WebRTC and speak FILE.wav (16 kHz mono PCM) as the microphone.\n\nFlags:")
		fs.PrintDefaults()
	}
	var (
		o       dial.Options
		asJSON  bool
		verbose bool
	)
	fs.StringVar(&o.BaseURL, "url", "http://127.0.0.1:8080", "server base URL")
	fs.StringVar(&o.Round, "round", "", "existing round id (default: create one)")
	fs.StringVar(&o.Kind, "kind", string(mockloop.KindBehavioral), "round kind when creating one: behavioral, system_design, coding, bar_raiser, loop")
	fs.IntVar(&o.Minutes, "minutes", 30, "round length in minutes when creating one")
	fs.Float64Var(&o.Speed, "speed", 1, "how fast to send the audio (1 = real time)")
	fs.IntVar(&o.Answers, "answers", 1, "how many questions to answer with the same WAV")
	fs.BoolVar(&o.Done, "done", false, `send "done" after the audio instead of waiting for the silence commit`)
	fs.DurationVar(&o.Timeout, "timeout", 3*time.Minute, "give up after this long")
	fs.BoolVar(&asJSON, "json", false, "print the whole result as JSON")
	fs.BoolVar(&verbose, "v", false, "log to stderr")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if err := checkDialArgs(fs.Args(), o); err != nil {
		fmt.Fprintf(stderr, "mockloop dial: %v\n", err)
		return 2
	}
	o.WAV = fs.Arg(0)
	if verbose {
		o.Logger = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}

	res, err := dial.Run(ctx, o)
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if jerr := enc.Encode(res); jerr != nil {
			fmt.Fprintf(stderr, "mockloop dial: %v\n", jerr)
			return 1
		}
	} else {
		printDial(stdout, res)
	}
	if err != nil {
		fmt.Fprintf(stderr, "mockloop dial: %v\n", err)
		return 1
	}
	return 0
}

// checkDialArgs catches bad input before any network work, so it can exit 2
// with one line.
func checkDialArgs(rest []string, o dial.Options) error {
	switch {
	case len(rest) != 1:
		return fmt.Errorf("want exactly one WAV file, got %d arguments", len(rest))
	case o.Speed <= 0:
		return fmt.Errorf("--speed must be above 0, got %v", o.Speed)
	case o.Answers < 1:
		return fmt.Errorf("--answers must be at least 1, got %d", o.Answers)
	case o.Minutes < 1:
		return fmt.Errorf("--minutes must be at least 1, got %d", o.Minutes)
	case !mockloop.RoundKind(o.Kind).Valid():
		return fmt.Errorf("unknown --kind %q", o.Kind)
	case !strings.HasPrefix(o.BaseURL, "http://") && !strings.HasPrefix(o.BaseURL, "https://"):
		return fmt.Errorf("--url %q must start with http:// or https://", o.BaseURL)
	}
	st, err := os.Stat(rest[0])
	if err != nil {
		return err
	}
	if st.IsDir() {
		return fmt.Errorf("%s is a directory", rest[0])
	}
	return nil
}

// printDial prints the conversation and the findings for a person.
func printDial(w io.Writer, r dial.Result) {
	fmt.Fprintf(w, "round %s\n", r.RoundID)
	for i, q := range r.Interviewer {
		fmt.Fprintf(w, "interviewer %d: %s\n", i+1, q)
	}
	if r.TranscriptText == "" {
		fmt.Fprintln(w, "transcript: (nothing recognised)")
	} else {
		fmt.Fprintf(w, "transcript: %s\n", r.TranscriptText)
	}
	for i, rep := range r.Feedback {
		fmt.Fprintf(w, "answer %d: %d words, %.0f s, %.0f wpm, %d fillers\n",
			i+1, rep.Metrics.Words, rep.Metrics.DurationSec, rep.Metrics.WPM, rep.Metrics.Fillers)
		printFindings(w, rep.Findings)
	}
	fmt.Fprintf(w, "interviewer audio packets received: %d\n", r.AudioPacketsIn)
}

func printFindings(w io.Writer, fs []analysis.Finding) {
	if len(fs) == 0 {
		fmt.Fprintln(w, "  no findings")
		return
	}
	for _, f := range fs {
		fmt.Fprintf(w, "  [%s] %s: %s\n", f.Severity, f.Code, f.Message)
	}
}
