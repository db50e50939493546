// Package round owns the flow of a mock interview: which questions are
// asked in which order, when to probe an answer and with what, when to move
// on, and the debrief at the end. It also holds the scripted interviewer.
//
// The engine decides the move; a mockloop.Interviewer only words it. A round
// is a plan of answer slots fixed from the seed when it is created: one slot
// per behavioral or Bar Raiser question, one per phase of a system design
// prompt (requirements and scale, high-level design, deep dive) and of a
// coding talk-through (clarify, approach, complexity, edge cases). A loop
// is a behavioral block, a system design block, a coding block and a Bar
// Raiser block, scaled to the round's minutes.
//
// The session drives a State:
//
//	s, _ := round.New(bank, round.Config{Kind: mockloop.KindBehavioral, Minutes: 30, Seed: seed})
//	m := s.Begin()                // greeting and first question
//	m, v := s.AnswerTurn(seq, text, report) // after each committed answer: a probe, the next question, or the closing; v is the question-level verdict
//	m = s.Skip()                 // the candidate skipped
//	m = s.End()                  // time is up or the candidate ended; m.Done
//	data, _ := s.Marshal()       // saved with every step; round.Restore(bank, data) resumes
//
// Each answer is judged with its question (AnswerTurn; docs/conversation.md):
// the engine keeps a memory per question of the phases covered, the
// findings later answers resolved, the follow-ups that went unanswered and
// the candidate's quotable words, saved in the State. After each answer it
// asks a missed follow-up once more, else the most telling gap of the
// question so far (ordered by the slot's priority list, then severity; never
// a covered phase or one not reached yet), else, until every main answer
// has its follow-up (two for the Bar Raiser), a dig-in that quotes the
// candidate. An interviewer asks at most two follow-ups per slot; the Bar
// Raiser up to three, keeping one for the scope of impact when the answer
// stayed within the candidate's team. Everything is a pure function of the
// seed and the inputs, so the same seed and answers give the same moves and
// wording.
package round

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
)

// Personas, for mockloop.Prompt.Persona.
const (
	PersonaInterviewer = "interviewer"
	PersonaBarRaiser   = "bar_raiser"
)

// Probe codes the engine uses besides the analyzer's finding codes.
const (
	// ProbeScope asks about impact beyond the team. It is also the
	// analyzer's finding code for a Bar Raiser answer whose impact stayed
	// in the team.
	ProbeScope = "narrow_scope"
	// ProbeChallenge is the Bar Raiser's harder question on an answer that
	// left no gap to probe.
	ProbeChallenge = "bar_raiser"
)

// Follow-ups per answer slot: an interviewer usually asks one or two before
// moving on; the Bar Raiser digs further.
const (
	maxProbes          = 2
	maxBarRaiserProbes = 3
)

// Move is the engine's next step: what the interviewer should say, and what
// the session needs to record and time the answer that follows.
type Move struct {
	Prompt      mockloop.Prompt `json:"prompt"`
	QuestionIdx int             `json:"question_idx"`
	QuestionID  string          `json:"question_id,omitempty"`
	Principle   string          `json:"principle,omitempty"`
	Phase       string          `json:"phase,omitempty"`
	// AnalysisRound is the analyzer round whose rules apply to the next
	// answer.
	AnalysisRound analysis.Round `json:"analysis_round"`
	// Timebox is the time the candidate has for the next answer; zero when
	// Done.
	Timebox time.Duration `json:"timebox"`
	Done    bool          `json:"done"`
}

// Current describes where the round is, for the UI.
type Current struct {
	Block         mockloop.RoundKind `json:"block"` // the kind of the current part; differs from the round's kind in a loop
	Persona       string             `json:"persona"`
	QuestionIdx   int                `json:"question_idx"`
	QuestionNum   int                `json:"question_num"` // 1-based, for "question 2 of 4"
	QuestionCount int                `json:"question_count"`
	QuestionID    string             `json:"question_id"`
	Question      string             `json:"question"`
	Principle     string             `json:"principle,omitempty"`
	Phase         string             `json:"phase,omitempty"` // requirements, high_level, deep_dive; clarify, approach, complexity, edge_cases
	PhaseNum      int                `json:"phase_num,omitempty"`
	PhaseCount    int                `json:"phase_count,omitempty"`
	AnalysisRound analysis.Round     `json:"analysis_round"`
	Timebox       time.Duration      `json:"timebox"`
	Probes        int                `json:"probes"` // follow-ups asked in this slot so far
	Started       bool               `json:"started"`
	Done          bool               `json:"done"`
}

// State is one round in progress. It is not safe for concurrent use; the
// session owns it.
type State struct {
	bank *prompts.Bank
	st   record
	// closed holds what was still missing when the last move closed a
	// question, for AnswerTurn to report on the answer that closed it.
	closed []analysis.Finding
}

// record is everything a State is, as saved by Marshal.
type record struct {
	Version int    `json:"version"`
	Config  Config `json:"config"`
	Plan    []item `json:"plan"`
	Pos     int    `json:"pos"` // the current slot; len(Plan) once past the last
	Started bool   `json:"started"`
	Done    bool   `json:"done"`
	// Probes counts follow-ups in the current slot; Probed lists the codes
	// already probed on the current question, across its phases.
	Probes int      `json:"probes"`
	Probed []string `json:"probed,omitempty"`
	// Steps counts moves made; it salts the wording choices so the same
	// seed gives the same words and a restored round carries on unchanged.
	Steps int `json:"steps"`
	// Timebox is the time given for the answer now expected.
	Timebox time.Duration `json:"timebox"`
	Last    *Move         `json:"last,omitempty"`
	// Questions is the memory of each question asked, the current one
	// last (question.go). Rounds saved before it existed resume with none.
	Questions []question `json:"questions,omitempty"`
}

const recordVersion = 1

// New plans a round from cfg. The plan depends only on the bank and cfg,
// so the same seed gives the same questions.
func New(bank *prompts.Bank, cfg Config) (*State, error) {
	if bank == nil {
		return nil, errors.New("new round: nil bank")
	}
	cfg, err := normalise(cfg)
	if err != nil {
		return nil, fmt.Errorf("new round: %w", err)
	}
	items, err := plan(bank, cfg)
	if err != nil {
		return nil, fmt.Errorf("new round: %w", err)
	}
	s := &State{bank: bank, st: record{Version: recordVersion, Config: cfg, Plan: items}}
	s.st.Timebox = items[0].Timebox
	return s, nil
}

// Restore rebuilds a State saved by Marshal. The plan is taken from data,
// not re-drawn, so a bank edited since still resumes the same questions; a
// question removed from the bank is an error.
func Restore(bank *prompts.Bank, data []byte) (*State, error) {
	if bank == nil {
		return nil, errors.New("restore round: nil bank")
	}
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, fmt.Errorf("restore round: %w", err)
	}
	if r.Version != recordVersion {
		return nil, fmt.Errorf("restore round: state version %d, want %d", r.Version, recordVersion)
	}
	if _, err := normalise(r.Config); err != nil {
		return nil, fmt.Errorf("restore round: %w", err)
	}
	if len(r.Plan) == 0 || r.Pos < 0 || r.Pos > len(r.Plan) {
		return nil, fmt.Errorf("restore round: position %d in a plan of %d", r.Pos, len(r.Plan))
	}
	if (r.Started || r.Done) && r.Last == nil {
		return nil, errors.New("restore round: started but no last move")
	}
	if r.Pos == len(r.Plan) && !r.Done {
		return nil, errors.New("restore round: past the last question but not done")
	}
	for _, it := range r.Plan {
		switch it.Block {
		case mockloop.KindBehavioral, mockloop.KindSystemDesign, mockloop.KindCoding, mockloop.KindBarRaiser:
		default:
			return nil, fmt.Errorf("restore round: question %q in a %q block", it.QuestionID, it.Block)
		}
		if _, ok := bank.Question(it.QuestionID); !ok {
			return nil, fmt.Errorf("restore round: question %q is no longer in the bank", it.QuestionID)
		}
		if it.Phase < 0 || it.Phase >= len(phasesFor(it.Block)) {
			return nil, fmt.Errorf("restore round: question %q has no phase %d", it.QuestionID, it.Phase)
		}
	}
	return &State{bank: bank, st: r}, nil
}

// Marshal saves the State for Restore.
func (s *State) Marshal() ([]byte, error) {
	data, err := json.Marshal(s.st)
	if err != nil {
		return nil, fmt.Errorf("marshal round: %w", err)
	}
	return data, nil
}

// Config returns the round's configuration with defaults filled in.
func (s *State) Config() Config { return s.st.Config }

// Last returns the most recent move, to repeat it after a reconnect; false
// before Begin.
func (s *State) Last() (Move, bool) {
	if s.st.Last == nil {
		return Move{}, false
	}
	return *s.st.Last, true
}

// Begin greets the candidate and asks the first question. Called again, it
// repeats the last move rather than starting over.
func (s *State) Begin() Move {
	if s.st.Started && s.st.Last != nil {
		return *s.st.Last
	}
	s.st.Started = true
	it := s.st.Plan[0]
	text := s.greeting() + " " + s.opening(it, true)
	return s.emit(s.question(it, text, nil))
}

// Answered takes the candidate's committed answer and the analyzer's report
// on it and returns the next move: a follow-up probe, a cut-in, the next
// question or phase, or the closing. It is AnswerTurn without the turn
// number and the verdict.
func (s *State) Answered(answer string, rep analysis.Report) Move {
	m, _ := s.AnswerTurn(s.st.Steps, answer, rep)
	return m
}

// AnswerTurn is Answered for the answer stored as turn seq. Besides the
// next move it returns the question-level verdict on the answer: the
// answer is judged with everything said so far in the same question.
func (s *State) AnswerTurn(seq int, answer string, rep analysis.Report) (Move, Verdict) {
	v := Verdict{Report: rep, Answered: true}
	if !s.st.Started {
		return s.Begin(), v
	}
	if s.st.Done {
		return *s.st.Last, v
	}
	// An empty answer leaves nothing to probe; treat it as a skip.
	if strings.TrimSpace(answer) == "" && len(rep.Words) == 0 {
		return s.Skip(), v
	}
	it := s.st.Plan[s.st.Pos]
	bq, _ := s.bank.Question(it.QuestionID)
	q := s.current(it)
	qa := analysis.QuestionAnswer{Turn: seq, Report: rep, Stage: it.phase().name}
	if last := s.st.Last; last != nil && (last.Prompt.Kind == mockloop.TurnProbe || last.Prompt.Kind == mockloop.TurnCutIn) {
		qa.Probe, qa.ProbeText = last.Prompt.ProbeCode, last.Prompt.Scripted
	}
	j := q.State.Observe(qa)
	if j.Evidence {
		q.keepQuotes(rep)
	}
	v.Report.Findings = j.Findings
	v.Answered = j.Answered
	if len(j.Resolved) > 0 {
		v.Resolved = map[int][]mockloop.Resolution{}
		for _, r := range j.Resolved {
			v.Resolved[r.Turn] = append(v.Resolved[r.Turn], mockloop.Resolution{Code: r.Code, TurnSeq: r.By})
		}
	}
	var m Move
	if pm, ok := s.probe(it, bq, q, v.Report, qa, j); ok {
		m = s.emit(pm)
	} else {
		m = s.advance(s.pick("transition", transitions()), v.Report.Findings)
	}
	// The question closed with this answer: what is still missing is
	// reported once, on it.
	v.Report.Findings = append(v.Report.Findings, s.closed...)
	s.closed = nil
	if q = s.memory(it); q != nil {
		v.Coverage = phaseStates(q.State.Phases)
	}
	return m, v
}

// Skip moves to the next slot without probing.
func (s *State) Skip() Move {
	if !s.st.Started {
		return s.Begin()
	}
	if s.st.Done {
		return *s.st.Last
	}
	m := s.advance(s.pick("skip", skips()), nil)
	s.closed = nil // kept in the question's memory; no answer to put them on
	return m
}

// End closes the round now. Called again, it repeats the closing.
func (s *State) End() Move {
	if s.st.Done {
		return *s.st.Last
	}
	if s.st.Pos < len(s.st.Plan) {
		if q := s.memory(s.st.Plan[s.st.Pos]); q != nil && !q.State.Closed {
			for _, f := range q.State.Close(false) {
				q.Missing = append(q.Missing, f.Code)
			}
		}
	}
	return s.closing(s.pick("end", endings()), nil)
}

// Current reports where the round is.
func (s *State) Current() Current {
	pos := min(s.st.Pos, len(s.st.Plan)-1)
	it := s.st.Plan[pos]
	q, _ := s.bank.Question(it.QuestionID)
	c := Current{
		Block:         it.Block,
		Persona:       it.persona(),
		QuestionIdx:   it.QuestionIdx,
		QuestionNum:   it.QuestionIdx + 1,
		QuestionCount: s.st.Plan[len(s.st.Plan)-1].QuestionIdx + 1,
		QuestionID:    it.QuestionID,
		Question:      q.Text,
		Principle:     q.Principle,
		AnalysisRound: it.analysisRound(),
		Timebox:       s.st.Timebox,
		Probes:        s.st.Probes,
		Started:       s.st.Started,
		Done:          s.st.Done,
	}
	if phases := phasesFor(it.Block); len(phases) > 1 {
		c.Phase, c.PhaseNum, c.PhaseCount = phases[it.Phase].name, it.Phase+1, len(phases)
	}
	if s.st.Done {
		c.Timebox = 0
	}
	return c
}

// probe picks the follow-up for an answer, if one is due: the same
// follow-up once more when the answer missed it, else the most telling gap
// of the question so far, else (until the slot has its minimum) a dig into
// the candidate's own words.
func (s *State) probe(it item, q prompts.Question, mem *question, rep analysis.Report, qa analysis.QuestionAnswer, j analysis.Judgement) (Move, bool) {
	limit, least := maxProbes, minProbes
	br := it.Block == mockloop.KindBarRaiser
	if br {
		limit, least = maxBarRaiserProbes, minBarRaiserProbes
	}
	if s.st.Probes >= limit {
		return Move{}, false
	}
	if qa.Probe != "" && !j.Answered && qa.Probe != "rambling" && !slices.Contains(mem.Retried, qa.Probe) {
		// One more try, asked more plainly; a second miss moves on and the
		// debrief says so.
		mem.Retried = append(mem.Retried, qa.Probe)
		text := stripAck(qa.ProbeText)
		if qa.Probe != ProbeDigIn && qa.Probe != ProbeChallenge {
			if t, ok := probeText(it, qa.Probe, q.Probe); ok {
				text = t
			}
		}
		return s.probeMove(it, q, mockloop.TurnProbe, s.pick("retry", retries())+text, qa.Probe, rep.Findings, ""), true
	}
	findings := rep.Findings
	if s.st.Probes > 0 {
		findings = forFollowUp(findings)
	}
	// Gaps reported on an earlier answer of the question and still open
	// may be asked for now.
	for _, code := range mem.State.Gaps() {
		if !slices.ContainsFunc(findings, func(f analysis.Finding) bool { return f.Code == code }) {
			findings = append(slices.Clone(findings), analysis.Finding{Code: code, Severity: analysis.Medium})
		}
	}
	candidates := s.candidates(it, q, mem, findings)
	narrow := rep.Metrics.Scope == "self" || rep.Metrics.Scope == "team" || rep.Has(ProbeScope)
	scopeDue := br && narrow && !slices.Contains(s.st.Probed, ProbeScope)
	if br {
		// The Bar Raiser's scope probe has its own slot below.
		candidates = slices.DeleteFunc(candidates, func(c string) bool { return c == ProbeScope })
	}
	var code, text string
	switch {
	// The Bar Raiser keeps the last follow-up for scope, and asks it as
	// soon as nothing else is more pressing.
	case scopeDue && (len(candidates) == 0 || s.st.Probes == limit-1):
		code = ProbeScope
		text, _ = q.Probe(ProbeScope)
		if text == "" {
			text = "How did this change things beyond your own team?"
		}
	case len(candidates) > 0:
		code = candidates[0]
		text, _ = probeText(it, code, q.Probe)
	case s.st.Probes < least:
		// Nothing is missing: dig into what the candidate said, in their
		// words; without a usable quote, a harder question from the bank.
		quote := ""
		if qt, ok := s.pickQuote(mem); ok {
			code, text, quote = ProbeDigIn, s.digIn(mem, qt), qt.Said
		} else {
			pool := slices.Concat(q.BarRaiser, q.Deeper)
			switch {
			case len(stageFollowUps(it.phase().name)) > 0 && s.st.Pos+1 < len(s.st.Plan) && s.st.Plan[s.st.Pos+1].QuestionIdx == it.QuestionIdx:
				// Early in a design or coding question the bank's harder
				// questions come too soon; ask about what was just said.
				pool = stageFollowUps(it.phase().name)
			case !br:
				pool = slices.Concat(q.Deeper, q.BarRaiser)
			}
			pool = s.freshLines(mem, pool)
			if len(pool) == 0 {
				pool = s.freshLines(mem, neutralFollowUps(it.Block))
			}
			if len(pool) == 0 {
				return Move{}, false
			}
			code, text = ProbeChallenge, s.pick("challenge", pool)
			s.st.Probed = append(s.st.Probed, ProbeChallenge+":"+text)
		}
		kind := mockloop.TurnProbe
		return s.probeMove(it, q, kind, s.pick("ack", acks())+text, code, rep.Findings, quote), true
	default:
		return Move{}, false
	}
	s.st.Probed = append(s.st.Probed, code)
	if code == "rambling" {
		// The answer is already finished: "let me stop you there" (the
		// bank's wording, for an interviewer cutting into speech) would
		// stop nothing, so ask for the short version as a follow-up.
		text = rambleFollowUp(it.Block)
	} else {
		text = s.pick("ack", acks()) + text
	}
	return s.probeMove(it, q, mockloop.TurnProbe, text, code, rep.Findings, ""), true
}

// rambleFollowUp asks a finished answer that rambled for its short
// version, in the terms of the round: the result of a story, the
// algorithm of a solution, the decision that matters in a design.
func rambleFollowUp(block mockloop.RoundKind) string {
	switch block {
	case mockloop.KindCoding:
		return "That was a lot of detail; in two sentences, what is the algorithm?"
	case mockloop.KindSystemDesign:
		return "That was a lot of detail; in a sentence or two, what is the one decision that matters most in this part?"
	}
	return "That was a lot of detail; in a sentence or two, what was the result?"
}

// probeMove counts a follow-up in the slot and makes its move.
func (s *State) probeMove(it item, q prompts.Question, kind mockloop.TurnKind, text, code string, findings []analysis.Finding, quote string) Move {
	s.st.Probes++
	box := probeAnswer
	if it.Block == mockloop.KindSystemDesign || it.Block == mockloop.KindCoding {
		box = designProbe
	}
	if kind == mockloop.TurnCutIn || code == "rambling" {
		box = cutInAnswer // "in a sentence or two"
	}
	s.st.Timebox = box
	p := s.prompt(it, q, kind, text, code, findings)
	p.Quote = quote
	return Move{
		Prompt:        p,
		QuestionIdx:   it.QuestionIdx,
		QuestionID:    it.QuestionID,
		Principle:     q.Principle,
		Phase:         it.phase().name,
		AnalysisRound: it.analysisRound(),
		Timebox:       box,
	}
}

// stripAck drops the short acknowledgement a follow-up opened with, so a
// retry does not say "Thanks." twice.
func stripAck(text string) string {
	for _, a := range acks() {
		if a != "" && strings.HasPrefix(text, a) {
			return strings.TrimPrefix(text, a)
		}
	}
	for _, r := range retries() {
		text = strings.TrimPrefix(text, r)
	}
	return text
}

// candidates returns the probe-able finding codes, best first: the codes
// of the slot's priority list in its order, then the other codes there is
// wording for (a phase of an earlier stage still missing, a user bank's own
// codes), by severity.
func (s *State) candidates(it item, q prompts.Question, mem *question, findings []analysis.Finding) []string {
	rank := map[string]int{}
	for i, c := range it.phase().codes {
		rank[c] = i
	}
	type cand struct {
		code string
		rank int
		sev  int
	}
	var cs []cand
	seen := map[string]bool{}
	for _, f := range findings {
		if seen[f.Code] || slices.Contains(s.st.Probed, f.Code) || f.Code == analysis.CodeProbeNotAnswered {
			continue
		}
		seen[f.Code] = true
		text, ok := probeText(it, f.Code, q.Probe)
		if !ok || mem != nil && asksForCovered(mem, text) {
			// No wording, or wording that asks for a phase the question
			// covered ("Walk me through it on an example" after one).
			continue
		}
		r, inPhase := rank[f.Code]
		if !inPhase {
			// A gap of an earlier stage still open, or a user bank's own
			// code: after the slot's own list. The question-level findings
			// hold no phase the interview has not reached.
			r = len(rank)
		}
		cs = append(cs, cand{f.Code, r, severityWeight(f.Severity)})
	}
	slices.SortFunc(cs, func(a, b cand) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(b.sev, a.sev), strings.Compare(a.code, b.code))
	})
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.code
	}
	return out
}

// forFollowUp drops the structural findings from an answer to a follow-up.
func forFollowUp(fs []analysis.Finding) []analysis.Finding {
	return slices.DeleteFunc(slices.Clone(fs), func(f analysis.Finding) bool { return analysis.Structural(f.Code) })
}

// advance moves to the next slot, or closes the round after the last one.
// lead is what the interviewer says first ("Thanks. Let's move on.").
func (s *State) advance(lead string, findings []analysis.Finding) Move {
	prev := s.st.Plan[s.st.Pos]
	s.st.Pos++
	s.st.Probes = 0
	// A stage of the same prompt whose phases the candidate already covered
	// is not asked again: it digs into their words instead, or is skipped
	// when there is nothing left to quote.
	mem := s.memory(prev)
	// The last stage is always asked: it goes deeper whatever was covered.
	for mem != nil && s.st.Pos+1 < len(s.st.Plan) && s.st.Plan[s.st.Pos+1].QuestionIdx == prev.QuestionIdx &&
		len(slotPhases(s.st.Plan[s.st.Pos])) > 0 && len(uncovered(mem, s.st.Plan[s.st.Pos])) == 0 && !s.hasQuote(mem) {
		s.st.Pos++
	}
	if mem != nil && (s.st.Pos >= len(s.st.Plan) || s.st.Plan[s.st.Pos].QuestionIdx != prev.QuestionIdx) {
		s.closed = s.closeMissing(mem)
	}
	if s.st.Pos >= len(s.st.Plan) {
		return s.closing(s.pick("closing", closings()), findings)
	}
	it := s.st.Plan[s.st.Pos]
	if it.QuestionIdx != prev.QuestionIdx {
		s.st.Probed = nil
	}
	var text string
	switch {
	case it.Block != prev.Block:
		// The handover says the part is over, so a short thanks replaces
		// the "let's move on" lead.
		text = s.pick("phase", phaseAcks()) + " " + handover(prev.Block, it.Block) + " " + s.opening(it, true)
	case it.QuestionIdx == prev.QuestionIdx:
		// The next stage of the same prompt, asking only for what is
		// still missing when part of it was covered already.
		text = s.pick("phase", phaseAcks()) + " " + s.stageLead(mem, it)
	default:
		text = lead + " " + s.opening(it, false)
	}
	return s.emit(s.question(it, text, findings))
}

// memory returns the saved memory of a slot's question, or nil.
func (s *State) memory(it item) *question {
	for i := len(s.st.Questions) - 1; i >= 0; i-- {
		if q := &s.st.Questions[i]; q.Idx == it.QuestionIdx && q.ID == it.QuestionID {
			return q
		}
	}
	return nil
}

// stageLead opens a stage: its usual lead, or only the asks of the phases
// not covered yet.
func (s *State) stageLead(mem *question, it item) string {
	due := slotPhases(it)
	if mem == nil || len(due) == 0 {
		return it.phase().lead
	}
	left := uncovered(mem, it)
	if len(left) == len(due) {
		return it.phase().lead
	}
	if len(left) == 0 {
		// The lead names no phase: saying "you covered the trade-offs"
		// reads as asking for them again.
		lead := "You've covered that part already. Let's go deeper. "
		if qt, ok := s.pickQuote(mem); ok {
			return lead + s.digIn(mem, qt)
		}
		bq, _ := s.bank.Question(it.QuestionID)
		pool := s.freshLines(mem, slices.Concat(bq.Deeper, bq.BarRaiser))
		if len(pool) == 0 {
			pool = s.freshLines(mem, neutralFollowUps(it.Block))
		}
		if len(pool) == 0 {
			return it.phase().lead
		}
		text := s.pick("deeper", pool)
		s.st.Probed = append(s.st.Probed, ProbeChallenge+":"+text)
		return lead + text
	}
	asks := phaseAsks(it.analysisRound())
	parts := make([]string, 0, len(left))
	for _, d := range left {
		parts = append(parts, asks[d.Name])
	}
	return strings.Join(parts, " ")
}

// closeMissing closes a question's memory once and returns what is still
// missing, as findings for the answer that closed it.
func (s *State) closeMissing(q *question) []analysis.Finding {
	if q.State.Closed {
		return nil
	}
	fs := q.State.Close(true)
	for _, f := range fs {
		q.Missing = append(q.Missing, f.Code)
	}
	return fs
}

// opening is how a slot's question is put: a behavioral question as is, a
// new design or coding prompt with its first phase's lead.
func (s *State) opening(it item, first bool) string {
	q, _ := s.bank.Question(it.QuestionID)
	switch it.Block {
	case mockloop.KindSystemDesign, mockloop.KindCoding:
		return "Here's the problem. " + q.Text + " " + it.phase().lead
	}
	if first {
		return s.pick("first", firsts()) + " " + q.Text
	}
	return q.Text
}

func (s *State) question(it item, text string, findings []analysis.Finding) Move {
	q, _ := s.bank.Question(it.QuestionID)
	s.st.Timebox = it.Timebox
	return Move{
		Prompt:        s.prompt(it, q, mockloop.TurnQuestion, text, "", findings),
		QuestionIdx:   it.QuestionIdx,
		QuestionID:    it.QuestionID,
		Principle:     q.Principle,
		Phase:         it.phase().name,
		AnalysisRound: it.analysisRound(),
		Timebox:       it.Timebox,
	}
}

func (s *State) closing(text string, findings []analysis.Finding) Move {
	it := s.st.Plan[min(s.st.Pos, len(s.st.Plan)-1)]
	q, _ := s.bank.Question(it.QuestionID)
	s.st.Done, s.st.Started, s.st.Timebox = true, true, 0
	m := Move{
		Prompt:        s.prompt(it, q, mockloop.TurnClosing, text, "", findings),
		QuestionIdx:   it.QuestionIdx,
		QuestionID:    it.QuestionID,
		Principle:     q.Principle,
		AnalysisRound: it.analysisRound(),
		Done:          true,
	}
	return s.emit(m)
}

func (s *State) prompt(it item, q prompts.Question, kind mockloop.TurnKind, text, code string, findings []analysis.Finding) mockloop.Prompt {
	p := mockloop.Prompt{
		Kind:      kind,
		RoundKind: it.Block,
		Persona:   it.persona(),
		Scripted:  text,
		Question:  q.Text,
		ProbeCode: code,
		Findings:  findings,
	}
	// An LLM interviewer gets the question's checklist so it never asks
	// for what was covered.
	if mem := s.memory(it); mem != nil {
		p.Coverage = phaseStates(mem.State.Phases)
	}
	return p
}

// emit records a move as the last one and counts it.
func (s *State) emit(m Move) Move {
	s.st.Steps++
	s.st.Last = &m
	return m
}

// pick chooses one of options from the seed, the step count and a salt, so
// wording varies between rounds but not between runs of the same round.
func (s *State) pick(salt string, options []string) string {
	return options[s.pickIndex(salt, len(options))]
}

// pickIndex is pick for an index below n (n > 0).
func (s *State) pickIndex(salt string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(strconv.FormatInt(s.st.Config.Seed, 10) + "/" + strconv.Itoa(s.st.Steps) + "/" + salt))
	return int(h.Sum64() % uint64(n))
}
