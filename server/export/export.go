// Package export renders a stored round for the candidate to keep: a
// Markdown document to read or share, and a versioned JSON record that
// carries everything the store holds except the engine's private state.
package export

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// FormatV1 names the JSON layout; bump it when a field changes meaning.
const FormatV1 = "mockloop.round.v1"

// maxQuoteRunes caps an evidence quote: a span can cover a whole STAR part,
// and the reader needs the gist next to the finding, not the answer again.
const maxQuoteRunes = 160

type document struct {
	Format     string               `json:"format"`
	Round      mockloop.Round       `json:"round"`
	Turns      []mockloop.Turn      `json:"turns"`
	Utterances []mockloop.Utterance `json:"utterances"`
}

// JSON writes {"format":"mockloop.round.v1","round":…,"turns":[…],
// "utterances":[…]}, indented, with turns ordered by seq and utterances by
// turn seq then seq, so the same round always exports to the same bytes.
func JSON(w io.Writer, r mockloop.Round, turns []mockloop.Turn, utts []mockloop.Utterance) error {
	doc := document{Format: FormatV1, Round: r, Turns: sortedTurns(turns), Utterances: slices.Clone(utts)}
	if doc.Utterances == nil {
		doc.Utterances = []mockloop.Utterance{}
	}
	slices.SortStableFunc(doc.Utterances, func(a, b mockloop.Utterance) int {
		return cmp.Or(cmp.Compare(a.TurnSeq, b.TurnSeq), cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
	})
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	// Answers are prose: keep "<" and "&" readable rather than \u003c.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("export round %s as json: %w", r.ID, err)
	}
	if _, err := w.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("write json export of round %s: %w", r.ID, err)
	}
	return nil
}

func sortedTurns(turns []mockloop.Turn) []mockloop.Turn {
	out := slices.Clone(turns)
	if out == nil {
		out = []mockloop.Turn{}
	}
	slices.SortStableFunc(out, func(a, b mockloop.Turn) int {
		return cmp.Or(cmp.Compare(a.Seq, b.Seq), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Markdown writes the round as a document: the questions, the candidate's
// answers quoted, the analyzer's findings with the words they point at, a
// metrics line per answer and the debrief, labelled as the tool's opinion.
func Markdown(w io.Writer, r mockloop.Round, turns []mockloop.Turn) error {
	var b strings.Builder
	ts := sortedTurns(turns)

	fmt.Fprintf(&b, "# %s mock interview, %s\n\n", kindTitle(r.Kind), r.CreatedAt.UTC().Format("2 January 2006"))
	fmt.Fprintf(&b, "- Round: `%s`\n", r.ID)
	line := fmt.Sprintf("- Started %s UTC", r.CreatedAt.UTC().Format("2006-01-02 15:04"))
	if r.Minutes > 0 {
		line += fmt.Sprintf(", %d minutes planned", r.Minutes)
	}
	if r.FinishedAt != nil {
		line += fmt.Sprintf(", finished %s UTC", r.FinishedAt.UTC().Format("15:04"))
	} else {
		line += ", not finished"
	}
	b.WriteString(line + "\n")
	if len(r.Engines) > 0 {
		var names []string
		for _, k := range slices.Sorted(maps.Keys(r.Engines)) {
			names = append(names, fmt.Sprintf("%s %s", k, r.Engines[k]))
		}
		fmt.Fprintf(&b, "- Engines: %s\n", escape(strings.Join(names, ", ")))
	}
	b.WriteString("\n")

	if len(ts) == 0 {
		b.WriteString("No questions were asked in this round.\n\n")
	}
	for _, t := range ts {
		writeTurn(&b, t)
	}
	if r.Debrief != nil {
		writeDebrief(&b, *r.Debrief, ts)
	}
	b.WriteString("---\n\n*Exported from mockloop. Findings come from rule-based checks of the transcript; they are prompts for practice, not an interviewer's verdict.*\n")

	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("write markdown export of round %s: %w", r.ID, err)
	}
	return nil
}

func writeTurn(b *strings.Builder, t mockloop.Turn) {
	if t.Role == mockloop.RoleCandidate {
		writeAnswer(b, t)
		return
	}
	switch t.Kind {
	case mockloop.TurnQuestion:
		fmt.Fprintf(b, "## Question %d", t.QuestionIdx+1)
		if t.Principle != "" {
			fmt.Fprintf(b, ": %s", escape(t.Principle))
		}
		fmt.Fprintf(b, "\n\n**Interviewer:** %s\n\n", escape(oneLine(t.Text)))
	case mockloop.TurnProbe:
		fmt.Fprintf(b, "**Interviewer, following up:** %s\n\n", escape(oneLine(t.Text)))
	case mockloop.TurnCutIn:
		fmt.Fprintf(b, "**Interviewer, cutting in:** %s\n\n", escape(oneLine(t.Text)))
	case mockloop.TurnClosing:
		fmt.Fprintf(b, "## Closing\n\n**Interviewer:** %s\n\n", escape(oneLine(t.Text)))
	default:
		fmt.Fprintf(b, "**Interviewer:** %s\n\n", escape(oneLine(t.Text)))
	}
}

func writeAnswer(b *strings.Builder, t mockloop.Turn) {
	how := "typed"
	if t.Source != "" && t.Source != "typed" {
		how = "spoken, transcribed by " + t.Source
	}
	fmt.Fprintf(b, "**Your answer** (%s):\n\n", escape(how))
	text := strings.TrimSpace(t.Text)
	if text == "" {
		b.WriteString("> *(no answer)*\n\n")
	} else {
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimRight(line, " \t\r")
			if line == "" {
				b.WriteString(">\n")
				continue
			}
			fmt.Fprintf(b, "> %s\n", escape(line))
		}
		b.WriteString("\n")
	}
	if t.Report == nil {
		return
	}
	if m := metricsLine(t.Report.Metrics); m != "" {
		fmt.Fprintf(b, "*%s*\n\n", m)
	}
	if len(t.Report.Findings) == 0 {
		b.WriteString("No findings on this answer.\n\n")
		return
	}
	b.WriteString("Findings:\n\n")
	for _, f := range t.Report.Findings {
		if f.Doubtful() {
			// As on the page: weak evidence is put as a question, not a fault.
			fmt.Fprintf(b, "- To check (`%s`): %s\n", strings.ReplaceAll(f.Code, "`", ""), escape(oneLine(cmp.Or(f.Question, f.Message))))
			continue
		}
		fmt.Fprintf(b, "- `%s` (%s): %s\n", strings.ReplaceAll(f.Code, "`", ""), escape(string(f.Severity)), escape(oneLine(f.Message)))
		if f.Suggestion != "" {
			fmt.Fprintf(b, "  - Try: %s\n", escape(oneLine(f.Suggestion)))
		}
		for _, s := range f.Evidence {
			if q, ok := Quote(*t.Report, s); ok {
				fmt.Fprintf(b, "  - Evidence: “%s”\n", escape(q))
			}
		}
	}
	b.WriteString("\n")
}

// metricsLine is the one-line summary under an answer. Rates need word
// timings, so typed answers show counts only.
func metricsLine(m analysis.Metrics) string {
	if m.Words == 0 {
		return ""
	}
	parts := []string{fmt.Sprintf("%d words", m.Words)}
	if m.HasTimings && m.DurationSec > 0 {
		parts = append(parts,
			formatDuration(m.DurationSec),
			fmt.Sprintf("%.0f wpm", m.WPM),
			fmt.Sprintf("%.1f fillers/min", m.FillersPerMin))
	} else {
		parts = append(parts, fmt.Sprintf("%d fillers", m.Fillers))
	}
	parts = append(parts, fmt.Sprintf("I/we %d/%d", m.I, m.We))
	return strings.Join(parts, " · ")
}

func formatDuration(sec float64) string {
	s := int(sec + 0.5)
	if s < 60 {
		return fmt.Sprintf("%d s", s)
	}
	return fmt.Sprintf("%d:%02d min", s/60, s%60)
}

func writeDebrief(b *strings.Builder, d mockloop.Debrief, turns []mockloop.Turn) {
	b.WriteString("## Debrief (the tool's opinion)\n\n")
	b.WriteString("*This is what mockloop's rules make of the round, written in the style of a loop debrief. It is not a hiring decision.*\n\n")
	if d.Signal != "" {
		fmt.Fprintf(b, "**Signal:** %s\n\n", escape(signalLabel(d.Signal)))
	}
	for _, r := range d.Reasons {
		fmt.Fprintf(b, "- %s\n", escape(oneLine(r)))
	}
	if len(d.Reasons) > 0 {
		b.WriteString("\n")
	}
	if d.Strongest != d.Weakest || d.Strongest != 0 {
		fmt.Fprintf(b, "Strongest answer: %s. Weakest answer: %s.\n\n", turnLabel(d.Strongest, turns), turnLabel(d.Weakest, turns))
	}
	if len(d.Principles) > 0 {
		b.WriteString("Leadership Principles shown:\n\n")
		for _, p := range d.Principles {
			fmt.Fprintf(b, "- %s (%s)", escape(p.Principle), turnLabel(p.TurnSeq, turns))
			if p.Quote != "" {
				fmt.Fprintf(b, ": “%s”", escape(clip(oneLine(p.Quote))))
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	if len(d.Practise) > 0 {
		b.WriteString("Practise next:\n\n")
		for _, p := range d.Practise {
			fmt.Fprintf(b, "- %s\n", escape(oneLine(p)))
		}
		b.WriteString("\n")
	}
}

// turnLabel names an answer by its question, which is what the reader sees
// as headings.
func turnLabel(seq int, turns []mockloop.Turn) string {
	for _, t := range turns {
		if t.Seq == seq {
			return fmt.Sprintf("question %d, turn %d", t.QuestionIdx+1, seq)
		}
	}
	return fmt.Sprintf("turn %d", seq)
}

func signalLabel(s string) string {
	s = strings.ReplaceAll(s, "_", " ")
	if s == "" {
		return s
	}
	r := []rune(s)
	r[0] = unicode.ToUpper(r[0])
	return string(r)
}

func kindTitle(k mockloop.RoundKind) string {
	switch k {
	case mockloop.KindBehavioral:
		return "Behavioral"
	case mockloop.KindSystemDesign:
		return "System design"
	case mockloop.KindCoding:
		return "Coding"
	case mockloop.KindBarRaiser:
		return "Bar Raiser"
	case mockloop.KindLoop:
		return "Full loop"
	}
	if k == "" {
		return "Mock"
	}
	return signalLabel(string(k))
}

// Quote returns the words a span points at: the code-point range
// [Start, End) of rep.Text, or failing that the word range [W0, W1) of
// rep.Words. ok is false when neither range lies inside the report, which
// happens when a report was edited or truncated after analysis. Long quotes
// are cut to a readable length.
func Quote(rep analysis.Report, s analysis.Span) (string, bool) {
	text := []rune(rep.Text)
	var q string
	switch {
	case s.Start >= 0 && s.Start < s.End && s.End <= len(text):
		q = string(text[s.Start:s.End])
	case s.W0 >= 0 && s.W0 < s.W1 && s.W1 <= len(rep.Words):
		ws := make([]string, 0, s.W1-s.W0)
		for _, w := range rep.Words[s.W0:s.W1] {
			ws = append(ws, w.W)
		}
		q = strings.Join(ws, " ")
	default:
		return "", false
	}
	q = oneLine(q)
	if q == "" {
		return "", false
	}
	return clip(q), true
}

func clip(s string) string {
	r := []rune(s)
	if len(r) <= maxQuoteRunes {
		return s
	}
	cut := r[:maxQuoteRunes]
	// Prefer to end on a word boundary.
	if i := strings.LastIndexFunc(string(cut), unicode.IsSpace); i > maxQuoteRunes/2 {
		return strings.TrimSpace(string(cut)[:i]) + " …"
	}
	return string(cut) + "…"
}

// oneLine folds runs of whitespace, newlines included, to single spaces so
// a text fits in a list item or a bold label.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// mdSpecial are the characters that change meaning anywhere in a line of
// CommonMark; escaping them keeps an answer that happens to contain
// "*", "_" or "<b>" reading as the words the candidate said.
var mdSpecial = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", `*`, `\*`, `_`, `\_`, `[`, `\[`, `]`, `\]`, `<`, `\<`, `>`, `\>`, `|`, `\|`,
)

// escape makes s literal inside a Markdown paragraph, quote or list item.
func escape(s string) string {
	s = mdSpecial.Replace(s)
	// At the start of a line these begin a heading, list or quote.
	if s != "" && strings.ContainsRune("#-+=", rune(s[0])) {
		return `\` + s
	}
	// "1. " or "1) " would start an ordered list.
	digits := len(s) - len(strings.TrimLeft(s, "0123456789"))
	if digits > 0 && digits < len(s) && (s[digits] == '.' || s[digits] == ')') {
		return s[:digits] + `\` + s[digits:]
	}
	return s
}
