// Package progress owns what mockloop learns across rounds: how the
// candidate's delivery trends from round to round, the bank of stories
// they have told, which Leadership Principles still lack a strong story,
// and so which principles a "practise my gaps" round should ask about.
//
// Everything here is a pure function of stored rounds and turns: no I/O,
// no clock, no randomness. The HTTP layer loads the rounds and calls in.
package progress

import (
	"cmp"
	"math"
	"slices"
	"time"

	"github.com/mockloop/mockloop"
)

// RoundTurns is one stored round with its turns, as the store returns them.
type RoundTurns struct {
	Round mockloop.Round
	Turns []mockloop.Turn
}

// Metric names a trend. The values are part of the JSON and URL contract
// (GET /api/progress/{metric}.svg).
type Metric string

// The trend metrics.
const (
	FillersPerMin Metric = "fillers_per_min"
	MetricShare   Metric = "metric_share"
	Ownership     Metric = "ownership"
	AnswerSec     Metric = "answer_sec"
	AnswerWords   Metric = "answer_words"
	WPM           Metric = "wpm"
)

// Metrics lists every trend metric in display order.
func Metrics() []Metric {
	return []Metric{FillersPerMin, MetricShare, Ownership, AnswerSec, AnswerWords, WPM}
}

// Direction says where a metric has been heading lately.
type Direction string

// Directions. Unknown means fewer than two rounds had a value.
const (
	Improving Direction = "improving"
	Steady    Direction = "steady"
	Worse     Direction = "worse"
	Unknown   Direction = "unknown"
)

// TrendWindow is how many of the latest rounds with a value a direction
// looks at.
const TrendWindow = 5

// metricRule says what "better" means for a metric. badness is smaller for
// better values; tolerance is the change in badness that still counts as
// steady, so that noise between two rounds is not called a trend.
type metricRule struct {
	badness   func(v float64) float64
	tolerance float64
}

// Bands a value should sit in. 100-165 wpm: Microsoft Speaker Coach
// guidance, as the analyzer uses. 2-3 minutes for a STAR answer: the
// budget interview coaches commonly give (server/round/plan.go), which is
// 200-450 words at that pace.
const (
	paceLowWPM      = 100
	paceHighWPM     = 165
	answerLowSec    = 120
	answerHighSec   = 180
	answerLowWords  = 200
	answerHighWords = 450
)

// outside is how far v lies outside [lo, hi].
func outside(v, lo, hi float64) float64 {
	return max(0, lo-v, v-hi)
}

func rules(m Metric) metricRule {
	switch m {
	case FillersPerMin:
		return metricRule{func(v float64) float64 { return v }, 0.5}
	case MetricShare:
		return metricRule{func(v float64) float64 { return -v }, 0.1}
	case Ownership:
		return metricRule{func(v float64) float64 { return -v }, 0.05}
	case AnswerSec:
		return metricRule{func(v float64) float64 { return outside(v, answerLowSec, answerHighSec) }, 10}
	case AnswerWords:
		return metricRule{func(v float64) float64 { return outside(v, answerLowWords, answerHighWords) }, 25}
	case WPM:
		return metricRule{func(v float64) float64 { return outside(v, paceLowWPM, paceHighWPM) }, 5}
	}
	return metricRule{}
}

// Point is one round's figures. A figure is nil when the round had nothing
// to take it over (no timed answers, no first-person pronouns), so a chart
// can leave a gap rather than draw a misleading zero.
type Point struct {
	RoundID   string             `json:"round_id"`
	Kind      mockloop.RoundKind `json:"kind"`
	CreatedAt time.Time          `json:"created_at"`
	Answers   int                `json:"answers"`
	// The figures follow mockloop.RoundSummary's definitions so that the
	// history list and the trends agree: fillers and pace are totals over
	// total speaking time of the timed answers; metric share is the share
	// of answers with at least one quantity; ownership is I / (I + we)
	// inside the Action parts, summed over answers.
	FillersPerMin *float64 `json:"fillers_per_min"`
	MetricShare   *float64 `json:"metric_share"`
	Ownership     *float64 `json:"ownership"`
	AnswerSec     *float64 `json:"answer_sec"`   // mean over timed answers
	AnswerWords   *float64 `json:"answer_words"` // mean over all answers
	WPM           *float64 `json:"wpm"`
	// Faults counts the round's findings that count against it, by the
	// rule the story bank and the review page use (fault): the number the
	// history list shows beside the review's own count.
	Faults int `json:"faults"`
}

// Value returns the point's figure for m.
func (p Point) Value(m Metric) (float64, bool) {
	var v *float64
	switch m {
	case FillersPerMin:
		v = p.FillersPerMin
	case MetricShare:
		v = p.MetricShare
	case Ownership:
		v = p.Ownership
	case AnswerSec:
		v = p.AnswerSec
	case AnswerWords:
		v = p.AnswerWords
	case WPM:
		v = p.WPM
	}
	if v == nil {
		return 0, false
	}
	return *v, true
}

// Trend is where one metric has been heading.
type Trend struct {
	Metric    Metric    `json:"metric"`
	Direction Direction `json:"direction"`
	// Latest is the newest round's value, nil when it had none.
	Latest *float64 `json:"latest"`
}

// TrendSet is the per-round figures, oldest first, and the direction of
// each metric.
type TrendSet struct {
	Rounds []Point `json:"rounds"`
	Trends []Trend `json:"trends"`
	Window int     `json:"window"`
}

// Series returns the values of m over the rounds that have one, oldest
// first, for a sparkline.
func (t TrendSet) Series(m Metric) []float64 {
	out := []float64{}
	for _, p := range t.Rounds {
		if v, ok := p.Value(m); ok {
			out = append(out, v)
		}
	}
	return out
}

// Trends turns rounds (in any order) into per-round figures, oldest
// first, and a direction for each metric. Rounds without an analysed
// answer are left out: an abandoned round says nothing about progress.
//
// A direction compares the latest TrendWindow values of a metric: the mean
// of the older half against the mean of the newer half (the middle value
// of an odd count is in neither), measured as distance from what is good
// for that metric (fewer fillers; more metrics and ownership; pace and
// answer length inside their bands). A change within the metric's
// tolerance is steady.
func Trends(rounds []RoundTurns) TrendSet {
	sorted := slices.Clone(rounds)
	slices.SortStableFunc(sorted, func(a, b RoundTurns) int {
		return cmp.Or(a.Round.CreatedAt.Compare(b.Round.CreatedAt), cmp.Compare(a.Round.ID, b.Round.ID))
	})
	t := TrendSet{Rounds: []Point{}, Window: TrendWindow}
	for _, rt := range sorted {
		if p, ok := point(rt); ok {
			t.Rounds = append(t.Rounds, p)
		}
	}
	for _, m := range Metrics() {
		tr := Trend{Metric: m, Direction: direction(m, t.Series(m))}
		if n := len(t.Rounds); n > 0 {
			if v, ok := t.Rounds[n-1].Value(m); ok {
				tr.Latest = &v
			}
		}
		t.Trends = append(t.Trends, tr)
	}
	return t
}

func direction(m Metric, values []float64) Direction {
	if len(values) > TrendWindow {
		values = values[len(values)-TrendWindow:]
	}
	if len(values) < 2 {
		return Unknown
	}
	half := len(values) / 2
	r := rules(m)
	mean := func(vs []float64) float64 {
		s := 0.0
		for _, v := range vs {
			s += r.badness(v)
		}
		return s / float64(len(vs))
	}
	older, newer := mean(values[:half]), mean(values[len(values)-half:])
	switch d := newer - older; {
	case d < -r.tolerance:
		return Improving
	case d > r.tolerance:
		return Worse
	}
	return Steady
}

func point(rt RoundTurns) (Point, bool) {
	p := Point{RoundID: rt.Round.ID, Kind: rt.Round.Kind, CreatedAt: rt.Round.CreatedAt}
	var (
		timed, withMetric, words, timedWords, fillers, i, we int
		seconds                                              float64
	)
	for _, t := range rt.Turns {
		if t.Role != mockloop.RoleCandidate || t.Report == nil {
			continue
		}
		m := t.Report.Metrics
		p.Answers++
		resolved := resolvedCodes(t.Resolved)
		for _, f := range t.Report.Findings {
			if fault(f, resolved) {
				p.Faults++
			}
		}
		words += m.Words
		if len(m.MetricMentions) > 0 {
			withMetric++
		}
		i += m.I
		we += m.We
		if m.HasTimings && m.DurationSec > 0 {
			timed++
			seconds += m.DurationSec
			timedWords += m.Words
			fillers += m.Fillers
		}
	}
	if p.Answers == 0 {
		return p, false
	}
	p.MetricShare = ratio(float64(withMetric), float64(p.Answers))
	p.AnswerWords = ratio(float64(words), float64(p.Answers))
	if i+we > 0 {
		p.Ownership = ratio(float64(i), float64(i+we))
	}
	if seconds > 0 {
		minutes := seconds / 60
		p.FillersPerMin = ratio(float64(fillers), minutes)
		p.WPM = ratio(float64(timedWords), minutes)
		p.AnswerSec = ratio(seconds, float64(timed))
	}
	return p, true
}

// ratio rounds to three decimals so JSON and golden files stay readable.
func ratio(num, den float64) *float64 {
	v := math.Round(num/den*1000) / 1000
	return &v
}
