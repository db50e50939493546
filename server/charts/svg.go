// Package charts draws mockloop's review and progress charts as small,
// self-contained SVG strings: pace over an answer, the answer's timeline
// (fillers, long pauses, STAR parts), I versus we, and trend sparklines.
//
// Output is deterministic (the same report gives the same bytes, so it can
// be golden-tested and cached), uses no external fonts or scripts, and
// carries a <title> and aria-label for screen readers. However long the
// answer, the number of SVG elements is bounded: marks that would share a
// pixel column are merged and long series are averaged down.
package charts

import (
	"math"
	"strconv"
	"strings"
)

// A calm palette: slate text and grid, teal for the candidate's own
// measures, soft fills for bands and parts.
const (
	colText    = "#334155"
	colMuted   = "#64748b"
	colGrid    = "#e2e8f0"
	colBg      = "#ffffff"
	colLine    = "#0f766e"
	colBand    = "#ccfbf1"
	colFiller  = "#d97706"
	colPause   = "#94a3b8"
	colPause3  = "#be123c"
	colWe      = "#7c3aed"
	colActionB = "#f0fdf4"
	fontFamily = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
)

// STAR part colours, in S, T, A, R order.
var starColours = map[string]string{"S": "#bfdbfe", "T": "#ddd6fe", "A": "#bbf7d0", "R": "#fde68a"}

var starNames = map[string]string{"S": "Situation", "T": "Task", "A": "Action", "R": "Result"}

// Bounds on drawing work. A 20,000-word answer still gives a few hundred
// elements.
const (
	maxSeriesPoints = 200 // points in a polyline
	markBucketPx    = 3.0 // marks closer than this share one element
	minPartPx       = 3.0 // a STAR part narrower than this is not drawn
)

// canvas builds one SVG document.
type canvas struct {
	b    strings.Builder
	w, h float64
}

func newCanvas(w, h float64, title, desc string) *canvas {
	c := &canvas{w: w, h: h}
	c.b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + num(w) + ` ` + num(h) + `" width="` + num(w) + `" height="` + num(h) +
		`" role="img" aria-label="` + esc(title+". "+desc) + `" font-family="` + esc(fontFamily) + `">`)
	c.b.WriteString(`<title>` + esc(title) + `</title><desc>` + esc(desc) + `</desc>`)
	c.rect(0, 0, w, h, colBg, "")
	return c
}

func (c *canvas) rect(x, y, w, h float64, fill, extra string) {
	c.b.WriteString(`<rect x="` + num(x) + `" y="` + num(y) + `" width="` + num(math.Max(w, 0)) + `" height="` + num(math.Max(h, 0)) + `" fill="` + fill + `"`)
	c.close("rect", extra)
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, extra string) {
	c.b.WriteString(`<line x1="` + num(x1) + `" y1="` + num(y1) + `" x2="` + num(x2) + `" y2="` + num(y2) + `" stroke="` + stroke + `" stroke-width="` + num(width) + `"`)
	c.close("line", extra)
}

// tipSep separates extra attributes from a tooltip in an extra string;
// a NUL never occurs in escaped text.
const tipSep = "\x00"

// tipAttr adds a tooltip (a child <title>, which browsers show on hover
// and screen readers read) to a shape's extra attributes.
func tipAttr(tip string) string { return tipSep + tip }

// close ends a shape element with its extra attributes and tooltip.
func (c *canvas) close(name, extra string) {
	attrs, tip, hasTip := strings.Cut(extra, tipSep)
	if attrs != "" {
		c.b.WriteString(" " + attrs)
	}
	if !hasTip {
		c.b.WriteString("/>")
		return
	}
	c.b.WriteString("><title>" + esc(tip) + "</title></" + name + ">")
}

func (c *canvas) polyline(xs, ys []float64, stroke string, width float64) {
	if len(xs) == 0 {
		return
	}
	c.b.WriteString(`<polyline fill="none" stroke="` + stroke + `" stroke-width="` + num(width) + `" stroke-linejoin="round" stroke-linecap="round" points="`)
	for i := range xs {
		if i > 0 {
			c.b.WriteByte(' ')
		}
		c.b.WriteString(num(xs[i]) + "," + num(ys[i]))
	}
	c.b.WriteString(`"/>`)
}

func (c *canvas) circle(x, y, r float64, fill, extra string) {
	c.b.WriteString(`<circle cx="` + num(x) + `" cy="` + num(y) + `" r="` + num(r) + `" fill="` + fill + `"`)
	c.close("circle", extra)
}

// text writes a label; anchor is start, middle or end.
func (c *canvas) text(x, y float64, anchor string, size float64, fill, s string) {
	c.b.WriteString(`<text x="` + num(x) + `" y="` + num(y) + `" font-size="` + num(size) + `" fill="` + fill + `"`)
	if anchor != "start" {
		c.b.WriteString(` text-anchor="` + anchor + `"`)
	}
	c.b.WriteString(">" + esc(s) + "</text>")
}

func (c *canvas) String() string { return c.b.String() + "</svg>" }

// noData is the chart for an answer with nothing to draw: the same size as
// the real chart so a page does not jump.
func noData(w, h float64, title, why string) string {
	c := newCanvas(w, h, title, why)
	c.rect(0.5, 0.5, w-1, h-1, "none", `stroke="`+colGrid+`" stroke-dasharray="4 4" rx="6"`)
	c.text(w/2, h/2+4, "middle", 12, colMuted, why)
	return c.String()
}

// num formats a coordinate with at most one decimal, so output is stable
// and small.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		v = 0
	}
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0 // no "-0"
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

var xmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;", "'", "&#39;")

// esc makes s safe as XML text or an attribute value: markup characters
// escaped, and characters XML forbids (most control characters, invalid
// UTF-8) dropped, since a label may hold a user's own words.
func esc(s string) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' && r != '\r' || r == 0xFFFE || r == 0xFFFF {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return xmlEscaper.Replace(s)
}

// clock formats seconds as m:ss.
func clock(sec float64) string {
	s := int(math.Round(sec))
	return strconv.Itoa(s/60) + ":" + pad2(s%60)
}

func pad2(n int) string {
	if n < 10 {
		return "0" + strconv.Itoa(n)
	}
	return strconv.Itoa(n)
}

// axis maps answer positions (seconds, or word indexes when untimed) onto
// the plot's x range.
type axis struct {
	timed  bool
	total  float64 // seconds or words
	x0, x1 float64 // pixels
}

func (a axis) x(v float64) float64 {
	if a.total <= 0 {
		return a.x0
	}
	return a.x0 + math.Max(0, math.Min(v, a.total))/a.total*(a.x1-a.x0)
}

// ticks returns about five to eight nice positions along the axis.
func (a axis) ticks() []float64 {
	var steps []float64
	if a.timed {
		steps = []float64{5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200}
	} else {
		for p := 1.0; p < 1e7; p *= 10 {
			steps = append(steps, p, 2*p, 5*p)
		}
	}
	step := steps[len(steps)-1]
	for _, s := range steps {
		if a.total/s <= 8 {
			step = s
			break
		}
	}
	var out []float64
	for v := 0.0; v <= a.total+1e-9; v += step {
		out = append(out, v)
	}
	return out
}

func (a axis) label(v float64) string {
	if a.timed {
		return clock(v)
	}
	return strconv.Itoa(int(v))
}

func (a axis) unit() string {
	if a.timed {
		return "time (m:ss)"
	}
	return "word"
}

// drawXAxis draws the baseline, tick marks and labels at y.
func (c *canvas) drawXAxis(a axis, y float64) {
	c.line(a.x0, y, a.x1, y, colGrid, 1, "")
	for _, v := range a.ticks() {
		x := a.x(v)
		c.line(x, y, x, y+4, colGrid, 1, "")
		c.text(x, y+15, "middle", 10, colMuted, a.label(v))
	}
	c.text(a.x1, y+27, "end", 10, colMuted, a.unit())
}

// downsample averages values into at most n buckets, returning each
// bucket's mean and the centre of its index range.
func downsample(values []float64, n int) (means, centres []float64) {
	if len(values) <= n {
		for i, v := range values {
			means = append(means, v)
			centres = append(centres, float64(i))
		}
		return means, centres
	}
	for b := range n {
		lo, hi := b*len(values)/n, (b+1)*len(values)/n
		// Divide before adding so huge values cannot overflow the sum.
		mean := 0.0
		for _, v := range values[lo:hi] {
			mean += v / float64(hi-lo)
		}
		means = append(means, mean)
		centres = append(centres, float64(lo+hi-1)/2)
	}
	return means, centres
}

// niceMax rounds v up to a multiple of step, at least floor.
func niceMax(v, step, floor float64) float64 {
	return math.Max(floor, math.Ceil(v/step)*step)
}
