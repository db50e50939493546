// Package festival is mockloop's most natural embedded voice: festival
// with the HTS voice cmu_us_slt_arctic_hts (Debian festival and
// festvox-us-slt-hts), kept warm. Starting festival and loading the voice
// takes about 0.35 s, more than the whole synthesis of a sentence, so the
// package owns a small pool of long-lived `festival --pipe` processes and
// the line protocol spoken with them.
package festival

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/voice"
)

// Defaults for Config.
const (
	DefaultBinary = "festival"
	DefaultVoice  = "cmu_us_slt_arctic_hts"
	// DefaultProcs is the number of warm processes: one session speaks one
	// sentence at a time, so two let two sessions speak at once without
	// queueing, at about 30 MB each.
	DefaultProcs = 2
	// startTimeout bounds loading festival and its voice (0.35 s measured
	// here; the HTS voice reads its model files from disk on first use).
	startTimeout = 15 * time.Second
)

// Errors Synthesize and New wrap.
var (
	// ErrFestival is a failure reported by festival itself (a SIOD ERROR
	// line): a missing voice, bad input.
	ErrFestival = errors.New("festival error")
	// ErrClosed is returned after Close.
	ErrClosed = errors.New("festival: closed")
)

// Config configures the engine.
type Config struct {
	Binary string // program name or path; empty means DefaultBinary
	Voice  string // festival voice name without "voice_"; empty means DefaultVoice
	Procs  int    // warm processes; 0 means DefaultProcs
	Logger *slog.Logger
}

// Synth speaks through warm festival processes. It is safe for concurrent
// use; calls beyond Procs wait for a free process.
type Synth struct {
	cfg  Config
	path string
	dir  string // temporary directory for the waves festival writes
	log  *slog.Logger

	free chan *proc // idle processes; nil entries are slots to (re)start
	mu   sync.Mutex
	all  map[*proc]struct{}
	done chan struct{}
	once sync.Once
	seq  uint64
}

var _ mockloop.Synthesizer = (*Synth)(nil)

// proc is one running festival.
type proc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string // stderr lines; closed when festival exits
	exited chan struct{}
	wav    string
}

// New starts one warm process and checks it can speak; the others start
// on first use. It fails clearly when festival or the voice is missing.
func New(ctx context.Context, cfg Config) (*Synth, error) {
	if cfg.Binary == "" {
		cfg.Binary = DefaultBinary
	}
	if cfg.Voice == "" {
		cfg.Voice = DefaultVoice
	}
	if cfg.Procs <= 0 {
		cfg.Procs = DefaultProcs
	}
	if !validVoice(cfg.Voice) {
		return nil, fmt.Errorf("festival: bad voice name %q", cfg.Voice)
	}
	path, err := exec.LookPath(cfg.Binary)
	if err != nil {
		return nil, fmt.Errorf("festival: %s not found (install the Debian packages festival festvox-us-slt-hts): %w", cfg.Binary, err)
	}
	dir, err := os.MkdirTemp("", "mockloop-festival-")
	if err != nil {
		return nil, fmt.Errorf("festival: temp dir: %w", err)
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Synth{cfg: cfg, path: path, dir: dir, log: log,
		free: make(chan *proc, cfg.Procs), all: map[*proc]struct{}{}, done: make(chan struct{})}
	p, err := s.start(ctx)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.free <- p
	for i := 1; i < cfg.Procs; i++ {
		s.free <- nil
	}
	return s, nil
}

func validVoice(v string) bool {
	if v == "" {
		return false
	}
	for _, r := range v {
		if !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// Name reports the engine and voice for the UI and the round record.
func (s *Synth) Name() string { return "festival:" + s.cfg.Voice }

// start runs festival, selects the voice and waits until it answers.
func (s *Synth) start(ctx context.Context) (*proc, error) {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	// --pipe: read commands from stdin without the interactive prompt.
	cmd := exec.Command(s.path, "--pipe")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, fmt.Errorf("festival: stdin: %w", err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, fmt.Errorf("festival: stderr: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("festival: start: %w", err)
	}
	p := &proc{cmd: cmd, stdin: stdin, lines: make(chan string, 16), exited: make(chan struct{}),
		wav: filepath.Join(s.dir, "out"+strconv.FormatUint(n, 10)+".wav")}
	go func() {
		// festival's stdout is block-buffered when it is a pipe, so replies
		// come on stderr, which is not; it also carries SIOD errors.
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		_ = cmd.Wait()
		close(p.exited)
	}()
	s.mu.Lock()
	s.all[p] = struct{}{}
	s.mu.Unlock()

	sctx, cancel := context.WithTimeout(ctx, startTimeout)
	defer cancel()
	if err := p.call(sctx, "(voice_"+s.cfg.Voice+")", "ready"); err != nil {
		s.kill(p)
		return nil, fmt.Errorf("festival: load voice %s (install festvox-us-slt-hts for the default): %w", s.cfg.Voice, err)
	}
	// The HTS voice reads its models on first use: one short sentence now
	// keeps that out of the first real reply's latency.
	if _, err := s.speak(sctx, p, "Hello."); err != nil {
		s.kill(p)
		return nil, fmt.Errorf("festival: first sentence: %w", err)
	}
	return p, nil
}

// call sends expr followed by a marker and waits for the marker on
// stderr, or for an error line, the process's exit or ctx.
func (p *proc) call(ctx context.Context, expr, marker string) error {
	// The marker is printed only if expr returned: an error inside begin
	// abandons the rest, and the SIOD ERROR line says so instead.
	line := fmt.Sprintf("(begin %s (format stderr \"mockloop:%s\\n\"))\n", expr, marker)
	if _, err := io.WriteString(p.stdin, line); err != nil {
		return fmt.Errorf("write command: %w", err)
	}
	want := "mockloop:" + marker
	for {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return fmt.Errorf("%w: festival exited", ErrFestival)
			}
			switch {
			case l == want:
				return nil
			case strings.Contains(l, "SIOD ERROR"), strings.Contains(l, "not found"):
				return fmt.Errorf("%w: %s", ErrFestival, strings.TrimSpace(l))
			}
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	}
}

func (s *Synth) kill(p *proc) {
	_ = p.stdin.Close()
	if p.cmd.Process != nil {
		_ = p.cmd.Process.Kill()
	}
	// Drain what it wrote so the reader goroutine can see the end.
	for range p.lines {
	}
	<-p.exited
	os.Remove(p.wav)
	s.mu.Lock()
	delete(s.all, p)
	s.mu.Unlock()
}

// Synthesize speaks text. Cancelling ctx kills the process that was
// speaking (a replacement starts on the next call), so barge-in never
// waits for a long sentence to finish.
func (s *Synth) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	text = schemeText(text)
	if text == "" {
		return mockloop.Audio{SampleRate: 16000}, nil
	}
	select {
	case <-s.done:
		return mockloop.Audio{}, ErrClosed
	default:
	}
	var p *proc
	select {
	case p = <-s.free:
	case <-s.done:
		return mockloop.Audio{}, ErrClosed
	case <-ctx.Done():
		return mockloop.Audio{}, fmt.Errorf("festival: wait for a process: %w", context.Cause(ctx))
	}
	if p == nil {
		var err error
		if p, err = s.start(ctx); err != nil {
			s.free <- nil
			return mockloop.Audio{}, err
		}
	}
	a, err := s.speak(ctx, p, text)
	select {
	case <-s.done:
		// Close killed the process under us: say so, not "broken pipe".
		if err != nil {
			err = ErrClosed
		}
	default:
	}
	if err != nil && !errors.Is(err, ErrFestival) {
		// Cancelled or broken mid-sentence: its state is unknown.
		s.kill(p)
		p = nil
	}
	select {
	case <-s.done:
		if p != nil {
			s.kill(p)
		}
	default:
		s.free <- p
	}
	return a, err
}

func (s *Synth) speak(ctx context.Context, p *proc, text string) (mockloop.Audio, error) {
	expr := fmt.Sprintf("(utt.save.wave (SynthText \"%s\") \"%s\" 'riff)", text, p.wav)
	if err := p.call(ctx, expr, "said"); err != nil {
		return mockloop.Audio{}, fmt.Errorf("festival: synthesize: %w", err)
	}
	f, err := os.Open(p.wav)
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("festival: read its wave: %w", err)
	}
	defer f.Close()
	a, err := voice.ReadWAV(bufio.NewReader(f))
	if err != nil {
		return mockloop.Audio{}, fmt.Errorf("festival: read its wave: %w", err)
	}
	return a, nil
}

// schemeText makes text safe inside a Scheme string literal: quotes and
// backslashes would end or escape it, and control characters (newlines
// above all) would end the command line. They carry nothing a voice says.
func schemeText(text string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(text) {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte(' ')
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return strings.TrimSpace(b.String())
}

// Close stops every process and removes the temporary directory.
func (s *Synth) Close() error {
	s.once.Do(func() {
		close(s.done)
		s.mu.Lock()
		procs := make([]*proc, 0, len(s.all))
		for p := range s.all {
			procs = append(procs, p)
		}
		s.mu.Unlock()
		for _, p := range procs {
			s.kill(p)
		}
		os.RemoveAll(s.dir)
	})
	return nil
}
