package analysis

import "testing"

// The classes of phrasing each content finding must read, with the
// sentences issue 17 wrote for them. Each is the end of a short answer
// whose opening is the same plain situation and actions, so that only the
// class under test changes.
const classOpening = "At my last company I owned the billing service for our mid-size customers. " +
	"Invoices were going out late every month and support was flooded. " +
	"I traced the delay to a batch job that retried failed payments serially, " +
	"so I rewrote it to run the retries in parallel and I added an alarm on the queue depth. "

func TestPhrasingClasses(t *testing.T) {
	tests := []struct {
		name   string
		ending string
		code   string
		want   bool
	}{
		// Results: a qualitative outcome is a result.
		{"a release on time and teams getting along is a result", "The release went out on time and the teams get along much better now.", "missing_result", false},
		{"shipping on the new date is a result", "I shipped it on the new date and I now add buffer to every estimate.", "missing_result", false},
		{"nothing falling through the cracks is a result", "Now nothing falls through the cracks, and my manager asked me to share the doc with two other teams.", "missing_result", false},
		{"happy managers and a better relationship are a result", "Both managers were happy with it and the relationship improved.", "missing_result", false},
		{"ending on a lesson is not a result", "What I took away from it is that I should ask for help earlier.", "missing_result", true},
		{"ending on a plan is not a result", "The plan was to roll it out to the rest of the customers the next quarter.", "missing_result", true},
		{"ending on an opinion is not a result", "I think being wrong is fine as long as you find out quickly.", "missing_result", true},
		{"a hedged outcome is still a result", "I think the team was much happier after that.", "missing_result", false},
		{"ending on a generalisation is not a result", "In billing it's always the job that nobody owns that breaks.", "missing_result", true},
		// Metrics: fractions, multiples and comparisons are quantified.
		{"a tenth of what it was is a metric", "The pages fell to a tenth of what they were.", "missing_metric", false},
		{"a third off the bill is a metric", "It cut the hosting bill by about a third.", "missing_metric", false},
		{"under half a second is a metric", "The p99 is now under half a second.", "missing_metric", false},
		{"an hour a day saved is a metric", "It saved every engineer about an hour a day.", "missing_metric", false},
		{"a team of five is the scene, not a metric", "We were a team of five and the invoices went out on time after that.", "missing_metric", true},
		{"sixty hours a week is effort, not a metric", "I worked sixty hours a week that month and the invoices went out on time.", "missing_metric", true},
		{"a hedged huge multiple is hyperbole", "Honestly it made things like a million times better.", "missing_metric", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Behavioral, Text: classOpening + tt.ending})
			if got := r.Has(tt.code); got != tt.want {
				t.Errorf("%s = %v, want %v\nfindings: %v", tt.code, got, tt.want, codesOf(r))
			}
		})
	}
}

func TestOwnershipClasses(t *testing.T) {
	tests := []struct {
		name, text string
		want       bool
	}{
		{"we and the team doing the work hide the speaker",
			"Our checkout service started failing during a sale. The team saw the errors climbing, so we rolled back and we rewrote the checks. Then we added canaries and we rolled it out again. The errors went away and the sale went fine.", true},
		{"helper verbs hide the speaker",
			"Our checkout service started failing during a sale. I helped get the fix out and I was involved in the migration. I supported the rollout and I helped with the canaries. The errors went away and the sale went fine.", true},
		{"the passive voice hides the speaker",
			"Our checkout service started failing during a sale. A decision was made to add canaries, the checks were rewritten and the fix was pushed. The rollout was scheduled for the next day. The errors went away and the sale went fine.", true},
		{"I doing the work with we in the background is ownership",
			"Our checkout service started failing during a sale and we were all on the call. I rolled back the release, I rewrote the checks myself and I added canaries. Then I pushed the fix and we watched it together. The errors went away and the sale went fine.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Behavioral, Text: tt.text})
			if got := r.Has("weak_ownership"); got != tt.want {
				t.Errorf("weak_ownership = %v, want %v; findings %v", got, tt.want, codesOf(r))
			}
		})
	}
}

func TestPhaseCuesNeedTheirContext(t *testing.T) {
	const base = "I would use a hash map from value to index and go through the array once, and for each number look up the target minus the number in the map. "
	tests := []struct {
		name, text, code string
		want             bool
	}{
		{"none, zero and empty alone are not edge cases", base + "If the map has none I return an empty pair, and index zero is the first slot.", "no_edge_cases", true},
		{"an empty input handled is an edge case", base + "If the array is empty I return an empty pair, and duplicates are fine because I check before I insert.", "no_edge_cases", false},
		{"example alone is not a walkthrough", base + "For example this is like the classic problem, and we return the pair.", "no_walkthrough", true},
		{"tracing an input is a walkthrough", base + "Let me try it on two seven eleven with target nine: two is not in the map, then seven finds two, so I return zero and one.", "no_walkthrough", false},
		{"a question without its mark is clarifying", "okay so um can the numbers be negative and is there always exactly one answer okay " + base, "no_clarifying", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Coding, Text: tt.text})
			if got := r.Has(tt.code); got != tt.want {
				t.Errorf("%s = %v, want %v; findings %v", tt.code, got, tt.want, codesOf(r))
			}
		})
	}
}

func TestTooShortSpeaksTheRound(t *testing.T) {
	for _, round := range []Round{Coding, SystemDesign} {
		r := Analyze(Input{Round: round, Text: "I would use a hash map and return the pair."})
		for _, f := range r.Findings {
			if f.Code == "too_short" && (contains(f.Message, "situation") || contains(f.Suggestion, "story")) {
				t.Errorf("%s too_short speaks of a STAR story: %q / %q", round, f.Message, f.Suggestion)
			}
		}
		if !r.Has("too_short") {
			t.Errorf("%s: a ten-word answer is not too_short: %v", round, codesOf(r))
		}
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestWalkthroughNeedsATracedInput(t *testing.T) {
	const base = "I would use a hash map from value to index and go through the array once, and for each number look up the target minus the number in the map, so it is O(n) time. "
	tests := []struct {
		name, text string
		want       bool // no_walkthrough fires
	}{
		{"an example traced step by step is a walkthrough", base + "Example: nums = [2, 7, 11, 15], target 9. At index 0 the map is empty so I store 2; at index 1, 9 - 7 = 2 is in the map, so it returns [0, 1].", false},
		{"an example named without values is not", base + "This example is like the classic problem and the idea is the same as before.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Coding, Text: tt.text})
			if got := r.Has("no_walkthrough"); got != tt.want {
				t.Errorf("no_walkthrough = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestContextIsWhatComesBeforeTheFirstAction(t *testing.T) {
	tests := []struct {
		name, text string
		want       bool // missing_context fires
	}{
		{"a plain opening sentence of background is context",
			"Our release was slipping because two teams kept blocking each other on shared code. I set up a shared board and a weekly sync with both leads, and I wrote down who owned each hand-off between the teams. The release went out on time and the teams get along much better now.", false},
		{"an answer that opens on the first action has no context",
			"So I rewrote the serializer and I added a cache in front of it, then I moved the hot path off the shared lock and I ran the load test again. I also wrote a doc for the team on the new design. The p99 went from 900 ms to 200 ms after that.", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(Input{Round: Behavioral, Text: tt.text})
			if got := r.Has("missing_context"); got != tt.want {
				t.Errorf("missing_context = %v, want %v; findings %v", got, tt.want, codesOf(r))
			}
		})
	}
}
