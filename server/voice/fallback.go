package voice

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mockloop/mockloop"
)

// Fallback is a mockloop.Transcriber that guards a primary engine: a
// stream whose primary errors, is down, takes longer than Timeout or
// returns garbage is transcribed again by Secondary from the audio it
// kept. After a failure, streams go straight to Secondary for Retry, so a
// dead endpoint costs one timeout, not one per utterance. It is safe for
// concurrent use; one Listener owns one.
type Fallback struct {
	Primary   mockloop.Transcriber
	Secondary mockloop.Transcriber // may be nil: failures are then reported, not rescued
	// Timeout bounds the primary's Finish.
	Timeout time.Duration
	// Retry is how long after a failure the primary is skipped.
	Retry time.Duration
	Now   func() time.Time

	mu        sync.Mutex
	downUntil time.Time
}

var _ mockloop.Transcriber = (*Fallback)(nil)

// ErrGarbage marks a transcript that cannot be speech.
var ErrGarbage = errors.New("transcript looks like garbage")

// TranscribeError is what a Fallback stream's Finish returns when no
// engine produced a transcript; the audio should be kept.
type TranscribeError struct {
	Primary  error // why the primary gave no transcript
	Fallback error // why the secondary did not either; nil if there is none
}

func (e *TranscribeError) Error() string {
	if e.Fallback == nil {
		return fmt.Sprintf("transcription failed: %v", e.Primary)
	}
	return fmt.Sprintf("transcription endpoint failed: %v; the embedded engine failed too: %v", e.Primary, e.Fallback)
}

func (e *TranscribeError) Unwrap() []error { return []error{e.Primary, e.Fallback} }

// noticer is implemented by streams that can say, after Finish, that a
// fallback took over: the candidate is told once.
type noticer interface{ Notice() string }

// Name names the primary: it is the engine of record.
func (t *Fallback) Name() string { return t.Primary.Name() }

func (t *Fallback) down() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.Secondary != nil && t.Now().Before(t.downUntil)
}

func (t *Fallback) markDown() {
	t.mu.Lock()
	t.downUntil = t.Now().Add(t.Retry)
	t.mu.Unlock()
}

// Start opens a stream on the primary, or on the secondary while the
// primary is marked down or when it cannot start.
func (t *Fallback) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	fs := &fallbackStream{t: t}
	if t.down() {
		s, err := t.Secondary.Start(ctx)
		if err != nil {
			return nil, fmt.Errorf("start %s stream: %w", t.Secondary.Name(), err)
		}
		fs.cur, fs.onSecondary = s, true
		return fs, nil
	}
	s, err := t.Primary.Start(ctx)
	if err == nil {
		fs.cur = s
		return fs, nil
	}
	err = fmt.Errorf("start %s stream: %w", t.Primary.Name(), err)
	if t.Secondary == nil || ctx.Err() != nil {
		return nil, err
	}
	t.markDown()
	s, serr := t.Secondary.Start(ctx)
	if serr != nil {
		return nil, &TranscribeError{Primary: err, Fallback: fmt.Errorf("start %s stream: %w", t.Secondary.Name(), serr)}
	}
	fs.cur, fs.onSecondary = s, true
	fs.notice = fmt.Sprintf("transcription endpoint failed: %v; using the embedded engine", err)
	return fs, nil
}

// fallbackStream keeps every sample written so the secondary can redo the
// utterance. It is used by one goroutine.
type fallbackStream struct {
	t           *Fallback
	cur         mockloop.TranscriberStream // nil after a write error
	onSecondary bool
	err         error // the primary failed while streaming
	all         []int16
	samples     int
	notice      string
}

func (s *fallbackStream) Write(pcm []int16) error {
	s.samples += len(pcm)
	if s.t.Secondary != nil && !s.onSecondary {
		// Kept only while someone could redo the utterance from it.
		s.all = append(s.all, pcm...)
	}
	if s.cur == nil {
		return nil
	}
	if err := s.cur.Write(pcm); err != nil {
		s.cur.Close()
		s.cur = nil
		s.err = fmt.Errorf("write audio: %w", err)
	}
	return nil
}

func (s *fallbackStream) Partial() string {
	if s.cur == nil {
		return ""
	}
	return s.cur.Partial()
}

func (s *fallbackStream) Close() {
	if s.cur != nil {
		s.cur.Close()
		s.cur = nil
	}
}

func (s *fallbackStream) Notice() string { return s.notice }

// Finish returns the primary's transcript, or the secondary's when the
// primary failed; a *TranscribeError when neither gave one.
func (s *fallbackStream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	d := samplesDur(s.samples)
	err := s.err
	if s.cur != nil {
		tr, ferr := finish(ctx, s.cur, s.t.Timeout)
		s.cur = nil
		if ferr == nil && isGarbage(tr.Text, d) {
			ferr = fmt.Errorf("%w: %q", ErrGarbage, truncate(tr.Text, 60))
		}
		if ferr == nil {
			return tr, nil
		}
		err = ferr
	}
	if s.onSecondary || s.t.Secondary == nil {
		// The secondary was already the engine (or there is none): no
		// one left to ask.
		if !s.onSecondary {
			s.t.markDown()
		}
		return mockloop.Transcript{}, &TranscribeError{Primary: err}
	}
	s.t.markDown()
	// The embedded engine runs locally, so it only needs time
	// proportional to the audio; give it the primary's budget on top.
	tr, ferr := transcribeAll(ctx, s.t.Secondary, s.all, s.t.Timeout+2*d)
	if ferr != nil {
		return mockloop.Transcript{}, &TranscribeError{Primary: err, Fallback: ferr}
	}
	s.notice = fmt.Sprintf("transcription endpoint failed: %v; using the embedded engine", err)
	return tr, nil
}

// finish calls s.Finish with a deadline, and gives up at the deadline even
// if the engine ignores its context.
func finish(ctx context.Context, s mockloop.TranscriberStream, timeout time.Duration) (mockloop.Transcript, error) {
	fctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type out struct {
		tr  mockloop.Transcript
		err error
	}
	ch := make(chan out, 1)
	go func() {
		tr, err := s.Finish(fctx)
		ch <- out{tr, err}
	}()
	select {
	case o := <-ch:
		if o.err != nil {
			return o.tr, fmt.Errorf("finish: %w", o.err)
		}
		return o.tr, nil
	case <-fctx.Done():
		s.Close()
		return mockloop.Transcript{}, fmt.Errorf("finish: no transcript within %v: %w", timeout, fctx.Err())
	}
}

// transcribeAll runs a whole utterance through t in one stream.
func transcribeAll(ctx context.Context, t mockloop.Transcriber, pcm []int16, timeout time.Duration) (mockloop.Transcript, error) {
	s, err := t.Start(ctx)
	if err != nil {
		return mockloop.Transcript{}, fmt.Errorf("start %s stream: %w", t.Name(), err)
	}
	for len(pcm) > 0 {
		n := min(len(pcm), SampleRate) // one second at a time, like live
		if err := s.Write(pcm[:n]); err != nil {
			s.Close()
			return mockloop.Transcript{}, fmt.Errorf("write to %s: %w", t.Name(), err)
		}
		pcm = pcm[n:]
	}
	return finish(ctx, s, timeout)
}

// isGarbage reports transcripts no speaker produced: invalid or control
// characters, far more words than anyone says in the time (over 8 per
// second; fast speech is about 4), or one word repeated 8 times running,
// the loop hallucination Whisper-style models fall into on noise.
func isGarbage(text string, d time.Duration) bool {
	if !utf8.ValidString(text) || strings.ContainsRune(text, utf8.RuneError) {
		return true
	}
	for _, r := range text {
		if unicode.IsControl(r) && r != '\n' && r != '\t' && r != '\r' {
			return true
		}
	}
	words := strings.Fields(strings.ToLower(text))
	if float64(len(words)) > 8*d.Seconds()+4 {
		return true
	}
	run := 1
	for i := 1; i < len(words); i++ {
		if strings.Trim(words[i], ".,!?") == strings.Trim(words[i-1], ".,!?") {
			if run++; run >= 8 {
				return true
			}
		} else {
			run = 1
		}
	}
	return false
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
