package round

import (
	"slices"
	"strings"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// The engine's memory of each question: what the candidate covered, which
// findings a follow-up resolved, which follow-ups went unanswered and what
// has been quoted back. It lives in the round's State JSON (record.Questions)
// so a restart resumes with it; a new main question starts a new entry.
// docs/conversation.md describes the design.

// ProbeDigIn is the probe code of a follow-up that quotes the candidate's
// own words back ("You mentioned a dead-letter queue. …").
const ProbeDigIn = "dig_in"

// Follow-ups every main answer gets at least, even a strong one: a real
// interviewer always digs, and a Bar Raiser digs twice.
const (
	minProbes          = 1
	minBarRaiserProbes = 2
	// maxQuotes bounds the quotable phrases kept per question.
	maxQuotes = 16
)

// question is one main question's memory, as saved in the State.
type question struct {
	Idx   int                    `json:"idx"`
	ID    string                 `json:"id"`
	Block mockloop.RoundKind     `json:"block"`
	State analysis.QuestionState `json:"state"`
	// Retried are probe codes asked again after an answer missed them.
	Retried []string `json:"retried,omitempty"`
	// Quotes are quotable phrases from the on-topic answers, newest last.
	Quotes []analysis.Quote `json:"quotes,omitempty"`
	// Missing are the codes reported when the question closed.
	Missing []string `json:"missing,omitempty"`
}

// Verdict is the question-level judgement of one committed answer, for the
// session to store and send.
type Verdict struct {
	// Report is the analyzer's report with the question-level findings in
	// place of the answer's own.
	Report analysis.Report
	// Coverage is the answered question's phase checklist after the answer
	// (system design and coding).
	Coverage []mockloop.PhaseState
	// Resolved maps an earlier answer's turn seq to the findings this
	// answer resolved on it.
	Resolved map[int][]mockloop.Resolution
	// Answered is false when the answer to a follow-up missed what the
	// follow-up asked for.
	Answered bool
}

// current returns the memory of the question at the engine's position,
// starting it when the question is new.
func (s *State) current(it item) *question {
	if n := len(s.st.Questions); n > 0 {
		if q := &s.st.Questions[n-1]; q.Idx == it.QuestionIdx && q.ID == it.QuestionID {
			return q
		}
	}
	bq, _ := s.bank.Question(it.QuestionID)
	s.st.Questions = append(s.st.Questions, question{
		Idx: it.QuestionIdx, ID: it.QuestionID, Block: it.Block,
		State: analysis.NewQuestionState(it.analysisRound(), bq.Text),
	})
	return &s.st.Questions[len(s.st.Questions)-1]
}

// Coverage returns the checklist of the question being asked: empty phases
// for a question not answered yet, nil for behavioral questions.
func (s *State) Coverage() []mockloop.PhaseState {
	it := s.st.Plan[min(s.st.Pos, len(s.st.Plan)-1)]
	if n := len(s.st.Questions); n > 0 {
		if q := s.st.Questions[n-1]; q.Idx == it.QuestionIdx && q.ID == it.QuestionID {
			return phaseStates(q.State.Phases)
		}
	}
	bq, _ := s.bank.Question(it.QuestionID)
	return phaseStates(analysis.NewQuestionState(it.analysisRound(), bq.Text).Phases)
}

func phaseStates(ps []analysis.PhaseMark) []mockloop.PhaseState {
	if len(ps) == 0 {
		return nil
	}
	out := make([]mockloop.PhaseState, len(ps))
	for i, p := range ps {
		out[i] = mockloop.PhaseState{Phase: p.Phase, Label: p.Label, Covered: p.Covered, TurnSeq: p.Turn}
	}
	return out
}

// QuestionView is one asked question as the review page groups it.
type QuestionView struct {
	Idx       int                   `json:"idx"`
	ID        string                `json:"id"`
	Text      string                `json:"text"`
	Kind      string                `json:"kind"` // analyzer round
	Principle string                `json:"principle,omitempty"`
	Coverage  []mockloop.PhaseState `json:"coverage,omitempty"`
	// Missing are the phase codes still missing when the question closed.
	Missing []string `json:"missing,omitempty"`
	// Unanswered are the follow-ups whose answers missed what they asked.
	Unanswered []analysis.ProbeMiss `json:"unanswered,omitempty"`
	TurnSeqs   []int                `json:"turn_seqs"`
}

// Questions returns the questions asked so far, in order, with their
// checklists and the turns that belong to each.
func (s *State) Questions(turns []mockloop.Turn) []QuestionView {
	var out []QuestionView
	seen := map[int]bool{}
	for _, q := range s.st.Questions {
		if seen[q.Idx] {
			continue
		}
		seen[q.Idx] = true
		bq, _ := s.bank.Question(q.ID)
		v := QuestionView{Idx: q.Idx, ID: q.ID, Text: bq.Text, Kind: string(q.State.Round), Principle: bq.Principle,
			Coverage: phaseStates(q.State.Phases), Missing: q.Missing, Unanswered: q.State.Misses, TurnSeqs: []int{}}
		out = append(out, v)
	}
	// Questions asked but never answered have no memory yet; the turns
	// still name them.
	for _, t := range turns {
		if seen[t.QuestionIdx] || t.QuestionID == "" {
			continue
		}
		seen[t.QuestionIdx] = true
		bq, _ := s.bank.Question(t.QuestionID)
		it := item{Block: s.blockOf(t.QuestionIdx)}
		out = append(out, QuestionView{Idx: t.QuestionIdx, ID: t.QuestionID, Text: bq.Text, Kind: string(it.analysisRound()),
			Principle: bq.Principle, TurnSeqs: []int{}})
	}
	slices.SortFunc(out, func(a, b QuestionView) int { return a.Idx - b.Idx })
	for _, t := range turns {
		for i := range out {
			if out[i].Idx == t.QuestionIdx && t.Kind != mockloop.TurnClosing {
				out[i].TurnSeqs = append(out[i].TurnSeqs, t.Seq)
			}
		}
	}
	for i := range out {
		slices.Sort(out[i].TurnSeqs)
	}
	return out
}

func (s *State) blockOf(idx int) mockloop.RoundKind {
	for _, it := range s.st.Plan {
		if it.QuestionIdx == idx {
			return it.Block
		}
	}
	return s.st.Config.Kind
}

// Resolutions returns, by answer turn seq, the findings later answers to
// the same question resolved, for Turn.Resolved.
func (s *State) Resolutions() map[int][]mockloop.Resolution {
	out := map[int][]mockloop.Resolution{}
	for _, q := range s.st.Questions {
		for _, r := range q.State.Resolved {
			out[r.Turn] = append(out[r.Turn], mockloop.Resolution{Code: r.Code, TurnSeq: r.By})
		}
	}
	return out
}

// ApplyResolutions sets Turn.Resolved on the turns from res.
func ApplyResolutions(turns []mockloop.Turn, res map[int][]mockloop.Resolution) {
	for i := range turns {
		if rs, ok := res[turns[i].Seq]; ok && turns[i].Role == mockloop.RoleCandidate {
			turns[i].Resolved = slices.Clone(rs)
		}
	}
}

// keepQuotes remembers the quotable phrases of an on-topic answer.
func (q *question) keepQuotes(rep analysis.Report) {
	for _, qt := range analysis.Quotes(rep) {
		if slices.ContainsFunc(q.Quotes, func(o analysis.Quote) bool { return quoteKey(o) == quoteKey(qt) }) {
			continue
		}
		q.Quotes = append(q.Quotes, qt)
	}
	if n := len(q.Quotes); n > maxQuotes {
		q.Quotes = slices.Clone(q.Quotes[n-maxQuotes:])
	}
}

// quoteKey names a quote whatever its article: "a counter service" and
// "the counter service" are one thing to ask about.
func quoteKey(qt analysis.Quote) string {
	k := strings.ToLower(qt.You)
	for _, art := range []string{"a ", "an ", "the ", "your "} {
		k = strings.TrimPrefix(k, art)
	}
	return k
}

// hasQuote reports whether pickQuote would find a phrase.
func (s *State) hasQuote(q *question) bool {
	return slices.ContainsFunc(q.Quotes, func(qt analysis.Quote) bool {
		return !slices.Contains(q.State.Quoted, quoteKey(qt))
	})
}

// pickQuote chooses a phrase not yet quoted: from the newest answer first,
// the kinds that suit the block first, the strongest first, then one of
// the best few by the seed.
func (s *State) pickQuote(q *question) (analysis.Quote, bool) {
	prefer := []string{"decision", "result", "component"}
	if q.Block == mockloop.KindSystemDesign || q.Block == mockloop.KindCoding {
		prefer = []string{"component", "decision", "result"}
	}
	var cands []analysis.Quote
	for _, kind := range prefer {
		for i := len(q.Quotes) - 1; i >= 0; i-- {
			qt := q.Quotes[i]
			if qt.Kind != kind || slices.Contains(q.State.Quoted, quoteKey(qt)) {
				continue
			}
			cands = append(cands, qt)
		}
		if len(cands) > 0 {
			break
		}
	}
	if len(cands) == 0 {
		return analysis.Quote{}, false
	}
	best := cands[0].Score
	for _, c := range cands {
		best = max(best, c.Score)
	}
	cands = slices.DeleteFunc(cands, func(c analysis.Quote) bool { return c.Score < best })
	if len(cands) > 3 {
		cands = cands[:3]
	}
	qt := cands[s.pickIndex("quote", len(cands))]
	q.State.Quoted = append(q.State.Quoted, quoteKey(qt))
	return qt, true
}

// digIn words a follow-up on a quote, avoiding wordings that ask for a
// phase the question already covered.
func (s *State) digIn(q *question, qt analysis.Quote) string {
	var options []string
	for _, d := range digIns(q.Block, qt.Kind) {
		if d.phase != "" && q.State.IsCovered(d.phase) || asksForCovered(q, d.text) {
			continue
		}
		options = append(options, d.text)
	}
	if len(options) == 0 {
		options = []string{"You mentioned %s. Tell me more about that choice."}
	}
	return strings.Replace(s.pick("dig", options), "%s", qt.You, 1)
}

// phaseAsk is how the interviewer asks for a phase by its finding code,
// when the question's bank entry has no wording of its own.
func phaseAsk(round analysis.Round, code string) (string, bool) {
	phase := analysis.PhaseOf(round, code)
	if phase == "" {
		return "", false
	}
	s, ok := phaseAsks(round)[phase]
	return s, ok
}

// probeText is the question's wording for a probe code, or the phase's
// stock wording.
func probeText(it item, code string, bankText func(string) (string, bool)) (string, bool) {
	if t, ok := bankText(code); ok {
		return t, true
	}
	return phaseAsk(it.analysisRound(), code)
}

// slotPhases returns the checklist phases due from a slot's stage.
func slotPhases(it item) []analysis.PhaseDef {
	var out []analysis.PhaseDef
	for _, d := range analysis.QuestionPhases(it.analysisRound()) {
		if d.Stage == it.phase().name {
			out = append(out, d)
		}
	}
	return out
}

// uncovered returns the phases of a slot the question has not covered.
func uncovered(q *question, it item) []analysis.PhaseDef {
	return slices.DeleteFunc(slotPhases(it), func(d analysis.PhaseDef) bool { return q.State.IsCovered(d.Name) })
}

// Preview returns the question-level findings a draft of the next answer
// would get, without changing the State.
func (s *State) Preview(rep analysis.Report) []analysis.Finding {
	if s.st.Done || !s.st.Started || s.st.Pos >= len(s.st.Plan) {
		return rep.Findings
	}
	it := s.st.Plan[s.st.Pos]
	qs := analysis.NewQuestionState(it.analysisRound(), "")
	if mem := s.memory(it); mem != nil {
		qs = cloneQuestionState(mem.State)
	}
	qa := analysis.QuestionAnswer{Turn: -1, Report: rep, Stage: it.phase().name}
	if last := s.st.Last; last != nil && (last.Prompt.Kind == mockloop.TurnProbe || last.Prompt.Kind == mockloop.TurnCutIn) {
		// A draft is not finished: it is not checked against the follow-up.
		qa.Probe = ""
		rep.Findings = forFollowUp(rep.Findings)
		qa.Report = rep
	}
	return qs.Observe(qa).Findings
}

func cloneQuestionState(q analysis.QuestionState) analysis.QuestionState {
	q.Phases = slices.Clone(q.Phases)
	q.Answers = slices.Clone(q.Answers)
	q.Open = slices.Clone(q.Open)
	q.Resolved = slices.Clone(q.Resolved)
	q.Reported = slices.Clone(q.Reported)
	q.Misses = slices.Clone(q.Misses)
	q.Quoted = slices.Clone(q.Quoted)
	q.Topic = slices.Clone(q.Topic)
	return q
}

// asksForCovered reports whether a line's wording asks about a phase the
// question already covered (phaseWords), so it is not said.
func asksForCovered(q *question, text string) bool {
	low := strings.ToLower(text)
	for phase, words := range phaseWords(q.State.Round) {
		if !q.State.IsCovered(phase) {
			continue
		}
		for _, w := range words {
			if strings.Contains(low, w) {
				return true
			}
		}
	}
	return false
}

// freshLines drops the lines already asked in this question and those
// asking for a covered phase.
func (s *State) freshLines(q *question, lines []string) []string {
	return slices.DeleteFunc(slices.Clone(lines), func(l string) bool {
		return slices.Contains(s.st.Probed, ProbeChallenge+":"+l) || q != nil && asksForCovered(q, l)
	})
}
