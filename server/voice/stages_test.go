package voice

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
)

// poolSTT is a transcriber with a fixed number of decoders, like
// sphinx.Transcriber: Start waits for a free one until its context ends.
type poolSTT struct {
	slots chan struct{}
	inner *fakeSTT
}

func newPoolSTT(decoders int, texts ...string) *poolSTT {
	return &poolSTT{slots: make(chan struct{}, decoders), inner: &fakeSTT{name: "pool", texts: texts}}
}

func (p *poolSTT) Name() string { return "pool" }

func (p *poolSTT) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	select {
	case p.slots <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	s, err := p.inner.Start(ctx)
	if err != nil {
		<-p.slots
		return nil, err
	}
	return &pooledStream{TranscriberStream: s, release: func() { <-p.slots }}, nil
}

type pooledStream struct {
	mockloop.TranscriberStream
	once    sync.Once
	release func()
}

func (s *pooledStream) Finish(ctx context.Context) (mockloop.Transcript, error) {
	defer s.once.Do(s.release)
	return s.TranscriberStream.Finish(ctx)
}

func (s *pooledStream) Close() {
	s.TranscriberStream.Close()
	s.once.Do(s.release)
}

func TestListenerDecoderStarvation(t *testing.T) {
	t.Run("a session with no free decoder keeps taking frames, says it is busy, and is transcribed in full once one frees", func(t *testing.T) {
		pool := newPoolSTT(1, "the first speaker", "the second speaker")
		a := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: pool})
		b := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: pool})

		// A talks and holds the only decoder (a partial means its stream
		// has started).
		a.feed(a.speech(time.Second))
		a.waitFor(Partial, nil)

		// B talks meanwhile: its frame loop must go on (feed fails if a
		// frame is not taken within its deadline), its utterance must
		// close on the pause and the Busy event must come.
		b.feed(b.speech(2 * time.Second))
		b.waitFor(Busy, nil)
		b.feed(b.quiet(time.Second))
		b.waitFor(State, func(ev Event) bool { return ev.State == StatePause })
		if n := b.count(Utterance); n != 0 {
			t.Fatalf("B has a transcript without a decoder: %s", summary(b.seen))
		}

		// A stops; its decoder goes back to the pool and B's turn is
		// transcribed from the audio kept while it waited.
		a.feed(a.quiet(3 * time.Second))
		if end := a.waitFor(TurnEnd, nil); end.Text != "the first speaker" {
			t.Fatalf("A's turn %q", end.Text)
		}
		u := b.waitFor(Utterance, nil)
		if u.Text != "the second speaker" {
			t.Fatalf("B's utterance %q", u.Text)
		}
		var bStream *fakeStream
		for _, s := range pool.inner.streams {
			if s.text == "the second speaker" {
				bStream = s
			}
		}
		if got := bStream.samples.Load(); got < int64(2*SampleRate) {
			t.Fatalf("B's stream got %d samples, want all of its 2 s of speech", got)
		}
		b.feed(b.quiet(3 * time.Second))
		if end := b.waitFor(TurnEnd, nil); end.Text != "the second speaker" {
			t.Fatalf("B's turn %q", end.Text)
		}
	})
}

// stallSTT decodes slowly: every Write takes perWrite, like a CPU-bound
// recogniser on a loaded machine.
type stallSTT struct {
	fakeSTT
	perWrite time.Duration
}

func (s *stallSTT) Start(ctx context.Context) (mockloop.TranscriberStream, error) {
	st, err := s.fakeSTT.Start(ctx)
	if err != nil {
		return nil, err
	}
	return &stallStream{TranscriberStream: st, d: s.perWrite}, nil
}

type stallStream struct {
	mockloop.TranscriberStream
	d time.Duration
}

func (s *stallStream) Write(pcm []int16) error {
	time.Sleep(s.d) // the decoder's CPU time, not a wait for a result
	return s.TranscriberStream.Write(pcm)
}

func TestListenerSlowDecoderDoesNotStallFrames(t *testing.T) {
	t.Run("a decoder slower than real time delays the transcript, not the frame loop", func(t *testing.T) {
		stt := &stallSTT{fakeSTT: fakeSTT{name: "slow", texts: []string{"slow words"}}, perWrite: 30 * time.Millisecond}
		h := newHarness(t, ListenerConfig{Turn: silenceOnly, STT: stt})
		start := time.Now()
		h.feed(h.speech(2 * time.Second)) // 100 frames
		h.feed(h.quiet(time.Second))
		h.waitFor(State, func(ev Event) bool { return ev.State == StatePause })
		// 150 frames at 30 ms each would take 4.5 s on the frame loop.
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("feeding 3 s of frames took %v: the loop waited for the decoder", d)
		}
		h.feed(h.quiet(3 * time.Second))
		if end := h.waitFor(TurnEnd, nil); end.Text != "slow words" {
			t.Fatalf("turn %q", end.Text)
		}
	})
}

func TestFallbackTranscriber(t *testing.T) {
	speech := make([]int16, 2*SampleRate)
	tests := []struct {
		name       string
		primary    *fakeSTT
		secondary  *fakeSTT
		wantText   string
		wantNotice bool
		wantErr    bool
	}{
		{"a healthy primary's transcript passes through", &fakeSTT{name: "remote", texts: []string{"fine words"}}, &fakeSTT{name: "sphinx", texts: []string{"unused"}}, "fine words", false, false},
		{"a failing finish is redone by the secondary", &fakeSTT{name: "remote", finishErr: errors.New("HTTP 502")}, &fakeSTT{name: "sphinx", texts: []string{"rescued"}}, "rescued", true, false},
		{"garbage is redone by the secondary", &fakeSTT{name: "remote", texts: []string{strings.Repeat("thank you ", 20)}}, &fakeSTT{name: "sphinx", texts: []string{"rescued"}}, "rescued", true, false},
		{"a primary that cannot start streams into the secondary", &fakeSTT{name: "remote", startErr: errors.New("connection refused")}, &fakeSTT{name: "sphinx", texts: []string{"rescued"}}, "rescued", true, false},
		{"garbage with no secondary is an error to keep the audio for", &fakeSTT{name: "remote", texts: []string{"\x00\x01"}}, nil, "", false, true},
		{"both failing is one error naming both", &fakeSTT{name: "remote", finishErr: errors.New("HTTP 500")}, &fakeSTT{name: "sphinx", finishErr: errors.New("model missing")}, "", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &Fallback{Primary: tt.primary, Timeout: time.Second, Retry: time.Minute, Now: func() time.Time { return t0 }}
			if tt.secondary != nil {
				f.Secondary = tt.secondary
			}
			s, err := f.Start(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Write(speech); err != nil {
				t.Fatal(err)
			}
			tr, err := s.Finish(context.Background())
			var te *TranscribeError
			if tt.wantErr {
				if !errors.As(err, &te) {
					t.Fatalf("err %v, want a *TranscribeError", err)
				}
				return
			}
			if err != nil || tr.Text != tt.wantText {
				t.Fatalf("transcript %q, err %v; want %q", tr.Text, err, tt.wantText)
			}
			if got := s.(noticer).Notice() != ""; got != tt.wantNotice {
				t.Fatalf("notice %q", s.(noticer).Notice())
			}
			if tt.wantNotice && !f.down() {
				t.Fatal("the primary is not marked down after failing")
			}
		})
	}
}
