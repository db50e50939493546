package voice

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
)

// fakeSTT is a scripted mockloop.Transcriber: each stream's Finish returns
// the next of texts (the last one repeats).
type fakeSTT struct {
	name  string
	texts []string

	startErr  error
	writeErr  error
	finishErr error
	hang      bool // Finish waits for its context, like a dead endpoint

	mu      sync.Mutex
	started int
	streams []*fakeStream
}

type fakeStream struct {
	stt      *fakeSTT
	text     string
	samples  atomic.Int64
	closed   atomic.Bool
	finished atomic.Bool
	first    []int16 // the first frame written, to check the lead-in
}

func (f *fakeSTT) Name() string { return f.name }

func (f *fakeSTT) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.started++
	if f.startErr != nil {
		return nil, f.startErr
	}
	text := ""
	if len(f.texts) > 0 {
		text = f.texts[min(len(f.streams), len(f.texts)-1)]
	}
	s := &fakeStream{stt: f, text: text}
	f.streams = append(f.streams, s)
	return s, nil
}

func (f *fakeSTT) startCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.started
}

func (s *fakeStream) Write(pcm []int16) error {
	if s.stt.writeErr != nil {
		return s.stt.writeErr
	}
	if s.samples.Load() == 0 {
		// The first frame only: the stage may hand over many at once.
		s.first = append([]int16(nil), pcm[:min(len(pcm), FrameSamples)]...)
	}
	s.samples.Add(int64(len(pcm)))
	return nil
}

func (s *fakeStream) Partial() string {
	if s.samples.Load() > SampleRate/2 {
		return strings.Fields(s.text + " …")[0]
	}
	return ""
}

func (s *fakeStream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	s.finished.Store(true)
	if s.stt.hang {
		<-ctx.Done()
		return mockloop.Transcript{}, ctx.Err()
	}
	if s.stt.finishErr != nil {
		return mockloop.Transcript{}, s.stt.finishErr
	}
	return mockloop.Transcript{Text: s.text, Engine: s.stt.name}, nil
}

func (s *fakeStream) Close() { s.closed.Store(true) }

// harness runs a Listener with a fake clock and a hand-driven ticker.
type harness struct {
	t      *testing.T
	l      *Listener
	frames chan Frame
	ctl    chan Control
	events chan Event
	ticks  chan time.Time
	done   chan error
	cancel context.CancelFunc
	now    atomic.Int64 // unix nanoseconds
	at     time.Duration
	seen   []Event
	rng    *rand.Rand
}

var t0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, cfg ListenerConfig) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		frames: make(chan Frame),
		ctl:    make(chan Control),
		// Buffered so the Listener never waits for the test, and every
		// event sent before a barrier is visible after it.
		events: make(chan Event, 10000),
		ticks:  make(chan time.Time),
		done:   make(chan error, 1),
		rng:    rand.New(rand.NewPCG(7, 8)),
	}
	h.now.Store(t0.UnixNano())
	cfg.Now = func() time.Time { return time.Unix(0, h.now.Load()).UTC() }
	cfg.NewTicker = func(time.Duration) Ticker { return &manualTicker{c: h.ticks, stopped: make(chan struct{})} }
	h.l = NewListener(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	t.Cleanup(cancel)
	go func() { h.done <- h.l.Run(ctx, h.frames, h.ctl, h.events) }()
	return h
}

// feed sends pcm as frames with stream timestamps.
func (h *harness) feed(pcm []int16) {
	h.t.Helper()
	for _, f := range frames(pcm) {
		f.At = h.at
		h.at += FrameDur
		// The frame arrives when its last sample has been spoken.
		h.now.Add(int64(FrameDur))
		select {
		case h.frames <- f:
		case <-time.After(5 * time.Second):
			h.t.Fatal("listener stopped taking frames")
		}
	}
}

// quiet is room noise at about -55 dBFS, speech syllables at about -13.
func (h *harness) quiet(d time.Duration) []int16 { return noise(h.rng, 0.003, d) }
func (h *harness) speech(d time.Duration) []int16 {
	return add(syllables(0.3, d), h.quiet(d))
}

// send delivers a control; once the Listener has taken it, everything
// sent before has been processed.
func (h *harness) send(c Control) {
	h.t.Helper()
	select {
	case h.ctl <- c:
	case <-time.After(5 * time.Second):
		h.t.Fatal("listener stopped taking controls")
	}
}

// barrier waits until the Listener has processed everything sent so far;
// a zero Control is ignored by the Listener.
func (h *harness) barrier() { h.send(Control{}) }

// drain collects the events emitted so far.
func (h *harness) drain() []Event {
	for {
		select {
		case ev, ok := <-h.events:
			if !ok {
				return h.seen
			}
			h.seen = append(h.seen, ev)
		default:
			return h.seen
		}
	}
}

// waitFor waits, with a deadline, for the first event after those already
// seen that matches.
func (h *harness) waitFor(kind EventKind, match func(Event) bool) Event {
	h.t.Helper()
	for i := 0; ; i++ {
		for ; i < len(h.seen); i++ {
			if ev := h.seen[i]; ev.Kind == kind && (match == nil || match(ev)) {
				return ev
			}
		}
		select {
		case ev, ok := <-h.events:
			if !ok {
				h.t.Fatalf("events closed while waiting for %v; saw %s", kind, summary(h.seen))
			}
			h.seen = append(h.seen, ev)
			i--
			continue
		case <-time.After(5 * time.Second):
			h.t.Fatalf("no %v event; saw %s", kind, summary(h.seen))
		}
		i--
	}
}

func (h *harness) count(kind EventKind) int {
	n := 0
	for _, ev := range h.drain() {
		if ev.Kind == kind {
			n++
		}
	}
	return n
}

// stillOpen fails the test if the turn ended in what was sent so far;
// what names the pause for the message.
func (h *harness) stillOpen(what string) {
	h.t.Helper()
	h.barrier()
	if n := h.count(TurnEnd); n != 0 {
		h.t.Fatalf("%s: %s", what, summary(h.seen))
	}
}

func summary(evs []Event) string {
	var b strings.Builder
	for _, ev := range evs {
		switch ev.Kind {
		case State:
			fmt.Fprintf(&b, "[%s] ", ev.State)
		case Utterance:
			fmt.Fprintf(&b, "utt(%q@%.2f+%.2f) ", ev.Text, ev.Offset.Seconds(), ev.Duration.Seconds())
		case TurnEnd:
			fmt.Fprintf(&b, "turn_end(%s) ", ev.Reason)
		case Partial:
		default:
			fmt.Fprintf(&b, "%v ", ev.Kind)
		}
	}
	return b.String()
}

// silenceOnly is the baseline policy: the listener mechanics below are
// specified with its plain silence timings.
var silenceOnly = TurnConfig{Policy: PolicySilence}

func TestListenerTurnTaking(t *testing.T) {
	t.Run("a short answer then 2.5 s of silence ends the turn on silence", func(t *testing.T) {
		stt := &fakeSTT{name: "fake", texts: []string{"I led the migration"}}
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: stt})
		h.feed(h.quiet(time.Second))
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(3 * time.Second))
		end := h.waitFor(TurnEnd, nil)
		if end.Reason != ReasonSilence || end.Text != "I led the migration" {
			t.Fatalf("turn end %q %q", end.Reason, end.Text)
		}
		u := h.waitFor(Utterance, nil)
		// Speech starts at 1.0 s; the lead-in of 0.4 s is kept.
		if u.Offset < 550*time.Millisecond || u.Offset > 650*time.Millisecond {
			t.Errorf("utterance offset %v, want about 0.6 s", u.Offset)
		}
		if u.Duration < 1300*time.Millisecond || u.Duration > 1800*time.Millisecond {
			t.Errorf("utterance duration %v, want lead-in + 1 s + a short tail", u.Duration)
		}
		if len(u.PCM) != durSamples(u.Duration) {
			t.Errorf("PCM has %d samples for %v", len(u.PCM), u.Duration)
		}
		if u.Transcript.Engine != "fake" || u.Turn != 1 {
			t.Errorf("engine %q turn %d", u.Transcript.Engine, u.Turn)
		}
		// The stream got the lead-in: its first write is room noise, not
		// the syllable.
		if lvl := rmsDB(stt.streams[0].first[:FrameSamples]); lvl > -40 {
			t.Errorf("first frame written at %.1f dBFS; the lead-in is missing", lvl)
		}
		var states []string
		for _, ev := range h.drain() {
			if ev.Kind == State {
				states = append(states, ev.State)
			}
		}
		if got := strings.Join(states, ","); got != "listening,speaking,pause,ended" {
			t.Errorf("states %s", got)
		}
		if h.count(Partial) == 0 {
			t.Error("no partial transcript while speaking")
		}
	})

	t.Run("a thinking pause shorter than the commit time keeps the turn open", func(t *testing.T) {
		stt := &fakeSTT{name: "fake", texts: []string{"first point", "second point"}}
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: stt})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(2 * time.Second))
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(3 * time.Second))
		end := h.waitFor(TurnEnd, nil)
		if end.Text != "first point second point" || h.count(Utterance) != 2 {
			t.Fatalf("turn %q with %d utterances: %s", end.Text, h.count(Utterance), summary(h.seen))
		}
	})

	t.Run("silence alone never ends the turn", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"x"}}})
		h.feed(h.quiet(20 * time.Second))
		h.barrier()
		if n := h.count(TurnEnd); n != 0 {
			t.Fatalf("%d turn ends on silence alone", n)
		}
		h.send(Control{Kind: Done})
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonDone {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("noise the recogniser hears no words in is dropped and does not count as an answer", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{""}}})
		h.feed(h.quiet(time.Second))
		h.feed(square(440, time.Second)) // full-scale: the VAD calls it speech
		h.feed(h.quiet(5 * time.Second))
		h.waitFor(SpeechStart, nil)
		// Once the empty transcript is in, the state goes back to listening.
		h.waitFor(State, func(ev Event) bool { return ev.State == StatePause })
		h.waitFor(State, func(ev Event) bool { return ev.State == StateListening })
		h.barrier()
		if n, m := h.count(Utterance), h.count(TurnEnd); n != 0 || m != 0 {
			t.Fatalf("%d utterances and %d turn ends from noise: %s", n, m, summary(h.seen))
		}
	})

	t.Run("the baseline silence rule gives a trailing filler the thinking extra", func(t *testing.T) {
		stt := &fakeSTT{name: "fake", texts: []string{"the first thing was um"}}
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: stt})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(time.Second))
		h.waitFor(Utterance, nil)
		h.feed(h.quiet(3 * time.Second)) // 4 s of silence: past 2.5, short of 5
		h.stillOpen("turn ended during a thinking pause")
		h.feed(h.quiet(1200 * time.Millisecond))
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonSilence {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("done commits at once after finalising the open utterance", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"and that is it"}}})
		h.feed(h.speech(1500 * time.Millisecond))
		h.send(Control{Kind: Done})
		end := h.waitFor(TurnEnd, nil)
		if end.Reason != ReasonDone || end.Text != "and that is it" {
			t.Fatalf("turn end %q %q: %s", end.Reason, end.Text, summary(h.seen))
		}
		// The utterance came first.
		for _, ev := range h.seen {
			if ev.Kind == TurnEnd {
				t.Fatalf("turn end before the utterance: %s", summary(h.seen))
			}
			if ev.Kind == Utterance {
				break
			}
		}
	})

	t.Run("the answer's time cap ends the turn with max_time", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"still going"}}})
		h.send(Control{Kind: Reset, MaxAnswer: 3 * time.Second})
		h.feed(h.speech(5 * time.Second))
		end := h.waitFor(TurnEnd, nil)
		if end.Reason != ReasonMaxTime || end.Duration < 3*time.Second || end.Duration > 3100*time.Millisecond {
			t.Fatalf("turn end %q after %v", end.Reason, end.Duration)
		}
		if end.Turn != 2 {
			t.Fatalf("turn %d after one reset, want 2", end.Turn)
		}
	})

	t.Run("when packets stop (DTX, mute) the clock ends the utterance and the turn", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"short answer"}}})
		h.feed(h.speech(time.Second))
		h.barrier()
		h.ticks <- t0.Add(4 * time.Second)
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonSilence {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("mute freezes the turn timers until unmute", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"hold on"[:4]}}})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(500 * time.Millisecond))
		h.send(Control{Kind: Mute})
		h.feed(h.quiet(10 * time.Second))
		h.ticks <- t0.Add(20 * time.Second)
		h.barrier()
		h.waitFor(Utterance, nil)
		if n := h.count(TurnEnd); n != 0 {
			t.Fatalf("turn ended while muted: %s", summary(h.seen))
		}
		h.now.Store(t0.Add(30 * time.Second).UnixNano())
		h.send(Control{Kind: Unmute})
		h.feed(h.quiet(2 * time.Second))
		h.stillOpen("turn ended 2 s after unmute")
		h.feed(h.quiet(time.Second))
		if end := h.waitFor(TurnEnd, nil); end.Reason != ReasonSilence {
			t.Fatalf("reason %q", end.Reason)
		}
	})

	t.Run("speech after a committed turn starts the next turn", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: &fakeSTT{texts: []string{"one", "actually also"}}})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(3 * time.Second))
		h.waitFor(TurnEnd, nil)
		h.feed(h.speech(time.Second))
		start := h.waitFor(SpeechStart, func(ev Event) bool { return ev.Turn == 2 })
		if start.Offset != 0 {
			t.Fatalf("new turn's speech at %v, want 0", start.Offset)
		}
		h.feed(h.quiet(3 * time.Second))
		if end := h.waitFor(TurnEnd, func(ev Event) bool { return ev.Turn == 2 }); end.Text != "actually also" {
			t.Fatalf("second turn text %q", end.Text)
		}
	})
}

func TestListenerTranscriberFailures(t *testing.T) {
	tests := []struct {
		name    string
		primary *fakeSTT
	}{
		{"a primary that never answers is abandoned after the timeout", &fakeSTT{name: "remote", hang: true, texts: []string{"never"}}},
		{"a primary whose stream errors mid-utterance", &fakeSTT{name: "remote", writeErr: errors.New("connection reset"), texts: []string{"never"}}},
		{"a primary that cannot start", &fakeSTT{name: "remote", startErr: errors.New("connection refused")}},
		{"a primary that fails to finish", &fakeSTT{name: "remote", finishErr: errors.New("HTTP 502"), texts: []string{"never"}}},
		{"a primary that returns garbage", &fakeSTT{name: "remote", texts: []string{strings.Repeat("you ", 12)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name+" falls back to the embedded engine with a notice", func(t *testing.T) {
			fallback := &fakeSTT{name: "sphinx", texts: []string{"from the embedded engine", "second"}}
			h := newHarness(t, ListenerConfig{STT: tt.primary, Fallback: fallback, STTTimeout: 50 * time.Millisecond})
			h.feed(h.speech(time.Second))
			h.feed(h.quiet(time.Second))
			n := h.waitFor(Notice, nil)
			if !strings.Contains(n.Text, "transcription endpoint failed") || !strings.Contains(n.Text, "using the embedded engine") {
				t.Fatalf("notice %q", n.Text)
			}
			u := h.waitFor(Utterance, nil)
			if u.Text != "from the embedded engine" || u.Transcript.Engine != "sphinx" || len(u.PCM) == 0 {
				t.Fatalf("utterance %q by %q with %d samples", u.Text, u.Transcript.Engine, len(u.PCM))
			}
			if got := fallback.streams[0].samples.Load(); got < int64(SampleRate) {
				t.Fatalf("fallback got %d samples, want the whole utterance", got)
			}
			// The next utterance goes straight to the fallback: a dead
			// endpoint costs one timeout, not one per utterance.
			starts := tt.primary.startCount()
			h.feed(h.speech(time.Second))
			h.feed(h.quiet(time.Second))
			if u := h.waitFor(Utterance, func(ev Event) bool { return ev.Text == "second" }); u.Transcript.Engine != "sphinx" {
				t.Fatalf("second utterance by %q", u.Transcript.Engine)
			}
			if tt.primary.startCount() != starts {
				t.Fatal("the failed primary was tried again at once")
			}
			if n := h.count(Notice); n != 1 {
				t.Fatalf("%d notices, want 1", n)
			}
		})
	}

	t.Run("when every engine fails the audio is still delivered", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{
			STT:        &fakeSTT{name: "remote", finishErr: errors.New("HTTP 500")},
			Fallback:   &fakeSTT{name: "sphinx", finishErr: errors.New("model missing")},
			STTTimeout: 50 * time.Millisecond,
		})
		h.feed(h.speech(time.Second))
		h.feed(h.quiet(time.Second))
		u := h.waitFor(Utterance, nil)
		if u.Text != "" || len(u.PCM) < SampleRate {
			t.Fatalf("utterance %q with %d samples", u.Text, len(u.PCM))
		}
		if n := h.waitFor(Notice, nil); !strings.Contains(n.Text, "the audio is kept") {
			t.Fatalf("notice %q", n.Text)
		}
	})
}

func TestListenerEndings(t *testing.T) {
	t.Run("when the peer vanishes mid-utterance nothing said is lost", func(t *testing.T) {
		h := newHarness(t, ListenerConfig{STT: &fakeSTT{texts: []string{"and then the network"}}})
		h.feed(h.speech(1500 * time.Millisecond))
		close(h.frames)
		end := h.waitFor(TurnEnd, nil)
		if end.Reason != ReasonPeerGone || end.Text != "and then the network" {
			t.Fatalf("turn end %q %q: %s", end.Reason, end.Text, summary(h.seen))
		}
		if err := waitErr(t, h.done); err != nil {
			t.Fatalf("Run returned %v", err)
		}
		if _, ok := <-h.events; ok {
			// drain the rest; the channel must end closed
			for range h.events {
			}
		}
	})

	t.Run("cancelling the session closes the open stream and returns the cause", func(t *testing.T) {
		stt := &fakeSTT{texts: []string{"x"}}
		h := newHarness(t, ListenerConfig{STT: stt})
		h.feed(h.speech(time.Second))
		h.waitFor(Partial, nil) // the stream is running
		h.cancel()
		if err := waitErr(t, h.done); !errors.Is(err, context.Canceled) {
			t.Fatalf("Run returned %v", err)
		}
		if !stt.streams[0].closed.Load() {
			t.Fatal("the open stream was not closed")
		}
	})
}

func TestListenerLongAnswer(t *testing.T) {
	if testing.Short() {
		t.Skip("20 minutes of audio")
	}
	t.Run(fmt.Sprintf("a %d-minute answer is cut into utterances of at most 30 s at quiet frames, with bounded memory", longAnswerMinutes), func(t *testing.T) {
		stt := &fakeSTT{texts: []string{"words"}}
		h := newHarness(t, ListenerConfig{STT: stt})
		chunk := h.speech(time.Minute)
		h.feed(h.quiet(time.Second))
		h.waitFor(State, func(ev Event) bool { return ev.State == StateListening })
		h.drain()
		clear(h.seen)
		h.seen = h.seen[:0]
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var total time.Duration
		next := time.Second - DefaultTurnConfig().LeadIn
		count := 0
		final := false
		check := func() {
			for _, ev := range h.drain() {
				if ev.Kind == State && ev.State != StateSpeaking && !final {
					t.Fatalf("state %q during continuous speech", ev.State)
				}
				if ev.Kind != Utterance {
					continue
				}
				count++
				if ev.Duration > 30*time.Second {
					t.Fatalf("utterance of %v", ev.Duration)
				}
				if ev.Offset != next {
					t.Fatalf("utterance at %v, want %v (audio lost or repeated)", ev.Offset, next)
				}
				if last := ev.PCM[len(ev.PCM)-FrameSamples:]; rmsDB(last) > -40 {
					t.Fatalf("split inside a syllable (last frame at %.1f dBFS)", rmsDB(last))
				}
				next = ev.Offset + ev.Duration
				total += ev.Duration
			}
			clear(h.seen) // let the test drop the audio too
			h.seen = h.seen[:0]
		}
		for range longAnswerMinutes {
			h.feed(chunk)
			check()
		}
		h.barrier()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		// 20 minutes at 16 kHz is 38 MB (6 minutes 11.5 MB); the Listener
		// keeps at most the open utterance (1 MB) and what waits for
		// transcripts.
		grew := int64(ms.HeapAlloc) - int64(before.HeapAlloc)
		if grew > 8<<20 {
			t.Fatalf("heap grew by %d MB over a %d-minute answer", grew>>20, longAnswerMinutes)
		}
		h.send(Control{Kind: Done})
		h.waitFor(TurnEnd, nil)
		final = true // pause and ended after Done are expected
		check()
		if total < longAnswerMinutes*time.Minute-10*time.Second {
			t.Fatalf("utterances cover %v of %d minutes", total, longAnswerMinutes)
		}
		for _, s := range stt.streams {
			if s.samples.Load() > int64(30*SampleRate) {
				t.Fatalf("a stream got %d samples", s.samples.Load())
			}
		}
		t.Logf("%d utterances; heap grew by %.1f MB", count, float64(grew)/(1<<20))
	})
}
