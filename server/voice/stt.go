package voice

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
)

// The speech-to-text stage: one goroutine per utterance owns its
// transcriber stream, so the CPU-bound decoding (pocketsphinx's
// ps_process_raw) and a wait for a free decoder never run on the frame
// loop. The frame loop hands audio over through an sttFeed, which never
// blocks it, and hears back on one channel of sttMsg.

// busyAfter is how long a stream may wait to start before the Listener
// reports that no recogniser is free. Loading a new pocketsphinx decoder
// takes about 0.5 s (VOICE-NOTES), more on a loaded machine; a pool that
// is only growing is not busy, so the candidate is told only past that.
const busyAfter = 1500 * time.Millisecond

// partialSamples is how much new audio the stage waits for before asking
// the stream for a partial transcript again (200 ms).
const partialSamples = SampleRate / 5

// sttFeed is the hand-over from the frame loop to one stream's goroutine:
// push appends and wakes, and never waits, however far the stream lags.
// Its size is bounded by the utterance's, which the segmenter caps at
// MaxUtterance.
type sttFeed struct {
	mu     sync.Mutex
	pcm    []int16
	closed bool
	wake   chan struct{}
}

func newSTTFeed() *sttFeed { return &sttFeed{wake: make(chan struct{}, 1)} }

func (f *sttFeed) push(pcm []int16) {
	f.mu.Lock()
	f.pcm = append(f.pcm, pcm...)
	f.mu.Unlock()
	f.notify()
}

// end says no more audio will come: finish the stream.
func (f *sttFeed) end() {
	f.mu.Lock()
	f.closed = true
	f.mu.Unlock()
	f.notify()
}

func (f *sttFeed) notify() {
	select {
	case f.wake <- struct{}{}:
	default:
	}
}

func (f *sttFeed) take() (pcm []int16, closed bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	pcm, f.pcm = f.pcm, nil
	return pcm, f.closed
}

// sttMsgKind says what an sttMsg reports.
type sttMsgKind int

const (
	sttBusy    sttMsgKind = iota + 1 // still waiting for a recogniser
	sttPartial                       // text is the guess so far
	sttDone                          // tr or err is the outcome
)

// sttMsg is what a stream's goroutine tells the frame loop about
// utterance id.
type sttMsg struct {
	id     int
	kind   sttMsgKind
	text   string
	tr     mockloop.Transcript
	err    error
	notice string
}

// runSTT is the stage for one utterance: start a stream on engine, write
// what the feed delivers, report partials, and finish when the feed ends.
// A nil engine yields an error result at once.
//
// Streams start in utterance order: the stage waits for prev (closed when
// the previous utterance's stream has started or failed to) and closes
// started in turn, so a session's utterances queue for a busy decoder
// pool first come, first served.
func runSTT(ctx context.Context, engine mockloop.Transcriber, id int, feed *sttFeed, out chan<- sttMsg, prev <-chan struct{}, started chan<- struct{}) {
	send := func(m sttMsg) bool {
		m.id = id
		select {
		case out <- m:
			return true
		case <-ctx.Done():
			return false
		}
	}
	if engine == nil {
		close(started)
		drain(ctx, feed)
		send(sttMsg{kind: sttDone, err: errNoEngine})
		return
	}
	select {
	case <-prev:
	case <-ctx.Done():
		close(started)
		return
	}
	s, err := startStream(ctx, engine, func() { send(sttMsg{kind: sttBusy}) })
	close(started)
	if err != nil {
		drain(ctx, feed)
		send(sttMsg{kind: sttDone, err: err})
		return
	}
	written, asked := 0, 0
	last := ""
	for {
		select {
		case <-feed.wake:
		case <-ctx.Done():
			s.Close()
			return
		}
		pcm, closed := feed.take()
		if len(pcm) > 0 {
			if err := s.Write(pcm); err != nil {
				s.Close()
				drain(ctx, feed)
				send(sttMsg{kind: sttDone, err: fmt.Errorf("write audio: %w", err)})
				return
			}
			written += len(pcm)
		}
		if written-asked >= partialSamples {
			asked = written
			if p := s.Partial(); p != "" && p != last {
				last = p
				if !send(sttMsg{kind: sttPartial, text: p}) {
					s.Close()
					return
				}
			}
		}
		if closed {
			break
		}
	}
	tr, err := s.Finish(ctx)
	m := sttMsg{kind: sttDone, tr: tr, err: err}
	if n, ok := s.(noticer); ok {
		m.notice = n.Notice()
	}
	if !send(m) {
		return
	}
}

// errNoEngine is the outcome when no transcriber is configured: the audio
// is kept, nothing is said.
var errNoEngine = errors.New("no speech-to-text engine")

// drain waits for the feed to end (the utterance to close), dropping its
// audio: the frame loop keeps its own copy.
func drain(ctx context.Context, feed *sttFeed) {
	for {
		if _, closed := feed.take(); closed {
			return
		}
		select {
		case <-feed.wake:
		case <-ctx.Done():
			return
		}
	}
}

// startStream starts a stream, calling busy once if it has not started
// within busyAfter (every decoder is taken).
func startStream(ctx context.Context, engine mockloop.Transcriber, busy func()) (mockloop.TranscriberStream, error) {
	type started struct {
		s   mockloop.TranscriberStream
		err error
	}
	ch := make(chan started, 1)
	go func() {
		s, err := engine.Start(ctx)
		ch <- started{s, err}
	}()
	wait := time.NewTimer(busyAfter)
	defer wait.Stop()
	for {
		select {
		case st := <-ch:
			return st.s, st.err
		case <-wait.C:
			busy()
		case <-ctx.Done():
			// Start gives up on its context; a stream that won the race
			// is released. Waiting for it keeps this goroutine the
			// stream's only owner.
			if st := <-ch; st.s != nil {
				st.s.Close()
			}
			return nil, context.Cause(ctx)
		}
	}
}
