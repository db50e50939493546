package prompts

import (
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"text/template"
)

// Template names. A persona template is the system prompt for one kind of
// interviewer; the turn template is the user message for one reply.
const (
	TemplateTurn = "turn"
	// Partials are files whose names start with "_"; every template can use
	// what they define (the shared ground rules live in _rules.tmpl).
	partialPrefix = "_"
)

// PersonaTemplate names the system prompt template for a round kind
// ("behavioral", "system_design", "coding" or "bar_raiser").
func PersonaTemplate(roundKind string) string { return "persona_" + roundKind }

// PersonaData is what a persona template is rendered with.
type PersonaData struct {
	RoundKind string // behavioral, system_design, coding, bar_raiser
	Minutes   int
}

// TurnData is what the turn template is rendered with: the engine's move,
// which the model only words, and the conversation it happens in.
type TurnData struct {
	// Move is what the engine decided: "question", "probe", "cutin" or
	// "closing".
	Move string
	// Intent is the scripted wording of the move; the model may rephrase it
	// but must keep its meaning.
	Intent    string
	Question  string
	Principle string
	ProbeCode string
	Findings  []FindingData // for the candidate's last answer
	// Covered and Missing are the phase labels of the current system
	// design or coding question that an answer has covered and not yet;
	// the model must never ask for a covered one.
	Covered []string
	Missing []string
	// Quote is the candidate's own words a dig-in follow-up refers to.
	Quote string
	// Transcript is the conversation so far, oldest first.
	Transcript []Line
}

// FindingData is one analyzer finding as the model sees it.
type FindingData struct {
	Code     string
	Severity string
	Message  string
}

// Line is one turn of the transcript.
type Line struct {
	Speaker string // "interviewer" or "candidate"
	Text    string
}

// untrusted neutralises text the candidate controls before it is placed
// inside the delimited data block: angle brackets become look-alikes so an
// answer cannot close the <transcript> block and speak as the operator.
func untrusted(s string) string {
	return strings.NewReplacer("<", "‹", ">", "›").Replace(s)
}

// funcs are the template helpers: untrusted quotes candidate text; join
// lists covered phases; contains tells a move that reads the main question
// out (its intent holds the question) from one that only moves to its
// next phase.
func funcs() template.FuncMap {
	return template.FuncMap{"untrusted": untrusted, "join": strings.Join, "contains": strings.Contains}
}

// readTemplates returns the *.tmpl files at the top of dir, by file name
// without the extension.
func readTemplates(fsys fs.FS, dir string) (map[string]string, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.tmpl"))
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	out := make(map[string]string, len(names))
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read template %s: %w", name, err)
		}
		out[strings.TrimSuffix(path.Base(name), ".tmpl")] = string(data)
	}
	return out, nil
}

// parseTemplates parses each top-level template together with every
// partial, so a user may override a partial and every template picks it up.
func parseTemplates(texts map[string]string) (map[string]*template.Template, error) {
	var partials, tops []string
	for name := range texts {
		if strings.HasPrefix(name, partialPrefix) {
			partials = append(partials, name)
		} else {
			tops = append(tops, name)
		}
	}
	sort.Strings(partials)
	out := make(map[string]*template.Template, len(tops))
	for _, name := range tops {
		t := template.New(name).Funcs(funcs()).Option("missingkey=error")
		if _, err := t.Parse(texts[name]); err != nil {
			return nil, fmt.Errorf("template %s.tmpl: %w", name, err)
		}
		for _, p := range partials {
			if _, err := t.New(p).Parse(texts[p]); err != nil {
				return nil, fmt.Errorf("template %s.tmpl: %w", p, err)
			}
		}
		out[name] = t
	}
	return out, nil
}

// Render executes the named template ("turn", "persona_behavioral"; a
// ".tmpl" suffix is accepted) with data. Runs of blank lines left by
// template actions are collapsed so the model sees clean text.
func (b *Bank) Render(name string, data any) (string, error) {
	name = strings.TrimSuffix(name, ".tmpl")
	t, ok := b.templates[name]
	if !ok {
		return "", fmt.Errorf("render %s: no such template", name)
	}
	var sb strings.Builder
	if err := t.Execute(&sb, data); err != nil {
		return "", fmt.Errorf("render %s: %w", name, err)
	}
	lines := strings.Split(strings.TrimSpace(sb.String()), "\n")
	out := lines[:0]
	for i, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && i > 0 && out[len(out)-1] == "" {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n") + "\n", nil
}

// Templates lists the names of the templates Render accepts, sorted.
func (b *Bank) Templates() []string {
	names := make([]string, 0, len(b.templates))
	for n := range b.templates {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
