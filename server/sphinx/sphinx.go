// Package sphinx is mockloop's default speech-to-text engine: CMU
// pocketsphinx (Debian's 5prealpha), embedded through cgo. It owns a pool of
// decoders, because loading the model takes about half a second, and turns
// pocketsphinx's word segmentation into a mockloop.Transcript.
package sphinx

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// DefaultModelDir is where Debian's pocketsphinx-en-us puts the US English
// model.
const DefaultModelDir = "/usr/share/pocketsphinx/model/en-us"

// DefaultPoolSize bounds the decoders alive at once. Each holds the model
// (about 40 MB resident) and one active session needs one.
const DefaultPoolSize = 4

// SampleRate is the only rate the en-us model accepts.
const SampleRate = 16000

// framesPerSec: pocketsphinx reports word times in 10 ms frames (-frate 100).
const framesPerSec = 100

// partialEverySamples rate-limits Partial: pocketsphinx's ps_get_hyp does a
// backtrace over the whole utterance so far, so it is recomputed only after
// 250 ms of new audio (the UI's captions need no more than about 4 updates
// a second).
const partialEverySamples = SampleRate / 4

// engineName is recorded in every transcript: the filler counts are read
// knowing pocketsphinx keeps filled pauses.
const engineName = "sphinx en-us"

// ErrClosed is returned when the transcriber or a stream is used after
// Close or Finish.
var ErrClosed = errors.New("sphinx: closed")

// Config configures the pocketsphinx engine.
type Config struct {
	// ModelDir holds en-us/ (the acoustic model), en-us.lm.bin and
	// cmudict-en-us.dict. Empty means DefaultModelDir.
	ModelDir string
	// PoolSize is the most decoders alive at once; Start waits when all are
	// in use. Zero means DefaultPoolSize.
	PoolSize int
	Logger   *slog.Logger
}

// Transcriber is a pool of pocketsphinx decoders. It is safe for concurrent
// use; each stream holds one decoder until Finish or Close.
type Transcriber struct {
	hmm, lm, dict string
	args          []string // pocketsphinx options, "-name", "value" pairs
	log           *slog.Logger

	// slots holds one token per decoder that may be in use; Start takes
	// one and the stream gives it back.
	slots chan struct{}

	mu      sync.Mutex
	idle    []*decoder
	created int // decoders ever created, for tests and logs
	closed  bool
	// means is each speaker's cepstral mean after their last utterance
	// (mockloop.Speaker), oldest first in order, at most maxSpeakers.
	means map[string][]float32
	order []string
}

// maxSpeakers bounds the per-speaker means kept (13 floats each); the
// oldest speaker's is dropped first and they start afresh if they return.
const maxSpeakers = 1024

var _ mockloop.Transcriber = (*Transcriber)(nil)

// New checks the model files, loads one decoder so the first utterance does
// not wait for the model, and returns the engine.
func New(cfg Config) (*Transcriber, error) {
	return newTranscriber(cfg, nil)
}

// newTranscriber lets tests and benchmarks try extra decoder options; an
// option given in extra replaces the shipped value.
func newTranscriber(cfg Config, extra []string) (*Transcriber, error) {
	dir := cfg.ModelDir
	if dir == "" {
		dir = DefaultModelDir
	}
	size := cfg.PoolSize
	if size <= 0 {
		size = DefaultPoolSize
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	t := &Transcriber{
		hmm:   filepath.Join(dir, "en-us"),
		lm:    filepath.Join(dir, "en-us.lm.bin"),
		dict:  filepath.Join(dir, "cmudict-en-us.dict"),
		log:   log,
		slots: make(chan struct{}, size),
	}
	for _, p := range []string{t.hmm, t.lm, t.dict} {
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("sphinx model file %s missing (install the Debian package pocketsphinx-en-us): %w", p, err)
		}
	}
	t.args = []string{
		"-hmm", t.hmm,
		"-lm", t.lm,
		"-dict", t.dict,
		// pocketsphinx logs every decoder load and utterance at INFO.
		"-logfn", os.DevNull,
		// The second (flat lexicon) pass runs inside ps_end_utt over the
		// whole utterance: measured on the shared speech set it made Finish
		// take 0.2-2.7 s (about a tenth of the audio length) for a word
		// error rate 0.51 instead of 0.53. A live interviewer needs the
		// text right after the candidate stops, so it is off.
		"-fwdflat", "no",
		// The lattice best path gives each word its posterior (without it
		// ps_seg_prob reports log 0 for every word), and on the shared
		// human clips it lowered the word error rate from 0.496 to 0.473
		// (tuning clips) and 0.557 to 0.532 (held-out clips). It costs
		// Finish about 35 ms per second of utterance at worst (p95 0.8 s,
		// the 51 s clip); a round calls Finish when an utterance ends and
		// commits the answer 1.7 s later, so the wait is hidden.
		// Measured with TestTuneDecoder (tune_test.go).
		"-bestpath", "yes",
		// With the front end's voice activity detection on, dropped
		// silence frames shift the word times: a fresh decoder put the
		// first word of a 4.8 s clip at 3.2 s and the last past the end
		// (pocketsphinx-python#43). The voice pipeline already trims
		// silence, so frames are kept and times stay true.
		"-remove_silence", "no",
	}
	t.args = withOptions(t.args, extra)
	if err := t.Warm(1); err != nil {
		t.Close()
		return nil, err
	}
	return t, nil
}

// No filler dictionary is added for "um" and "uh": it makes 5prealpha
// abort the process on some audio; what was measured is in docs/engines.md.

// Name reports the engine for the UI and the round record.
func (t *Transcriber) Name() string { return "sphinx" }

// Warm makes sure at least n decoders are loaded and idle (bounded by the
// pool size), so that n sessions can start without the load delay.
func (t *Transcriber) Warm(n int) error {
	if n > cap(t.slots) {
		n = cap(t.slots)
	}
	for {
		t.mu.Lock()
		if t.closed {
			t.mu.Unlock()
			return ErrClosed
		}
		if len(t.idle) >= n || t.created >= cap(t.slots) {
			t.mu.Unlock()
			return nil
		}
		t.created++
		t.mu.Unlock()
		d, err := t.load()
		t.mu.Lock()
		if err != nil {
			t.created--
			t.mu.Unlock()
			return err
		}
		t.idle = append(t.idle, d)
		t.mu.Unlock()
	}
}

func (t *Transcriber) load() (*decoder, error) {
	start := time.Now()
	d, err := newDecoder(t.args)
	if err != nil {
		return nil, fmt.Errorf("load sphinx decoder: %w", err)
	}
	t.log.Debug("sphinx decoder loaded", "ms", time.Since(start).Milliseconds())
	return d, nil
}

// Start takes an idle decoder, loads a new one if the pool is not full, or
// waits for one until ctx ends.
func (t *Transcriber) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	select {
	case t.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("wait for a sphinx decoder: %w", context.Cause(ctx))
	}
	d, err := t.take()
	if err != nil {
		<-t.slots
		return nil, err
	}
	if err := d.startUtt(); err != nil {
		t.put(d)
		return nil, fmt.Errorf("start utterance: %w", err)
	}
	// The decoder's mean is whichever speaker it last heard: start from
	// this speaker's own, or from the model's for a new one, so a
	// transcript does not depend on which pooled decoder took it.
	key := mockloop.Speaker(ctx)
	d.setCMN(t.mean(key, d.cmnInit))
	return &stream{t: t, d: d, speaker: key}, nil
}

// mean returns the speaker's saved cepstral mean, or def.
func (t *Transcriber) mean(key string, def []float32) []float32 {
	t.mu.Lock()
	defer t.mu.Unlock()
	if v, ok := t.means[key]; ok { // keepMean never stores ""
		return v
	}
	return def
}

// keepMean saves the speaker's cepstral mean for their next utterance.
func (t *Transcriber) keepMean(key string, v []float32) {
	if key == "" || v == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.means == nil {
		t.means = map[string][]float32{}
	}
	if _, ok := t.means[key]; !ok {
		t.order = append(t.order, key)
		if len(t.order) > maxSpeakers {
			delete(t.means, t.order[0])
			t.order = t.order[1:]
		}
	}
	t.means[key] = v
}

// take returns an idle decoder or loads one. The caller holds a slot, so
// the number of decoders never exceeds the pool size.
func (t *Transcriber) take() (*decoder, error) {
	t.mu.Lock()
	if t.closed {
		t.mu.Unlock()
		return nil, ErrClosed
	}
	if n := len(t.idle); n > 0 {
		d := t.idle[n-1]
		t.idle = t.idle[:n-1]
		t.mu.Unlock()
		return d, nil
	}
	t.created++
	t.mu.Unlock()
	d, err := t.load()
	if err != nil {
		t.mu.Lock()
		t.created--
		t.mu.Unlock()
		return nil, err
	}
	return d, nil
}

// put returns a decoder to the pool and frees its slot; after Close it is
// freed instead.
func (t *Transcriber) put(d *decoder) {
	t.mu.Lock()
	if t.closed {
		t.created--
		t.mu.Unlock()
		d.free()
	} else {
		t.idle = append(t.idle, d)
		t.mu.Unlock()
	}
	<-t.slots
}

// Close frees the idle decoders; decoders still held by streams are freed
// when those streams end.
func (t *Transcriber) Close() error {
	t.mu.Lock()
	idle := t.idle
	t.idle = nil
	t.created -= len(idle)
	t.closed = true
	t.mu.Unlock()
	for _, d := range idle {
		d.free()
	}
	return nil
}

// stream is one utterance on one decoder. It is used by one goroutine, but
// the mutex makes a late Write after Finish (a pipeline stage racing the
// end of turn) an error instead of a use of a returned decoder.
type stream struct {
	t       *Transcriber
	speaker string // mockloop.Speaker of the ctx it started with

	mu          sync.Mutex
	d           *decoder // nil once finished or closed
	samples     int
	partial     string
	partialAt   int // samples when partial was computed
	partialSeen bool
}

var _ mockloop.TranscriberStream = (*stream)(nil)

func (s *stream) Write(pcm16k []int16) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.d == nil {
		return fmt.Errorf("sphinx write: %w", ErrClosed)
	}
	if err := s.d.processRaw(pcm16k); err != nil {
		return fmt.Errorf("sphinx write: %w", err)
	}
	s.samples += len(pcm16k)
	return nil
}

func (s *stream) Partial() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.d == nil {
		return s.partial
	}
	if s.partialSeen && s.samples-s.partialAt < partialEverySamples {
		return s.partial
	}
	s.partial = cleanHyp(s.d.hyp())
	s.partialAt = s.samples
	s.partialSeen = true
	return s.partial
}

// Finish ends the utterance. pocketsphinx has already searched the audio
// as it arrived, so this is the final backtrace only; ctx is not consulted
// because the C call cannot be interrupted and is short.
func (s *stream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.d
	if d == nil {
		return mockloop.Transcript{}, fmt.Errorf("sphinx finish: %w", ErrClosed)
	}
	s.d = nil
	defer s.t.put(d)
	if err := d.endUtt(); err != nil {
		return mockloop.Transcript{}, fmt.Errorf("sphinx finish: %w", err)
	}
	s.t.keepMean(s.speaker, d.cmn())
	words := cleanWords(d.segments())
	texts := make([]string, len(words))
	for i, w := range words {
		texts[i] = w.W
	}
	return mockloop.Transcript{Text: strings.Join(texts, " "), Words: words, Engine: engineName}, nil
}

func (s *stream) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.d == nil {
		return
	}
	d := s.d
	s.d = nil
	// End the utterance so the decoder starts clean next time; its result
	// is discarded.
	if err := d.endUtt(); err != nil {
		s.t.log.Warn("sphinx close: end utterance", "err", err)
	}
	s.t.put(d)
}

// cleanWords drops pocketsphinx's silence and noise segments and the
// alternate-pronunciation suffixes, keeping filled pauses, and converts
// frames to seconds from the utterance start.
func cleanWords(raw []rawWord) []analysis.Word {
	var out []analysis.Word
	for _, r := range raw {
		w, ok := cleanWord(r.word)
		if !ok {
			continue
		}
		out = append(out, analysis.Word{
			W:     w,
			Start: float64(r.sf) / framesPerSec,
			// The end frame is inclusive: the word lasts through it.
			End:  float64(r.ef+1) / framesPerSec,
			Conf: wordConf(r.post),
		})
	}
	return out
}

// fillerSpelling maps the en-us dictionary's other spellings of a filled
// pause to the one the analyzer counts (analysis.IsFilledPause decides
// what is one); filler dictionaries spell them ++UM++, stripped first.
var fillerSpelling = map[string]string{"hm": "hmm", "mm": "hmm", "uhm": "um", "umm": "um"}

// filledPause returns w's usual spelling when it is a filled pause.
func filledPause(w string) (string, bool) {
	if !analysis.IsFilledPause(w) {
		return "", false
	}
	if f, ok := fillerSpelling[w]; ok {
		return f, true
	}
	return w, true
}

// base strips an alternate-pronunciation suffix: "read(2)" is "read".
func base(w string) string {
	if i := strings.IndexByte(w, '('); i > 0 && strings.HasSuffix(w, ")") {
		return w[:i]
	}
	return w
}

// cleanWord returns the word as the analyzer should see it, or false for
// a segment that is not a word (<s>, </s>, <sil>, [NOISE], +SPN+).
func cleanWord(w string) (string, bool) {
	w = base(w)
	switch {
	case w == "":
		return "", false
	case strings.HasPrefix(w, "<"), strings.HasPrefix(w, "["):
		return "", false
	case strings.HasPrefix(w, "+"):
		if f, ok := filledPause(strings.ToLower(strings.Trim(w, "+"))); ok {
			return f, true
		}
		return "", false
	}
	if f, ok := filledPause(w); ok {
		return f, true
	}
	return w, true
}

// cleanHyp applies cleanWord to a hypothesis string.
func cleanHyp(h string) string {
	fields := strings.Fields(h)
	out := fields[:0]
	for _, f := range fields {
		if w, ok := cleanWord(f); ok {
			out = append(out, w)
		}
	}
	return strings.Join(out, " ")
}

// minConf is the lowest confidence stored: analysis.Word reads a zero Conf
// as unknown and trusted, so a posterior that rounds to zero is kept just
// above it.
const minConf = 0.001

// wordConf turns a lattice posterior into a stored confidence in
// [minConf, 1], rounded to three places to keep stored words small.
func wordConf(post float64) float64 {
	switch {
	case post != post || post < minConf: // NaN or too small
		return minConf
	case post > 1:
		return 1
	}
	return math.Round(post*1000) / 1000
}

// withOptions returns args with each "-name", "value" pair of extra
// replacing the same option in args or added after them; pocketsphinx
// rejects an option given twice.
func withOptions(args, extra []string) []string {
	out := slices.Clone(args)
next:
	for i := 0; i+1 < len(extra); i += 2 {
		for j := 0; j+1 < len(out); j += 2 {
			if out[j] == extra[i] {
				out[j+1] = extra[i+1]
				continue next
			}
		}
		out = append(out, extra[i], extra[i+1])
	}
	return out
}
