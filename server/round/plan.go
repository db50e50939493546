package round

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
	"github.com/mockloop/mockloop/prompts"
)

// Config is what the candidate picked for a round.
type Config struct {
	Kind    mockloop.RoundKind `json:"kind"`
	Minutes int                `json:"minutes"` // 0 means the kind's default length
	Seed    int64              `json:"seed"`
	// Focus lists Leadership Principles to practise ("practise my gaps").
	// A behavioral or Bar Raiser round then draws its questions from these
	// principles first, and from the others only when the bank has no
	// unused question left for them. Names are made canonical by New.
	Focus []string `json:"focus,omitempty"`
}

// Round lengths and how they turn into questions. Amazon interviews are
// about an hour with some minutes kept for the candidate's questions, and
// interview coaches commonly budget 2-3 minutes for a STAR answer and 5-10
// minutes per Leadership Principle question including follow-ups.
const (
	defaultMinutes       = 30  // behavioral, coding, system design: a focused practice round
	defaultLoopMinutes   = 120 // four interviews, shortened
	maxMinutes           = 240
	minutesPerQuestion   = 8  // behavioral question including two probes
	minutesPerBRQuestion = 10 // Bar Raiser questions get three, harder probes

	starAnswer   = 3 * time.Minute  // a main behavioral answer
	probeAnswer  = 90 * time.Second // an answer to a behavioral follow-up
	cutInAnswer  = time.Minute      // "the result, in a sentence or two"
	designProbe  = 2 * time.Minute  // a follow-up in system design or coding
	answerShare  = 0.6              // of a design or coding interview's time, what the candidate's main answers get; the rest is probes and the interviewer talking
	minPhaseTime = time.Minute
	// Two coding prompts once the round is long enough for both: a 45-60
	// minute coding interview usually has one or two problems.
	twoCodingPromptsFrom = 40
)

// phase is one answer turn of a system design or coding prompt. codes are
// the finding codes worth probing in that phase, most important first.
type phase struct {
	name  string
	share float64 // of the prompt's time
	lead  string  // how the interviewer opens the phase
	codes []string
}

// In every phase rambling comes first, because an interviewer cuts a long
// answer short before anything else; then the gaps the round is about, most
// telling first, and the delivery of the content last.

// The codes are the analyzer's (analysis/rules.go and design.go). Delivery
// findings (filler_heavy, long_pauses, too_fast, too_slow, over_time) are
// never probed: an interviewer does not stop a story to mention fillers;
// the live meters and the review page cover them.
func designPhases() []phase {
	return []phase{
		{"requirements", 0.2, "Let's start with requirements and scale. What would you clarify, and what numbers are you designing for?",
			[]string{"rambling", "no_requirements", "no_scale_estimates", "too_short", "hedging"}},
		{"high_level", 0.4, "Now sketch the high-level design: the main components and how a request flows through them.",
			[]string{"rambling", "no_tradeoffs", "tool_dropping", "no_data_model", "no_scale_estimates", "too_short", "hedging"}},
		{"deep_dive", 0.4, "Let's go deeper. Pick the most critical component and tell me how it behaves under load and when things fail.",
			[]string{"rambling", "no_failure_handling", "no_observability", "no_tradeoffs", "tool_dropping", "too_short", "hedging"}},
	}
}

func codingPhases() []phase {
	return []phase{
		{"clarify", 0.15, "Start by clarifying the problem. What would you ask, and what assumptions will you make?",
			[]string{"rambling", "no_clarifying", "too_short", "hedging"}},
		{"approach", 0.35, "Talk me through your approach, and why you picked it.",
			[]string{"rambling", "no_brute_force", "no_walkthrough", "too_short", "hedging"}},
		{"complexity", 0.2, "What are the time and space complexity of your solution?",
			[]string{"rambling", "no_complexity", "too_short", "hedging"}},
		{"edge_cases", 0.3, "What edge cases would you handle, and how would you check your solution against them?",
			[]string{"rambling", "no_edge_cases", "no_walkthrough", "too_short", "hedging"}},
	}
}

// phasesFor returns the phases of a block; behavioral blocks have one
// unnamed phase per question.
func phasesFor(block mockloop.RoundKind) []phase {
	switch block {
	case mockloop.KindSystemDesign:
		return designPhases()
	case mockloop.KindCoding:
		return codingPhases()
	}
	// too_short comes late: a short answer with a specific gap is better
	// probed on that gap than with "tell me more".
	return []phase{{codes: []string{"rambling", "weak_ownership", "missing_action", "unbalanced_star", "missing_result",
		"missing_metric", "vague_claims", "missing_context", "too_short", "hedging", ProbeScope}}}
}

// item is one slot of the plan: one main question, or one phase of a
// system design or coding prompt. Phases of one prompt share QuestionIdx.
type item struct {
	Block       mockloop.RoundKind `json:"block"`
	QuestionIdx int                `json:"question_idx"`
	QuestionID  string             `json:"question_id"`
	Phase       int                `json:"phase"`
	Timebox     time.Duration      `json:"timebox"`
}

func (it item) phase() phase { return phasesFor(it.Block)[it.Phase] }

func (it item) analysisRound() analysis.Round {
	switch it.Block {
	case mockloop.KindSystemDesign:
		return analysis.SystemDesign
	case mockloop.KindCoding:
		return analysis.Coding
	case mockloop.KindBarRaiser:
		return analysis.BarRaiser
	}
	return analysis.Behavioral
}

func (it item) persona() string {
	if it.Block == mockloop.KindBarRaiser {
		return PersonaBarRaiser
	}
	return PersonaInterviewer
}

// loopBlocks is the order and share of a loop's time, like an on-site:
// behavioral first, the Bar Raiser last.
type loopBlock struct {
	kind  mockloop.RoundKind
	share float64
}

func loopBlocks() []loopBlock {
	return []loopBlock{
		{mockloop.KindBehavioral, 0.25},
		{mockloop.KindSystemDesign, 0.30},
		{mockloop.KindCoding, 0.25},
		{mockloop.KindBarRaiser, 0.20},
	}
}

// ErrEmptyBank means the bank has no questions for a kind the round needs.
var ErrEmptyBank = errors.New("no questions in the bank")

// planner draws questions without repeats across the blocks of a round.
type planner struct {
	bank *prompts.Bank
	rng  *rand.Rand
	used map[string]bool
	// principles already asked, so a loop's Bar Raiser does not repeat the
	// behavioral block's principles while others are left.
	principles map[string]bool
	// focus, when not empty, are the principles to draw from first.
	focus     map[string]bool
	items     []item
	questions int
}

func normalise(cfg Config) (Config, error) {
	if !cfg.Kind.Valid() {
		return cfg, fmt.Errorf("round kind %q: not a known kind", cfg.Kind)
	}
	if cfg.Minutes < 0 || cfg.Minutes > maxMinutes {
		return cfg, fmt.Errorf("round length %d minutes: want 0 to %d", cfg.Minutes, maxMinutes)
	}
	if len(cfg.Focus) > 0 {
		if cfg.Kind != mockloop.KindBehavioral && cfg.Kind != mockloop.KindBarRaiser {
			return cfg, fmt.Errorf("focus on principles: only for behavioral and bar_raiser rounds, not %q", cfg.Kind)
		}
		focus := make([]string, 0, len(cfg.Focus))
		for _, f := range cfg.Focus {
			name, ok := prompts.CanonicalPrinciple(f)
			if !ok {
				return cfg, fmt.Errorf("focus on principles: %q is not a Leadership Principle", f)
			}
			if !slices.Contains(focus, name) {
				focus = append(focus, name)
			}
		}
		cfg.Focus = focus
	}
	if cfg.Minutes == 0 {
		cfg.Minutes = defaultMinutes
		if cfg.Kind == mockloop.KindLoop {
			cfg.Minutes = defaultLoopMinutes
		}
	}
	return cfg, nil
}

// plan turns a config into the round's answer slots, deterministically from
// the seed.
func plan(bank *prompts.Bank, cfg Config) ([]item, error) {
	p := &planner{
		bank:       bank,
		rng:        rand.New(rand.NewPCG(uint64(cfg.Seed), 0x6d6f636b6c6f6f70)), // "mockloop"
		used:       map[string]bool{},
		principles: map[string]bool{},
		focus:      map[string]bool{},
	}
	for _, f := range cfg.Focus {
		p.focus[f] = true
	}
	if cfg.Kind != mockloop.KindLoop {
		if err := p.block(cfg.Kind, float64(cfg.Minutes)); err != nil {
			return nil, err
		}
		return p.items, nil
	}
	for _, b := range loopBlocks() {
		if err := p.block(b.kind, b.share*float64(cfg.Minutes)); err != nil {
			return nil, err
		}
	}
	return p.items, nil
}

func (p *planner) block(kind mockloop.RoundKind, minutes float64) error {
	switch kind {
	case mockloop.KindBehavioral, mockloop.KindBarRaiser:
		per := minutesPerQuestion
		if kind == mockloop.KindBarRaiser {
			per = minutesPerBRQuestion
		}
		n := max(1, min(int(minutes)/per, len(prompts.Principles())))
		for range n {
			q, err := p.behavioral()
			if err != nil {
				return err
			}
			p.add(kind, q, []time.Duration{starAnswer})
		}
	case mockloop.KindSystemDesign, mockloop.KindCoding:
		bankKind, n := prompts.SystemDesign, 1
		if kind == mockloop.KindCoding {
			bankKind = prompts.Coding
			if minutes >= twoCodingPromptsFrom {
				n = 2
			}
		}
		perPrompt := time.Duration(minutes / float64(n) * float64(time.Minute) * answerShare)
		for range n {
			q, err := p.draw(p.bank.Questions(bankKind))
			if err != nil {
				return fmt.Errorf("plan %s: %w", kind, err)
			}
			var boxes []time.Duration
			for _, ph := range phasesFor(kind) {
				boxes = append(boxes, max(minPhaseTime, time.Duration(ph.share*float64(perPrompt)).Round(15*time.Second)))
			}
			p.add(kind, q, boxes)
		}
	}
	return nil
}

// behavioral picks a question for a principle not yet asked, at random.
// With a focus it prefers, in order: a focus principle not yet asked, a
// focus principle again (a gap is worth a second story), then the others.
// Without one the draws are exactly as before focus existed, so saved seeds
// keep their questions.
func (p *planner) behavioral() (prompts.Question, error) {
	var fresh, any, focusFresh, focusAny []prompts.Question
	for _, q := range p.bank.Questions(prompts.Behavioral) {
		if p.used[q.ID] {
			continue
		}
		any = append(any, q)
		if !p.principles[q.Principle] {
			fresh = append(fresh, q)
		}
		if p.focus[q.Principle] {
			focusAny = append(focusAny, q)
			if !p.principles[q.Principle] {
				focusFresh = append(focusFresh, q)
			}
		}
	}
	switch {
	case len(focusFresh) > 0:
		fresh = focusFresh
	case len(focusAny) > 0:
		fresh = focusAny
	case len(fresh) == 0:
		fresh = any
	}
	q, err := p.draw(fresh)
	if err != nil {
		return q, fmt.Errorf("plan behavioral: %w", err)
	}
	p.principles[q.Principle] = true
	return q, nil
}

func (p *planner) draw(qs []prompts.Question) (prompts.Question, error) {
	var free []prompts.Question
	for _, q := range qs {
		if !p.used[q.ID] {
			free = append(free, q)
		}
	}
	if len(free) == 0 {
		return prompts.Question{}, ErrEmptyBank
	}
	q := free[p.rng.IntN(len(free))]
	p.used[q.ID] = true
	return q, nil
}

func (p *planner) add(kind mockloop.RoundKind, q prompts.Question, boxes []time.Duration) {
	for i, box := range boxes {
		p.items = append(p.items, item{Block: kind, QuestionIdx: p.questions, QuestionID: q.ID, Phase: i, Timebox: box})
	}
	p.questions++
}

// PlanPreview is what a round of a kind and length will hold, for the home
// page to say before the round starts ("4 questions, each with at least
// one follow-up").
type PlanPreview struct {
	Kind      mockloop.RoundKind `json:"kind"`
	Minutes   int                `json:"minutes"`
	Questions int                `json:"questions"`
	Blocks    []BlockPreview     `json:"blocks"`
}

// BlockPreview is one part of a round (all of it, except in a loop).
type BlockPreview struct {
	Kind      mockloop.RoundKind `json:"kind"`
	Questions int                `json:"questions"`
	// Stages is how many main questions one prompt is asked in: 1 for a
	// behavioral question, 3 for a system design prompt (requirements,
	// high level, deep dive), 4 for a coding one.
	Stages int `json:"stages"`
	// Each main answer gets between MinFollowUps and MaxFollowUps
	// follow-ups.
	MinFollowUps int `json:"min_follow_ups"`
	MaxFollowUps int `json:"max_follow_ups"`
}

// Preview plans a round from cfg and says what it holds. The counts do not
// depend on the seed.
func Preview(bank *prompts.Bank, cfg Config) (PlanPreview, error) {
	if bank == nil {
		return PlanPreview{}, errors.New("preview round: nil bank")
	}
	cfg, err := normalise(cfg)
	if err != nil {
		return PlanPreview{}, fmt.Errorf("preview round: %w", err)
	}
	items, err := plan(bank, cfg)
	if err != nil {
		return PlanPreview{}, fmt.Errorf("preview round: %w", err)
	}
	p := PlanPreview{Kind: cfg.Kind, Minutes: cfg.Minutes, Blocks: []BlockPreview{}}
	last := -1
	for _, it := range items {
		if it.QuestionIdx == last {
			continue
		}
		last = it.QuestionIdx
		p.Questions++
		if n := len(p.Blocks); n == 0 || p.Blocks[n-1].Kind != it.Block {
			b := BlockPreview{Kind: it.Block, Stages: len(phasesFor(it.Block)), MinFollowUps: minProbes, MaxFollowUps: maxProbes}
			if it.Block == mockloop.KindBarRaiser {
				b.MinFollowUps, b.MaxFollowUps = minBarRaiserProbes, maxBarRaiserProbes
			}
			p.Blocks = append(p.Blocks, b)
		}
		p.Blocks[len(p.Blocks)-1].Questions++
	}
	return p, nil
}
