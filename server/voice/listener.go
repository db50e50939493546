package voice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// ListenerConfig wires a Listener. STT is required for transcripts;
// everything else has a default.
type ListenerConfig struct {
	Turn TurnConfig
	VAD  VADConfig
	// STT is the primary transcriber, streamed to while the candidate
	// talks.
	STT mockloop.Transcriber
	// Fallback transcribes an utterance's kept audio when STT fails: it
	// errors, is down, takes longer than STTTimeout, or returns garbage.
	Fallback mockloop.Transcriber
	// Now is the wall clock; ticks and frame arrivals are timed with it.
	Now    func() time.Time
	Logger *slog.Logger

	// NewTicker makes the clock that drives timers when frames stop
	// (muted microphone, DTX); default NewTimeTicker.
	NewTicker func(time.Duration) Ticker
	// STTTimeout bounds the primary's Finish; default 8 s.
	STTTimeout time.Duration
	// MaxUtterance caps one utterance (default 30 s) so transcriber
	// streams stay short in a 20-minute answer; the split falls on the
	// quietest frame of the last SplitSearch.
	MaxUtterance time.Duration
	// SplitSearch is how much audio before MaxUtterance is held back to
	// find the split point; default 5 s.
	SplitSearch time.Duration
	// PrimaryRetry is how long utterances go straight to Fallback after
	// STT failed, so a dead endpoint costs one timeout, not one per
	// utterance; default 30 s.
	PrimaryRetry time.Duration
}

// Defaults for ListenerConfig's optional fields.
const (
	defaultSTTTimeout   = 8 * time.Second
	defaultMaxUtterance = 30 * time.Second
	defaultSplitSearch  = 5 * time.Second
	defaultPrimaryRetry = 30 * time.Second
	// tickEvery is how often the clock checks timers when frames stop.
	tickEvery = 100 * time.Millisecond
	// stallGrace is how long frames may be late before the Listener
	// counts the gap as silence; loopback jitter is far below it.
	stallGrace = 200 * time.Millisecond
	// speechStallGrace is stallGrace while an utterance is open. Frames
	// that stop mid-speech are far more often late (a loaded machine, a
	// burst from the sender) than gone, and silence filled in then is
	// kept: the late frames follow it and the words are cut apart.
	speechStallGrace = time.Second
	// maxFill bounds the silence filled in one go, so a bogus timestamp
	// jump cannot make the Listener spin.
	maxFill = time.Minute
	// keptTail is how much trailing silence after the last voiced frame
	// stays in an utterance's kept audio.
	keptTail = 300 * time.Millisecond
	// prosodyFrames is the end of speech the prosody is read from: the
	// last half second.
	prosodyFrames = 25
	// busyText is told to the candidate when no recogniser is free.
	busyText = "Every speech recogniser is busy; what you say is kept and transcribed as soon as one is free."
	// holdText is the gentle line after a long thinking pause.
	holdText = "Take your time."
)

// Listener turns a candidate's microphone frames into utterances and turn
// ends. Its stages, in data order:
//
//	frames -> segmenter (VAD, lead-in, utterance assembly; the frame loop)
//	       -> speech-to-text (one goroutine per utterance, fed through a
//	          non-blocking sttFeed; see stt.go)
//	       -> turn policy (Decide, a pure function of the words, the story,
//	          the prosody and the silence; run by the frame loop on each
//	          frame, tick and transcript)
//
// Fallback and garbage checks are a Transcriber decorator (Fallback). The
// frame loop never waits for speech-to-text: a stream that cannot get a
// decoder is reported as a Busy event while its audio queues. Timing runs
// from the clock as well as from frames, since packets stop under DTX or
// mute. Use one Listener per spoken session and call Run once.
//
// Memory stays bounded in long answers: the Listener keeps only the open
// utterance's audio (at most MaxUtterance) and the utterances waiting for
// their transcripts.
type Listener struct {
	cfg ListenerConfig
	log *slog.Logger
	vad *VAD
	stt mockloop.Transcriber // nil: no engine, audio is only kept

	// Everything below is owned by the Run goroutine.
	ctx    context.Context
	events chan<- Event
	msgs   chan sttMsg
	wg     sync.WaitGroup

	clock streamClock
	seg   segmenter
	turn  turnState
	// closed are utterances handed to speech-to-text, in order; their
	// events go out in that order whatever order the transcripts finish.
	closed []*closedUtt
	muted  bool
	state  string
	level  float64
	// pitch is the speaker's range over the session, for PitchLevel.
	pitch PitchRange
}

// streamClock maps stream time (frames processed, real and filled) to
// the wall clock.
type streamClock struct {
	pos           time.Duration // stream time processed
	wall          time.Time     // wall time of the frame being processed
	lastWall      time.Time     // arrival of the last real frame
	lastPosAtWall time.Duration // pos just after that frame
	lastAt        time.Duration // its Frame.At
	haveAt        bool
	filledSince   time.Duration // silence filled by ticks since that frame
}

// turnPhase is where the answer turn is.
type turnPhase int

const (
	// turnIdle: the turn was committed; speech starts the next one.
	turnIdle turnPhase = iota
	// turnOpen: the candidate has the floor.
	turnOpen
	// turnCommitting: the turn is decided and waits for its transcripts.
	turnCommitting
)

// turnState is one answer turn, as the turn policy sees it.
type turnState struct {
	n         int
	phase     turnPhase
	start     time.Duration
	maxAnswer time.Duration
	noStory   bool
	expect    func(text string) bool // Control.Expect
	spoke     bool                   // a non-empty utterance in this turn
	text      []string               // final utterance texts
	// The end of speech: stream time just after the last voiced frame,
	// and the wall time it arrived.
	voicedPos  time.Duration
	voicedWall time.Time
	voiced     time.Duration // voiced frames in the turn so far
	nudged     bool          // a Hold went out in this pause
	why        string        // the policy's last reading, logged when it changes
	reason     string
	decidedAt  time.Duration
	decided    time.Time
	// Caches, so the policy costs nothing on frames where nothing changed.
	story      Story
	storyText  string
	ending     Ending
	asks       bool // the last utterance opens as a question
	contour    Contour
	level      float64 // PitchLevel of the same ending
	levelKnown bool
	contourAt  time.Duration // voicedPos the contour was read for; -1: none
}

// segmenter is the VAD and utterance-assembly stage.
type segmenter struct {
	ring     []Frame // lead-in: recent frames while no utterance is open
	ringSize int
	tail     []Frame // the last prosodyFrames frames up to the last voiced one
	recent   []Frame // frames since then (unvoiced), at most prosodyFrames
	utt      *utterance
	nextID   int
	// started is closed when the newest utterance's stream has started;
	// the next one starts after it.
	started chan struct{}
}

// utterance is the open stretch of speech.
type utterance struct {
	id         int
	turn       int
	start      time.Duration
	pcm        []int16 // handed to speech-to-text and kept
	held       []Frame // split-search window, not yet handed over
	heldLvl    []float64
	lastSpeech time.Duration
	feed       *sttFeed
	busy       bool // a Busy event went out for it
	barge      bargeIn
}

func (u *utterance) dur() time.Duration {
	return samplesDur(len(u.pcm) + len(u.held)*FrameSamples)
}

func (u *utterance) write(pcm []int16) {
	u.pcm = append(u.pcm, pcm...)
	u.feed.push(pcm)
}

// closedUtt is an utterance waiting for, or holding, its transcript.
type closedUtt struct {
	id       int
	turn     int
	offset   time.Duration
	pcm      []int16 // kept audio (trailing silence trimmed)
	duration time.Duration
	level    float64
	busy     bool // a Busy event went out for it
	done     bool
	tr       mockloop.Transcript
	err      error
	notice   string
}

// closeKind says why the open utterance ends.
type closeKind int

const (
	closePause closeKind = iota // a pause, a control or the timebox
	closeSplit                  // it grew too long; speech goes on in a new one
)

// NewListener returns a Listener with cfg's zero fields defaulted.
func NewListener(cfg ListenerConfig) *Listener {
	cfg.Turn = cfg.Turn.withDefaults()
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.NewTicker == nil {
		cfg.NewTicker = NewTimeTicker
	}
	if cfg.STTTimeout <= 0 {
		cfg.STTTimeout = defaultSTTTimeout
	}
	if cfg.MaxUtterance <= 0 {
		cfg.MaxUtterance = defaultMaxUtterance
	}
	if cfg.SplitSearch <= 0 || cfg.SplitSearch >= cfg.MaxUtterance {
		cfg.SplitSearch = min(defaultSplitSearch, cfg.MaxUtterance/2)
	}
	if cfg.PrimaryRetry <= 0 {
		cfg.PrimaryRetry = defaultPrimaryRetry
	}
	if cfg.STT == nil {
		cfg.STT, cfg.Fallback = cfg.Fallback, nil
	}
	vad := NewVAD(cfg.VAD)
	l := &Listener{
		cfg: cfg,
		log: cfg.Logger,
		vad: vad,
		seg: segmenter{
			started: closedChan(),
			// The VAD confirms speech OnsetFrames into it; the lead-in
			// counts back from the first of those frames.
			ringSize: int((cfg.Turn.LeadIn+FrameDur-1)/FrameDur) + vad.cfg.OnsetFrames,
		},
		level: silenceDB,
	}
	if cfg.STT != nil {
		l.stt = &Fallback{Primary: cfg.STT, Secondary: cfg.Fallback, Timeout: cfg.STTTimeout, Retry: cfg.PrimaryRetry, Now: cfg.Now}
	}
	return l
}

// Run consumes frames until ctx is done or frames is closed, reading
// controls from ctl (which may be nil) and sending events. When frames is
// closed (the peer vanished) it finalises what was said so far, waits for
// the transcripts, ends an open turn with reason peer_gone and returns nil;
// when ctx is done it drops open streams and returns the context's cause.
// Run closes events when it returns, after every speech-to-text goroutine
// it started has ended.
func (l *Listener) Run(ctx context.Context, frames <-chan Frame, ctl <-chan Control, events chan<- Event) error {
	defer close(events)
	defer l.wg.Wait()
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l.ctx, l.events = ctx, events
	l.msgs = make(chan sttMsg, 16)

	ticker := l.cfg.NewTicker(tickEvery)
	defer ticker.Stop()

	l.clock.lastWall = l.cfg.Now()
	l.beginTurn(l.clock.pos, l.cfg.Turn.MaxAnswer, false, nil, true)

	for {
		// Control travels on its own channel and goes first.
		select {
		case c, ok := <-ctl:
			if !ok {
				ctl = nil
			} else {
				l.control(c)
			}
			l.evaluate()
			continue
		default:
		}
		select {
		case <-ctx.Done():
			l.abort()
			return context.Cause(ctx)
		case c, ok := <-ctl:
			if !ok {
				ctl = nil
			} else {
				l.control(c)
			}
		case m := <-l.msgs:
			l.onSTT(m)
		case f, ok := <-frames:
			if !ok {
				frames = nil
				l.peerGone()
			} else {
				l.onFrame(f)
			}
		case t := <-ticker.C():
			l.onTick(t)
		}
		l.evaluate()
		if frames == nil && l.seg.utt == nil && len(l.closed) == 0 && l.turn.phase != turnCommitting {
			return nil
		}
	}
}

// emit sends ev unless the session is gone.
func (l *Listener) emit(ev Event) {
	if ev.Turn == 0 {
		ev.Turn = l.turn.n
	}
	select {
	case l.events <- ev:
	case <-l.ctx.Done():
	}
}

func (l *Listener) setState(s string) {
	if s == l.state {
		return
	}
	l.state = s
	l.emit(Event{Kind: State, State: s, Level: l.level})
}

// beginTurn is the transition into turnOpen.
func (l *Listener) beginTurn(at, maxAnswer time.Duration, noStory bool, expect func(string) bool, announce bool) {
	l.turn = turnState{
		n:         l.turn.n + 1,
		phase:     turnOpen,
		start:     at,
		maxAnswer: maxAnswer,
		noStory:   noStory,
		expect:    expect,
		voicedPos: at,
		contourAt: -1,
	}
	if announce {
		l.setState(StateListening)
	}
}

// decide is the transition from turnOpen to turnCommitting: the turn is
// over once its transcripts are in.
func (l *Listener) decide(reason string) {
	l.turn.phase = turnCommitting
	l.turn.reason = reason
	l.turn.decidedAt = l.clock.pos
	l.turn.decided = l.cfg.Now()
}

// finishTurn is the transition from turnCommitting to turnIdle: every
// transcript is in, the TurnEnd goes out.
func (l *Listener) finishTurn() {
	t := &l.turn
	t.phase = turnIdle
	attrs := []any{"turn", t.n, "reason", t.reason}
	if !t.voicedWall.IsZero() {
		// A turn with no speech (peer gone, time up in silence) has no end
		// of speech to count from.
		attrs = append(attrs, "speech_end_to_commit_ms", t.decided.Sub(t.voicedWall).Milliseconds())
	}
	l.log.Info("turn end", attrs...)
	ev := Event{
		Kind:        TurnEnd,
		Reason:      t.reason,
		Text:        strings.Join(t.text, " "),
		Duration:    t.decidedAt - t.start,
		Level:       l.level,
		Decided:     t.decided,
		Transcribed: l.cfg.Now(),
	}
	if !t.voicedWall.IsZero() {
		ev.SpeechEnd = t.voicedWall
	}
	l.emit(ev)
	l.setState(StateEnded)
}

func (l *Listener) control(c Control) {
	// A zero Control asks nothing (a test or the bench uses it as a barrier).
	if c.Kind != 0 {
		l.log.Debug("listener control", "kind", c.Kind.String(), "turn", l.turn.n)
	}
	switch c.Kind {
	case Done:
		if l.turn.phase != turnOpen {
			return
		}
		l.closeUtterance(closePause)
		l.decide(ReasonDone)
	case Mute:
		if l.muted {
			return
		}
		l.closeUtterance(closePause)
		l.muted = true
	case Unmute:
		if !l.muted {
			return
		}
		l.muted = false
		l.resync(l.cfg.Now())
		// The silence while muted does not count towards the turn's end.
		l.turn.voicedPos = l.clock.pos
	case Reset:
		l.closeUtterance(closePause)
		maxAnswer := c.MaxAnswer
		if maxAnswer <= 0 {
			maxAnswer = l.cfg.Turn.MaxAnswer
		}
		l.state = "" // announce listening even if the old turn was listening
		l.beginTurn(l.clock.pos, maxAnswer, c.NoStory, c.Expect, true)
	}
}

// resync restarts the stall clock so a gap while muted is not filled.
func (l *Listener) resync(now time.Time) {
	c := &l.clock
	c.lastWall = now
	c.lastPosAtWall = c.pos
	c.haveAt = false
	c.filledSince = 0
}

func (l *Listener) onFrame(f Frame) {
	now := l.cfg.Now()
	if l.muted {
		return
	}
	c := &l.clock
	// A jump in stream time that the ticks have not filled yet (lost
	// packets the RTP layer did not fill) is silence.
	if c.haveAt && f.At > c.lastAt+FrameDur {
		gap := min(f.At-c.lastAt-FrameDur-c.filledSince, maxFill)
		for ; gap >= FrameDur; gap -= FrameDur {
			c.wall = now
			l.process(Frame{PCM: make([]int16, FrameSamples)})
		}
	}
	c.wall = now
	l.process(f)
	c.lastAt, c.haveAt = f.At, true
	c.lastWall = now
	c.lastPosAtWall = c.pos
	c.filledSince = 0
}

// onTick fills silence when frames have stopped for longer than
// stallGrace, so turn timers run under DTX and a muted track.
func (l *Listener) onTick(t time.Time) {
	if l.muted {
		return
	}
	c := &l.clock
	// The grace is read per frame: once the filled silence has closed the
	// utterance, the rest of the stall fills at the short one.
	for range maxFill / FrameDur {
		grace := stallGrace
		if l.seg.utt != nil {
			grace = speechStallGrace
		}
		if c.pos+FrameDur > c.lastPosAtWall+t.Sub(c.lastWall)-grace {
			return
		}
		if w := c.lastWall.Add(c.pos - c.lastPosAtWall + grace); w.After(c.wall) {
			c.wall = w // never backwards when the grace shortens
		}
		l.process(Frame{PCM: make([]int16, FrameSamples)})
		c.filledSince += FrameDur
	}
}

// process runs one frame through the VAD and the segmenter.
func (l *Listener) process(f Frame) {
	at := l.clock.pos
	l.clock.pos += FrameDur
	f.At = at
	speech, level := l.vad.Process(f)
	l.level = level
	s := &l.seg

	// Keep the end of speech for the prosody.
	if l.vad.Voiced() {
		s.tail = append(s.tail, s.recent...)
		s.tail = append(s.tail, f)
		s.recent = s.recent[:0]
		if n := len(s.tail) - prosodyFrames; n > 0 {
			s.tail = append(s.tail[:0], s.tail[n:]...)
		}
		if n := len(s.tail); n >= 2 {
			var w [2 * FrameSamples]int16
			copy(w[copy(w[:], s.tail[n-2].PCM):], f.PCM)
			l.pitch.Add(w[:min(len(w), len(s.tail[n-2].PCM)+len(f.PCM))])
		}
		if l.turn.phase == turnOpen {
			l.turn.voicedPos = l.clock.pos
			l.turn.voicedWall = l.clock.wall
			l.turn.voiced += FrameDur
			l.turn.nudged = false
		}
	} else if len(s.recent) < prosodyFrames {
		s.recent = append(s.recent, f)
	} else {
		// A long silence: the recent frames can no longer join the tail.
		s.recent = s.recent[:0]
	}

	if s.utt == nil {
		s.ring = append(s.ring, f)
		if len(s.ring) > s.ringSize {
			s.ring = s.ring[1:]
		}
		if speech && l.turn.phase != turnCommitting {
			l.openUtterance()
		}
		return
	}

	u := s.utt
	if u.barge.frame(l.vad.Voiced()) {
		l.emit(Event{Kind: BargeIn, Offset: u.start - l.turn.start, Level: level})
	}
	if speech {
		u.lastSpeech = l.clock.pos
	}
	if u.dur() >= l.cfg.MaxUtterance-l.cfg.SplitSearch {
		u.held = append(u.held, f)
		u.heldLvl = append(u.heldLvl, level)
	} else {
		u.write(f.PCM)
	}
	switch {
	case !speech && l.clock.pos-u.lastSpeech >= l.cfg.Turn.UtteranceEnd:
		l.closeUtterance(closePause)
	case u.dur() >= l.cfg.MaxUtterance:
		l.splitUtterance()
	}
}

// openUtterance starts an utterance with the lead-in ring and its
// speech-to-text stage.
func (l *Listener) openUtterance() {
	s := &l.seg
	if l.turn.phase == turnIdle {
		// Speech after a committed turn starts the next one, so nothing
		// said while the interviewer prepares a reply is lost.
		l.beginTurn(s.ring[0].At, l.turn.maxAnswer, l.turn.noStory, l.turn.expect, false)
		l.turn.voicedPos, l.turn.voicedWall = l.clock.pos, l.clock.wall
	}
	frames := s.ring
	s.ring = nil
	l.openWith(frames, frames[0].At)
	l.speechOnset()
}

// speechOnset is where barge-in onset is decided: the SpeechStart event
// (which interrupts the interviewer) goes out when the VAD confirms
// speech at the start of an utterance.
func (l *Listener) speechOnset() {
	l.seg.utt.barge = startBargeIn(l.vad.cfg.OnsetFrames)
	l.emit(Event{Kind: SpeechStart, Offset: l.seg.utt.start - l.turn.start, Level: l.level})
	l.setState(StateSpeaking)
}

func (l *Listener) openWith(frames []Frame, start time.Duration) {
	s := &l.seg
	s.nextID++
	u := &utterance{id: s.nextID, turn: l.turn.n, start: start, lastSpeech: l.clock.pos, feed: newSTTFeed()}
	prev, started := s.started, make(chan struct{})
	s.started = started
	l.wg.Go(func() { runSTT(l.ctx, l.stt, u.id, u.feed, l.msgs, prev, started) })
	for _, f := range frames {
		u.write(f.PCM)
	}
	s.utt = u
}

// closeUtterance hands the open utterance's end to its speech-to-text
// stage and queues it for its transcript.
func (l *Listener) closeUtterance(kind closeKind) {
	u := l.seg.utt
	if u == nil {
		return
	}
	l.seg.utt = nil
	for _, f := range u.held {
		u.write(f.PCM)
	}
	u.feed.end()
	keep := min(len(u.pcm), durSamples(u.lastSpeech-u.start+keptTail))
	c := &closedUtt{
		id:     u.id,
		turn:   u.turn,
		offset: u.start - l.turn.start,
		// A copy: the utterance's buffer grew by appending and may be
		// twice its length.
		pcm:      append([]int16(nil), u.pcm[:keep]...),
		duration: samplesDur(keep),
		level:    l.level,
		busy:     u.busy,
	}
	if u.turn != l.turn.n {
		c.offset = 0
	}
	l.closed = append(l.closed, c)
	if l.turn.phase == turnOpen && u.turn == l.turn.n && kind == closePause {
		l.setState(StatePause)
	}
}

// splitUtterance ends an over-long utterance at the quietest held frame
// and carries on with the rest in a new one.
func (l *Listener) splitUtterance() {
	u := l.seg.utt
	quiet := 0
	for i, lv := range u.heldLvl {
		if lv <= u.heldLvl[quiet] {
			quiet = i
		}
	}
	rest := u.held[quiet+1:]
	u.held = u.held[:quiet+1]
	lastSpeech := u.lastSpeech
	u.lastSpeech = u.start + u.dur() // keep everything up to the split
	l.closeUtterance(closeSplit)
	start := l.clock.pos
	if len(rest) > 0 {
		start = rest[0].At
	}
	l.openWith(rest, start)
	l.seg.utt.lastSpeech = max(lastSpeech, start)
}

// evaluate asks the turn policy, and finishes a decided turn once its
// transcripts are in.
func (l *Listener) evaluate() {
	t := &l.turn
	if t.phase == turnOpen && !l.muted {
		in := l.turnInput()
		d := Decide(l.cfg.Turn, in)
		if d.Why != t.why {
			// Once per new reading, so -why shows what each pause was taken for.
			t.why = d.Why
			l.log.Debug("turn policy reads", "turn", t.n, "at_ms", l.clock.pos.Milliseconds(), "why", d.Why, "ending", in.Ending, "prosody", in.Prosody, "pitch_level", in.PitchLevel, "pitch_known", in.PitchKnown, "voiced_ms", in.Voiced.Milliseconds())
		}
		switch d.Verdict {
		case Commit:
			l.log.Debug("turn policy commits", "turn", t.n, "why", d.Why, "ending", in.Ending, "prosody", in.Prosody, "pitch_level", in.PitchLevel, "speaker_pitch_frames", len(l.pitch.st), "voiced_ms", in.Voiced.Milliseconds())
			l.closeUtterance(closePause)
			l.decide(d.Reason)
		case Nudge:
			t.nudged = true
			l.emit(Event{Kind: Hold, Text: holdText})
		}
	}
	if t.phase == turnCommitting && l.seg.utt == nil && len(l.closed) == 0 {
		l.finishTurn()
	}
}

// turnInput gathers the policy's inputs; the costly ones (the analyzer,
// the pitch track) are cached until what they read changes.
func (l *Listener) turnInput() TurnInput {
	t := &l.turn
	final := l.seg.utt == nil
	for _, c := range l.closed {
		if c.turn == t.n {
			final = false
		}
	}
	in := TurnInput{
		Elapsed:   l.clock.pos - t.start,
		MaxAnswer: t.maxAnswer,
		Spoke:     t.spoke,
		Open:      l.seg.utt != nil,
		Final:     final,
		Silence:   l.clock.pos - t.voicedPos,
		Voiced:    t.voiced,
		Nudged:    t.nudged,
	}
	if !in.Spoke || !in.Final {
		return in
	}
	text := strings.Join(t.text, " ")
	in.Text = text
	if text != t.storyText {
		t.storyText = text
		t.ending = ClassifyEnding(text)
		t.asks = len(t.text) > 0 && AsksQuestion(t.text[len(t.text)-1])
		switch {
		case t.expect != nil && t.expect(text):
			t.story = StoryResult
		case t.expect != nil:
			t.story = StoryOpen
		case !t.noStory:
			t.story = storyOf(text)
		default:
			t.story = StoryNone
		}
	}
	in.Ending, in.Story, in.Asks = t.ending, t.story, t.asks
	if t.contourAt != t.voicedPos {
		t.contourAt = t.voicedPos
		p := EstimateProsody(framesPCM(l.seg.tail))
		t.contour, t.level, t.levelKnown = p.Contour(), 0, false
		if p.FinalFrames >= 2 {
			t.level, t.levelKnown = l.pitch.Level(p.FinalPitch)
		}
	}
	in.Prosody, in.PitchLevel, in.PitchKnown = t.contour, t.level, t.levelKnown
	return in
}

// storyWords is the length below which the analyzer leaves a story's
// parts unjudged (its minWordsContent).
const storyWords = 40

// storyOf asks the analyzer whether the answer so far has stated a
// result.
func storyOf(text string) Story {
	rep := analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Text: text})
	// Under storyWords the analyzer does not judge the story's parts; a
	// story that short has not reached its result either.
	if len(rep.Words) < storyWords || rep.Has("missing_result") {
		return StoryOpen
	}
	return StoryResult
}

func closedChan() chan struct{} {
	c := make(chan struct{})
	close(c)
	return c
}

func framesPCM(fs []Frame) []int16 {
	out := make([]int16, 0, len(fs)*FrameSamples)
	for _, f := range fs {
		out = append(out, f.PCM...)
	}
	return out
}

func (l *Listener) peerGone() {
	l.closeUtterance(closePause)
	if l.turn.phase == turnOpen {
		l.decide(ReasonPeerGone)
	}
}

// abort drops everything when the session context ends; the
// speech-to-text goroutines close their streams on the same context.
func (l *Listener) abort() {
	l.seg.utt = nil
	l.closed = nil
}

// onSTT takes a message from a speech-to-text stage.
func (l *Listener) onSTT(m sttMsg) {
	if u := l.seg.utt; u != nil && u.id == m.id {
		switch m.kind {
		case sttPartial:
			l.emit(Event{Kind: Partial, Text: m.text, Offset: u.start - l.turn.start, Level: l.level})
			if u.barge.words(m.text) {
				l.emit(Event{Kind: BargeIn, Offset: u.start - l.turn.start, Level: l.level})
			}
		case sttBusy:
			l.busy(&u.busy)
		}
		return
	}
	for _, c := range l.closed {
		if c.id != m.id {
			continue
		}
		switch m.kind {
		case sttPartial:
			// The utterance has just closed; its final text is on the way
			// behind this message.
			if c.turn == l.turn.n {
				l.emit(Event{Kind: Partial, Text: m.text, Offset: c.offset, Level: l.level})
			}
		case sttBusy:
			l.busy(&c.busy)
		case sttDone:
			c.done, c.tr, c.err, c.notice = true, m.tr, m.err, m.notice
		}
	}
	// Deliver finished utterances in the order they were spoken.
	for len(l.closed) > 0 && l.closed[0].done {
		c := l.closed[0]
		l.closed = l.closed[1:]
		l.deliver(c)
	}
}

// busy reports, once per utterance, that no recogniser is free.
func (l *Listener) busy(flag *bool) {
	if *flag {
		return
	}
	*flag = true
	l.log.Warn("no speech recogniser free", "turn", l.turn.n)
	l.emit(Event{Kind: Busy, Text: busyText, FromSTT: true})
}

// deliver reports a finished transcript.
func (l *Listener) deliver(c *closedUtt) {
	failed := c.err != nil
	notice := c.notice
	if failed && !errors.Is(c.err, errNoEngine) {
		notice = fmt.Sprintf("%v; the audio is kept", c.err)
		var te *TranscribeError
		if !errors.As(c.err, &te) {
			notice = fmt.Sprintf("transcription failed: %v; the audio is kept", c.err)
		}
	}
	if notice != "" {
		l.log.Warn("transcription", "turn", c.turn, "notice", notice)
		l.emit(Event{Kind: Notice, Text: notice, Turn: c.turn, FromSTT: true})
	}
	text := strings.TrimSpace(c.tr.Text)
	if text == "" && !failed {
		// Noise the VAD took for speech: nothing to keep.
		if c.turn == l.turn.n && l.turn.phase == turnOpen && !l.turn.spoke && l.seg.utt == nil {
			l.setState(StateListening)
		}
		return
	}
	if c.turn == l.turn.n && text != "" {
		l.turn.spoke = true
		l.turn.text = append(l.turn.text, text)
	}
	l.emit(Event{
		Kind:       Utterance,
		Text:       text,
		Transcript: c.tr,
		Offset:     c.offset,
		Duration:   c.duration,
		PCM:        c.pcm,
		Level:      c.level,
		Turn:       c.turn,
	})
}
