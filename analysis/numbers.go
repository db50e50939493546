package analysis

import (
	"strconv"
	"strings"
)

// number is a quantity found in the answer, digits ("38%", "2.4s") or
// spelled ("thirty eight percent", "two point four seconds") alike.
type number struct {
	w0, w1 int // tokens covered, unit words included; w1 exclusive
	value  float64
	unit   string // normalised unit, "" when none was said
	kind   unitKind
}

// unitKind says how strongly a unit speaks of impact.
type unitKind uint8

const (
	unitNone     unitKind = iota
	unitDuration          // "two weeks": impact only with a change nearby
	unitCount             // "3 teams", "40 engineers": context, rarely impact
	unitImpact            // "%", "x", "$", "ms", "users", "requests/s"
)

// unitWords maps a unit as said or written to its normal form and kind.
var unitWords = map[string]struct {
	unit string
	kind unitKind
}{
	"percent": {"%", unitImpact}, "%": {"%", unitImpact}, "pct": {"%", unitImpact},
	"x": {"x", unitImpact}, "times": {"x", unitImpact}, "fold": {"x", unitImpact},
	"ms": {"ms", unitImpact}, "millisecond": {"ms", unitImpact}, "milliseconds": {"ms", unitImpact}, "millis": {"ms", unitImpact},
	"s": {"s", unitDuration}, "sec": {"s", unitDuration}, "secs": {"s", unitDuration}, "second": {"s", unitDuration}, "seconds": {"s", unitDuration},
	"min": {"min", unitDuration}, "mins": {"min", unitDuration}, "minute": {"min", unitDuration}, "minutes": {"min", unitDuration},
	"h": {"h", unitDuration}, "hr": {"h", unitDuration}, "hrs": {"h", unitDuration}, "hour": {"h", unitDuration}, "hours": {"h", unitDuration},
	"day": {"d", unitDuration}, "days": {"d", unitDuration},
	"week": {"wk", unitDuration}, "weeks": {"wk", unitDuration},
	"month": {"mo", unitDuration}, "months": {"mo", unitDuration},
	"year": {"yr", unitDuration}, "years": {"yr", unitDuration},
	"dollars": {"$", unitImpact}, "dollar": {"$", unitImpact}, "bucks": {"$", unitImpact}, "usd": {"$", unitImpact},
	"users": {"users", unitImpact}, "customers": {"customers", unitImpact}, "sellers": {"sellers", unitImpact},
	"requests": {"requests", unitImpact}, "queries": {"queries", unitImpact}, "transactions": {"transactions", unitImpact},
	"orders": {"orders", unitImpact}, "tickets": {"tickets", unitImpact}, "incidents": {"incidents", unitImpact},
	"pages": {"pages", unitImpact}, "alerts": {"alerts", unitImpact}, "alarms": {"alarms", unitImpact},
	"bugs": {"bugs", unitImpact}, "errors": {"errors", unitImpact}, "outages": {"outages", unitImpact},
	"crashes": {"crashes", unitImpact}, "escalations": {"escalations", unitImpact}, "complaints": {"complaints", unitImpact},
	"deploys": {"deploys", unitImpact}, "deployments": {"deployments", unitImpact}, "releases": {"releases", unitImpact},
	"signups": {"signups", unitImpact}, "sales": {"sales", unitImpact}, "downloads": {"downloads", unitImpact},
	"qps": {"qps", unitImpact}, "rps": {"rps", unitImpact}, "tps": {"tps", unitImpact},
	"gb": {"GB", unitImpact}, "gigabytes": {"GB", unitImpact}, "tb": {"TB", unitImpact}, "terabytes": {"TB", unitImpact},
	"mb": {"MB", unitImpact}, "megabytes": {"MB", unitImpact}, "pb": {"PB", unitImpact}, "petabytes": {"PB", unitImpact},
	"points": {"points", unitImpact}, "servers": {"servers", unitImpact}, "hosts": {"hosts", unitImpact},
	"instances": {"instances", unitImpact}, "machines": {"machines", unitImpact}, "nodes": {"nodes", unitImpact},
	"engineers": {"engineers", unitCount}, "people": {"people", unitCount}, "developers": {"developers", unitCount},
	"teams": {"teams", unitCount}, "services": {"services", unitCount}, "microservices": {"services", unitCount},
	"steps": {"steps", unitCount}, "lines": {"lines", unitCount}, "files": {"files", unitCount}, "repos": {"repos", unitCount},
	"sprints": {"sprints", unitDuration}, "quarters": {"quarters", unitDuration}, "quarter": {"quarters", unitDuration},
}

// amountBefore words make "an hour" an amount: "about an hour", "saved
// a day".
var amountBefore = setOf("about roughly nearly almost over under than saved saves saving only just")

// amountAfter words make it one too: "finished a week early".
var amountAfter = setOf("early earlier ahead sooner late later faster")

// fractions are said as a share of what was: "fell to a tenth".
var fractions = map[string]float64{"third": 1.0 / 3, "thirds": 1.0 / 3, "quarter": 0.25, "quarters": 0.25, "fifth": 0.2, "fifths": 0.2, "tenth": 0.1, "tenths": 0.1}

// unitFillers may sit between a number and its unit: "2 million daily
// active users", "40 percent fewer tickets" is handled by the unit itself.
var unitFillers = setOf("more fewer less extra new active daily monthly weekly concurrent paying internal external other different separate production p99 p95 p50 of failed")

// rateWords follow a unit to make it a rate: "requests per second".
var rateWords = map[string]string{"second": "/s", "sec": "/s", "minute": "/min", "hour": "/h", "day": "/d", "week": "/wk", "month": "/mo", "year": "/yr"}

// findNumbers scans the tokens for quantities. Years and bare "one" are
// skipped: "in 2019" and "one of the teams" are not results.
func findNumbers(toks []tok, out []number) []number {
	for i := 0; i < len(toks); {
		n, ok := parseNumberAt(toks, i)
		if !ok {
			i++
			continue
		}
		n = attachUnit(toks, n)
		if n.unit == "" && !keepUnitless(toks, n) {
			i = n.w1
			continue
		}
		out = append(out, n)
		i = n.w1
	}
	// "from 40 to 12 minutes": the first number takes the unit of the
	// second.
	for k := 0; k+1 < len(out); k++ {
		if out[k].unit == "" && out[k+1].unit != "" && out[k+1].w0-out[k].w1 <= 2 {
			out[k].unit, out[k].kind = out[k+1].unit, out[k+1].kind
		}
	}
	return out
}

// parseNumberAt parses digits or spelled numbers starting at toks[i].
func parseNumberAt(toks []tok, i int) (number, bool) {
	t := toks[i]
	if t.norm == "" {
		return number{}, false
	}
	c := t.norm[0]
	if c == '$' || c == '~' || (c >= '0' && c <= '9') {
		return parseDigits(toks, i)
	}
	// Most words cannot start a number; say so before the string
	// comparisons and table lookups below. A hyphenated token may be
	// "thirty-eight".
	if !t.has(classNumberStart) && strings.IndexByte(t.norm, '-') < 0 {
		return number{}, false
	}
	if t.norm == "half" || t.norm == "halved" {
		// "cut it in half", "halved the latency", "under half a second";
		// not "half a page", "in half a day".
		prev, next := tokAt(toks, i-1).norm, tokAt(toks, i+1).norm
		switch {
		case t.norm == "halved", (prev == "in" || prev == "by") && next != "a" && next != "an" && next != "the" && next != "of":
			return number{w0: i, w1: i + 1, value: 0.5, unit: "x", kind: unitImpact}, true
		case prev == "under" || prev == "than" || prev == "below" || prev == "to" || prev == "about" || prev == "nearly" || prev == "almost" || prev == "roughly":
			n := number{w0: i, w1: i + 1, value: 0.5, unit: "frac", kind: unitImpact}
			if next == "a" || next == "an" {
				if u, ok := unitWords[tokAt(toks, i+2).norm]; ok {
					n.w1, n.unit, n.kind = i+3, u.unit, u.kind // "half a second"
				}
			}
			return n, true
		}
		return number{}, false
	}
	// "saved every engineer about an hour a day": one of a unit, after a
	// word that makes it an amount rather than an article.
	if (t.norm == "an" || t.norm == "a") && (i > 0 && amountBefore[toks[i-1].norm] || amountAfter[tokAt(toks, i+2).norm]) {
		if u, ok := unitWords[tokAt(toks, i+1).norm]; ok && u.kind == unitDuration {
			return number{w0: i, w1: i + 1, value: 1}, true
		}
	}
	// "a third", "two thirds", "a tenth of what it was".
	if f, ok := fractions[tokAt(toks, i+1).norm]; ok {
		if v, ok := smallNumbers[t.norm]; ok && v > 0 || t.norm == "a" || t.norm == "one" {
			if t.norm != "a" && t.norm != "one" {
				f *= v
			}
			return number{w0: i, w1: i + 2, value: f, unit: "frac", kind: unitImpact}, true
		}
	}
	switch t.norm {
	case "twice":
		// "twice as fast" is a multiple; "twice a day" is a schedule.
		if tokAt(toks, i+1).norm != "as" {
			return number{}, false
		}
		return number{w0: i, w1: i + 1, value: 2, unit: "x", kind: unitImpact}, true
	case "doubled":
		return number{w0: i, w1: i + 1, value: 2, unit: "x", kind: unitImpact}, true
	case "tripled":
		return number{w0: i, w1: i + 1, value: 3, unit: "x", kind: unitImpact}, true
	case "quadrupled":
		return number{w0: i, w1: i + 1, value: 4, unit: "x", kind: unitImpact}, true
	case "tenfold":
		return number{w0: i, w1: i + 1, value: 10, unit: "x", kind: unitImpact}, true
	}
	return parseSpelled(toks, i)
}

// parseDigits reads "38%", "2.4s", "$1.2m", "40k", "10,000", "3x" and a
// following scale word ("2 million").
func parseDigits(toks []tok, i int) (number, bool) {
	s := toks[i].norm
	n := number{w0: i, w1: i + 1}
	if s[0] == '~' {
		s = s[1:]
	}
	dollar := false
	if strings.HasPrefix(s, "$") {
		dollar, s = true, s[1:]
	}
	j := 0
	for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' || s[j] == ',') {
		j++
	}
	if j == 0 {
		return number{}, false
	}
	digits, suffix := strings.ReplaceAll(s[:j], ",", ""), s[j:]
	digits = strings.TrimRight(digits, ".")
	v, err := strconv.ParseFloat(digits, 64)
	if err != nil {
		return number{}, false
	}
	suffix = strings.TrimPrefix(suffix, "-")
	switch suffix {
	case "":
	case "k":
		v *= 1e3
	case "m", "mm":
		v *= 1e6
	case "b", "bn":
		v *= 1e9
	case "st", "nd", "rd", "th", "am", "pm", "s'":
		return number{}, false // ordinals, times of day
	default:
		u, ok := unitWords[suffix]
		if !ok {
			return number{}, false
		}
		n.unit, n.kind = u.unit, u.kind
	}
	if i+1 < len(toks) {
		if sc, ok := scaleNumbers[toks[i+1].norm]; ok && sc >= 1e3 {
			v *= sc
			n.w1 = i + 2
		}
	}
	n.value = v
	if dollar {
		n.unit, n.kind = "$", unitImpact
	}
	return n, true
}

// parseSpelled reads "thirty eight", "two point four", "a hundred and
// fifty thousand", "thirty-eight".
func parseSpelled(toks []tok, i int) (number, bool) {
	var total, cur float64
	seen := false
	lastKind := 0 // 1 small, 2 tens, 3 hundred, 4 scale
	j := i
	for j < len(toks) {
		w := toks[j].norm
		// "thirty-eight" is one token from some engines.
		if a, b, ok := strings.Cut(w, "-"); ok {
			tv, tok1 := tensNumbers[a]
			sv, tok2 := smallNumbers[b]
			if !tok1 || !tok2 || lastKind != 0 && lastKind != 3 && lastKind != 4 {
				break
			}
			cur += tv + sv
			seen, lastKind = true, 1
			j++
			continue
		}
		if v, ok := smallNumbers[w]; ok && w != "oh" && !(w == "one" && !seen && !nextIsScale(toks, j)) {
			if lastKind == 1 || (lastKind == 2 && v == 0) || (lastKind == 2 && v >= 10) {
				break
			}
			cur += v
			seen, lastKind = true, 1
		} else if v, ok := tensNumbers[w]; ok {
			if lastKind == 1 || lastKind == 2 {
				break
			}
			cur += v
			seen, lastKind = true, 2
		} else if w == "hundred" && (seen || j > i) {
			if cur == 0 {
				cur = 1
			}
			cur *= 100
			lastKind = 3
		} else if v, ok := scaleNumbers[w]; ok && v >= 1e3 && (seen || j > i) {
			if cur == 0 {
				cur = 1
			}
			total += cur * v
			cur = 0
			lastKind = 4
		} else if w == "a" && !seen && j+1 < len(toks) && scaleNumbers[toks[j+1].norm] > 0 {
			// "a hundred", "a million": the "a" starts the number.
			cur = 1
			seen, lastKind = true, 1
		} else if w == "and" && seen && tokAt(toks, j+1).norm == "a" && tokAt(toks, j+2).norm == "half" {
			// "two and a half hours"
			cur += 0.5
			j += 3
			break
		} else if w == "and" && seen && (lastKind == 3 || lastKind == 4) && j+1 < len(toks) && isNumberWord(toks[j+1].norm) {
			// "two hundred and fifty"
		} else if w == "point" && seen && j+1 < len(toks) && isDigitWord(toks[j+1].norm) {
			frac, k := 0.0, j+1
			scale := 0.1
			for k < len(toks) && isDigitWord(toks[k].norm) {
				frac += smallNumbers[toks[k].norm] * scale
				scale /= 10
				k++
			}
			cur += frac
			j = k
			lastKind = 1
			break
		} else {
			break
		}
		j++
	}
	if !seen {
		return number{}, false
	}
	// A trailing "and" or "a" is not part of the number.
	for j > i+1 && (toks[j-1].norm == "and") {
		j--
	}
	return number{w0: i, w1: j, value: total + cur}, true
}

// nextIsScale reports whether toks[j+1] is "hundred", "thousand"...: a
// lone "one" is a pronoun ("one of the teams") unless a scale follows.
func nextIsScale(toks []tok, j int) bool {
	return j+1 < len(toks) && scaleNumbers[toks[j+1].norm] > 0
}

func isNumberWord(w string) bool {
	_, s := smallNumbers[w]
	_, t := tensNumbers[w]
	return s || t || w == "hundred" || scaleNumbers[w] > 0
}

func isDigitWord(w string) bool {
	v, ok := smallNumbers[w]
	return ok && v < 10
}

// attachUnit extends n over the unit words that follow it.
func attachUnit(toks []tok, n number) number {
	j := n.w1
	if n.unit != "" {
		// "200ms", "$40k": the unit was in the token; a rate may follow.
		return attachRate(toks, n)
	}
	if j < len(toks) {
		w := toks[j].norm
		if toks[j].percent {
			w = "%"
		}
		if w == "per" && j+1 < len(toks) && toks[j+1].norm == "cent" {
			n.unit, n.kind, n.w1 = "%", unitImpact, j+2
			return n
		}
		if w == "percentage" && j+1 < len(toks) && toks[j+1].norm == "points" {
			n.unit, n.kind, n.w1 = "pp", unitImpact, j+2
			return n
		}
		if w == "k" || w == "grand" {
			n.value *= 1e3
			n.w1 = j + 1
			if w == "grand" {
				n.unit, n.kind = "$", unitImpact
				return n
			}
			j++
			if j >= len(toks) {
				return n
			}
			w = toks[j].norm
		}
		u, ok := unitWords[w]
		if !ok && unitFillers[w] && j+1 < len(toks) {
			if u2, ok2 := unitWords[toks[j+1].norm]; ok2 && u2.kind != unitDuration {
				u, ok, j = u2, true, j+1
			}
		}
		if ok {
			// A bare "s" or "x" after a spelled number is too ambiguous.
			if (w == "s" || w == "x" || w == "h") && !isDigitToken(toks[n.w0]) {
				return n
			}
			n.unit, n.kind, n.w1 = u.unit, u.kind, j+1
			return attachRate(toks, n)
		}
		// "15,000 invoices", "forty builds": a count of things is a
		// quantity even when the noun is not a known unit.
		if isPluralNoun(w) && (n.value >= 10 || n.value == 0) {
			n.unit, n.kind, n.w1 = w, unitImpact, j+1
			return attachRate(toks, n)
		}
		// "fifty a week": a count per period is a rate even unnamed.
		if r := attachRate(toks, n); r.w1 > n.w1 {
			r.unit = strings.TrimPrefix(r.unit, "/")
			r.unit = "per " + r.unit
			return r
		}
	}
	return n
}

// attachRate turns "requests per second" into "requests/s".
func attachRate(toks []tok, n number) number {
	j := n.w1
	if j+1 < len(toks) && (toks[j].norm == "per" || toks[j].norm == "a" || toks[j].norm == "an" || toks[j].norm == "each") {
		if r, ok := rateWords[toks[j+1].norm]; ok {
			n.unit += r
			n.kind = unitImpact
			n.w1 = j + 2
		}
	}
	return n
}

func isDigitToken(t tok) bool {
	return t.norm != "" && (t.norm[0] >= '0' && t.norm[0] <= '9' || t.norm[0] == '$')
}

// keepUnitless decides whether a number said without a unit is still a
// quantity worth reporting: "from 40 to 12", "by 30". Years, versions,
// and a lone "one" are not.
func keepUnitless(toks []tok, n number) bool {
	if n.w1-n.w0 == 1 && (toks[n.w0].norm == "one" || toks[n.w0].norm == "a") {
		return false
	}
	if n.value >= 1900 && n.value <= 2100 && n.value == float64(int(n.value)) {
		return false
	}
	if n.value >= 1000 {
		return true // "two thousand add to carts a second"
	}
	if n.w0 > 0 {
		prev := toks[n.w0-1].norm
		if hedgeBefore[prev] {
			return true // "about five million"
		}
		if (prev == "basically" || prev == "like" || prev == "just") && n.w0 > 1 {
			prev = toks[n.w0-2].norm // "from basically zero"
		}
		if prev == "of" && n.w0 > 1 && toks[n.w0-2].norm == "factor" {
			return true // "by a factor of three"
		}
		switch prev {
		case "from", "to", "by", "under", "below", "above", "over", "around", "about", "roughly", "approximately", "nearly", "almost":
			return true
		}
	}
	return false
}

// isPluralNoun guesses a plural noun: a word of four letters or more
// ending in "s" that is not a function word ("its", "was", "this").
func isPluralNoun(w string) bool {
	if len(w) < 4 || w[len(w)-1] != 's' || stopWords[w] {
		return false
	}
	switch w[len(w)-2] {
	case 's', 'u', 'i':
		return false // "less", "across", "thus", "this"
	}
	for i := 0; i < len(w); i++ {
		if w[i] < 'a' || w[i] > 'z' {
			return w[i] == '-'
		}
	}
	return true
}
