package analysis

// principles credits the Leadership Principles the answer shows. A
// principle is credited only from a clause in which the speaker does
// something ("I dug into the heap dumps", "I pushed back on the launch
// date") that carries one of its cues, never from a cue word alone
// ("quality", "client"), and never from words the recognizer was unsure
// of. Deliver Results is credited from an outcome clause with a number of
// impact. Each clause counts once per principle and is quoted as the
// evidence. The score saturates so that three clauses read as a clear
// signal: 1 - 0.6^n gives 0.4, 0.64, 0.78, 0.87.
func (a *analyzer) principles() {
	var n [16]int
	var last [16]int32 // last clause credited, +1, so a clause counts once
	var ev [16][3]int32
	credit := func(lp, k int) {
		if last[lp] == int32(k)+1 {
			return
		}
		last[lp] = int32(k) + 1
		if n[lp] < len(ev[lp]) {
			ev[lp][n[lp]] = int32(k)
		}
		n[lp]++
	}
	for _, h := range a.hits {
		if h.cue >= cueLP0+16 {
			continue
		}
		k := a.clauseAt(int(h.w0))
		if k < 0 {
			continue
		}
		c := &a.cls[k]
		if c.agent != agentI || c.hypo || !a.heard(int(c.w0), int(c.w1)) {
			continue
		}
		credit(int(h.cue-cueLP0), k)
	}
	// Deliver Results: an outcome of the story, told after what was done.
	from := max(a.firstAction(), len(a.cls)/2)
	for i, num := range a.nums {
		k := a.clauseAt(num.w0)
		if k >= from && a.cls[k].outcome && a.isImpact(i) && a.heard(int(a.cls[k].w0), int(a.cls[k].w1)) {
			credit(13, k) // Deliver Results
		}
	}
	count := 0
	for _, c := range n {
		if c > 0 {
			count++
		}
	}
	if count == 0 {
		return
	}
	a.m.Principles = make([]Principle, 0, count)
	spans := make([]Span, 0, 3*count)
	quotes := make([]string, 0, 3*count)
	for lp, c := range n {
		if c == 0 {
			continue
		}
		start := len(spans)
		for _, k := range ev[lp][:min(c, len(ev[lp]))] {
			cl := a.cls[k]
			spans = append(spans, a.span(int(cl.w0), int(cl.w1)))
			quotes = append(quotes, a.quote(int(cl.w0), int(cl.w1), 20))
		}
		a.m.Principles = append(a.m.Principles, Principle{
			Name:     LeadershipPrinciples[lp],
			Score:    round3(1 - pow06(c)),
			Evidence: spans[start:len(spans):len(spans)],
			Quotes:   quotes[start:len(quotes):len(quotes)],
		})
	}
	// Strongest first; ties keep Amazon's order (insertion sort is stable).
	ps := a.m.Principles
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].Score > ps[j-1].Score; j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

func pow06(n int) float64 {
	x := 1.0
	for range min(n, 40) {
		x *= 0.6
	}
	return x
}

// scope is the widest reach of impact the answer claims. Building a
// shared library or a mechanism other teams use counts as multi_team at
// least: it is the senior signal Amazon's engineering levels describe
// (impact beyond one's own team).
func (a *analyzer) scope() {
	switch {
	case a.cueN[cueOrg] > 0:
		a.m.Scope = "org"
	case a.cueN[cueMultiTeam] > 0 || a.namedTeams() >= 2:
		a.m.Scope = "multi_team"
	case a.cueN[cueTeamScope] > 0 || a.m.WeAll > 0:
		a.m.Scope = "team"
	default:
		a.m.Scope = "self"
	}
}

// namedTeams counts distinct "<name> team" phrases ("the payments team",
// "the fraud team"): working with a second named team is cross-team work.
func (a *analyzer) namedTeams() int {
	var names [4]string
	n := 0
	for i := 1; i < len(a.toks); i++ {
		if a.toks[i].norm != "team" {
			continue
		}
		name := a.toks[i-1].norm
		switch name {
		case "", "my", "our", "the", "whole", "entire", "a", "same", "your", "this", "that", "his", "her", "their", "new", "small", "core", "dev", "engineering", "other", "another", "as", "my own", "own":
			continue
		}
		dup := false
		for _, s := range names[:n] {
			dup = dup || s == name
		}
		if !dup && n < len(names) {
			names[n] = name
			n++
		}
	}
	return n
}
