package analysis

import "math"

// Transcript-confidence thresholds.
//
// A word under lowWordConf is more likely wrong than right if the engine's
// probability is calibrated, so no finding or principle may rest on it.
// A transcript whose mean confidence is under lowTranscriptConf is one the
// recognizer mostly got wrong: on the shared human clips, the clips with a
// mean pocketsphinx confidence under 0.6 had word error rates of 0.36 to
// 1.00, four of five above it 0.21 or less (server/sphinx tune harness,
// README "How well mockloop hears"), so there the absence of a phrase ("no
// number", "no outcome") says little.
const (
	lowWordConf       = 0.5
	lowTranscriptConf = 0.6
	// lowConfScale maps a finding's own confidence under the 0.5 at which
	// the page asks instead of stating.
	lowConfScale = 0.45
)

// findingInfo is what every finding code is: its kind, whether it rests on
// timing (and so survives a poor transcript), and the question the page
// asks when the evidence is weak.
var findingInfo = map[string]struct {
	kind     Kind
	timing   bool
	question string
}{
	"missing_metric":      {Content, false, "Did you give a number for what changed: before and after, a percentage, time or money saved?"},
	"weak_ownership":      {Content, false, "Which parts did you do yourself? Did you say \"I\" for them?"},
	"rambling":            {Content, false, "Did the answer stay on the one story the question asked for?"},
	"missing_result":      {Content, false, "Did you say what changed because of your work?"},
	"missing_context":     {Content, false, "Did you set the scene: the team, the system and what was at stake?"},
	"missing_action":      {Content, false, "Did you say what you did, step by step?"},
	"unbalanced_star":     {Content, false, "Did the background take longer than your actions?"},
	"vague_claims":        {Content, false, "Can you say by how much it got better?"},
	"narrow_scope":        {Content, false, "Did anyone beyond your own team benefit?"},
	"no_requirements":     {Content, false, "Did you state what the system must do and its non-functional needs?"},
	"no_scale_estimates":  {Content, false, "Did you estimate the load: users, requests per second, storage?"},
	"no_data_model":       {Content, false, "Did you say what is stored and how clients call the system?"},
	"no_failure_handling": {Content, false, "Did you say what happens when a part fails or is overloaded?"},
	"no_tradeoffs":        {Content, false, "Did you name an alternative you rejected and why?"},
	"no_observability":    {Content, false, "Did you say how you would know the system is healthy?"},
	"tool_dropping":       {Content, false, "Did you tie each technology to the requirement it serves?"},
	"no_clarifying":       {Content, false, "Did you ask about the input or state your assumptions before solving?"},
	"no_brute_force":      {Content, false, "Did you give the simple correct solution before optimising?"},
	"no_complexity":       {Content, false, "Did you state the time and space complexity?"},
	"no_edge_cases":       {Content, false, "Did you go through the edge cases: empty input, one element, duplicates?"},
	"no_walkthrough":      {Content, false, "Did you trace an example input through your solution?"},
	"too_short":           {Delivery, true, "Was that the whole answer?"},
	"filler_heavy":        {Delivery, false, "Were there many \"um\"s and \"like\"s? We may have misheard some."},
	"hedging":             {Delivery, false, "Did you hedge (\"I think\", \"maybe\") more than you meant to?"},
	"too_fast":            {Delivery, true, "Were you speaking faster than you meant to?"},
	"too_slow":            {Delivery, true, "Were you speaking slower than you meant to?"},
	"long_pauses":         {Delivery, true, "Did you stop to search for the next step?"},
	"over_time":           {Delivery, true, "Did you notice the time running out?"},
}

// KindOf returns the kind of a finding code; unknown codes are content, the
// cautious reading.
func KindOf(code string) Kind {
	if i, ok := findingInfo[code]; ok {
		return i.kind
	}
	return Content
}

func clampConf(c float64) float64 {
	if !(c > 0) { // also NaN
		return 0
	}
	return min(c, 1)
}

// transcriptConfidence is the mean word confidence, unknown words counted
// as fully trusted; 1 when no word carries one.
func (a *analyzer) transcriptConfidence() float64 {
	sum, n, known := 0.0, 0, false
	for i := range a.words {
		if a.toks[i].norm == "" {
			continue
		}
		n++
		if c := a.words[i].Conf; c > 0 {
			sum += c
			known = true
		} else {
			sum++
		}
	}
	if !known || n == 0 {
		return 1
	}
	return round3(sum / float64(n))
}

// spanConf is the confidence of the words in tokens [w0, w1), unknown
// words counted as trusted. A key phrase of up to three words (a subject
// and its verb, a cue) is as good as its weakest word; a longer quoted
// stretch is judged on the whole, by its mean.
func (a *analyzer) spanConf(w0, w1 int) float64 {
	sum, n, lo := 0.0, 0, 1.0
	for i := max(w0, 0); i < min(w1, len(a.words)); i++ {
		if a.toks[i].norm == "" {
			continue
		}
		n++
		if wc := a.words[i].Conf; wc > 0 {
			sum += wc
			lo = min(lo, wc)
		} else {
			sum++
		}
	}
	switch {
	case n == 0:
		return 1
	case n <= 3:
		return lo
	}
	return sum / float64(n)
}

// heard reports whether every word in tokens [w0, w1) was heard well
// enough to credit or blame the candidate for it.
func (a *analyzer) heard(w0, w1 int) bool { return a.spanConf(w0, w1) >= lowWordConf }

// calibrate fills each finding's kind and question and lowers the
// confidence of findings that rest on words the recognizer was unsure of.
// A finding's evidence is judged by its weakest quoted word; a finding
// about something absent rests on the whole transcript. Timing findings
// keep their confidence: the clock was not misheard.
func (a *analyzer) calibrate() {
	tc := a.m.TranscriptConfidence
	for i := range a.findings {
		f := &a.findings[i]
		info, ok := findingInfo[f.Code]
		if !ok {
			info.kind = Content
		}
		f.Kind, f.Question = info.kind, info.question
		if f.Confidence == 0 {
			f.Confidence = 0.8
		}
		if info.timing {
			f.Confidence = roundConf(f.Confidence)
			continue
		}
		weak := tc < lowTranscriptConf
		for _, s := range f.Evidence {
			// Rambling quotes the whole answer; its words are judged by tc.
			if s.W1-s.W0 < len(a.toks) && !a.heard(s.W0, s.W1) {
				weak = true
			}
		}
		if weak {
			f.Confidence *= lowConfScale
		}
		f.Confidence = roundConf(f.Confidence)
	}
}

func roundConf(c float64) float64 {
	c = math.Max(0, math.Min(1, c))
	return math.Round(c*100) / 100
}
