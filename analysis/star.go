package analysis

// STAR parts, in the order a story tells them.
const (
	partS = iota
	partT
	partA
	partR
)

var partNames = [4]string{"S", "T", "A", "R"}

// STAR time shares a coach aims for: Situation 20%, Task 10%, Action 60%,
// Result 10% (the split most interview-coaching guides give for the STAR
// method, e.g. the Amazon interview guides by Jeff Bezos's former
// recruiters and "The STAR method" write-ups that cite 20/10/60/10).
const (
	targetShareS = 0.20
	targetShareT = 0.10
	targetShareA = 0.60
	targetShareR = 0.10
	// unbalanced_star fires when Situation and Task take more than twice
	// their target share together and Action gets under half of its own.
	maxShareST = 2 * (targetShareS + targetShareT)
	minShareA  = targetShareA / 2
)

// segment is a clause-sized stretch of the answer, tokens [w0, w1).
type segment struct {
	w0, w1 int
	score  [4]float64
	bp     [4]int8 // DP back pointer: the previous segment's part
	part   int8
}

// partRange is where one STAR part lies, tokens [w0, w1), and how much cue
// evidence it has. An absent part has w0 == w1.
type partRange struct {
	w0, w1   int
	evidence float64
}

func (p partRange) present() bool { return p.w1 > p.w0 && p.evidence >= minPartEvidence }

// minPartEvidence is the cue score a part needs to count as told: one
// clear cue, or a few weak ones.
const minPartEvidence = 1.0

// Longest segment in tokens: a spoken transcript has no full stops, so
// long run-ons are cut to keep a STAR label local.
const maxSegmentWords = 30

// Gap between words that ends a segment when timings are known.
const segmentPauseSec = 0.7

// segment cuts the answer into clauses at sentence ends, discourse markers
// ("so", "then", "but", "after that"), STAR cue phrases and pauses.
func (a *analyzer) segment() {
	toks := a.toks
	starts := make([]bool, len(toks)+1)
	for _, h := range a.hits {
		switch h.cue {
		case cueSituation, cueTask, cueAction, cueResult:
			starts[h.w0] = true
		}
	}
	a.segs = make([]segment, 0, len(toks)/8+2)
	w0 := 0
	for i := 1; i <= len(toks); i++ {
		cut := i == len(toks) || toks[i-1].end || i-w0 >= maxSegmentWords
		if !cut && i-w0 >= 4 {
			switch toks[i].norm {
			case "so", "then", "but", "after", "afterwards", "eventually", "finally", "ultimately", "overall", "because":
				cut = true
			case "and":
				n := tokAt(toks, i+1).norm
				cut = n == "then" || n == "so" || n == "now"
			}
			cut = cut || starts[i] && i-w0 >= 5
			if a.timed && a.words[i].Start-a.words[i-1].End > segmentPauseSec {
				cut = true
			}
		}
		if cut {
			a.segs = append(a.segs, segment{w0: w0, w1: i})
			w0 = i
		}
	}
}

// Cue weights per STAR part. Task phrases are specific ("my job was to")
// so they weigh more; a subject followed by an action verb is the surest
// sign of the Action part.
const (
	weightS          = 1.0
	weightT          = 1.5
	weightA          = 1.0
	weightR          = 1.2
	weightRWeak      = 0.4
	weightIVerb      = 1.2
	weightWeVerb     = 0.8
	weightImpactNum  = 1.0
	weightPastState  = 0.3
	weightNow        = 0.5
	weightFirstSitua = 0.5
)

// labelStar scores each segment for S, T, A and R and picks the labelling
// with the highest total score among those that keep story order
// (S before T before A before R, any part may be missing).
func (a *analyzer) labelStar() {
	if len(a.segs) == 0 {
		return
	}
	toks := a.toks
	si := 0 // segment index advancing with the token index
	segOf := func(w int) *segment {
		for si+1 < len(a.segs) && a.segs[si].w1 <= w {
			si++
		}
		for si > 0 && a.segs[si].w0 > w {
			si--
		}
		return &a.segs[si]
	}
	for _, h := range a.hits {
		s := segOf(int(h.w0))
		switch h.cue {
		case cueSituation:
			s.score[partS] += weightS
		case cueTask:
			s.score[partT] += weightT
		case cueAction:
			s.score[partA] += weightA
		case cueResult:
			s.score[partR] += weightR
		case cueResultWeak:
			s.score[partR] += weightRWeak
		case cueActionVerb:
			if subj := subjectBefore(toks, int(h.w0)); subj == "i" {
				s.score[partA] += weightIVerb
			} else if subj == "we" {
				s.score[partA] += weightWeVerb
			}
		}
	}
	si = 0
	for i := range toks {
		switch toks[i].norm {
		case "was", "were", "had":
			segOf(i).score[partS] += weightPastState
		case "now", "today", "since":
			segOf(i).score[partR] += weightNow
		}
	}
	si = 0
	for k, n := range a.nums {
		if n.kind == unitImpact || a.pairedNumber(k) {
			segOf(a.nums[k].w0).score[partR] += weightImpactNum
		}
	}
	a.segs[0].score[partS] += weightFirstSitua

	// Dynamic programme over (segment, part). Parts keep story order (S,
	// T, A, R, any may be missing), except that a story may go back from
	// a Result to more Action ("then I also…") at a small cost. Ties keep
	// the previous segment's part, so uncued segments join their
	// neighbour.
	var best [4]float64
	for p := range 4 {
		best[p] = a.segs[0].score[p]
	}
	for i := 1; i < len(a.segs); i++ {
		var next [4]float64
		for p := range 4 {
			bq, bv := p, best[p]
			for q := p - 1; q >= 0; q-- {
				if best[q] > bv {
					bq, bv = q, best[q]
				}
			}
			if p == partA && best[partR]-backToActionCost > bv {
				bq, bv = partR, best[partR]-backToActionCost
			}
			next[p] = bv + a.segs[i].score[p]
			a.segs[i].bp[p] = int8(bq)
		}
		best = next
	}
	p := 0
	for q := 1; q < 4; q++ {
		if best[q] > best[p] {
			p = q
		}
	}
	for i := len(a.segs) - 1; i >= 0; i-- {
		a.segs[i].part = int8(p)
		p = int(a.segs[i].bp[p])
	}
	for i := range a.parts {
		a.parts[i] = partRange{w0: -1}
	}
	for _, s := range a.segs {
		pr := &a.parts[s.part]
		if pr.w0 < 0 {
			pr.w0 = s.w0
		}
		pr.w1 = s.w1
		pr.evidence += s.score[s.part]
	}
	for i := range a.parts {
		if a.parts[i].w0 < 0 {
			a.parts[i] = partRange{}
		}
	}
	// One StarPart per run of segments with the same label.
	a.m.Star = make([]StarPart, 0, 4)
	total := a.extent(0, len(toks))
	for i := 0; i < len(a.segs); {
		j := i
		for j+1 < len(a.segs) && a.segs[j+1].part == a.segs[i].part {
			j++
		}
		w0, w1 := a.segs[i].w0, a.segs[j].w1
		share := 0.0
		if total > 0 {
			share = a.extent(w0, w1) / total
		}
		a.m.Star = append(a.m.Star, StarPart{Part: partNames[a.segs[i].part], Span: a.span(w0, w1), Share: round3(share)})
		i = j + 1
	}
}

// backToActionCost is the score a labelling gives up to return from a
// Result to more Action, so that one stray cue does not split a part.
const backToActionCost = 1.0

// extent is the size of tokens [w0, w1): seconds when timed (up to the
// next token's start, so pauses belong to the part they end), else words.
func (a *analyzer) extent(w0, w1 int) float64 {
	if w1 <= w0 {
		return 0
	}
	if !a.timed {
		return float64(w1 - w0)
	}
	end := a.words[w1-1].End
	if w1 < len(a.words) {
		end = a.words[w1].Start
	}
	d := end - a.words[w0].Start
	if d < 0 {
		return 0
	}
	return d
}

// share returns the share of part p, over all its stretches.
func (a *analyzer) share(p int) float64 {
	sum := 0.0
	for _, s := range a.m.Star {
		if s.Part == partNames[p] {
			sum += s.Share
		}
	}
	return sum
}

// subjectBefore returns "i" or "we" when toks[w] is a verb whose subject
// is the speaker or their team: "I built", "we then rolled", "I basically
// rewrote".
func subjectBefore(toks []tok, w int) string {
	for k := w - 1; k >= 0 && k >= w-3; k-- {
		switch toks[k].norm {
		case "i", "i've", "i'd":
			return "i"
		case "we", "we've", "we'd":
			return "we"
		case "then", "just", "also", "basically", "actually", "quickly", "first", "personally",
			"eventually", "immediately", "finally", "really", "myself", "ourselves", "um", "uh", "kind", "sort", "of", "like", "went", "and", "ahead":
			continue
		}
		return ""
	}
	return ""
}

func round3(x float64) float64 {
	if x < 0 {
		return -float64(int64(-x*1000+0.5)) / 1000
	}
	return float64(int64(x*1000+0.5)) / 1000
}
