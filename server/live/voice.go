package live

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/oggopus"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/rtc"
	"github.com/mockloop/mockloop/server/voice"
)

// VoiceDeps are the engines of the spoken path.
type VoiceDeps struct {
	STT      mockloop.Transcriber
	Fallback mockloop.Transcriber // the embedded engine when STT is remote; may be nil
	Synth    mockloop.Synthesizer // the default voice; nil: captions only, no interviewer voice
	// Voices are the voices a round may pick by id (Round.Engines["voice"]);
	// a round with an unknown or no id speaks with Synth.
	Voices map[string]mockloop.Synthesizer
	RTC    rtc.Config
	// Answer answers a browser's offer; nil means rtc.Answer. Tests pass a
	// fake so a Session runs without pion.
	Answer Answerer
	Turn   voice.TurnConfig
	// STTTimeout bounds one transcription by STT before Fallback takes
	// over; zero is the listener's default.
	STTTimeout time.Duration
	// AudioDir keeps each spoken answer as <round>/<seq>.opus (Ogg Opus);
	// empty keeps nothing.
	AudioDir string
}

// Peer is the browser connection a voice session uses: *rtc.Peer, or a
// fake in tests.
type Peer interface {
	// Frames is the microphone as 20 ms 16 kHz frames; closed when the
	// peer goes away.
	Frames() <-chan voice.Frame
	// Errors reports problems to show the user; never closed.
	Errors() <-chan error
	// Connected is closed once media can flow.
	Connected() <-chan struct{}
	AddICECandidate(candidateJSON []byte) error
	// NewEncoder returns the encoder for the interviewer track's codec,
	// and WriteAudio sends one 20 ms payload it made.
	NewEncoder() (voice.FrameEncoder, error)
	WriteAudio(payload []byte, dur time.Duration) error
	Close() error
}

// Answerer answers a browser's offer: the peer, the answer SDP, and
// local candidates found later through onICE.
type Answerer func(ctx context.Context, cfg rtc.Config, offerSDP string, onICE func(candidateJSON []byte)) (Peer, string, error)

// rtcAnswer is the production Answerer.
func rtcAnswer(ctx context.Context, cfg rtc.Config, offerSDP string, onICE func([]byte)) (Peer, string, error) {
	p, answer, err := rtc.Answer(ctx, cfg, offerSDP, onICE)
	if err != nil {
		return nil, "", err
	}
	return p, answer, nil
}

var _ Peer = (*rtc.Peer)(nil)

// synth is the voice this session's round speaks with.
func (s *Session) synth() mockloop.Synthesizer {
	vd := s.deps.Voice
	if vd == nil {
		return nil
	}
	if sy, ok := vd.Voices[s.round.Engines["voice"]]; ok && sy != nil {
		return sy
	}
	return vd.Synth
}

// voiceSession is the microphone and speaker of one session. The session
// goroutine owns it; the listener and forwarding goroutines only send.
type voiceSession struct {
	peer    Peer
	ctl     chan voice.Control
	cancel  context.CancelCauseFunc
	speaker *voice.Speaker
	muted   bool
	// replay cancels the question being read out again after the
	// microphone connected (audio only: the turn is already stored).
	replay context.CancelCauseFunc
	// audio is the open answer's recording, timeline-aligned so word
	// times seek correctly: gaps between utterances are silence.
	audio []int16
}

// errBargeIn is the cause recorded when the candidate talks over the
// interviewer.
var errBargeIn = errors.New("candidate started talking")

func (s *Session) startVoice(sdp string) {
	vd := s.deps.Voice
	if vd == nil || vd.STT == nil {
		s.sendError(mockloop.CodeRTC, "Voice is not enabled on this server; type your answers.")
		return
	}
	if s.round.Status == mockloop.StatusFinished {
		s.sendError(mockloop.CodeRoundFinished, "This round is over.")
		return
	}
	s.closeVoice()
	vctx, cancel := context.WithCancelCause(s.ctx)
	onICE := func(c []byte) {
		s.Do(func() { s.send(mockloop.Message{Type: "rtc_ice", Candidate: c}) })
	}
	cfg := vd.RTC
	cfg.Logger = s.log
	answer := vd.Answer
	if answer == nil {
		answer = rtcAnswer
	}
	peer, answerSDP, err := answer(vctx, cfg, sdp, onICE)
	if err != nil {
		cancel(err)
		s.log.Warn("webrtc offer refused", "err", err)
		s.sendError(mockloop.CodeRTC, "Could not start the microphone connection: "+err.Error())
		return
	}
	enc, err := peer.NewEncoder()
	if err != nil {
		cancel(err)
		_ = peer.Close()
		s.log.Error("interviewer audio encoder", "err", err)
		s.sendError(mockloop.CodeRTC, "Could not start the interviewer's voice: "+err.Error())
		return
	}
	vs := &voiceSession{peer: peer, ctl: make(chan voice.Control, 8), cancel: cancel}
	vs.speaker = voice.NewSpeaker(peer.WriteAudio, enc, nil)
	vs.speaker.Now = s.deps.Now
	s.voice = vs
	s.send(mockloop.Message{Type: "rtc_answer", SDP: answerSDP})

	l := voice.NewListener(voice.ListenerConfig{
		Turn:       vd.Turn,
		STT:        vd.STT,
		Fallback:   vd.Fallback,
		STTTimeout: vd.STTTimeout,
		Now:        s.deps.Now,
		Logger:     s.log,
	})
	events := make(chan voice.Event, 64)
	if m := s.current; m != nil {
		vs.ctl <- answerControl(*m)
	}
	go func() {
		// When the peer goes away the listener finalises what was said and
		// returns; only then does the rest of this peer's work stop.
		err := l.Run(mockloop.WithSpeaker(vctx, s.id), peer.Frames(), vs.ctl, events)
		if err != nil && !errors.Is(err, context.Canceled) && context.Cause(vctx) == nil {
			s.log.Warn("listener stopped", "err", err)
		}
		cancel(errors.New("listener finished"))
	}()
	go func() {
		for ev := range events {
			s.Do(func() { s.onVoice(vs, ev) })
		}
	}()
	go func() {
		select {
		case <-peer.Connected():
			s.Do(func() { s.replayQuestion(vs) })
		case <-vctx.Done():
		}
	}()
	go func() {
		for {
			select {
			case err, ok := <-peer.Errors():
				if !ok {
					return
				}
				s.Do(func() {
					if s.voice == vs {
						s.notice("warn", "Microphone connection: "+err.Error())
					}
				})
			case <-vctx.Done():
				return
			}
		}
	}()
}

func (s *Session) addICE(candidate []byte) {
	if s.voice == nil {
		return
	}
	if err := s.voice.peer.AddICECandidate(candidate); err != nil {
		s.sendError(mockloop.CodeRTC, "Bad ICE candidate: "+err.Error())
	}
}

func (s *Session) setMute(on bool) {
	vs := s.voice
	if vs == nil || vs.muted == on {
		return
	}
	vs.muted = on
	kind := voice.Unmute
	if on {
		kind = voice.Mute
	}
	vs.control(voice.Control{Kind: kind})
}

func (s *Session) voiceDone() {
	s.voice.control(voice.Control{Kind: voice.Done})
}

// control sends c to the listener without blocking the session; the
// channel is buffered and controls are rare.
func (vs *voiceSession) control(c voice.Control) {
	select {
	case vs.ctl <- c:
	default:
	}
}

// closeVoice ends the microphone connection gracefully: the peer closes,
// the listener finalises the utterance in progress (it is stored and joins
// the answer after a reconnect), then its goroutines end.
func (s *Session) closeVoice() {
	vs := s.voice
	if vs == nil {
		return
	}
	s.voice = nil
	if vs.replay != nil {
		vs.replay(errors.New("microphone closed"))
	}
	_ = vs.peer.Close()
}

// stopVoice tears down the microphone at once (the round finished or the
// session is stopping); speech not yet finalised is dropped.
func (s *Session) stopVoice(reason string) {
	vs := s.voice
	if vs == nil {
		return
	}
	s.voice = nil
	if vs.replay != nil {
		vs.replay(fmt.Errorf("voice stopped: %s", reason))
	}
	_ = vs.peer.Close()
	vs.cancel(fmt.Errorf("voice stopped: %s", reason))
}

// replayQuestion reads the question out when the microphone connects after
// it was asked (the page asked first and connected the microphone later),
// so a spoken round always starts with a spoken question.
func (s *Session) replayQuestion(vs *voiceSession) {
	if s.voice != vs || s.reply != nil || s.current == nil || len(s.openUtts) > 0 || s.synth() == nil {
		return
	}
	var text string
	for i := len(s.turns) - 1; i >= 0; i-- {
		if s.turns[i].Role == mockloop.RoleInterviewer {
			text = s.turns[i].Text
			break
		}
	}
	if text == "" {
		return
	}
	newOut := s.voiceOut(&reply{})
	if newOut == nil {
		return
	}
	ctx, cancel := context.WithCancelCause(s.ctx)
	vs.replay = cancel
	out := newOut(ctx)
	go func() {
		out.push(text)
		out.finish()
		<-out.done
		cancel(nil)
		s.Do(func() {
			if vs.replay != nil && ctx.Err() != nil {
				vs.replay = nil
			}
		})
	}()
}

// voiceNewAnswer opens a new answer turn in the listener once the
// interviewer has finished asking.
func (s *Session) voiceNewAnswer(m round.Move) {
	if s.voice != nil {
		s.voice.control(answerControl(m))
	}
}

// answerControl opens the listener's turn for the answer to m: capped by
// its timebox, waiting for a story's result where the answer is a story
// (a main behavioral question), and in system design and coding for what
// the turn is for (the phases of its stage, or the phase a follow-up
// asked about), so a pause between parts of a design is not taken for
// its end.
func answerControl(m round.Move) voice.Control {
	c := voice.Control{Kind: voice.Reset, MaxAnswer: m.Timebox, NoStory: true}
	switch r := m.AnalysisRound; {
	case analysis.QuestionStages(r) != nil:
		stage, code := m.Phase, m.Prompt.ProbeCode
		c.Expect = func(text string) bool { return analysis.Covers(r, stage, code, text) }
	case m.Prompt.Kind == mockloop.TurnQuestion:
		c.NoStory = false
	}
	return c
}

func (s *Session) onVoice(vs *voiceSession, ev voice.Event) {
	if s.voice != vs && ev.Kind != voice.Utterance {
		return // a torn-down peer; its finished utterances are still kept
	}
	switch ev.Kind {
	case voice.BargeIn:
		// Not SpeechStart: a cough or a click opens an utterance but is
		// not the candidate talking over the interviewer.
		if vs.replay != nil {
			s.log.Info("barge-in: interviewer interrupted", "reading", "question again")
			vs.replay(errBargeIn)
			vs.replay = nil
			s.send(mockloop.Message{Type: "listen", State: "interrupted"})
		}
		if s.reply != nil {
			s.log.Info("barge-in: interviewer interrupted")
			s.send(mockloop.Message{Type: "listen", State: "interrupted"})
			s.interrupt(errBargeIn)
		}
	case voice.Partial:
		s.send(mockloop.Message{Type: "partial", Text: ev.Text})
		if s.current != nil {
			s.live(strings.TrimSpace(s.openText() + " " + ev.Text))
		}
	case voice.Utterance:
		s.keepUtterance(vs, ev)
	case voice.TurnEnd:
		if ev.Reason == voice.ReasonPeerGone || len(s.openUtts) == 0 {
			return // the utterances are stored; the answer goes on after a reconnect
		}
		s.commitSpoken(ev)
	case voice.State:
		s.send(mockloop.Message{Type: "listen", State: ev.State})
	case voice.Notice:
		s.notice("warn", ev.Text)
		if ev.FromSTT {
			s.deps.Observer.EngineError("stt", "fallback")
		}
	case voice.Busy:
		s.notice("info", ev.Text)
		s.deps.Observer.EngineError("stt", "busy")
	case voice.Hold:
		// A long thinking pause: a gentle line, and the floor stays with
		// the candidate.
		s.notice("info", ev.Text)
	}
}

// openText joins the open answer's utterances.
func (s *Session) openText() string {
	parts := make([]string, 0, len(s.openUtts))
	for _, u := range s.openUtts {
		if u.Text != "" {
			parts = append(parts, u.Text)
		}
	}
	return strings.Join(parts, " ")
}

// keepUtterance stores a finalised utterance, then acknowledges it to the
// page; its audio joins the answer's recording.
func (s *Session) keepUtterance(vs *voiceSession, ev voice.Event) {
	u := &mockloop.Utterance{
		RoundID:   s.id,
		TurnSeq:   s.nextSeq,
		Seq:       len(s.openUtts),
		Text:      strings.TrimSpace(ev.Transcript.Text),
		Words:     ev.Transcript.Words,
		Offset:    ev.Offset.Seconds(),
		Duration:  ev.Duration.Seconds(),
		Engine:    ev.Transcript.Engine,
		CreatedAt: s.now(),
	}
	if u.Text == "" {
		u.Engine = "failed: " + u.Engine
		s.notice("warn", "An utterance could not be transcribed; its audio is kept so it can be transcribed later.")
	}
	if err := s.deps.Store.AddUtterance(s.ctx, u); err != nil {
		s.log.Error("save utterance", "err", err)
		s.sendError(mockloop.CodeStorage, "Could not save what you just said: "+storageReason(err)+".")
		return
	}
	s.openUtts = append(s.openUtts, *u)
	s.deps.Observer.Utterance(u.Engine, u.Duration)
	if s.deps.Voice.AudioDir != "" {
		vs.audio = placeAudio(vs.audio, ev.PCM, ev.Offset)
	}
	s.send(mockloop.Message{Type: "utterance", Utterance: u})
}

// placeAudio writes pcm at offset into the answer's timeline, padding the
// gap with silence; a lead-in that overlaps what is there is trimmed.
func placeAudio(timeline, pcm []int16, offset time.Duration) []int16 {
	at := int(offset.Seconds() * voice.SampleRate)
	if at < 0 {
		at = 0
	}
	if at > len(timeline) {
		timeline = append(timeline, make([]int16, at-len(timeline))...)
	}
	overlap := len(timeline) - at
	if overlap >= len(pcm) {
		return timeline
	}
	return append(timeline, pcm[overlap:]...)
}

// commitSpoken commits the open answer: its utterances' text and words,
// with word times moved onto the answer's timeline. The listener's clock
// comes along: the reply's latency is measured from the end of speech.
func (s *Session) commitSpoken(ev voice.Event) {
	var words []analysis.Word
	engine := ""
	for _, u := range s.openUtts {
		for _, w := range u.Words {
			w.Start, w.End = w.Start+u.Offset, w.End+u.Offset // keeps Conf
			words = append(words, w)
		}
		if engine == "" && !strings.HasPrefix(u.Engine, "failed") {
			engine = u.Engine
		}
	}
	text := s.openText()
	if text == "" {
		return
	}
	a := answer{text: s.capAnswer(text), words: words, source: engine, at: s.now(),
		speechEnd: ev.SpeechEnd, decided: ev.Decided, transcribed: ev.Transcribed}
	if len(words) > mockloop.MaxAnswerWords {
		a.words = words[:mockloop.MaxAnswerWords]
	}
	if vs := s.voice; vs != nil && len(vs.audio) > 0 {
		a.audioPath = s.saveAudio(vs.audio)
		vs.audio = nil
	}
	s.commit(a)
}

// saveAudio writes the answer's recording as Ogg Opus, about a tenth of
// the WAV it used to be; a failure costs the playback, never the answer.
func (s *Session) saveAudio(pcm []int16) string {
	dir := filepath.Join(s.deps.Voice.AudioDir, filepath.Base(s.id))
	name := fmt.Sprintf("%d.opus", s.nextSeq)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		s.log.Warn("keep audio", "err", err)
		return ""
	}
	// Encoding takes about 7 ms per second of audio: done off the session
	// goroutine so a long answer does not delay the next question. The
	// file appears under its name only when complete.
	log := s.log
	s.hub.goTracked(func() {
		if err := writeOpus(filepath.Join(dir, name), pcm); err != nil {
			log.Warn("keep audio", "err", err)
		}
	})
	return name
}

// writeOpus encodes pcm to path through a temporary file and a rename.
func writeOpus(path string, pcm []int16) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".audio-*")
	if err != nil {
		return err
	}
	err = oggopus.Encode(f, mockloop.Audio{SampleRate: voice.SampleRate, PCM: pcm}, oggopus.DefaultBitrate)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
	}
	return err
}

// speechOut turns one reply attempt's streamed text into audio as it
// comes: text is cut into sentences (or clauses, or what came before a
// pause in the stream), and each piece is synthesised while the one before
// it plays. Data flows one way: push -> split -> synth -> play. Everything
// runs under the attempt's own context, so reset drops the text, the
// queued sentences and the synthesised audio at once.
type speechOut struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	chunks chan string
	done   chan struct{}
}

// errAttemptReset is the cause when an attempt's speech is dropped (the
// LLM failed and the scripted interviewer starts over).
var errAttemptReset = errors.New("reply attempt reset")

// voiceOut returns a maker of the audio path for reply r's attempts, or
// nil when there is no microphone connection or no voice engine (captions
// only). It runs on the session goroutine and captures what the attempts
// need, so the reply goroutine never reads session state.
func (s *Session) voiceOut(r *reply) func(ctx context.Context) *speechOut {
	vs := s.voice
	synth := s.synth()
	if vs == nil || synth == nil {
		return nil
	}
	return func(parent context.Context) *speechOut {
		ctx, cancel := context.WithCancelCause(parent)
		o := &speechOut{ctx: ctx, cancel: cancel, chunks: make(chan string, 64), done: make(chan struct{})}
		sentences := make(chan string, 16)
		audio := make(chan mockloop.Audio, 2)
		go func() {
			defer s.recoverPanic("split")
			defer close(sentences)
			splitSpeech(ctx, o.chunks, sentences)
		}()
		go func() {
			defer s.recoverPanic("synthesis")
			defer close(audio)
			for text := range sentences {
				if ctx.Err() != nil {
					continue // drain; the attempt was reset or barged in on
				}
				a, err := synth.Synthesize(ctx, text)
				if err != nil {
					if ctx.Err() == nil {
						s.log.Warn("synthesize", "err", err)
						kind, msg := failure(err, "The voice engine failed")
						s.deps.Observer.EngineError("tts", kind)
						s.Do(func() {
							s.engineNotice("tts", kind, msg+"; the interviewer's words are shown as captions.")
						})
					}
					continue
				}
				select {
				case audio <- a:
				case <-ctx.Done():
				}
			}
		}()
		go func() {
			defer s.recoverPanic("playback")
			defer close(o.done)
			for a := range audio {
				if ctx.Err() != nil {
					continue // drain; barge-in and reset drop queued audio
				}
				first, err := vs.speaker.Play(ctx, a)
				if !first.IsZero() {
					r.mu.Lock()
					if r.firstAudio.IsZero() {
						r.firstAudio = first
					}
					r.mu.Unlock()
				}
				if err != nil && ctx.Err() == nil {
					s.log.Warn("play", "err", err)
				}
			}
		}()
		return o
	}
}

// speechIdleGap is how long the audio path waits for more of a piece with
// no sentence end before speaking it.
const speechIdleGap = 150 * time.Millisecond

// splitSpeech cuts the chunks into speakable pieces until chunks closes
// (then the rest is spoken) or ctx ends. A pause in the stream speaks what
// came before it, so an unpunctuated reply is not held to its end.
func splitSpeech(ctx context.Context, chunks <-chan string, out chan<- string) {
	// The interviewers hand over whole sentences or checked clauses in
	// bursts, not single tokens, so a short pause already means the
	// piece is complete.
	split := voice.SentenceSplitter{IdleGap: speechIdleGap}
	idle := time.NewTimer(time.Hour)
	idle.Stop()
	defer idle.Stop()
	send := func(p string) {
		if p = strings.TrimSpace(p); p == "" {
			return
		}
		select {
		case out <- p:
		case <-ctx.Done():
		}
	}
	arm := func(now time.Time) {
		if due := split.Due(); !due.IsZero() {
			idle.Reset(max(due.Sub(now), time.Millisecond))
		}
	}
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				send(split.Flush())
				return
			}
			now := time.Now()
			for _, p := range split.PushAt(c, now) {
				send(p)
			}
			arm(now)
		case <-idle.C:
			now := time.Now()
			send(split.Idle(now))
			arm(now)
		case <-ctx.Done():
			return
		}
	}
}

func (o *speechOut) push(chunk string) {
	select {
	case o.chunks <- chunk:
	case <-o.ctx.Done():
	}
}

// reset drops everything of this attempt not yet heard: text, queued
// sentences, synthesised audio and the sentence playing now. The caller
// waits on done before the next attempt speaks.
func (o *speechOut) reset() {
	o.cancel(errAttemptReset)
	close(o.chunks)
}

// finish speaks what is left and closes the input.
func (o *speechOut) finish() { close(o.chunks) }

// Done is the "I'm done" button: commit the spoken turn now.
func (s *Session) Done() {
	s.Do(func() {
		if s.voice == nil {
			s.sendError(mockloop.CodeRTC, "The microphone is not connected; submit a typed answer instead.")
			return
		}
		s.voiceDone()
	})
}

// Offer starts the microphone from a WebRTC offer.
func (s *Session) Offer(sdp string) {
	s.Do(func() { s.startVoice(sdp) })
}

// ICE adds a trickled candidate from the browser.
func (s *Session) ICE(candidate []byte) {
	s.Do(func() { s.addICE(candidate) })
}

// Mute stops or resumes listening without tearing down WebRTC.
func (s *Session) Mute(on bool) {
	s.Do(func() { s.setMute(on) })
}
