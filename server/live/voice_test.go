package live

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/rtc"
	"github.com/mockloop/mockloop/server/voice"
)

// fakePeer is a browser connection without pion: the test owns the
// microphone frames and reads what the interviewer sent.
type fakePeer struct {
	frames    chan voice.Frame
	errs      chan error
	connected chan struct{}
	written   chan []byte
	closeOnce sync.Once
}

func newFakePeer() *fakePeer {
	return &fakePeer{frames: make(chan voice.Frame), errs: make(chan error), connected: make(chan struct{}), written: make(chan []byte, 1000)}
}

func (p *fakePeer) Frames() <-chan voice.Frame              { return p.frames }
func (p *fakePeer) Errors() <-chan error                    { return p.errs }
func (p *fakePeer) Connected() <-chan struct{}              { return p.connected }
func (p *fakePeer) AddICECandidate([]byte) error            { return nil }
func (p *fakePeer) NewEncoder() (voice.FrameEncoder, error) { return voice.MuLawEncoder{}, nil }
func (p *fakePeer) WriteAudio(b []byte, _ time.Duration) error {
	p.written <- b
	return nil
}
func (p *fakePeer) Close() error {
	p.closeOnce.Do(func() { close(p.frames) })
	return nil
}

// fakeVoice records what it was asked to say and returns 100 ms of tone.
type fakeVoice struct {
	name string
	said chan string
}

func (v *fakeVoice) Name() string { return v.name }
func (v *fakeVoice) Synthesize(_ context.Context, text string) (mockloop.Audio, error) {
	v.said <- text
	pcm := make([]int16, 1600)
	for i := range pcm {
		pcm[i] = int16(4000 * (i % 16) / 16)
	}
	return mockloop.Audio{SampleRate: 16000, PCM: pcm}, nil
}

// silentSTT hears nothing; these tests send no speech.
type silentSTT struct{}

func (silentSTT) Name() string { return "silent" }
func (silentSTT) Start(context.Context) (mockloop.TranscriberStream, error) {
	return nil, errors.New("no speech expected")
}

func newVoiceSession(t *testing.T, roundVoice string, vd *VoiceDeps) (*Session, *fakeOutbox) {
	t.Helper()
	ctx := context.Background()
	deps, db, _ := testDeps(t)
	deps.Voice, deps.Now = vd, time.Now
	createRounds(t, deps, db, true, "r1")
	r, err := db.Round(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	r.Engines = map[string]string{"voice": roundVoice}
	if err := db.SaveStep(ctx, mockloop.Step{Round: r}); err != nil {
		t.Fatal(err)
	}
	return attachHello(t, deps, "r1")
}

func TestVoiceSessionWithoutPion(t *testing.T) {
	tests := []struct {
		name       string
		roundVoice string
		want       string // which fake voice reads the question
	}{
		{"the round's chosen voice reads the question when the microphone connects", "male", "male"},
		{"a round without a choice uses the default voice", "", "female"},
		{"a voice the server no longer has falls back to the default", "gone", "female"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			female := &fakeVoice{name: "female", said: make(chan string, 10)}
			male := &fakeVoice{name: "male", said: make(chan string, 10)}
			peer := newFakePeer()
			var gotCfg rtc.Config
			vd := &VoiceDeps{
				STT:    silentSTT{},
				Synth:  female,
				Voices: map[string]mockloop.Synthesizer{"female": female, "male": male},
				Answer: func(_ context.Context, cfg rtc.Config, offer string, _ func([]byte)) (Peer, string, error) {
					gotCfg = cfg
					if offer != "v=0 offer" {
						t.Errorf("offer %q", offer)
					}
					return peer, "v=0 answer", nil
				},
			}
			s, out := newVoiceSession(t, tt.roundVoice, vd)
			s.Offer("v=0 offer")
			ans, _ := out.next(t, "rtc_answer")
			if ans.SDP != "v=0 answer" || gotCfg.Logger == nil {
				t.Fatalf("answer %q, logger set %v", ans.SDP, gotCfg.Logger != nil)
			}
			close(peer.connected)
			want, other := female, male
			if tt.want == "male" {
				want, other = male, female
			}
			select {
			case text := <-want.said:
				if text == "" {
					t.Fatal("asked to say nothing")
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("the %s voice was not asked to read the question", tt.want)
			}
			// 100 ms of audio is five 20 ms µ-law frames on the peer.
			for i := range 5 {
				select {
				case b := <-peer.written:
					if len(b) != 160 {
						t.Fatalf("frame %d is %d bytes", i, len(b))
					}
				case <-time.After(5 * time.Second):
					t.Fatalf("%d of 5 frames reached the peer", i)
				}
			}
			select {
			case text := <-other.said:
				t.Fatalf("the other voice was asked to say %q", text)
			default:
			}
		})
	}
	t.Run("a refused offer is reported to the page", func(t *testing.T) {
		vd := &VoiceDeps{STT: silentSTT{}, Answer: func(context.Context, rtc.Config, string, func([]byte)) (Peer, string, error) {
			return nil, "", rtc.ErrNoOpus
		}}
		s, out := newVoiceSession(t, "", vd)
		s.Offer("v=0")
		m, _ := out.next(t, "error")
		if m.Code != mockloop.CodeRTC {
			t.Fatalf("code %q, want %q", m.Code, mockloop.CodeRTC)
		}
	})
}

func TestAnswerControl(t *testing.T) {
	const (
		scopeOnly = "Okay, I want to pin down who uses this and what is in scope."
		fullReqs  = "Who uses it: our own services notify users; SMS is out of scope for the first version. It must deliver at least once with dedup and respect opt-outs. About 20 million a day, 2,000 per second at peak."
		retries   = "If a provider times out we retry with backoff, and after five tries it goes to a dead-letter queue."
	)
	sd := func(kind mockloop.TurnKind, stage, probe string) round.Move {
		return round.Move{Prompt: mockloop.Prompt{Kind: kind, ProbeCode: probe}, Phase: stage, AnalysisRound: analysis.SystemDesign, Timebox: time.Minute}
	}
	tests := []struct {
		name    string
		move    round.Move
		story   bool
		expects map[string]bool // text -> whether it gives what the turn is for
	}{
		{"a main behavioral question waits for the story's result", round.Move{Prompt: mockloop.Prompt{Kind: mockloop.TurnQuestion}, AnalysisRound: analysis.Behavioral}, true, nil},
		{"a behavioral follow-up is not a story", round.Move{Prompt: mockloop.Prompt{Kind: mockloop.TurnProbe}, AnalysisRound: analysis.Behavioral}, false, nil},
		{"a design stage waits for all of its phases", sd(mockloop.TurnQuestion, analysis.StageRequirements, ""), false,
			map[string]bool{scopeOnly: false, fullReqs: true}},
		{"a design follow-up waits for the phase it asked about", sd(mockloop.TurnProbe, analysis.StageHighLevel, "no_failure_handling"), false,
			map[string]bool{scopeOnly: false, retries: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := answerControl(tt.move)
			if c.Kind != voice.Reset || c.MaxAnswer != tt.move.Timebox || c.NoStory == tt.story {
				t.Fatalf("control %+v, want a reset with the timebox and story %v", c, tt.story)
			}
			if (c.Expect != nil) != (tt.expects != nil) {
				t.Fatalf("expect set %v, want %v", c.Expect != nil, tt.expects != nil)
			}
			for text, want := range tt.expects {
				if got := c.Expect(text); got != want {
					t.Errorf("Expect(%q) = %v, want %v", text, got, want)
				}
			}
		})
	}
}
