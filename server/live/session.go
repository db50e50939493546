package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/server/round"
)

// Session is one round with a page attached. Only its run goroutine touches
// the fields below cmds; everything else reaches it through Do.
type Session struct {
	hub    *Hub
	id     string
	deps   Deps
	log    *slog.Logger
	cmds   chan func()
	ctx    context.Context
	cancel context.CancelCauseFunc

	round   *mockloop.Round
	turns   []mockloop.Turn
	eng     *round.State
	pending *round.Move // decided but not yet spoken (or being spoken)
	current *round.Move // the move the candidate is answering
	askedAt time.Time   // when the current answer's clock started
	nextSeq int
	out     Outbox
	reply   *reply // the interviewer turn in flight
	stopped bool
	voice   *voiceSession
	// openUtts are the stored utterances of the answer not yet committed;
	// they survive a refresh or restart and join the answer when it ends.
	openUtts []mockloop.Utterance
	// nudges are the live coaching lines of the current answer; noNudges
	// is the candidate's choice of a realistic round without them.
	nudges   nudgeState
	noNudges bool
	lastLive *analysis.Report
	// detachedAt is when the last page went away; an idle session is
	// evicted from the hub after Deps.IdleTimeout.
	detachedAt time.Time
	// noticed holds the engine failure kinds already told (engine/kind).
	noticed map[string]bool
}

// persisted is what Round.State holds: the engine's own state plus the
// session's view of which move is pending, so a restart resumes exactly.
type persisted struct {
	Engine  json.RawMessage `json:"engine"`
	Pending *round.Move     `json:"pending,omitempty"`
	Current *round.Move     `json:"current,omitempty"`
	AskedAt time.Time       `json:"asked_at"`
	// NoNudges turns live coaching off for a realistic round.
	NoNudges bool `json:"no_nudges,omitempty"`
}

// Do runs f on the session goroutine. It returns without running f once
// the session has stopped.
func (s *Session) Do(f func()) {
	select {
	case s.cmds <- f:
	case <-s.ctx.Done():
	}
}

// call runs f on the session goroutine and waits for it; false means the
// session stopped first and f did not run.
func (s *Session) call(f func()) bool {
	done := make(chan struct{})
	select {
	case s.cmds <- func() { f(); close(done) }:
	case <-s.ctx.Done():
		return false
	}
	select {
	case <-done:
		return true
	case <-s.ctx.Done():
		select {
		case <-done:
			return true
		default:
			return false
		}
	}
}

func (s *Session) run() {
	// The clock drives the time-based nudges while the candidate is
	// silent and no draft or partial transcript arrives.
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		select {
		case f := <-s.cmds:
			if !s.safely("command", f) {
				return
			}
		case <-tick.C:
			if s.idle() {
				s.stop()
				return
			}
			if !s.safely("nudge", func() { s.maybeNudge(s.lastLive) }) {
				return
			}
		case <-s.ctx.Done():
			if errors.Is(context.Cause(s.ctx), errSessionPanic) {
				s.safely("teardown", s.teardownAfterPanic)
			}
			return
		}
	}
}

// errSessionPanic is the session context's cause after a panic in any of
// its goroutines.
var errSessionPanic = errors.New("session panicked")

// safely runs f on the session goroutine; a panic in f ends this session
// only (false), never the server.
func (s *Session) safely(where string, f func()) (ok bool) {
	defer func() {
		if v := recover(); v != nil {
			s.panicked(where, v)
			s.safely("teardown", s.teardownAfterPanic)
			ok = false
		}
	}()
	f()
	return true
}

// recoverPanic is deferred at the top of every goroutine a session starts
// (reply, synthesis, playback): a panic there cancels the session, whose
// run goroutine then tears it down.
func (s *Session) recoverPanic(where string) {
	if v := recover(); v != nil {
		s.panicked(where, v)
	}
}

func (s *Session) panicked(where string, v any) {
	s.log.Error("session panicked; ending this session only", "where", where, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
	s.cancel(fmt.Errorf("%w in %s: %v", errSessionPanic, where, v))
}

// teardownAfterPanic tells the page and releases the microphone. The
// state may be half-updated, so nothing more is saved; what was saved
// before stays, and a reconnect restores the round from the store.
func (s *Session) teardownAfterPanic() {
	if s.stopped {
		return
	}
	s.stopped = true
	s.cancel(errSessionPanic)
	if s.out != nil {
		s.out.Close(mockloop.CodeInternal, "Something went wrong on the server in this round. Your answers so far are saved; reload the page to go on.")
		s.out = nil
	}
	s.stopVoice("internal")
}

// live sends the live meters for the answer so far and any nudge due.
func (s *Session) live(text string) {
	rep := analysis.Analyze(s.analysisInput(text, nil))
	// The draft is judged with the question so far, as the committed
	// answer will be, without changing what the engine remembers.
	rep.Findings = s.eng.Preview(rep)
	s.lastLive = &rep
	s.send(mockloop.Message{Type: "live", Metrics: &rep.Metrics, Findings: rep.Findings, Elapsed: s.elapsed()})
	s.maybeNudge(&rep)
}

func (s *Session) maybeNudge(rep *analysis.Report) {
	if s.noNudges || s.current == nil || s.phase() != mockloop.PhaseAnswering || s.out == nil {
		return
	}
	m := s.current
	in := nudgeInput{round: m.AnalysisRound, elapsed: s.now().Sub(s.askedAt), target: m.Timebox * 2 / 3, timebox: m.Timebox, report: rep}
	if code, text := s.nudges.next(in, s.now()); code != "" {
		s.send(mockloop.Message{Type: "nudge", Code: code, Text: text})
	}
}

func (s *Session) now() time.Time { return s.deps.Now() }

// idle reports whether the session has had no page for long enough to be
// evicted: at once for a finished round, after Deps.IdleTimeout otherwise.
// An interviewer reply still in flight keeps it, so nothing is cut short.
func (s *Session) idle() bool {
	if s.out != nil || s.reply != nil || s.voice != nil {
		return false
	}
	if s.round.Status == mockloop.StatusFinished {
		return true
	}
	return s.now().Sub(s.detachedAt) >= s.deps.IdleTimeout
}

func (s *Session) restore() error {
	var p persisted
	if err := json.Unmarshal(s.round.State, &p); err != nil {
		return fmt.Errorf("round %s: decode state: %w", s.id, err)
	}
	eng, err := round.Restore(s.deps.Bank, p.Engine)
	if err != nil {
		return fmt.Errorf("round %s: restore engine: %w", s.id, err)
	}
	s.eng, s.pending, s.current, s.askedAt, s.noNudges = eng, p.Pending, p.Current, p.AskedAt, p.NoNudges
	// The store keeps turns as they were committed; which findings later
	// follow-ups resolved lives in the engine's state.
	round.ApplyResolutions(s.turns, eng.Resolutions())
	for _, t := range s.turns {
		if t.Seq >= s.nextSeq {
			s.nextSeq = t.Seq + 1
		}
	}
	return nil
}

// restoreOpen picks up the utterances of an answer that was being spoken
// when the page or the server went away.
func (s *Session) restoreOpen(utts []mockloop.Utterance) {
	for _, u := range utts {
		if u.TurnSeq >= s.nextSeq {
			s.openUtts = append(s.openUtts, u)
		}
	}
}

func (s *Session) state() ([]byte, error) {
	eng, err := s.eng.Marshal()
	if err != nil {
		return nil, fmt.Errorf("marshal engine: %w", err)
	}
	return json.Marshal(persisted{Engine: eng, Pending: s.pending, Current: s.current, AskedAt: s.askedAt, NoNudges: s.noNudges})
}

// NewRoundState plans a new round and returns its initial Round.State.
// nudges turns live coaching on; off makes a realistic round.
func NewRoundState(deps Deps, cfg round.Config, nudges bool) ([]byte, error) {
	eng, err := round.New(deps.Bank, cfg)
	if err != nil {
		return nil, err
	}
	first := eng.Begin()
	raw, err := eng.Marshal()
	if err != nil {
		return nil, fmt.Errorf("marshal engine: %w", err)
	}
	return json.Marshal(persisted{Engine: raw, Pending: &first, NoNudges: !nudges})
}

func (s *Session) send(m mockloop.Message) {
	if s.out == nil {
		return
	}
	m.V = mockloop.ProtocolVersion
	s.out.Send(m)
}

func (s *Session) sendError(code, text string) {
	s.send(mockloop.Message{Type: "error", Code: code, Message: text})
}

func (s *Session) notice(level, text string) {
	s.send(mockloop.Message{Type: "notice", Level: level, Text: text})
}

func (s *Session) attach(out Outbox) {
	if s.out != nil && s.out != out {
		s.out.Close(mockloop.CodeTakenOver, "This round was opened in another tab or window; continue there.")
	}
	s.out = out
}

func (s *Session) stop() {
	if s.stopped {
		return
	}
	s.stopped = true
	s.stopVoice("peer_gone")
	if s.reply != nil {
		s.interrupt(errors.New("session stopped"))
	}
	s.cancel(errors.New("session stopped"))
}

// Phase is what the page shows: asking, answering or finished.
func (s *Session) phase() string {
	switch {
	case s.round.Status == mockloop.StatusFinished:
		return mockloop.PhaseFinished
	case s.pending != nil || s.reply != nil:
		return mockloop.PhaseAsking
	}
	return mockloop.PhaseAnswering
}

func (s *Session) question() *mockloop.Question {
	m := s.current
	if m == nil {
		m = s.pending
	}
	if m == nil {
		return nil
	}
	cur := s.eng.Current()
	return &mockloop.Question{
		Idx:        m.QuestionIdx,
		Of:         cur.QuestionCount,
		ID:         m.QuestionID,
		Text:       m.Prompt.Question,
		Principle:  m.Principle,
		Kind:       string(m.AnalysisRound),
		TimeboxSec: m.Timebox.Seconds(),
		// The target is two thirds of the timebox: a behavioral answer
		// aims at about 2 minutes of a 3-minute maximum.
		TargetSec: (m.Timebox * 2 / 3).Seconds(),
		Phase:     m.Phase,
		Coverage:  s.eng.Coverage(),
	}
}

// Hello answers the client's hello with a snapshot and, when the round is
// waiting on the interviewer (new round, or a restart between an answer and
// the reply), speaks the pending move.
func (s *Session) Hello() {
	s.Do(func() {
		s.send(mockloop.Message{Type: "state", Round: s.round, Turns: s.turns, Phase: s.phase(), Question: s.question(), Elapsed: s.elapsed()})
		if s.round.Status != mockloop.StatusFinished && s.pending != nil && s.reply == nil {
			s.speak(*s.pending, replyClock{})
		}
	})
}

func (s *Session) elapsed() float64 {
	if s.askedAt.IsZero() || s.phase() != mockloop.PhaseAnswering {
		return 0
	}
	return s.now().Sub(s.askedAt).Seconds()
}

// Answer commits a typed answer. id is echoed in the ack.
func (s *Session) Answer(id, text string) {
	s.Do(func() {
		if s.round.Status == mockloop.StatusFinished {
			s.sendError(mockloop.CodeRoundFinished, "This round is over; open the review page to see it.")
			return
		}
		text = strings.TrimSpace(text)
		if text == "" {
			s.sendError(mockloop.CodeEmptyAnswer, "The answer is empty; say or type something first.")
			return
		}
		text = s.capAnswer(text)
		s.commit(answer{clientID: id, text: text, source: "typed", at: s.now()})
	})
}

// capAnswer cuts an answer to the cap and tells the candidate when it did.
func (s *Session) capAnswer(text string) string {
	capped, cut := capWords(text)
	if cut > 0 {
		s.notice("warn", fmt.Sprintf("That answer had %d words; mockloop keeps the first %d.", cut, mockloop.MaxAnswerWords))
	}
	return capped
}

// capWords keeps the first MaxAnswerWords words of text; n is the word
// count when it cut, else 0.
func capWords(text string) (capped string, n int) {
	fields := strings.Fields(text)
	if len(fields) <= mockloop.MaxAnswerWords {
		return text, 0
	}
	return strings.Join(fields[:mockloop.MaxAnswerWords], " "), len(fields)
}

// Draft updates the live meters from the answer box as typed so far.
func (s *Session) Draft(text string) {
	s.Do(func() {
		if s.current == nil || s.round.Status == mockloop.StatusFinished {
			return
		}
		capped, _ := capWords(text)
		s.live(capped)
	})
}

// Skip moves on to the next question.
func (s *Session) Skip() {
	s.Do(func() {
		if s.round.Status == mockloop.StatusFinished {
			return
		}
		s.interrupt(errors.New("skipped"))
		s.decide(s.eng.Skip())
	})
}

// End closes the round now.
func (s *Session) End() {
	s.Do(func() {
		if s.round.Status == mockloop.StatusFinished {
			return
		}
		s.interrupt(errors.New("ended"))
		s.decide(s.eng.End())
	})
}

// decide persists a new pending move and speaks it.
func (s *Session) decide(m round.Move) {
	s.pending = &m
	if err := s.saveStep(); err != nil {
		s.log.Error("save move", "err", err)
		s.sendError(mockloop.CodeStorage, "Could not save the round: "+storageReason(err)+".")
	}
	s.speak(m, replyClock{})
}

func (s *Session) saveStep(turns ...*mockloop.Turn) error {
	state, err := s.state()
	if err != nil {
		return err
	}
	r := *s.round
	r.State = state
	r.UpdatedAt = s.now()
	if err := s.deps.Store.SaveStep(s.ctx, mockloop.Step{Round: &r, Turns: turns}); err != nil {
		return err
	}
	s.round = &r
	for _, t := range turns {
		s.turns = append(s.turns, *t)
	}
	return nil
}

func (s *Session) analysisInput(text string, words []analysis.Word) analysis.Input {
	in := analysis.Input{Text: text, Words: words}
	if m := s.current; m != nil {
		in.Round = m.AnalysisRound
		in.Question = m.Prompt.Question
		if m.Prompt.Kind == mockloop.TurnProbe || m.Prompt.Kind == mockloop.TurnCutIn {
			in.Question = m.Prompt.Scripted
			in.FollowUp = true
		}
		in.Timebox = m.Timebox
	}
	if in.Round == "" {
		in.Round = analysis.Behavioral
	}
	return in
}

// answer is one committed candidate turn, typed or spoken.
type answer struct {
	clientID  string
	text      string
	words     []analysis.Word
	source    string
	at        time.Time // committed end of turn
	audioPath string
	// The listener's clock for a spoken answer (zero when typed): the
	// last voiced frame, the commit decision, the last transcript in.
	speechEnd, decided, transcribed time.Time
}

// commit analyses a whole answer, advances the engine, writes both in one
// transaction, and only then acknowledges and asks the next thing.
func (s *Session) commit(a answer) {
	if s.reply != nil {
		s.interrupt(errors.New("candidate answered"))
	}
	if s.current == nil {
		s.sendError(mockloop.CodeRoundFinished, "There is no question to answer right now.")
		return
	}
	if a.source == "typed" && len(s.openUtts) > 0 {
		// Spoken first, then typed: the answer is both.
		a.text = s.capAnswer(s.openText() + " " + a.text)
		a.source = "typed+spoken"
	}
	t0 := time.Now()
	rep := analysis.Analyze(s.analysisInput(a.text, a.words))
	s.deps.Observer.Answer(a.source, time.Since(t0))
	before, err := s.eng.Marshal()
	if err != nil {
		s.log.Error("encode round state", "err", err)
		s.sendError(mockloop.CodeStorage, "Could not save the answer: "+storageReason(err)+".")
		return
	}
	q := *s.current
	// The engine judges the answer with the rest of its question: phases
	// covered before are not faulted, a follow-up may resolve a finding of
	// the main answer, a missed follow-up is marked.
	next, verdict := s.eng.AnswerTurn(s.nextSeq, a.text, rep)
	rep = verdict.Report
	end := a.at
	turn := &mockloop.Turn{
		RoundID:     s.id,
		Seq:         s.nextSeq,
		Role:        mockloop.RoleCandidate,
		Kind:        mockloop.TurnAnswer,
		QuestionIdx: q.QuestionIdx,
		QuestionID:  q.QuestionID,
		Principle:   q.Principle,
		Text:        a.text,
		Source:      a.source,
		StartedAt:   s.askedAt,
		EndedAt:     &end,
		Report:      &rep,
		AudioPath:   a.audioPath,
	}
	prevPending, prevCurrent := s.pending, s.current
	s.pending, s.current = &next, nil
	if err := s.saveStep(turn); err != nil {
		// Roll back so the same answer can be sent again; the page keeps
		// the text.
		if eng, rerr := round.Restore(s.deps.Bank, before); rerr == nil {
			s.eng = eng
		}
		s.pending, s.current = prevPending, prevCurrent
		s.log.Error("save answer", "err", err)
		s.sendError(mockloop.CodeStorage, "Your answer could not be saved ("+storageReason(err)+"). It is still in the box; try again.")
		return
	}
	s.nextSeq++
	s.openUtts = nil
	s.nudges.reset()
	s.lastLive = nil
	round.ApplyResolutions(s.turns, s.eng.Resolutions())
	s.send(mockloop.Message{Type: "ack", ID: a.clientID, TurnSeq: turn.Seq})
	s.send(mockloop.Message{Type: "feedback", TurnSeq: turn.Seq, Report: &rep})
	if len(verdict.Coverage) > 0 {
		s.send(mockloop.Message{Type: "coverage", TurnSeq: turn.Seq, Coverage: verdict.Coverage})
	}
	for i := range s.turns {
		// An earlier answer whose findings this one supplied is sent again
		// with its Resolved list, for the page to mark them.
		if _, ok := verdict.Resolved[s.turns[i].Seq]; ok {
			t := s.turns[i]
			s.send(mockloop.Message{Type: "resolved", TurnSeq: t.Seq, Turn: &t})
		}
	}
	s.speak(next, replyClock{origin: a.at, speechEnd: a.speechEnd, decided: a.decided, transcribed: a.transcribed})
}

// replyClock is where a reply's latency is measured from. A spoken answer
// counts from the end of speech (the listener's last voiced frame), so
// the figures include the turn policy's wait and speech-to-text; a typed
// one from its submission.
type replyClock struct {
	origin                          time.Time // the committed end of turn; zero if none
	speechEnd, decided, transcribed time.Time
}

// reply is one interviewer turn being generated and spoken.
type reply struct {
	seq     int
	move    round.Move
	cancel  context.CancelCauseFunc
	started time.Time
	clock   replyClock

	mu         sync.Mutex
	text       strings.Builder
	source     string
	firstToken time.Time
	firstAudio time.Time
}

func (r *reply) add(chunk string, at time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.firstToken.IsZero() {
		r.firstToken = at
	}
	r.text.WriteString(chunk)
}

// textNow is what the reply has said so far.
func (r *reply) textNow() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.text.String()
}

func (r *reply) snapshot() (text, source string, lat *mockloop.Latency) {
	r.mu.Lock()
	defer r.mu.Unlock()
	text, source = r.text.String(), r.source
	c := r.clock
	if c.origin.IsZero() {
		return text, source, nil
	}
	// One origin for every stage: the end of speech when the listener
	// measured it, else the commit.
	origin, transcribed := c.origin, r.started
	lat = &mockloop.Latency{}
	if !c.speechEnd.IsZero() {
		origin = c.speechEnd
		lat.SpeechEndToCommitMS = ms(c.decided.Sub(origin))
		transcribed = c.transcribed
	}
	lat.TranscriptMS = ms(transcribed.Sub(origin))
	if !r.firstToken.IsZero() {
		lat.FirstTokenMS = ms(r.firstToken.Sub(origin))
	}
	if !r.firstAudio.IsZero() {
		lat.FirstAudioMS = ms(r.firstAudio.Sub(origin))
	}
	return text, source, lat
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// speak has the interviewer word m, streaming captions (and audio when a
// microphone is connected), without blocking the session: the work runs
// in its own goroutine under its own context, which barge-in cancels.
// Each attempt (the LLM, then the scripted fallback) has a context of its
// own, so a failed attempt's queued speech is dropped before the fallback
// speaks. Errors stay local to each attempt: nothing is shared with the
// session goroutine but the values handed to Do.
func (s *Session) speak(m round.Move, clock replyClock) {
	ctx, cancel := context.WithCancelCause(s.ctx)
	r := &reply{seq: s.nextSeq, move: m, cancel: cancel, started: s.now(), clock: clock}
	s.nextSeq++
	s.reply = r
	p := m.Prompt
	p.Minutes = s.round.Minutes
	p.History = append([]mockloop.Turn(nil), s.turns...)
	newOut := s.voiceOut(r)
	primary, scripted := s.deps.Interviewer, s.deps.Scripted
	go func() {
		defer s.recoverPanic("reply")
		err := s.attempt(ctx, r, newOut, primary, p)
		if err != nil && ctx.Err() == nil && scripted != primary {
			s.log.Warn("interviewer failed; scripted fallback", "err", err)
			kind, msg := failure(err, "The LLM interviewer did not answer")
			s.deps.Observer.EngineError("llm", kind)
			s.Do(func() {
				s.engineNotice("llm", kind, msg+"; the built-in interviewer is asking instead.")
				s.send(mockloop.Message{Type: "interviewer_delta", Seq: r.seq, Text: ""})
			})
			r.mu.Lock()
			r.text.Reset()
			r.mu.Unlock()
			if err := s.attempt(ctx, r, newOut, scripted, p); err != nil && ctx.Err() == nil {
				s.log.Error("scripted interviewer failed", "err", err)
			}
		}
		s.Do(func() { s.finishReply(r) })
	}()
}

// attempt has iv word p under a context of its own, speaking as it goes;
// on failure that context is cancelled, which drops whatever of the
// attempt was queued but not yet heard, and attempt returns once its
// audio path has stopped.
func (s *Session) attempt(parent context.Context, r *reply, newOut func(context.Context) *speechOut, iv mockloop.Interviewer, p mockloop.Prompt) error {
	ctx, cancel := context.WithCancelCause(parent)
	defer cancel(nil)
	var out *speechOut
	if newOut != nil {
		out = newOut(ctx)
	}
	r.mu.Lock()
	r.source = iv.Name()
	r.mu.Unlock()
	emit := func(chunk string) {
		r.add(chunk, s.now())
		if out != nil {
			out.push(chunk)
		}
		s.Do(func() { s.send(mockloop.Message{Type: "interviewer_delta", Seq: r.seq, Text: chunk}) })
	}
	_, err := iv.Say(ctx, p, emit)
	if err == nil {
		said := r.textNow()
		if rest := unsaid(p, said); rest != "" {
			if !strings.HasSuffix(said, " ") {
				rest = " " + rest
			}
			emit(rest)
		}
	}
	if out != nil {
		if err != nil {
			out.reset()
		} else {
			out.finish()
		}
		<-out.done
	}
	return err
}

// unsaid is what of a main question move the interviewer must still say:
// the LLM words the lead-in and the probes, but the bank's question (and
// the scripted words after it, such as a design problem's first phase) is
// always heard as written. A move that only changes phase, whose wording
// does not hold the question, has nothing to add.
func unsaid(p mockloop.Prompt, said string) string {
	q := p.Question
	if p.Kind != mockloop.TurnQuestion || q == "" || mentions(said, q) {
		return ""
	}
	i := strings.Index(p.Scripted, q)
	if i < 0 {
		return ""
	}
	return strings.TrimSpace(p.Scripted[i:])
}

// mentions reports whether said contains question, ignoring case,
// punctuation and spacing.
func mentions(said, question string) bool {
	norm := func(t string) string {
		return strings.Join(strings.FieldsFunc(strings.ToLower(t), func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r)
		}), " ")
	}
	return strings.Contains(norm(said), norm(question))
}

// engineFailure is what an engine's error can say about itself; the
// openaicompat engines' *EngineError has it. Asked with errors.As, so the
// session never reads an error's text.
type engineFailure interface {
	error
	FailureKind() string
	UserMessage() string
}

// failure sorts err for the notice and the metrics: its kind, and the
// sentence for the candidate (fallback when the engine cannot say).
func failure(err error, fallback string) (kind, msg string) {
	var ef engineFailure
	switch {
	case errors.As(err, &ef):
		return ef.FailureKind(), ef.UserMessage()
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout", fallback + " in time"
	}
	return "other", fallback
}

// engineNotice tells the candidate about an engine failure once per engine
// and kind in this session: the fallback speaks every turn, the notice is
// not repeated every turn.
func (s *Session) engineNotice(engine, kind, text string) {
	key := engine + "/" + kind
	if s.noticed[key] {
		return
	}
	if s.noticed == nil {
		s.noticed = map[string]bool{}
	}
	s.noticed[key] = true
	s.notice("warn", text)
}

// interrupt ends the reply in flight now (barge-in, a typed answer, skip)
// and records what was said of it.
func (s *Session) interrupt(cause error) {
	r := s.reply
	if r == nil {
		return
	}
	r.cancel(cause)
	s.finishReply(r)
}

// finishReply stores the interviewer turn and hands the floor to the
// candidate (or closes the round after the closing line).
func (s *Session) finishReply(r *reply) {
	if s.reply != r {
		return
	}
	s.reply = nil
	text, source, lat := r.snapshot()
	if strings.TrimSpace(text) == "" {
		text = r.move.Prompt.Scripted
	}
	now := s.now()
	m := r.move
	turn := &mockloop.Turn{
		RoundID:     s.id,
		Seq:         r.seq,
		Role:        mockloop.RoleInterviewer,
		Kind:        m.Prompt.Kind,
		QuestionIdx: m.QuestionIdx,
		QuestionID:  m.QuestionID,
		Principle:   m.Principle,
		ProbeCode:   m.Prompt.ProbeCode,
		Text:        strings.TrimSpace(text),
		Source:      source,
		StartedAt:   r.started,
		EndedAt:     &now,
		Latency:     lat,
	}
	prevPending, prevCurrent, prevAsked := s.pending, s.current, s.askedAt
	s.pending = nil
	s.current = &m
	s.askedAt = now
	if m.Done {
		s.current = nil
		s.finishRound(now)
	}
	if err := s.saveStep(turn); err != nil {
		// Keep the move pending so a reconnect speaks it again.
		s.pending, s.current, s.askedAt = prevPending, prevCurrent, prevAsked
		if m.Done {
			s.round.Status, s.round.FinishedAt, s.round.Debrief = mockloop.StatusActive, nil, nil
		}
		s.log.Error("save interviewer turn", "err", err)
		s.sendError(mockloop.CodeStorage, "Could not save the interviewer's turn: "+storageReason(err)+".")
		return
	}
	// The latency goes first: clients that stop reading once the
	// interviewer's turn arrives (dial, bench) still get it.
	if lat != nil {
		s.send(mockloop.Message{Type: "latency", TurnSeq: turn.Seq, Latency: lat})
		s.observeLatency(*lat)
	}
	s.send(mockloop.Message{Type: "interviewer", Turn: turn, Phase: s.phase(), Question: s.question()})
	if m.Done {
		s.send(mockloop.Message{Type: "finished", Round: s.round})
		s.stopVoice("finished")
		return
	}
	s.nudges.reset()
	s.lastLive = nil
	s.voiceNewAnswer(m)
}

func (s *Session) finishRound(now time.Time) {
	r := *s.round
	r.Status = mockloop.StatusFinished
	r.FinishedAt = &now
	d := round.Debrief(r, s.turns)
	r.Debrief = &d
	s.round = &r
}

func (s *Session) observeLatency(l mockloop.Latency) {
	o := s.deps.Observer
	if l.SpeechEndToCommitMS > 0 {
		o.TurnLatency("commit", time.Duration(l.SpeechEndToCommitMS*float64(time.Millisecond)))
	}
	o.TurnLatency("transcript", time.Duration(l.TranscriptMS*float64(time.Millisecond)))
	if l.FirstTokenMS > 0 {
		o.TurnLatency("first_token", time.Duration(l.FirstTokenMS*float64(time.Millisecond)))
	}
	if l.FirstAudioMS > 0 {
		o.TurnLatency("first_audio", time.Duration(l.FirstAudioMS*float64(time.Millisecond)))
	}
}

// storageReason says in plain words why the store refused a write; the
// error chain itself goes to the log, not to the page.
func storageReason(err error) string {
	switch {
	case errors.Is(err, mockloop.ErrReadOnly):
		return "the database is read-only; check that the data dir can be written"
	case errors.Is(err, mockloop.ErrStorageFull):
		return "the disk is full"
	case errors.Is(err, mockloop.ErrStorageLocked):
		return "the database is locked by another mockloop; close it and try again"
	}
	return "the database could not be written; the server log has the details"
}
