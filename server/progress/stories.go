package progress

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/round"
)

// Story thresholds. They are mockloop's own heuristic on top of
// round.Score (100 minus 25 per high, 12 per medium and 5 per low
// finding).
const (
	// principleEvidence is the analyzer score from which a story counts
	// for a principle it was not asked about; the debrief uses the same.
	principleEvidence = 0.5
	// strongScore is the score from which a whole story is strong: no
	// high-severity gap and at most one medium one with a low one.
	strongScore = 80
	// Titles are a clause of a few words, enough to recognise the story.
	titleMinWords = 3
	titleMaxWords = 8
	// outcomeMaxWords caps a title taken from the outcome: long enough for
	// "p99 latency went from 2.4 seconds to 300 milliseconds".
	outcomeMaxWords = 11
	// leadBackWords is how far before the Result part a title may start to
	// take its clause's subject.
	leadBackWords = 6
)

// Story is one story the candidate told: a behavioral or Bar Raiser main
// answer with the answers to its follow-ups.
type Story struct {
	Title     string             `json:"title"`
	RoundID   string             `json:"round_id"`
	RoundKind mockloop.RoundKind `json:"round_kind"`
	CreatedAt time.Time          `json:"created_at"` // the round's
	// Seq is the main answer's turn; FollowUps the answers to follow-ups
	// on the same question.
	Seq        int    `json:"seq"`
	FollowUps  []int  `json:"follow_ups"`
	QuestionID string `json:"question_id,omitempty"`
	Question   string `json:"question,omitempty"`
	// AskedFor is the principle the question targeted.
	AskedFor string `json:"asked_for,omitempty"`
	// Principles the story showed, in Amazon's order: the one it was asked
	// for and those the analyzer heard in the main or follow-up answers. A
	// story can serve several principles.
	Principles []string `json:"principles"`
	// Score is round.Score of the main answer without the findings a
	// follow-up answer resolved (Turn.Resolved): the story as it stands
	// once the follow-ups completed it.
	Score  int  `json:"score"`
	Strong bool `json:"strong"`
	// Gaps are the main answer's high and medium finding codes that no
	// follow-up resolved, worst first: what to fix before telling it
	// again.
	Gaps []string `json:"gaps"`
	// CompletedBy is the follow-up answer that supplied what the main
	// answer lacked (its first Resolution), 0 when none did.
	CompletedBy int `json:"completed_by,omitempty"`
}

// StoryBank collects the stories told across rounds, oldest first.
func StoryBank(rounds []RoundTurns) []Story {
	sorted := slices.Clone(rounds)
	slices.SortStableFunc(sorted, func(a, b RoundTurns) int {
		return cmp.Or(a.Round.CreatedAt.Compare(b.Round.CreatedAt), cmp.Compare(a.Round.ID, b.Round.ID))
	})
	out := []Story{}
	for _, rt := range sorted {
		out = append(out, roundStories(rt)...)
	}
	return out
}

func storyRound(r analysis.Round) bool {
	return r == analysis.Behavioral || r == analysis.BarRaiser
}

func roundStories(rt RoundTurns) []Story {
	turns := slices.Clone(rt.Turns)
	slices.SortStableFunc(turns, func(a, b mockloop.Turn) int { return cmp.Compare(a.Seq, b.Seq) })
	var (
		out []Story
		// reports of the current story's answers, main first.
		reps []analysis.Report
		// question is the last main question asked; answered says whether
		// it has had its main answer.
		question *mockloop.Turn
		answered bool
		lastKind mockloop.TurnKind
	)
	finish := func() {
		if len(reps) > 0 {
			out[len(out)-1].Principles = storyPrinciples(out[len(out)-1].AskedFor, reps)
		}
		reps = nil
	}
	for i := range turns {
		t := &turns[i]
		if t.Role == mockloop.RoleInterviewer {
			lastKind = t.Kind
			if t.Kind == mockloop.TurnQuestion {
				finish()
				question, answered = t, false
			}
			continue
		}
		if t.Role != mockloop.RoleCandidate || t.Report == nil || question == nil || !storyRound(t.Report.Round) {
			continue
		}
		if !answered && lastKind == mockloop.TurnQuestion {
			answered = true
			out = append(out, newStory(rt.Round, question, t, followUpReports(turns, i, t.Resolved)))
			reps = append(reps, *t.Report)
			continue
		}
		// An answer to a probe or cut-in on the story's question.
		if len(reps) > 0 && t.QuestionIdx == question.QuestionIdx {
			out[len(out)-1].FollowUps = append(out[len(out)-1].FollowUps, t.Seq)
			reps = append(reps, *t.Report)
		}
	}
	finish()
	return out
}

// followUpReports returns the reports of the answers named in resolved
// (the follow-ups that completed the main answer at turns[main]), by seq.
func followUpReports(turns []mockloop.Turn, main int, resolved []mockloop.Resolution) map[int]analysis.Report {
	out := map[int]analysis.Report{}
	for _, r := range resolved {
		for j := main + 1; j < len(turns); j++ {
			if turns[j].Seq == r.TurnSeq && turns[j].Report != nil {
				out[r.TurnSeq] = *turns[j].Report
			}
		}
	}
	return out
}

func newStory(r mockloop.Round, q, answer *mockloop.Turn, completing map[int]analysis.Report) Story {
	rep := *answer.Report
	// The story as completed: what a follow-up supplied is no longer a gap.
	resolved := resolvedCodes(answer.Resolved)
	rep.Findings = slices.DeleteFunc(slices.Clone(rep.Findings), func(f analysis.Finding) bool { return !fault(f, resolved) })
	asked := cmp.Or(answer.Principle, q.Principle)
	if name, ok := prompts.CanonicalPrinciple(asked); ok {
		asked = name
	}
	s := Story{
		RoundID:    r.ID,
		RoundKind:  r.Kind,
		CreatedAt:  r.CreatedAt,
		Seq:        answer.Seq,
		FollowUps:  []int{},
		QuestionID: cmp.Or(answer.QuestionID, q.QuestionID),
		Question:   rep.Question,
		AskedFor:   asked,
		Score:      round.Score(rep),
		Gaps:       gaps(rep.Findings),
	}
	s.Strong = s.Score >= strongScore && whole(rep)
	s.Title = title(rep, asked)
	if len(answer.Resolved) > 0 {
		s.CompletedBy = answer.Resolved[0].TurnSeq
		// A story whose outcome came in a follow-up is named by that
		// outcome when the main answer had none to name it by.
		if fu, ok := completing[s.CompletedBy]; ok && outcomeTitle(*answer.Report) == "" {
			if t := outcomeTitle(fu); t != "" {
				s.Title = t
			}
		}
	}
	return s
}

// resolvedCodes is the set of finding codes a follow-up resolved.
func resolvedCodes(rs []mockloop.Resolution) map[string]bool {
	out := make(map[string]bool, len(rs))
	for _, r := range rs {
		out[r.Code] = true
	}
	return out
}

// fault reports whether a finding counts against the story: not when a
// follow-up resolved it, nor when the page puts it as a question
// (Finding.Doubtful).
func fault(f analysis.Finding, resolved map[string]bool) bool {
	return !resolved[f.Code] && !f.Doubtful()
}

// whole reports whether an answer is a whole story. An answer that is
// too short, or has no action or no result, is not strong however few
// faults the analyzer found in what little there was.
func whole(rep analysis.Report) bool {
	for _, code := range []string{"too_short", "missing_action", "missing_result"} {
		if rep.Has(code) {
			return false
		}
	}
	return true
}

// gaps lists the high, then medium, finding codes once each.
func gaps(fs []analysis.Finding) []string {
	out := []string{}
	for _, sev := range []analysis.Severity{analysis.High, analysis.Medium} {
		for _, f := range fs {
			if f.Severity == sev && !slices.Contains(out, f.Code) {
				out = append(out, f.Code)
			}
		}
	}
	return out
}

func storyPrinciples(asked string, reps []analysis.Report) []string {
	has := map[string]bool{}
	if asked != "" {
		has[asked] = true
	}
	for _, rep := range reps {
		for _, p := range rep.Metrics.Principles {
			if name, ok := prompts.CanonicalPrinciple(p.Name); ok && p.Score >= principleEvidence {
				has[name] = true
			}
		}
	}
	out := []string{}
	for _, p := range prompts.Principles() {
		if has[p] {
			out = append(out, p)
		}
	}
	return out
}

// leadIns are words a spoken story often starts with that say nothing
// about it.
var leadIns = map[string]bool{"so": true, "um": true, "uh": true, "well": true, "okay": true, "ok": true, "yeah": true, "like": true, "right": true, "sure": true}

const clauseEnd = ",.;:!?—"

// title says what the story is about: its outcome ("P99 latency went
// from 2.4 seconds to 300 milliseconds") when it stated one, else its
// first action in the candidate's own words ("Rewrote the build cache"),
// else the first clause of its Situation (or of the answer when the
// analyzer found none), else the principle asked for.
func title(rep analysis.Report, asked string) string {
	if t := outcomeTitle(rep); t != "" {
		return t
	}
	if t := actionTitle(rep); t != "" {
		return t
	}
	return situationTitle(rep, asked)
}

// outcomeConnectives open a result clause without saying anything about
// it; a title leaves them out.
var outcomeConnectives = [][]string{
	{"as", "a", "result"}, {"in", "the", "end"}, {"at", "the", "end"}, {"after", "that"}, {"because", "of", "that"},
	{"overall"}, {"ultimately"}, {"finally"}, {"eventually"}, {"so"}, {"and"}, {"which"}, {"that"}, {"then"}, {"this"}, {"it"},
}

// outcomeTitle is the clause of the Result part holding its first
// quantity, or the Result's first clause when it has none; "" when the
// analyzer found no Result part.
func outcomeTitle(rep analysis.Report) string {
	var res *analysis.StarPart
	for i := range rep.Metrics.Star {
		if rep.Metrics.Star[i].Part == "R" && rep.Metrics.Star[i].Span.W1 > rep.Metrics.Star[i].Span.W0 {
			res = &rep.Metrics.Star[i]
			break
		}
	}
	if res == nil {
		return ""
	}
	lo, hi := max(0, res.Span.W0), min(len(rep.Words), res.Span.W1)
	at := lo
	for _, m := range rep.Metrics.MetricMentions {
		if m.Span.W0 >= lo && m.Span.W0 < hi {
			at = m.Span.W0
			break
		}
	}
	// The Result part can start inside a sentence ("…and our latency
	// dropped"): take the clause from its own start when that is a few
	// words back, else from the Result's first word.
	back := max(0, lo-leadBackWords)
	c0, c1 := clauseAround(rep.Words, at, back, hi)
	if c0 == back && back > 0 && !endsClause(rep.Words[back-1].W) {
		c0 = lo
	}
	c0 = skipConnectives(rep.Words, c0, c1)
	// Keep the quantity in view: start at most a few words before it.
	if at-c0 > outcomeMaxWords-4 {
		c0 = at - (outcomeMaxWords - 4)
	}
	return phrase(rep.Words, c0, c1, outcomeMaxWords)
}

// actionTitle is the first clause of the Action part that the candidate
// starts with "I", without the "I": "Rewrote the build cache".
func actionTitle(rep analysis.Report) string {
	for _, p := range rep.Metrics.Star {
		if p.Part != "A" {
			continue
		}
		lo, hi := max(0, p.Span.W0), min(len(rep.Words), p.Span.W1)
		for i := lo; i < hi; i++ {
			if bareWord(rep.Words[i].W) != "i" || i+1 >= hi {
				continue
			}
			if analysis.Pronoun("i", bareWord(rep.Words[i+1].W)) != "i" {
				continue // "I think" says nothing about the action
			}
			_, c1 := clauseAround(rep.Words, i, lo, hi)
			if c1-(i+1) >= 2 {
				return phrase(rep.Words, i+1, c1, titleMaxWords)
			}
		}
	}
	return ""
}

// clauseAround returns the clause holding word at, within [lo, hi):
// from after the last clause-ending punctuation before it to the first
// after it.
func clauseAround(words []analysis.Word, at, lo, hi int) (int, int) {
	c0 := at
	for c0 > lo && !endsClause(words[c0-1].W) {
		c0--
	}
	c1 := at
	for c1 < hi && !endsClause(words[c1].W) {
		c1++
	}
	return c0, min(hi, c1+1)
}

func endsClause(w string) bool {
	w = strings.TrimRight(w, "\"'”’)")
	return w != "" && strings.ContainsRune(clauseEnd, []rune(w)[len([]rune(w))-1])
}

func bareWord(w string) string {
	return strings.ToLower(strings.Trim(strings.ReplaceAll(w, "’", "'"), clauseEnd+"-\"'()"))
}

// skipConnectives moves c0 past lead-ins, fillers and connectives.
func skipConnectives(words []analysis.Word, c0, c1 int) int {
	for moved := true; moved && c0 < c1; {
		moved = false
		if b := bareWord(words[c0].W); leadIns[b] || analysis.IsFilledPause(b) || b == "" {
			c0++
			moved = true
			continue
		}
		for _, seq := range outcomeConnectives {
			if c0+len(seq) >= c1 {
				continue
			}
			match := true
			for k, w := range seq {
				match = match && bareWord(words[c0+k].W) == w
			}
			if match {
				c0 += len(seq)
				moved = true
				break
			}
		}
	}
	return c0
}

// phrase joins words[c0:c1] as a title: fillers dropped, at most maxWords
// words with an ellipsis when cut, no trailing punctuation, the first
// letter capitalised (the rest is the candidate's words).
func phrase(words []analysis.Word, c0, c1, maxWords int) string {
	var out []string
	cut := false
	for i := c0; i < c1; i++ {
		w := strings.TrimSpace(words[i].W)
		if b := bareWord(w); b == "" || analysis.IsFilledPause(b) {
			continue
		}
		if len(out) == maxWords {
			cut = true
			break
		}
		out = append(out, w)
	}
	if len(out) < 2 {
		return ""
	}
	t := strings.TrimRight(strings.Join(out, " "), clauseEnd)
	if cut {
		t += "…"
	}
	return capitalise(t)
}

func capitalise(t string) string {
	if r := []rune(t); len(r) > 0 {
		r[0] = []rune(strings.ToUpper(string(r[0])))[0]
		return string(r)
	}
	return t
}

// situationTitle is the first clause of the story's Situation, or of the
// answer when the analyzer found no Situation, or else the principle asked
// for.
func situationTitle(rep analysis.Report, asked string) string {
	w0, w1 := 0, len(rep.Words)
	for _, p := range rep.Metrics.Star {
		if p.Part == "S" {
			w0, w1 = p.Span.W0, p.Span.W1
			break
		}
	}
	w0, w1 = max(0, w0), min(len(rep.Words), w1)
	var words []string
	ended, i := false, w0
	for ; i < w1 && len(words) < titleMaxWords; i++ {
		w := strings.TrimSpace(rep.Words[i].W)
		bare := strings.ToLower(strings.Trim(w, clauseEnd+"-\"'"))
		if bare == "" || analysis.IsFilledPause(bare) || (len(words) == 0 && leadIns[bare]) {
			continue
		}
		end := strings.TrimRight(w, clauseEnd)
		if end == "" {
			continue
		}
		words = append(words, w)
		// A clause ends at punctuation once it is long enough to say
		// something.
		if end != w && len(words) >= titleMinWords {
			ended = true
			break
		}
	}
	if len(words) == 0 {
		if asked != "" {
			return asked
		}
		return "Untitled story"
	}
	t := strings.TrimRight(strings.Join(words, " "), clauseEnd)
	if !ended && i < w1 {
		t += "…"
	}
	return capitalise(t)
}

// Strength is how well a principle is covered by the story bank.
type Strength string

// Strengths.
const (
	Strong Strength = "strong"
	Weak   Strength = "weak"
	None   Strength = "none"
)

// StoryRef points at a story.
type StoryRef struct {
	RoundID string `json:"round_id"`
	Seq     int    `json:"seq"`
	Title   string `json:"title"`
	Score   int    `json:"score"`
}

// PrincipleCoverage is one principle's best story.
type PrincipleCoverage struct {
	Principle string    `json:"principle"`
	Strength  Strength  `json:"strength"`
	Best      *StoryRef `json:"best,omitempty"`
	Stories   int       `json:"stories"` // stories that showed it
}

// Coverage gives every Leadership Principle, in Amazon's order, its best
// story: the highest score, the newest on a tie (the candidate's current
// telling).
func Coverage(stories []Story) []PrincipleCoverage {
	out := make([]PrincipleCoverage, 0, 16)
	for _, p := range prompts.Principles() {
		c := PrincipleCoverage{Principle: p, Strength: None}
		var best *Story
		for i := range stories {
			s := &stories[i]
			if !slices.Contains(s.Principles, p) {
				continue
			}
			c.Stories++
			if best == nil || s.Score >= best.Score {
				best = s
			}
		}
		if best != nil {
			c.Best = &StoryRef{RoundID: best.RoundID, Seq: best.Seq, Title: best.Title, Score: best.Score}
			c.Strength = Weak
			if best.Strong {
				c.Strength = Strong
			}
		}
		out = append(out, c)
	}
	return out
}

// Gaps returns the principles without a strong story, in the order cov
// lists them (Amazon's, from Coverage).
func Gaps(cov []PrincipleCoverage) []string {
	out := []string{}
	for _, c := range cov {
		if c.Strength != Strong {
			out = append(out, c.Principle)
		}
	}
	return out
}
