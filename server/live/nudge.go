package live

import (
	"fmt"
	"strings"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

// nudgeGap is the least time between two nudges: coaching that interrupts
// every few seconds is noise, and one a minute at most is what a human
// coach sitting beside you would say.
const nudgeGap = 20 * time.Second

// Nudge codes; each fires at most once per answer.
const (
	nudgeLandResult = "land_result"
	nudgeOverTime   = "over_time"
	nudgeNoNumber   = "no_number"
	nudgeWeRun      = "we_run"
	nudgeFillers    = "fillers"
)

// nudgeState remembers what was said during the current answer.
type nudgeState struct {
	sent map[string]bool
	last time.Time
}

func (n *nudgeState) reset() { *n = nudgeState{} }

// nudgeInput is what the nudge rules look at.
type nudgeInput struct {
	round   analysis.Round
	elapsed time.Duration
	target  time.Duration // the answer's target length
	timebox time.Duration // the answer's hard cap
	report  *analysis.Report
}

// next returns the nudge due now, if any, and records it. now is passed in
// so the rate limit is testable.
func (n *nudgeState) next(in nudgeInput, now time.Time) (code, text string) {
	if !n.last.IsZero() && now.Sub(n.last) < nudgeGap {
		return "", ""
	}
	code, text = pickNudge(in, n.sent)
	if code == "" {
		return "", ""
	}
	if n.sent == nil {
		n.sent = map[string]bool{}
	}
	n.sent[code] = true
	n.last = now
	return code, text
}

// Thresholds for the content nudges.
const (
	// noNumberAfter: by a minute into a behavioral answer the result is
	// usually in sight; no number by then is worth a word.
	noNumberAfter = 60 * time.Second
	// weRunLength: three "we" in a row with no "I" between them.
	weRunLength = 3
	// fillerNudgeRate: over about 4% of words as fillers is heavy
	// (the analyzer's filler_heavy threshold; see docs/findings.md).
	fillerNudgeRate = 0.06
	fillerNudgeMin  = 30 // words before the filler rate means anything
)

func pickNudge(in nudgeInput, sent map[string]bool) (string, string) {
	behavioral := in.round == analysis.Behavioral || in.round == analysis.BarRaiser
	switch {
	case in.timebox > 0 && in.elapsed >= in.timebox && !sent[nudgeOverTime]:
		return nudgeOverTime, fmt.Sprintf("%s: over time. Wrap up in one sentence.", clock(in.elapsed))
	case behavioral && in.target > 0 && in.elapsed >= in.target && !sent[nudgeLandResult] && !hasPart(in.report, "R"):
		return nudgeLandResult, fmt.Sprintf("%s: land the result.", clock(in.elapsed))
	}
	if in.report == nil {
		return "", ""
	}
	m := in.report.Metrics
	switch {
	case behavioral && in.elapsed >= noNumberAfter && len(m.MetricMentions) == 0 && !sent[nudgeNoNumber]:
		return nudgeNoNumber, "No number yet: what changed, and by how much?"
	case behavioral && weRun(in.report.Words) >= weRunLength && !sent[nudgeWeRun]:
		return nudgeWeRun, "That's the third \"we\" in a row. What did you do?"
	case m.Words >= fillerNudgeMin && m.FillerRate > fillerNudgeRate && !sent[nudgeFillers]:
		return nudgeFillers, "Lots of fillers. A silent pause sounds more confident than \"um\"."
	}
	return "", ""
}

func hasPart(r *analysis.Report, part string) bool {
	if r == nil {
		return false
	}
	for _, p := range r.Metrics.Star {
		if p.Part == part {
			return true
		}
	}
	return false
}

// weRun counts the "we" at the end of the answer so far with no "I"
// after them, by the analyzer's own reading of pronouns.
func weRun(words []analysis.Word) int {
	run := 0
	for i, w := range words {
		next := ""
		if i+1 < len(words) {
			next = plainWord(words[i+1].W)
		}
		switch analysis.Pronoun(plainWord(w.W), next) {
		case "we":
			run++
		case "i":
			run = 0
		}
	}
	return run
}

func plainWord(w string) string { return strings.ToLower(strings.Trim(w, ".,;:!?\"'")) }

func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
