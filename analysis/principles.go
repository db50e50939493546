package analysis

// principles scores the Leadership Principles the answer shows. Each cue
// phrase is one piece of evidence; the score saturates so that three
// pieces read as a clear signal: 1 - 0.6^n gives 0.4, 0.64, 0.78, 0.87.
func (a *analyzer) principles() {
	var n [16]int
	for _, h := range a.hits {
		if h.cue < cueLP0+16 {
			n[h.cue]++
		}
	}
	// A quantified result is the plainest evidence of Deliver Results.
	if k, _ := a.impactNumbers(0, len(a.toks)); k > 0 {
		n[13] += k
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
	ev := make([]Span, 0, 3*count)
	for lp, c := range n {
		if c == 0 {
			continue
		}
		start := len(ev)
		for _, h := range a.hits {
			if int(h.cue) == lp && len(ev)-start < 3 {
				ev = append(ev, a.span(int(h.w0), int(h.w1)))
			}
		}
		p := Principle{Name: LeadershipPrinciples[lp], Score: round3(1 - pow06(c))}
		if len(ev) > start {
			p.Evidence = ev[start:len(ev):len(ev)]
		}
		a.m.Principles = append(a.m.Principles, p)
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
