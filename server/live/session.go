package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
	"time"

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
			f()
		case <-tick.C:
			s.maybeNudge(s.lastLive)
		case <-s.ctx.Done():
			return
		}
	}
}

// live sends the live meters for the answer so far and any nudge due.
func (s *Session) live(text string) {
	rep := analysis.Analyze(s.analysisInput(text, nil))
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
		s.sendError(mockloop.CodeStorage, "Could not save the round: "+err.Error())
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
		s.sendError(mockloop.CodeStorage, "Could not save the answer: "+err.Error())
		return
	}
	q := *s.current
	next := s.eng.Answered(a.text, rep)
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
		s.sendError(mockloop.CodeStorage, "Your answer could not be saved ("+err.Error()+"). It is still in the box; try again.")
		return
	}
	s.nextSeq++
	s.openUtts = nil
	s.nudges.reset()
	s.lastLive = nil
	s.send(mockloop.Message{Type: "ack", ID: a.clientID, TurnSeq: turn.Seq})
	s.send(mockloop.Message{Type: "feedback", TurnSeq: turn.Seq, Report: &rep})
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
func (s *Session) speak(m round.Move, clock replyClock) {
	ctx, cancel := context.WithCancelCause(s.ctx)
	r := &reply{seq: s.nextSeq, move: m, cancel: cancel, started: s.now(), clock: clock}
	s.nextSeq++
	s.reply = r
	p := m.Prompt
	p.History = append([]mockloop.Turn(nil), s.turns...)
	out := s.voiceOut(ctx, r)
	go func() {
		emit := func(chunk string) {
			r.add(chunk, s.now())
			if out != nil {
				out.push(chunk)
			}
			s.Do(func() { s.send(mockloop.Message{Type: "interviewer_delta", Seq: r.seq, Text: chunk}) })
		}
		_, err := s.deps.Interviewer.Say(ctx, p, emit)
		r.mu.Lock()
		r.source = s.deps.Interviewer.Name()
		r.mu.Unlock()
		if err != nil && ctx.Err() == nil && s.deps.Scripted != s.deps.Interviewer {
			s.log.Warn("interviewer failed; scripted fallback", "err", err)
			s.deps.Observer.EngineError("llm", errorKind(err))
			s.Do(func() {
				s.notice("warn", "The LLM interviewer did not answer ("+shortErr(err)+"); the scripted interviewer took this turn.")
			})
			r.mu.Lock()
			r.text.Reset()
			r.source = s.deps.Scripted.Name()
			r.mu.Unlock()
			if out != nil {
				out.reset()
			}
			s.Do(func() { s.send(mockloop.Message{Type: "interviewer_delta", Seq: r.seq, Text: ""}) })
			_, err = s.deps.Scripted.Say(ctx, p, emit)
		}
		if out != nil {
			out.finish()
			<-out.done
		}
		s.Do(func() { s.finishReply(r) })
	}()
}

func shortErr(err error) string {
	msg := err.Error()
	if len(msg) > 160 {
		msg = msg[:160] + "…"
	}
	return msg
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
		s.sendError(mockloop.CodeStorage, "Could not save the interviewer's turn: "+err.Error())
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

// errorKind sorts an engine error for the metrics.
func errorKind(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	case errors.As(err, &ne), strings.Contains(err.Error(), "connection refused"):
		return "connection"
	case strings.Contains(err.Error(), "json"), strings.Contains(err.Error(), "status"):
		return "bad_response"
	}
	return "other"
}
