package live

import (
	"encoding/json"
	"fmt"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/round"
)

// Review reads what the round engine remembers of each question from a
// stored round's state, for the review page: the questions with their
// phase checklists and turns, and the turns with Turn.Resolved filled in
// (the store keeps turns as committed). A round without state, or saved
// before the engine kept questions, gives the turns' own grouping.
func Review(bank *prompts.Bank, r *mockloop.Round, turns []mockloop.Turn) ([]round.QuestionView, []mockloop.Turn, error) {
	if len(r.State) == 0 {
		return nil, turns, nil
	}
	var p persisted
	if err := json.Unmarshal(r.State, &p); err != nil {
		return nil, turns, fmt.Errorf("round %s: decode state: %w", r.ID, err)
	}
	eng, err := round.Restore(bank, p.Engine)
	if err != nil {
		return nil, turns, fmt.Errorf("round %s: restore engine: %w", r.ID, err)
	}
	out := append([]mockloop.Turn(nil), turns...)
	round.ApplyResolutions(out, eng.Resolutions())
	return eng.Questions(out), out, nil
}
