// Package espeak is mockloop's default text-to-speech engine: the espeak-ng
// command-line program, run once per sentence. It owns the process, its
// cancellation and the parsing of the WAV it writes.
package espeak

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop/server"
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

var _ server.Synthesizer = (*Synth)(nil)

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
func (s *Synth) Synthesize(ctx context.Context, text string) (server.Audio, error) {
	if strings.TrimSpace(text) == "" {
		return server.Audio{SampleRate: SampleRate}, nil
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
			return server.Audio{}, fmt.Errorf("espeak: synthesize: %w", ctxErr)
		}
		msg := strings.TrimSpace(stderr.String())
		return server.Audio{}, fmt.Errorf("espeak: synthesize: %w (%s)", err, msg)
	}
	pcm, rate, err := parseWAV(stdout.Bytes())
	if err != nil {
		return server.Audio{}, fmt.Errorf("espeak: read its output: %w", err)
	}
	return server.Audio{SampleRate: rate, PCM: pcm}, nil
}

// parseWAV reads mono 16-bit PCM from a RIFF/WAVE byte slice. espeak-ng
// writes to a pipe, so it cannot seek back to fill in the sizes: its RIFF
// and data sizes are 0x7ffff000 placeholders, and the data runs to the end.
func parseWAV(b []byte) ([]int16, int, error) {
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return nil, 0, errors.New("not a RIFF/WAVE stream")
	}
	rate := 0
	for p := 12; p+8 <= len(b); {
		id := string(b[p : p+4])
		size := int(binary.LittleEndian.Uint32(b[p+4 : p+8]))
		body := b[p+8:]
		if size > len(body) || size < 0 {
			size = len(body)
		}
		body = body[:size]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return nil, 0, errors.New("short fmt chunk")
			}
			format := binary.LittleEndian.Uint16(body[0:2])
			channels := binary.LittleEndian.Uint16(body[2:4])
			bits := binary.LittleEndian.Uint16(body[14:16])
			if format != 1 || channels != 1 || bits != 16 {
				return nil, 0, fmt.Errorf("want mono 16-bit PCM, got format %d with %d channels of %d bits", format, channels, bits)
			}
			rate = int(binary.LittleEndian.Uint32(body[4:8]))
		case "data":
			if rate == 0 {
				return nil, 0, errors.New("data chunk before fmt chunk")
			}
			pcm := make([]int16, len(body)/2)
			for i := range pcm {
				pcm[i] = int16(binary.LittleEndian.Uint16(body[2*i:]))
			}
			return pcm, rate, nil
		}
		p += 8 + size + size&1
	}
	return nil, 0, errors.New("no data chunk")
}
