package round

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
)

// Scripted is the interviewer that needs no model: it says the engine's
// own wording. It emits one sentence at a time so captions and speech
// synthesis can start before the whole reply is out, as with an LLM.
type Scripted struct{}

var _ mockloop.Interviewer = Scripted{}

// ErrNothingToSay means the prompt had no scripted wording.
var ErrNothingToSay = errors.New("scripted interviewer: empty prompt")

// Name implements mockloop.Interviewer.
func (Scripted) Name() string { return "scripted" }

// Say implements mockloop.Interviewer. If ctx is cancelled (the candidate
// barged in) it stops between sentences and returns what it had said.
func (Scripted) Say(ctx context.Context, p mockloop.Prompt, emit func(chunk string)) (string, error) {
	if strings.TrimSpace(p.Scripted) == "" {
		return "", ErrNothingToSay
	}
	var said strings.Builder
	for _, chunk := range Sentences(p.Scripted) {
		if err := ctx.Err(); err != nil {
			return said.String(), fmt.Errorf("scripted interviewer: %w", context.Cause(ctx))
		}
		emit(chunk)
		said.WriteString(chunk)
	}
	return said.String(), nil
}

// Sentences splits text after each sentence-ending mark followed by a
// space, keeping the space with the sentence before it, so the chunks
// joined give back text exactly.
func Sentences(text string) []string {
	var out []string
	rs := []rune(text)
	start := 0
	for i := 0; i < len(rs)-1; i++ {
		if strings.ContainsRune(".?!", rs[i]) && unicode.IsSpace(rs[i+1]) {
			j := i + 1
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
			out = append(out, string(rs[start:j]))
			start = j
			i = j - 1
		}
	}
	if start < len(rs) {
		out = append(out, string(rs[start:]))
	}
	return out
}

// TemplateData converts an engine prompt into the data of the prompts
// package's turn template, for an LLM interviewer:
//
//	bank.Render(prompts.TemplateTurn, round.TemplateData(p))
//	bank.Render(prompts.PersonaTemplate(string(p.RoundKind)), prompts.PersonaData{...})
func TemplateData(p mockloop.Prompt, principle string) prompts.TurnData {
	d := prompts.TurnData{
		Move:      string(p.Kind),
		Intent:    p.Scripted,
		Question:  p.Question,
		Principle: principle,
		ProbeCode: p.ProbeCode,
	}
	for _, f := range p.Findings {
		d.Findings = append(d.Findings, prompts.FindingData{Code: f.Code, Severity: string(f.Severity), Message: f.Message})
	}
	for _, ph := range p.Coverage {
		if ph.Covered {
			d.Covered = append(d.Covered, ph.Label)
		} else {
			d.Missing = append(d.Missing, ph.Label)
		}
	}
	d.Quote = p.Quote
	for _, t := range p.History {
		d.Transcript = append(d.Transcript, prompts.Line{Speaker: string(t.Role), Text: t.Text})
	}
	return d
}
