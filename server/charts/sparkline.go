package charts

import (
	"math"
	"slices"
	"strconv"
)

// Sparkline draws a small trend line of values (oldest first) for the
// progress page, with the newest value marked. label names the metric in
// the title, e.g. "Fillers per minute".
func Sparkline(values []float64, label string) string {
	const w, h = 160.0, 40.0
	// A value that is not a finite number cannot be drawn or read out.
	values = slices.DeleteFunc(slices.Clone(values), func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) })
	if len(values) == 0 {
		c := newCanvas(w, h, label, "No rounds with this figure yet.")
		c.line(4, h/2, w-4, h/2, colGrid, 1, `stroke-dasharray="3 3"`)
		return c.String()
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		lo, hi = math.Min(lo, v), math.Max(hi, v)
	}
	last := values[len(values)-1]
	rounds := " rounds"
	if len(values) == 1 {
		rounds = " round"
	}
	desc := strconv.Itoa(len(values)) + rounds + ", latest " + short(last) + ", lowest " + short(lo) + ", highest " + short(hi) + "."
	c := newCanvas(w, h, label, desc)
	const pad = 5.0
	means, idx := downsample(values, maxSeriesPoints)
	span := hi - lo
	y := func(v float64) float64 {
		if span == 0 {
			return h / 2
		}
		return h - pad - (v-lo)/span*(h-2*pad)
	}
	x := func(i float64) float64 {
		if len(values) == 1 {
			return w / 2
		}
		return pad + i/float64(len(values)-1)*(w-2*pad)
	}
	xs, ys := make([]float64, len(means)), make([]float64, len(means))
	for i := range means {
		xs[i], ys[i] = x(idx[i]), y(means[i])
	}
	c.polyline(xs, ys, colLine, 1.5)
	c.circle(x(float64(len(values)-1)), y(last), 2.5, colLine, "")
	return c.String()
}

// short formats a figure with up to two decimals.
func short(v float64) string {
	if math.Abs(v) >= 1e12 {
		return strconv.FormatFloat(v, 'g', 4, 64)
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
