package charts

import (
	"math"
	"strconv"
	"strings"

	"github.com/mockloop/mockloop/analysis"
)

// Chart sizes, in CSS pixels; the viewBox lets a page scale them.
const (
	chartW   = 600.0
	padLeft  = 44.0
	padRight = 12.0
)

// Pace band. 100-165 wpm: Microsoft Speaker Coach guidance, the band the
// analyzer's too_fast and too_slow findings use.
const (
	paceLow  = 100.0
	paceHigh = 165.0
	// wpmWindowSec is the analyzer's window for Metrics.WPMWindows.
	wpmWindowSec = 30.0
)

// timed reports whether the report's words carry timings.
func timed(rep analysis.Report) bool {
	return rep.Metrics.HasTimings && answerSeconds(rep) > 0
}

// answerSeconds is the end of the last word (Metrics.DurationSec, or the
// words' own end when it is missing).
func answerSeconds(rep analysis.Report) float64 {
	end := rep.Metrics.DurationSec
	for _, w := range rep.Words {
		end = math.Max(end, w.End)
	}
	return end
}

func answerAxis(rep analysis.Report) axis {
	a := axis{timed: timed(rep), x0: padLeft, x1: chartW - padRight}
	if a.timed {
		a.total = answerSeconds(rep)
	} else {
		a.total = float64(len(rep.Words))
	}
	return a
}

// pos is where word i falls on the axis: its start time, or the middle of
// its slot when untimed.
func pos(rep analysis.Report, a axis, i int) float64 {
	if a.timed {
		return rep.Words[i].Start
	}
	return float64(i) + 0.5
}

// spanRange is where a span lies on the axis.
func spanRange(rep analysis.Report, a axis, sp analysis.Span) (float64, float64) {
	if a.timed {
		if sp.T1 > sp.T0 {
			return sp.T0, sp.T1
		}
		w0, w1 := clampWord(rep, sp.W0), clampWord(rep, sp.W1-1)
		if w0 >= 0 && w1 >= w0 {
			return rep.Words[w0].Start, rep.Words[w1].End
		}
		return 0, 0
	}
	return float64(sp.W0), float64(sp.W1)
}

func clampWord(rep analysis.Report, i int) int {
	if len(rep.Words) == 0 {
		return -1
	}
	return max(0, min(i, len(rep.Words)-1))
}

// Pace draws words per minute over a spoken answer, per 30 s window, with
// the 100-165 wpm band shaded.
func Pace(rep analysis.Report) string {
	const h = 180.0
	const title = "Speaking pace"
	if len(rep.Words) == 0 {
		return noData(chartW, h, title, "No answer to chart.")
	}
	wins := rep.Metrics.WPMWindows
	if !timed(rep) || len(wins) == 0 {
		return noData(chartW, h, title, "Pace needs a spoken answer with word timings.")
	}
	a := answerAxis(rep)
	top, bottom := 14.0, h-40
	hi := 0.0
	for _, v := range wins {
		hi = math.Max(hi, v)
	}
	yMax := niceMax(hi*1.1, 50, 200)
	y := func(v float64) float64 { return bottom - math.Max(0, math.Min(v, yMax))/yMax*(bottom-top) }

	in := 0
	for _, v := range wins {
		if v >= paceLow && v <= paceHigh {
			in++
		}
	}
	desc := "Words per minute in 30-second windows; average " + strconv.Itoa(int(math.Round(rep.Metrics.WPM))) +
		" wpm; " + strconv.Itoa(in) + " of " + strconv.Itoa(len(wins)) + " windows inside the 100 to 165 wpm band."
	c := newCanvas(chartW, h, title, desc)
	c.rect(a.x0, y(paceHigh), a.x1-a.x0, y(paceLow)-y(paceHigh), colBand, `opacity="0.7"`+tipAttr("Comfortable pace: 100 to 165 words per minute"))
	for _, v := range []float64{0, paceLow, paceHigh, yMax} {
		c.line(a.x0, y(v), a.x1, y(v), colGrid, 1, `stroke-dasharray="2 3"`)
		c.text(a.x0-6, y(v)+3, "end", 10, colMuted, strconv.Itoa(int(v)))
	}
	c.text(a.x0, top-3, "start", 10, colMuted, "wpm")
	c.drawXAxis(a, bottom)

	// Each window is drawn at its middle; the last may be shorter.
	total := a.total
	centre := func(k float64) float64 {
		start := k * wpmWindowSec
		return start + math.Min(wpmWindowSec, total-start)/2
	}
	means, idx := downsample(wins, maxSeriesPoints)
	xs, ys := make([]float64, len(means)), make([]float64, len(means))
	for i := range means {
		xs[i], ys[i] = a.x(centre(idx[i])), y(means[i])
	}
	c.polyline(xs, ys, colLine, 2)
	if len(means) <= 40 {
		for i := range means {
			c.circle(xs[i], ys[i], 3, colLine, tipAttr(clock(idx[i]*wpmWindowSec)+": "+strconv.Itoa(int(math.Round(means[i])))+" wpm"))
		}
	}
	return c.String()
}

// bare lower-cases a word, straightens its apostrophes and trims its
// punctuation. Most spoken words are already bare; they are returned as
// they are, without allocating.
func bare(w string) string {
	plain := true
	for i := 0; i < len(w); i++ {
		if c := w[i]; !(c >= 'a' && c <= 'z' || c == '\'') {
			plain = false
			break
		}
	}
	if plain {
		return strings.Trim(w, "'")
	}
	w = strings.ToLower(strings.ReplaceAll(w, "’", "'"))
	return strings.TrimFunc(w, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '\'' || r > 127)
	})
}

// fillerWords returns the word indexes of the fillers the chart can place,
// in order: the analyzer's filler spans, whose words add up to
// Metrics.Fillers. A report stored before the analyzer exported them
// falls back to the filled pauses and the filler_heavy evidence.
func fillerWords(rep analysis.Report) []int {
	if len(rep.Metrics.FillerSpans) > 0 {
		out := make([]int, 0, rep.Metrics.Fillers)
		for _, sp := range rep.Metrics.FillerSpans {
			for i := max(0, sp.W0); i < min(sp.W1, len(rep.Words)); i++ {
				out = append(out, i)
			}
		}
		return out
	}
	seen := make([]bool, len(rep.Words))
	for i, w := range rep.Words {
		if analysis.IsFilledPause(bare(w.W)) {
			seen[i] = true
		}
	}
	for _, f := range rep.Findings {
		if f.Code != "filler_heavy" {
			continue
		}
		for _, sp := range f.Evidence {
			for i := max(0, sp.W0); i < min(sp.W1, len(rep.Words)); i++ {
				seen[i] = true
			}
		}
	}
	var out []int
	for i := range rep.Words {
		if seen[i] {
			out = append(out, i)
		}
	}
	return out
}

// judgesStar reports whether the answer's round is judged as STAR
// stories: a system design or coding answer has no STAR parts to show.
func judgesStar(rep analysis.Report) bool {
	return rep.Round == "" || rep.Round == analysis.Behavioral || rep.Round == analysis.BarRaiser
}

// Timeline marks fillers and long pauses along the answer, with the STAR
// parts as a coloured bar underneath. Only the rows that can say
// something are drawn: pauses need timings (a typed answer has none),
// STAR parts need a behavioral answer, and fillers an answer with some
// or with timings.
func Timeline(rep analysis.Report) string {
	const title = "Answer timeline"
	if len(rep.Words) == 0 {
		return noData(chartW, 150, title, "No answer to chart.")
	}
	a := answerAxis(rep)
	fillers := fillerWords(rep)
	showFillers := a.timed || rep.Metrics.Fillers > 0
	showPauses := a.timed
	showStar := judgesStar(rep)
	if !showFillers && !showPauses && !showStar {
		return noData(chartW, 150, title, "Nothing to place on a timeline: no fillers, and no timings.")
	}
	var p1, p3 int
	for _, p := range rep.Metrics.Pauses {
		if p.T1-p.T0 > 3 {
			p3++
		} else {
			p1++
		}
	}
	var parts []string
	for _, p := range rep.Metrics.Star {
		parts = append(parts, starNames[p.Part]+" "+strconv.Itoa(int(math.Round(p.Share*100)))+"%")
	}
	desc := strconv.Itoa(rep.Metrics.Fillers) + " fillers counted, " + strconv.Itoa(len(fillers)) + " placed"
	if a.timed {
		desc += ", " + strconv.Itoa(p1) + " pauses of 1 to 3 seconds, " + strconv.Itoa(p3) + " over 3 seconds"
	}
	switch {
	case !showStar:
	case len(parts) > 0:
		desc += "; STAR: " + strings.Join(parts, ", ")
	default:
		desc += "; no STAR parts found"
	}
	const (
		top, rowH, rowGap = 14.0, 18.0, 8.0
		axisH, legendH    = 26.0, 22.0
	)
	rows := 0
	for _, on := range []bool{showFillers, showPauses, showStar} {
		if on {
			rows++
		}
	}
	h := top + float64(rows)*(rowH+rowGap) + axisH + legendH
	c := newCanvas(chartW, h, title, desc+".")
	y := top
	row := func(label string) float64 {
		at := y
		c.text(a.x0-6, at+13, "end", 10, colMuted, label)
		c.rect(a.x0, at, a.x1-a.x0, rowH, "#f8fafc", "")
		y += rowH + rowGap
		return at
	}
	var legendItems []legendItem
	if showFillers {
		fillerY := row("fillers")
		// Fillers: one tick per pixel bucket, its tooltip counting the
		// merged ones.
		type bucket struct {
			x     float64
			n     int
			first int
		}
		var marks []bucket
		for _, i := range fillers {
			x := a.x(pos(rep, a, i))
			if n := len(marks); n > 0 && x-marks[n-1].x < markBucketPx {
				marks[n-1].n++
				continue
			}
			marks = append(marks, bucket{x: x, n: 1, first: i})
		}
		for _, m := range marks {
			tip := "“" + rep.Words[m.first].W + "” at " + a.label(pos(rep, a, m.first))
			if m.n > 1 {
				tip = strconv.Itoa(m.n) + " fillers from " + a.label(pos(rep, a, m.first))
			}
			c.line(m.x, fillerY+3, m.x, fillerY+rowH-3, colFiller, 2, tipAttr(tip))
		}
		// The count is the analyzer's, the number every page shows; say
		// so when fewer can be placed than were counted.
		note := strconv.Itoa(rep.Metrics.Fillers) + " counted"
		if len(fillers) != rep.Metrics.Fillers {
			note += ", " + strconv.Itoa(len(fillers)) + " placed"
		}
		c.text(a.x1-4, fillerY+13, "end", 10, colMuted, note)
		legendItems = append(legendItems, legendItem{colFiller, "filler"})
	}
	if showPauses {
		pauseY := row("pauses")
		lastX := math.Inf(-1)
		for _, p := range rep.Metrics.Pauses {
			x0, x1 := a.x(p.T0), a.x(p.T1)
			if x0 < lastX+markBucketPx {
				continue // a pause inside the last one's pixels adds nothing visible
			}
			col := colPause
			if p.T1-p.T0 > 3 {
				col = colPause3
			}
			w := math.Max(2, x1-x0)
			c.rect(x0, pauseY+3, w, rowH-6, col, `rx="1"`+tipAttr(strconv.FormatFloat(math.Round((p.T1-p.T0)*10)/10, 'f', -1, 64)+" s pause at "+clock(p.T0)))
			lastX = x0 + w
		}
		legendItems = append(legendItems, legendItem{colPause, "pause 1–3 s"}, legendItem{colPause3, "pause over 3 s"})
	}
	if showStar {
		starY := row("STAR")
		for _, p := range rep.Metrics.Star {
			v0, v1 := spanRange(rep, a, p.Span)
			x0, x1 := a.x(v0), a.x(v1)
			if x1-x0 < minPartPx {
				continue
			}
			c.rect(x0, starY, x1-x0, rowH, starColours[p.Part], tipAttr(starNames[p.Part]+": "+strconv.Itoa(int(math.Round(p.Share*100)))+"% of the answer"))
			if x1-x0 >= 14 {
				c.text((x0+x1)/2, starY+13, "middle", 11, colText, p.Part)
			}
		}
		legendItems = append(legendItems, legendItem{starColours["S"], "Situation"}, legendItem{starColours["T"], "Task"},
			legendItem{starColours["A"], "Action"}, legendItem{starColours["R"], "Result"})
	}
	c.drawXAxis(a, y-rowGap+6)
	legend(c, h-8, legendItems)
	return c.String()
}

type legendItem struct{ colour, label string }

// legend writes swatches and labels in a row from the left. Widths are
// estimated from the label length since the SVG cannot measure text.
func legend(c *canvas, y float64, items []legendItem) {
	x := padLeft
	for _, it := range items {
		c.rect(x, y-8, 10, 10, it.colour, `rx="2" stroke="`+colGrid+`" stroke-width="0.5"`)
		c.text(x+14, y+1, "start", 10, colMuted, it.label)
		x += 14 + float64(len([]rune(it.label)))*5.6 + 14
	}
}

// pronoun classifies words[i] as the analyzer does (analysis.Pronoun).
func pronoun(words []analysis.Word, i int) string {
	next := ""
	if i+1 < len(words) {
		next = bare(words[i+1].W)
	}
	return analysis.Pronoun(bare(words[i].W), next)
}

// Ownership draws the running count of who did the work over the
// answer: the clauses the analyzer counts as the speaker's ("I rewrote
// the checks") against those done by "we", the team, the passive or a
// helper verb, the Metrics.I and We the finding and the scorecard quote.
func Ownership(rep analysis.Report) string {
	const h = 180.0
	const title = "I versus we"
	if len(rep.Words) == 0 {
		return noData(chartW, h, title, "No answer to chart.")
	}
	a := answerAxis(rep)
	type hit struct {
		at float64
		we bool
	}
	var hits []hit
	var nI, nWe int
	legacy := len(rep.Metrics.Ownership) == 0 && rep.Metrics.I+rep.Metrics.We > 0
	for _, o := range rep.Metrics.Ownership {
		if o.Span.W0 < 0 || o.Span.W0 >= len(rep.Words) {
			continue
		}
		we := o.By != "i"
		hits = append(hits, hit{pos(rep, a, o.Span.W0), we})
		if we {
			nWe++
		} else {
			nI++
		}
	}
	var inAction []bool
	if legacy {
		// A report stored before the analyzer counted clauses: its
		// Metrics.I and We were the pronouns in the Action part (the whole
		// answer when it found none), counted here the same way.
		inAction = actionWords(rep)
		for i := range rep.Words {
			if inAction != nil && !inAction[i] {
				continue
			}
			switch pronoun(rep.Words, i) {
			case "i":
				hits = append(hits, hit{pos(rep, a, i), false})
				nI++
			case "we":
				hits = append(hits, hit{pos(rep, a, i), true})
				nWe++
			}
		}
	}
	if nI+nWe == 0 {
		return noData(chartW, h, title, "No clause says who did the work.")
	}
	desc := "Running count of the work done by “I” (" + strconv.Itoa(nI) + ") and by “we”, the team, the passive or a helper verb (" + strconv.Itoa(nWe) + ")" +
		"; " + strconv.Itoa(int(math.Round(float64(nI)/float64(nI+nWe)*100))) + "% I"
	if legacy {
		desc = "Running count of “I” (" + strconv.Itoa(nI) + ") and “we” (" + strconv.Itoa(nWe) + ")" +
			"; " + strconv.Itoa(int(math.Round(float64(nI)/float64(nI+nWe)*100))) + "% I"
	}
	c := newCanvas(chartW, h, title, desc+".")
	top, bottom := 14.0, h-58
	yMax := niceMax(float64(max(nI, nWe)), 5, 5)
	y := func(v float64) float64 { return bottom - v/yMax*(bottom-top) }

	for _, p := range rep.Metrics.Star {
		if !legacy || p.Part != "A" {
			continue
		}
		v0, v1 := spanRange(rep, a, p.Span)
		if a.x(v1)-a.x(v0) < minPartPx {
			continue
		}
		c.rect(a.x(v0), top, a.x(v1)-a.x(v0), bottom-top, colActionB, tipAttr("Action part: where ownership was judged"))
	}
	for _, v := range []float64{0, yMax / 2, yMax} {
		c.line(a.x0, y(v), a.x1, y(v), colGrid, 1, `stroke-dasharray="2 3"`)
		c.text(a.x0-6, y(v)+3, "end", 10, colMuted, short(v))
	}
	c.drawXAxis(a, bottom)

	// Sample the running counts at evenly spaced positions: a step line at
	// most maxSeriesPoints long whatever the answer's length.
	n := min(maxSeriesPoints, max(2, len(rep.Words)))
	var xi, yi, xw, yw []float64
	k, ci, cw := 0, 0, 0
	for s := range n {
		at := a.total * float64(s) / float64(n-1)
		for k < len(hits) && hits[k].at <= at {
			if hits[k].we {
				cw++
			} else {
				ci++
			}
			k++
		}
		x := a.x(at)
		xi, yi = append(xi, x), append(yi, y(float64(ci)))
		xw, yw = append(xw, x), append(yw, y(float64(cw)))
	}
	c.polyline(xw, yw, colWe, 2)
	c.polyline(xi, yi, colLine, 2.5)
	iY, weY := endLabels(yi[len(yi)-1], yw[len(yw)-1], nI >= nWe, top, bottom)
	c.text(a.x1, iY, "end", 11, colLine, "I "+strconv.Itoa(nI))
	c.text(a.x1, weY, "end", 11, colWe, "we "+strconv.Itoa(nWe))
	if legacy {
		legend(c, h-12, []legendItem{{colLine, "I, me (not “I think”)"}, {colWe, "we, us"}, {colActionB, "Action part"}})
	} else {
		legend(c, h-12, []legendItem{{colLine, "done by I"}, {colWe, "by we, the team, the passive, “I helped”"}})
	}
	return c.String()
}

// actionWords marks the words inside the Action part, or returns nil when
// the analyzer found no Action part (then the whole answer counts).
func actionWords(rep analysis.Report) []bool {
	var in []bool
	for _, p := range rep.Metrics.Star {
		if p.Part != "A" || p.Span.W1 <= p.Span.W0 {
			continue
		}
		if in == nil {
			in = make([]bool, len(rep.Words))
		}
		for i := max(0, p.Span.W0); i < min(p.Span.W1, len(rep.Words)); i++ {
			in[i] = true
		}
	}
	return in
}

// endLabels places the "I" and "we" labels at the lines' right ends: the
// higher line's above its end, the lower's below, both inside the plot
// (never on the x axis's labels) and at least a line of text apart.
func endLabels(iEnd, weEnd float64, iHigher bool, top, bottom float64) (iY, weY float64) {
	const lineH, above, below = 12.0, 5.0, 14.0
	hi, lo := iEnd, weEnd
	if !iHigher {
		hi, lo = weEnd, iEnd
	}
	hiY, loY := hi-above, lo+below
	// Baselines stay between the plot's top and its bottom edge less a
	// little, so the label sits above the axis and its tick labels.
	hiY = math.Max(hiY, top+lineH-2)
	loY = math.Min(loY, bottom-3)
	if loY-hiY < lineH {
		hiY = math.Max(top+lineH-2, loY-lineH)
		loY = hiY + lineH
	}
	if iHigher {
		return hiY, loY
	}
	return loY, hiY
}
