package analysis

import (
	"regexp"
	"strconv"
	"testing"
)

// TestOneCountEverywhere checks that the counts the page shows are the
// counts the findings quote: Metrics.I and We are the weak_ownership
// message's numbers and Ownership places each of them; FillerSpans place
// every filler Metrics.Fillers counts.
func TestOneCountEverywhere(t *testing.T) {
	cases := []struct{ name, text string }{
		{"a team-voiced answer with fillers", "So um we had a problem with the deployment pipeline, you know, on our team. We talked about it together and we decided to improve it. Um, I wrote the first script and we worked on the rest as a group, like, over a few weeks. In the end we made it much better and everyone on the team was happy with it."},
		{"a passive answer", "There was an outage in the payments service last spring. A decision was made to add canaries, the checks were rewritten and the fix was pushed, and we rolled back twice before it held. Um, uh, the pages stopped after that and the team was relieved."},
		{"an answer in the first person", "Our checkout timed out for two percent of users. I profiled the service, I found a lock held across a network call, and I rewrote the handler so the lock is released first. Timeouts fell to a tenth of a percent."},
		{"a recognizer's transcript", "um so we had this migration and uh we kind of split it up and i wrote the scripts and we ran them over the weekend and um it went fine and like the team was happy"},
	}
	// "N times the work is done by ... and M by \"I\"".
	msgRe := regexp.MustCompile(`^(.+?) times? the work is done by .+? and (.+?) by "I"`)
	spelled := map[string]int{"not once": 0, "once": 1, "twice": 2}
	count := func(s string) int {
		if n, ok := spelled[s]; ok {
			return n
		}
		n, err := strconv.Atoi(regexp.MustCompile(`^\d+`).FindString(s))
		if err != nil {
			t.Fatalf("count %q: %v", s, err)
		}
		return n
	}
	fired := 0
	for _, c := range cases {
		t.Run(c.name+" gives one I, we and filler count", func(t *testing.T) {
			rep := Analyze(Input{Round: Behavioral, Text: c.text})
			m := rep.Metrics
			var i, we int
			for _, o := range m.Ownership {
				if o.Span.W1 <= o.Span.W0 || o.Span.End <= o.Span.Start {
					t.Errorf("ownership span %+v is empty", o.Span)
				}
				if o.By == "i" {
					i++
				} else {
					we++
				}
			}
			if i != m.I || we != m.We {
				t.Errorf("Ownership places I %d, we %d; Metrics says I %d, we %d", i, we, m.I, m.We)
			}
			n := 0
			for _, sp := range m.FillerSpans {
				n += sp.W1 - sp.W0
			}
			if n != m.Fillers {
				t.Errorf("FillerSpans place %d fillers; Metrics counts %d", n, m.Fillers)
			}
			for _, f := range rep.Findings {
				if f.Code != "weak_ownership" {
					continue
				}
				fired++
				g := msgRe.FindStringSubmatch(f.Message)
				if g == nil {
					t.Fatalf("weak_ownership message has no counts: %s", f.Message)
				}
				if count(g[1]) != m.We || count(g[2]) != m.I {
					t.Errorf("finding says we %s, I %s; Metrics says we %d, I %d", g[1], g[2], m.We, m.I)
				}
			}
		})
	}
	if fired == 0 {
		t.Error("no case drew weak_ownership, so the message's counts were never checked")
	}
}
