package analysis

import "testing"

func TestFollowUpAnswersAreNotJudgedAsWholeStories(t *testing.T) {
	const answer = "we looked at the dashboards and it got better after that"
	q := "How did you measure the result?"
	whole := Analyze(Input{Round: Behavioral, Question: q, Text: answer})
	follow := Analyze(Input{Round: Behavioral, Question: q, Text: answer, FollowUp: true})
	var structural int
	for _, f := range whole.Findings {
		if Structural(f.Code) {
			structural++
		}
	}
	if structural == 0 {
		t.Fatalf("a 12-word answer read as a whole story should lack parts of it; findings %v", codesOf(whole))
	}
	for _, f := range follow.Findings {
		if Structural(f.Code) {
			t.Errorf("a follow-up answer got the whole-story finding %s", f.Code)
		}
	}
	for _, f := range whole.Findings {
		if !Structural(f.Code) && !follow.Has(f.Code) {
			t.Errorf("FollowUp dropped %s, which does not judge the story's shape", f.Code)
		}
	}
}

func codesOf(r Report) []string {
	var out []string
	for _, f := range r.Findings {
		out = append(out, f.Code)
	}
	return out
}
