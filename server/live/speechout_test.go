package live

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/voice"
)

// markSynth makes one 20 ms frame per sentence: loud for the LLM's
// sentences (they start "LLM"), quiet for the scripted ones, so the sink
// can tell whose audio it was given. It remembers the context of the
// first LLM sentence and signals when the second is synthesised (queued).
type markSynth struct {
	mu      sync.Mutex
	firstFn context.Context
	queued  chan struct{}
	once    sync.Once
	n       int
}

func (m *markSynth) Name() string { return "mark" }

func (m *markSynth) Synthesize(ctx context.Context, text string) (mockloop.Audio, error) {
	v := int16(-200)
	if strings.HasPrefix(text, "LLM") {
		v = 20000
		m.mu.Lock()
		m.n++
		if m.n == 1 {
			m.firstFn = ctx
		}
		if m.n == 2 {
			m.once.Do(func() { close(m.queued) })
		}
		m.mu.Unlock()
	}
	pcm := make([]int16, voice.MuLawRate/50)
	for i := range pcm {
		pcm[i] = v
	}
	return mockloop.Audio{PCM: pcm, SampleRate: voice.MuLawRate}, nil
}

func (m *markSynth) ctx() context.Context {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.firstFn
}

// halfLLM says two sentences, waits until the first is playing and the
// second is queued for speech, then fails: a stream that broke mid-reply.
type halfLLM struct{ queued, playing chan struct{} }

func (h halfLLM) Name() string { return "llm:half" }
func (h halfLLM) Say(ctx context.Context, p mockloop.Prompt, emit func(string)) (string, error) {
	emit("LLM one is speaking now. ")
	emit("LLM two is waiting in the queue. ")
	for _, c := range []chan struct{}{h.queued, h.playing} {
		select {
		case <-c:
		case <-ctx.Done():
		}
	}
	return "", errors.New("stream broke")
}

// TestFailedAttemptsSpeechIsDroppedBeforeTheFallback: when the LLM fails
// mid-reply, its sentence being played stops, its queued sentence is never
// played, and only then does the scripted turn speak (issue 11).
func TestFailedAttemptsSpeechIsDroppedBeforeTheFallback(t *testing.T) {
	synth := &markSynth{queued: make(chan struct{})}
	playing := make(chan struct{})
	hub := newHub(t, halfLLM{queued: synth.queued, playing: playing}, "r")
	hub.deps.Voice = &VoiceDeps{Synth: synth}

	var mu sync.Mutex
	var frames []byte // first byte of each frame the speaker sent
	loud := voice.EncodeMuLaw([]int16{20000})[0]
	sink := func(payload []byte, dur time.Duration) error {
		mu.Lock()
		frames = append(frames, payload[0])
		first := len(frames) == 1
		mu.Unlock()
		if first {
			close(playing)
			// The LLM's first sentence is still playing when the
			// reply fails; it plays until the attempt is reset.
			<-synth.ctx().Done()
		}
		return nil
	}
	out := &fakeOutbox{msgs: make(chan mockloop.Message, 1024)}
	s, err := hub.Attach(context.Background(), "r", out)
	if err != nil {
		t.Fatal(err)
	}
	s.call(func() {
		s.voice = &voiceSession{speaker: voice.NewSpeaker(sink, voice.MuLawEncoder{}, nil), ctl: make(chan voice.Control, 4)}
	})
	// The stub voice session has no peer to close.
	t.Cleanup(func() { s.call(func() { s.voice = nil }) })
	s.Hello()
	m, _ := out.next(t, "interviewer")
	if m.Turn.Source != "scripted" || strings.Contains(m.Turn.Text, "LLM") {
		t.Fatalf("stored turn %q from %q, want the scripted turn alone", m.Turn.Text, m.Turn.Source)
	}
	mu.Lock()
	defer mu.Unlock()
	var llm, scripted int
	for _, f := range frames {
		if f == loud {
			llm++
		} else {
			scripted++
		}
	}
	if llm != 1 {
		t.Errorf("%d frames of LLM audio played, want only the one already playing (the queued sentence must be dropped)", llm)
	}
	if scripted == 0 || frames[0] != loud {
		t.Errorf("frames %v: want the LLM's first frame, then the scripted turn's", frames)
	}
}
