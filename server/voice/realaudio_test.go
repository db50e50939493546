package voice_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mockloop/mockloop/server/speechdata"
	"github.com/mockloop/mockloop/server/sphinx"
	"github.com/mockloop/mockloop/server/voice"
)

// realRun drives a Listener with the embedded recogniser over human
// recordings. Frames go in faster than real time on a clock advanced per
// frame; at each pause the driver waits for the recogniser's transcript
// before going on, as if it had arrived in the pause's first tenths of a
// second, so the verdicts do not depend on the machine's load.
type realRun struct {
	t      *testing.T
	frames chan voice.Frame
	ctl    chan voice.Control
	events chan voice.Event
	now    atomic.Int64
	at     time.Duration
	seen   []voice.Event
	rng    *rand.Rand
}

var realT0 = time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)

func newRealRun(t *testing.T, stt *sphinx.Transcriber, noStory bool) *realRun {
	r := &realRun{t: t, frames: make(chan voice.Frame), ctl: make(chan voice.Control, 4), events: make(chan voice.Event, 4096), rng: rand.New(rand.NewPCG(5, 6))}
	r.now.Store(realT0.UnixNano())
	l := voice.NewListener(voice.ListenerConfig{STT: stt, Now: func() time.Time { return time.Unix(0, r.now.Load()).UTC() },
		NewTicker: func(time.Duration) voice.Ticker { return idleTicker{} }})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- l.Run(ctx, r.frames, r.ctl, r.events) }()
	t.Cleanup(func() { cancel(); <-done })
	r.ctl <- voice.Control{Kind: voice.Reset, NoStory: noStory}
	return r
}

type idleTicker struct{}

func (idleTicker) C() <-chan time.Time { return nil }
func (idleTicker) Stop()               {}

func (r *realRun) feed(pcm []int16) {
	r.t.Helper()
	for _, f := range voice.NewFramer().Push(pcm) {
		f.At = r.at
		r.at += voice.FrameDur
		r.now.Add(int64(voice.FrameDur))
		select {
		case r.frames <- f:
		case <-time.After(10 * time.Second):
			r.t.Fatal("listener stopped taking frames")
		}
	}
}

// roomTone is the recording's own quietest 300 ms, repeated for d.
func roomTone(pcm []int16, d time.Duration) []int16 {
	const win = voice.SampleRate * 3 / 10
	best, bestAt := -1.0, 0
	for i := 0; i+win <= len(pcm); i += win / 2 {
		var s float64
		for _, v := range pcm[i : i+win] {
			s += float64(v) * float64(v)
		}
		if best < 0 || s < best {
			best, bestAt = s, i
		}
	}
	n := int(d * voice.SampleRate / time.Second)
	out := make([]int16, 0, n)
	for len(out) < n {
		out = append(out, pcm[bestAt:bestAt+min(win, n-len(out))]...)
	}
	return out
}

// pause feeds d of room tone, letting the transcript of what came before
// in after the first 0.6 s (the utterance end is 0.5 s).
func (r *realRun) pause(tone []int16, d time.Duration) {
	r.t.Helper()
	first := min(d, 600*time.Millisecond)
	spoke := r.at
	r.feed(roomToneN(tone, first))
	r.waitUtterances(spoke)
	if rest := d - first; rest > 0 {
		r.feed(roomToneN(tone, rest))
	}
}

func roomToneN(tone []int16, d time.Duration) []int16 {
	n := int(d * voice.SampleRate / time.Second)
	out := make([]int16, 0, n)
	for len(out) < n {
		out = append(out, tone[:min(len(tone), n-len(out))]...)
	}
	return out
}

// waitUtterances waits for the transcript of the utterance that ends at
// spoke (its kept audio ends within half a second of it), or a turn end.
func (r *realRun) waitUtterances(spoke time.Duration) {
	r.t.Helper()
	for _, ev := range r.seen {
		if ev.Kind == voice.Utterance && ev.Offset+ev.Duration >= spoke-500*time.Millisecond {
			return
		}
	}
	deadline := time.After(60 * time.Second)
	for {
		select {
		case ev := <-r.events:
			r.seen = append(r.seen, ev)
			if ev.Kind == voice.Utterance && ev.Offset+ev.Duration >= spoke-500*time.Millisecond || ev.Kind == voice.TurnEnd {
				r.drain()
				return
			}
		case <-deadline:
			r.t.Fatal("no transcript within 60 s")
		}
	}
}

func (r *realRun) drain() {
	for {
		select {
		case ev := <-r.events:
			r.seen = append(r.seen, ev)
		default:
			return
		}
	}
}

// said is what the recogniser heard, for failure messages.
func (r *realRun) said() string {
	var out []string
	for _, ev := range r.seen {
		if ev.Kind == voice.Utterance {
			out = append(out, ev.Text)
		}
	}
	return strings.Join(out, " | ")
}

func (r *realRun) turnEnds() []voice.Event {
	r.drain()
	var out []voice.Event
	for _, ev := range r.seen {
		if ev.Kind == voice.TurnEnd {
			out = append(out, ev)
		}
	}
	return out
}

func loadHuman(t *testing.T, name string) []int16 {
	t.Helper()
	dir, err := speechdata.Dir()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a, err := voice.ReadWAV(f)
	if err != nil {
		t.Fatal(err)
	}
	return a.PCM
}

func TestListenerOnRealSpeech(t *testing.T) {
	stt, err := sphinx.New(sphinx.Config{PoolSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stt.Close() })

	t.Run("a finished answer to a follow-up is committed within a second of its last voiced frame", func(t *testing.T) {
		t.Parallel()
		clip := loadHuman(t, "librispeech_61-70968-0000.wav")
		r := newRealRun(t, stt, true)
		r.feed(clip)
		r.pause(roomTone(clip, 300*time.Millisecond), 2*time.Second)
		ends := r.turnEnds()
		if len(ends) != 1 {
			t.Fatalf("%d turn ends after a finished answer", len(ends))
		}
		if wait := ends[0].Decided.Sub(ends[0].SpeechEnd); wait > time.Second {
			t.Fatalf("end of speech -> commit %v, want at most 1 s (%q)", wait, ends[0].Text)
		}
	})

	t.Run("a 3 s thinking pause after 'but um' is not cut, and the answer is committed after its end", func(t *testing.T) {
		t.Parallel()
		clip := loadHuman(t, "mfa_crossword.wav")
		cut := 2130 * voice.SampleRate / 1000 // after "but um"
		tone := roomTone(clip, 300*time.Millisecond)
		r := newRealRun(t, stt, true)
		r.feed(clip[:cut])
		r.pause(tone, 3*time.Second)
		if ends := r.turnEnds(); len(ends) != 0 {
			t.Fatalf("cut in during the pause after %q", ends[0].Text)
		}
		r.feed(clip[cut:])
		r.pause(tone, 3*time.Second)
		if ends := r.turnEnds(); len(ends) != 1 {
			t.Fatalf("%d turn ends after the answer's end: %s", len(ends), r.said())
		}
	})

	t.Run("a 4 s pause in a story that has not reached its result is not cut", func(t *testing.T) {
		t.Parallel()
		clip := loadHuman(t, "fleurs_en_002.wav")
		cut := 2960 * voice.SampleRate / 1000 // "…the romantic and | fascinating town"
		r := newRealRun(t, stt, false)
		r.feed(clip[:cut])
		r.pause(roomTone(clip, 300*time.Millisecond), 4*time.Second)
		if ends := r.turnEnds(); len(ends) != 0 {
			t.Fatalf("cut in during the pause after %q", ends[0].Text)
		}
	})
}
