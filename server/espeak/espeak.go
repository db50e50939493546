// Package espeak is mockloop's default text-to-speech engine: the espeak-ng
// command-line program, run once per sentence. It owns the process, its
// cancellation and the parsing of the WAV it writes.
package espeak

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/voice"
)

// Defaults for Config.
const (
	DefaultBinary = "espeak-ng"
	DefaultVoice  = "en-us"
	// DefaultWPM sits at the top of the 100-165 words per minute range
	// that Microsoft Speaker Coach recommends for presenters; an
	// interviewer reading a question should not sound rushed.
	DefaultWPM = 165
)

// SampleRate is the rate espeak-ng writes with --stdout.
const SampleRate = 22050

// Config configures the espeak-ng engine.
type Config struct {
	Binary string // program name or path; empty means DefaultBinary
	Voice  string // -v; empty means DefaultVoice
	WPM    int    // -s words per minute; 0 means DefaultWPM
	Pitch  int    // -p 0-99; 0 means espeak-ng's default (50)
}

// Synth runs espeak-ng. It holds no state between calls and is safe for
// concurrent use.
type Synth struct {
	path string
	args []string
}

var _ mockloop.Synthesizer = (*Synth)(nil)

// New finds the espeak-ng program and checks the settings.
func New(cfg Config) (*Synth, error) {
	bin := cfg.Binary
	if bin == "" {
		bin = DefaultBinary
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, fmt.Errorf("espeak: %s not found (install the Debian package espeak-ng): %w", bin, err)
	}
	voice := cfg.Voice
	if voice == "" {
		voice = DefaultVoice
	}
	// The voice is an argument, so it must not look like an option.
	if strings.HasPrefix(voice, "-") || strings.ContainsAny(voice, " \t\n") {
		return nil, fmt.Errorf("espeak: bad voice name %q", voice)
	}
	wpm := cfg.WPM
	if wpm == 0 {
		wpm = DefaultWPM
	}
	// 80-450 is the range espeak-ng accepts for -s (espeak-ng(1)).
	if wpm < 80 || wpm > 450 {
		return nil, fmt.Errorf("espeak: words per minute %d outside 80-450", wpm)
	}
	if cfg.Pitch < 0 || cfg.Pitch > 99 {
		return nil, fmt.Errorf("espeak: pitch %d outside 0-99", cfg.Pitch)
	}
	args := []string{"--stdout", "-v", voice, "-s", strconv.Itoa(wpm)}
	if cfg.Pitch > 0 {
		args = append(args, "-p", strconv.Itoa(cfg.Pitch))
	}
	return &Synth{path: path, args: args}, nil
}

// Name reports the engine for the UI and the round record.
func (s *Synth) Name() string { return "espeak-ng" }

// Synthesize speaks text. The text goes to espeak-ng's standard input, never
// its arguments, so a reply starting with "-" cannot become an option.
// Cancelling ctx kills the process.
func (s *Synth) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	if strings.TrimSpace(text) == "" {
		return mockloop.Audio{SampleRate: SampleRate}, nil
	}
	cmd := exec.CommandContext(ctx, s.path, s.args...)
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	// If the program ever leaves a child holding stdout, Wait would block
	// after the kill; give up on the pipe a second later.
	cmd.WaitDelay = time.Second
	if err := cmd.Run(); err != nil {
		if ctxErr := context.Cause(ctx); ctxErr != nil {
			return mockloop.Audio{}, fmt.Errorf("espeak: synthesize: %w", ctxErr)
		}
		msg := strings.TrimSpace(stderr.String())
		return mockloop.Audio{}, fmt.Errorf("espeak: synthesize: %w (%s)", err, msg)
	}
	pcm, rate, err := parseWAV(stdout.Bytes())
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("espeak: read its output: %w", err)
	}
	return mockloop.Audio{SampleRate: rate, PCM: pcm}, nil
}

// parseWAV reads espeak-ng's output. It writes to a pipe, so it cannot
// seek back to fill in the sizes: its RIFF and data sizes are placeholders
// and the data runs to the end, which voice.ReadWAV accepts.
func parseWAV(b []byte) ([]int16, int, error) {
	a, err := voice.ReadWAV(bytes.NewReader(b))
	return a.PCM, a.SampleRate, err
}
