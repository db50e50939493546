package voice

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mockloop/mockloop"
)

// ControlKind says what a Control asks of the Listener.
type ControlKind int

// Control kinds.
const (
	// Done is the "I'm done" button: finalise any open utterance and end
	// the turn at once (reason done).
	Done ControlKind = iota + 1
	// Mute stops listening: the open utterance is finalised and frames are
	// ignored; turn timers stand still until Unmute.
	Mute
	// Unmute starts listening again with fresh silence timers.
	Unmute
	// Reset starts a new answer turn (the interviewer has asked) with
	// Control.MaxAnswer as its cap; an open utterance is finalised first
	// and belongs to the old turn.
	Reset
)

func (k ControlKind) String() string {
	switch k {
	case Done:
		return "done"
	case Mute:
		return "mute"
	case Unmute:
		return "unmute"
	case Reset:
		return "reset"
	}
	return fmt.Sprintf("ControlKind(%d)", int(k))
}

// Control is a command for a running Listener.
type Control struct {
	Kind ControlKind
	// MaxAnswer caps the new turn (Reset only); zero keeps
	// TurnConfig.MaxAnswer.
	MaxAnswer time.Duration
}

// EventKind says what an Event reports.
type EventKind int

// Event kinds.
const (
	// SpeechStart: the VAD heard sound begin and an utterance opened.
	// Offset is where the utterance starts, lead-in included. It may be a
	// cough or a click: interrupt on BargeIn, not on this.
	SpeechStart EventKind = iota + 1
	// Partial: Text is the transcriber's guess so far for the open
	// utterance.
	Partial
	// Utterance: a finalised utterance with Transcript, Offset, Duration
	// and its audio in PCM. Utterances whose transcript is empty are
	// dropped (noise), except when every engine failed: then Text is empty
	// and PCM is there to keep and re-transcribe later.
	Utterance
	// TurnEnd: the candidate's turn is committed; Reason says why, Text
	// joins the turn's utterances, Duration is the turn's length.
	TurnEnd
	// State: the turn-taking state changed (State is listening, speaking,
	// pause or ended).
	State
	// Notice: something the candidate should know, in Text (e.g. the
	// transcription endpoint failed and the embedded engine took over).
	Notice
	// BargeIn: the open utterance is speech (bargein.go): enough voiced
	// audio or a non-empty partial. Once per utterance; interrupt the
	// interviewer on it.
	BargeIn
)

func (k EventKind) String() string {
	switch k {
	case SpeechStart:
		return "speech_start"
	case Partial:
		return "partial"
	case Utterance:
		return "utterance"
	case TurnEnd:
		return "turn_end"
	case State:
		return "state"
	case Notice:
		return "notice"
	case BargeIn:
		return "barge_in"
	}
	return fmt.Sprintf("EventKind(%d)", int(k))
}

// Turn-taking states for State events (the protocol's listen message).
const (
	StateListening = "listening" // the turn is open, nothing heard yet
	StateSpeaking  = "speaking"  // an utterance is open
	StatePause     = "pause"     // the candidate has said something and is silent
	StateEnded     = "ended"     // the turn is committed
)

// Reasons a turn ended, for TurnEnd events.
const (
	ReasonSilence  = "silence"
	ReasonDone     = "done"
	ReasonMaxTime  = "max_time"
	ReasonPeerGone = "peer_gone"
)

// Event is what a Listener reports. Which fields are set depends on Kind.
type Event struct {
	Kind       EventKind
	Text       string
	Transcript mockloop.Transcript
	// Offset and Duration place the utterance (or, for TurnEnd, the turn)
	// relative to the start of the answer turn.
	Offset, Duration time.Duration
	// PCM is the utterance audio at SampleRate, lead-in included, for
	// keeping. The Listener does not touch it after sending.
	PCM    []int16
	State  string
	Reason string
	// Level is the VAD level in dBFS of the frame that caused the event.
	Level float64
	// Turn numbers answer turns from 1; it rises at each Reset and when
	// speech starts after a committed turn. Utterance events finalised
	// after a Reset carry the turn they belong to.
	Turn int
}

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
	// maxFill bounds the silence filled in one go, so a bogus timestamp
	// jump cannot make the Listener spin.
	maxFill = time.Minute
	// keptTail is how much trailing silence after the last voiced frame
	// stays in an utterance's kept audio.
	keptTail = 300 * time.Millisecond
	// partialEvery is how often, in frames, the open stream is asked for
	// a partial transcript (200 ms).
	partialEvery = 10
)

// Listener turns a candidate's microphone frames into utterances and turn
// ends. It runs the VAD and turn-taking on each frame, streams each
// utterance's audio (with lead-in) into a transcriber while the candidate
// talks, and keeps timing from the clock as well as from frames, since
// packets stop under DTX or mute. Use one Listener per spoken session and
// call Run once.
//
// Memory stays bounded in long answers: the Listener keeps only the open
// utterance's audio (at most MaxUtterance) and the utterances waiting for
// their transcripts.
type Listener struct {
	cfg ListenerConfig
	log *slog.Logger
	vad *VAD

	// Everything below is owned by the Run goroutine.
	ctx    context.Context
	events chan<- Event

	pos           time.Duration // stream time processed, real and filled
	lastWall      time.Time     // arrival of the last real frame
	lastPosAtWall time.Duration // pos just after that frame
	lastAt        time.Duration // its Frame.At
	haveAt        bool
	filledSince   time.Duration // silence filled by ticks since that frame

	ring     []Frame // lead-in: recent frames while no utterance is open
	ringSize int

	turn          int
	turnStart     time.Duration
	turnActive    bool
	maxAnswer     time.Duration
	spoke         bool          // a non-empty utterance in this turn
	lastSpeechEnd time.Duration // pos after the last voiced frame of this turn
	lastText      string
	turnText      []string
	commit        string        // reason waiting for transcripts before TurnEnd
	commitAt      time.Duration // when that reason arose
	muted         bool
	state         string
	level         float64

	utt      *utterance
	queue    []job // closed utterances not yet taken by the worker
	inflight int   // closed utterances whose result has not arrived

	primaryDownUntil time.Time
}

// utterance is the open stretch of speech.
type utterance struct {
	turn       int
	start      time.Duration
	pcm        []int16 // written to the stream and kept
	held       []Frame // split-search window, not yet written
	heldLvl    []float64
	lastSpeech time.Duration
	stream     mockloop.TranscriberStream
	primary    bool  // stream is the primary's, so Fallback may rescue it
	err        error // the stream failed (start or write)
	partial    string
	frames     int
	barge      bargeIn
}

func (u *utterance) dur() time.Duration {
	return samplesDur(len(u.pcm) + len(u.held)*FrameSamples)
}

func (u *utterance) write(pcm []int16) {
	u.pcm = append(u.pcm, pcm...)
	if u.stream == nil {
		return
	}
	if err := u.stream.Write(pcm); err != nil {
		u.err = fmt.Errorf("write audio: %w", err)
		u.stream.Close()
		u.stream = nil
	}
}

// job is a closed utterance on its way to a transcript.
type job struct {
	turn     int
	offset   time.Duration
	pcm      []int16 // kept audio (trailing silence trimmed)
	all      []int16 // everything written, for a fallback re-run
	stream   mockloop.TranscriberStream
	primary  bool
	err      error
	level    float64
	duration time.Duration
}

// result is a job's outcome from the worker.
type result struct {
	job
	tr            mockloop.Transcript
	notice        string
	primaryFailed bool
	failed        bool // no engine produced a transcript
}

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
	return &Listener{
		cfg: cfg,
		log: cfg.Logger,
		vad: vad,
		// The VAD confirms speech OnsetFrames into it; the lead-in counts
		// back from the first of those frames.
		ringSize: int((cfg.Turn.LeadIn+FrameDur-1)/FrameDur) + vad.cfg.OnsetFrames,
		level:    silenceDB,
	}
}

// Run consumes frames until ctx is done or frames is closed, reading
// controls from ctl (which may be nil) and sending events. When frames is
// closed (the peer vanished) it finalises what was said so far, waits for
// the transcripts, ends an open turn with reason peer_gone and returns nil;
// when ctx is done it drops open streams and returns the context's cause.
// Run closes events when it returns.
func (l *Listener) Run(ctx context.Context, frames <-chan Frame, ctl <-chan Control, events chan<- Event) error {
	defer close(events)
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	l.ctx, l.events = ctx, events

	jobs := make(chan job)
	results := make(chan result)
	var wg sync.WaitGroup
	wg.Go(func() { l.worker(ctx, jobs, results) })
	defer wg.Wait()
	defer close(jobs)

	ticker := l.cfg.NewTicker(tickEvery)
	defer ticker.Stop()

	l.lastWall = l.cfg.Now()
	l.startTurn(l.pos, l.cfg.Turn.MaxAnswer, true)

	for {
		// Control travels on its own channel and goes first.
		select {
		case c, ok := <-ctl:
			if !ok {
				ctl = nil
			} else {
				l.control(c)
			}
			l.maybeCommit()
			continue
		default:
		}
		var out chan<- job
		var next job
		if len(l.queue) > 0 {
			out, next = jobs, l.queue[0]
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
		case out <- next:
			l.queue = l.queue[1:]
		case r := <-results:
			l.result(r)
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
		l.maybeCommit()
		if frames == nil && l.utt == nil && len(l.queue) == 0 && l.inflight == 0 && l.commit == "" {
			return nil
		}
	}
}

// emit sends ev unless the session is gone.
func (l *Listener) emit(ev Event) {
	if ev.Turn == 0 {
		ev.Turn = l.turn
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

func (l *Listener) startTurn(at, maxAnswer time.Duration, announce bool) {
	l.turn++
	l.turnStart = at
	l.turnActive = true
	l.maxAnswer = maxAnswer
	l.spoke = false
	l.lastSpeechEnd = at
	l.lastText = ""
	l.turnText = nil
	l.commit = ""
	if announce {
		l.setState(StateListening)
	}
}

func (l *Listener) control(c Control) {
	l.log.Debug("listener control", "kind", c.Kind.String(), "turn", l.turn)
	switch c.Kind {
	case Done:
		if !l.turnActive {
			return
		}
		l.closeUtterance()
		l.setCommit(ReasonDone)
	case Mute:
		if l.muted {
			return
		}
		l.closeUtterance()
		l.muted = true
	case Unmute:
		if !l.muted {
			return
		}
		l.muted = false
		l.resync(l.cfg.Now())
		l.lastSpeechEnd = l.pos
	case Reset:
		l.closeUtterance()
		maxAnswer := c.MaxAnswer
		if maxAnswer <= 0 {
			maxAnswer = l.cfg.Turn.MaxAnswer
		}
		l.state = "" // announce listening even if the old turn was listening
		l.startTurn(l.pos, maxAnswer, true)
	}
}

// resync restarts the stall clock so a gap while muted is not filled.
func (l *Listener) resync(now time.Time) {
	l.lastWall = now
	l.lastPosAtWall = l.pos
	l.haveAt = false
	l.filledSince = 0
}

func (l *Listener) onFrame(f Frame) {
	now := l.cfg.Now()
	if l.muted {
		return
	}
	// A jump in stream time that the ticks have not filled yet (lost
	// packets the RTP layer did not fill) is silence.
	if l.haveAt && f.At > l.lastAt+FrameDur {
		gap := min(f.At-l.lastAt-FrameDur-l.filledSince, maxFill)
		for ; gap >= FrameDur; gap -= FrameDur {
			l.process(Frame{PCM: make([]int16, FrameSamples)})
		}
	}
	l.process(f)
	l.lastAt, l.haveAt = f.At, true
	l.lastWall = now
	l.lastPosAtWall = l.pos
	l.filledSince = 0
}

// onTick fills silence when frames have stopped for longer than
// stallGrace, so turn timers run under DTX and a muted track.
func (l *Listener) onTick(t time.Time) {
	if l.muted {
		return
	}
	target := l.lastPosAtWall + t.Sub(l.lastWall) - stallGrace
	n := min((target-l.pos)/FrameDur, maxFill/FrameDur)
	for range n {
		l.process(Frame{PCM: make([]int16, FrameSamples)})
		l.filledSince += FrameDur
	}
}

// process runs one frame through the VAD and the utterance state.
func (l *Listener) process(f Frame) {
	at := l.pos
	l.pos += FrameDur
	f.At = at
	speech, level := l.vad.Process(f)
	l.level = level

	if l.utt == nil {
		l.ring = append(l.ring, f)
		if len(l.ring) > l.ringSize {
			l.ring = l.ring[1:]
		}
		if speech && l.commit == "" {
			l.openUtterance()
		}
		return
	}

	u := l.utt
	if u.barge.frame(l.vad.Voiced()) {
		l.emit(Event{Kind: BargeIn, Offset: u.start - l.turnStart, Level: level})
	}
	if speech {
		u.lastSpeech = l.pos
		l.lastSpeechEnd = l.pos
	}
	if u.dur() >= l.cfg.MaxUtterance-l.cfg.SplitSearch {
		u.held = append(u.held, f)
		u.heldLvl = append(u.heldLvl, level)
	} else {
		u.write(f.PCM)
	}
	if u.frames++; u.stream != nil && u.frames%partialEvery == 0 {
		if p := u.stream.Partial(); p != "" && p != u.partial {
			u.partial = p
			l.emit(Event{Kind: Partial, Text: p, Offset: u.start - l.turnStart, Level: level})
			if u.barge.words(p) {
				l.emit(Event{Kind: BargeIn, Offset: u.start - l.turnStart, Level: level})
			}
		}
	}
	switch {
	case !speech && l.pos-u.lastSpeech >= l.cfg.Turn.UtteranceEnd:
		l.closeUtterance()
	case u.dur() >= l.cfg.MaxUtterance:
		l.splitUtterance()
	}
}

// openUtterance starts an utterance with the lead-in ring and a
// transcriber stream.
func (l *Listener) openUtterance() {
	if !l.turnActive {
		// Speech after a committed turn starts the next one, so nothing
		// said while the interviewer prepares a reply is lost.
		l.startTurn(l.ring[0].At, l.maxAnswer, false)
	}
	frames := l.ring
	l.ring = nil
	l.openWith(frames, frames[0].At)
	l.utt.barge = startBargeIn(l.vad.cfg.OnsetFrames)
	l.lastSpeechEnd = l.pos
	l.emit(Event{Kind: SpeechStart, Offset: l.utt.start - l.turnStart, Level: l.level})
	l.setState(StateSpeaking)
}

func (l *Listener) openWith(frames []Frame, start time.Duration) {
	u := &utterance{turn: l.turn, start: start, lastSpeech: l.pos}
	engine := l.cfg.STT
	u.primary = true
	if l.cfg.Fallback != nil && l.cfg.Now().Before(l.primaryDownUntil) {
		engine, u.primary = l.cfg.Fallback, false
	}
	if engine != nil {
		s, err := engine.Start(l.ctx)
		if err != nil {
			u.err = fmt.Errorf("start %s stream: %w", engine.Name(), err)
		} else {
			u.stream = s
		}
	}
	for _, f := range frames {
		u.write(f.PCM)
	}
	l.utt = u
}

// closeUtterance hands the open utterance to the transcript worker.
func (l *Listener) closeUtterance() { l.closeUtt(false) }

// closeUtt does the work; splitting means speech goes on in a new
// utterance, so the state stays speaking.
func (l *Listener) closeUtt(splitting bool) {
	u := l.utt
	if u == nil {
		return
	}
	l.utt = nil
	for _, f := range u.held {
		u.write(f.PCM)
	}
	keep := min(len(u.pcm), durSamples(u.lastSpeech-u.start+keptTail))
	j := job{
		turn:     u.turn,
		offset:   u.start - l.turnStart,
		pcm:      u.pcm[:keep:keep],
		all:      u.pcm,
		stream:   u.stream,
		primary:  u.primary,
		err:      u.err,
		level:    l.level,
		duration: samplesDur(keep),
	}
	if u.turn != l.turn {
		j.offset = 0
	}
	l.queue = append(l.queue, j)
	l.inflight++
	if l.turnActive && u.turn == l.turn && !splitting {
		l.setState(StatePause)
	}
}

// splitUtterance ends an over-long utterance at the quietest held frame
// and carries on with the rest in a new one.
func (l *Listener) splitUtterance() {
	u := l.utt
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
	l.closeUtt(true)
	start := rest0(rest, l.pos)
	l.openWith(rest, start)
	l.utt.lastSpeech = max(lastSpeech, start)
}

func rest0(rest []Frame, pos time.Duration) time.Duration {
	if len(rest) == 0 {
		return pos
	}
	return rest[0].At
}

// maybeCommit ends the turn when its time has come.
func (l *Listener) maybeCommit() {
	if !l.turnActive || l.muted && l.commit == "" {
		return
	}
	if l.commit == "" && l.maxAnswer > 0 && l.pos-l.turnStart >= l.maxAnswer {
		l.closeUtterance()
		l.setCommit(ReasonMaxTime)
	}
	if l.commit == "" && l.spoke && l.utt == nil {
		wait := l.cfg.Turn.TurnCommit
		if EndsThinking(l.lastText) {
			wait += l.cfg.Turn.ThinkingExtra
		}
		if l.pos-l.lastSpeechEnd >= wait && l.inflight == 0 {
			l.setCommit(ReasonSilence)
		}
	}
	if l.commit == "" || l.utt != nil || l.inflight > 0 {
		return
	}
	reason := l.commit
	l.commit = ""
	l.turnActive = false
	l.log.Info("turn end", "turn", l.turn, "reason", reason)
	l.emit(Event{
		Kind:     TurnEnd,
		Reason:   reason,
		Text:     strings.Join(l.turnText, " "),
		Duration: l.commitAt - l.turnStart,
		Level:    l.level,
	})
	l.setState(StateEnded)
}

func (l *Listener) peerGone() {
	l.closeUtterance()
	if l.turnActive && l.commit == "" {
		l.setCommit(ReasonPeerGone)
	}
}

// setCommit decides that the turn ends, once its transcripts are in.
func (l *Listener) setCommit(reason string) {
	l.commit = reason
	l.commitAt = l.pos
}

// abort drops everything when the session context ends.
func (l *Listener) abort() {
	if l.utt != nil && l.utt.stream != nil {
		l.utt.stream.Close()
	}
	l.utt = nil
	for _, j := range l.queue {
		if j.stream != nil {
			j.stream.Close()
		}
	}
	l.queue = nil
}

// result reports a finished transcript.
func (l *Listener) result(r result) {
	l.inflight--
	if r.primaryFailed {
		l.primaryDownUntil = l.cfg.Now().Add(l.cfg.PrimaryRetry)
	}
	if r.notice != "" {
		l.log.Warn("transcription", "turn", r.turn, "notice", r.notice)
		l.emit(Event{Kind: Notice, Text: r.notice, Turn: r.turn})
	}
	text := strings.TrimSpace(r.tr.Text)
	if text == "" && !r.failed {
		// Noise the VAD took for speech: nothing to keep.
		if r.turn == l.turn && l.turnActive && !l.spoke && l.utt == nil {
			l.setState(StateListening)
		}
		return
	}
	if r.turn == l.turn && text != "" {
		l.spoke = true
		l.lastText = text
		l.turnText = append(l.turnText, text)
	}
	l.emit(Event{
		Kind:       Utterance,
		Text:       text,
		Transcript: r.tr,
		Offset:     r.offset,
		Duration:   r.duration,
		PCM:        r.pcm,
		Level:      r.level,
		Turn:       r.turn,
	})
}

// worker finalises utterances one at a time, in order.
func (l *Listener) worker(ctx context.Context, jobs <-chan job, results chan<- result) {
	for j := range jobs {
		r := l.transcribe(ctx, j)
		select {
		case results <- r:
		case <-ctx.Done():
		}
	}
}

// errGarbage marks a transcript that cannot be speech.
var errGarbage = errors.New("transcript looks like garbage")

// transcribe finishes j's stream and falls back to the embedded engine on
// any failure of the primary.
func (l *Listener) transcribe(ctx context.Context, j job) result {
	r := result{job: j}
	err := j.err
	if j.stream != nil {
		tr, ferr := finish(ctx, j.stream, l.cfg.STTTimeout)
		if ferr == nil && isGarbage(tr.Text, samplesDur(len(j.all))) {
			ferr = fmt.Errorf("%w: %q", errGarbage, truncate(tr.Text, 60))
		}
		if ferr == nil {
			r.tr = tr
			return r
		}
		err = ferr
	}
	if err == nil {
		// No engine configured at all: keep the audio, say nothing.
		r.failed = true
		return r
	}
	if !j.primary || l.cfg.Fallback == nil {
		r.failed = true
		r.primaryFailed = j.primary
		r.notice = fmt.Sprintf("transcription failed: %v; the audio is kept", err)
		return r
	}
	r.primaryFailed = true
	r.notice = fmt.Sprintf("transcription endpoint failed: %v; using the embedded engine", err)
	// The embedded engine runs locally, so it only needs time
	// proportional to the audio; give it the primary's budget on top.
	tr, ferr := transcribeAll(ctx, l.cfg.Fallback, j.all, l.cfg.STTTimeout+2*samplesDur(len(j.all)))
	if ferr != nil {
		r.failed = true
		r.notice = fmt.Sprintf("transcription endpoint failed: %v; the embedded engine failed too: %v; the audio is kept", err, ferr)
		return r
	}
	r.tr = tr
	return r
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
