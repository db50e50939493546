// Package prompts owns mockloop's interview content: the question banks
// (behavioral Leadership Principle questions, system design prompts, coding
// talk-through prompts, each with the follow-up probes an Amazon interviewer
// would use) and the text/template prompts an LLM interviewer is given.
//
// Everything is embedded so the binary works offline. A user may add or
// replace questions by dropping *.json bank files into their data directory,
// and may replace any template by a *.tmpl file of the same name there; Load
// merges both. The package uses only the standard library.
package prompts

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
	"text/template"

	"github.com/mockloop/mockloop/analysis"
)

//go:embed banks/*.json
var bankFS embed.FS

//go:embed templates/*.tmpl
var templateFS embed.FS

// Kind is the kind of question a bank holds. Bar Raiser rounds draw on the
// behavioral questions, so there is no bar raiser kind here.
type Kind string

// Question kinds; their values are the "kind" field of a bank file.
const (
	Behavioral   Kind = "behavioral"
	SystemDesign Kind = "system_design"
	Coding       Kind = "coding"
)

func (k Kind) valid() bool {
	return k == Behavioral || k == SystemDesign || k == Coding
}

// principles are Amazon's sixteen Leadership Principles, in Amazon's order;
// the analyzer owns the list so both spell them the same.
var principles = analysis.LeadershipPrinciples

// Principles returns the sixteen Leadership Principles in Amazon's order.
// The slice is the caller's own.
func Principles() []string { return slices.Clone(principles[:]) }

// CanonicalPrinciple returns the official spelling of a Leadership
// Principle written with any case or spacing, and whether it is one.
func CanonicalPrinciple(name string) (string, bool) {
	norm := func(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }
	n := norm(name)
	for _, p := range principles {
		if norm(p) == n {
			return p, true
		}
	}
	return "", false
}

// Question is one main interview question and the follow-ups it invites.
type Question struct {
	ID   string `json:"id"`
	Kind Kind   `json:"kind"`
	// Principle is the Leadership Principle a behavioral question targets.
	Principle string `json:"principle,omitempty"`
	Text      string `json:"text"`
	// Probes are follow-ups keyed by the analyzer finding code they answer
	// (missing_metric, weak_ownership, no_failure_handling ...). The bank
	// file's defaults are merged in; the question's own wording wins.
	Probes map[string]string `json:"probes"`
	// Deeper are generic probes that push past a good answer ("What would
	// you do differently?").
	Deeper []string `json:"deeper,omitempty"`
	// BarRaiser are harder probes that raise the level: scope beyond the
	// team, mechanisms others reuse, the long term.
	BarRaiser []string `json:"bar_raiser,omitempty"`
	// Source names the bank file the question came from, for error messages.
	Source string `json:"-"`
}

// Probe returns the follow-up for a finding code, if the question has one.
func (q Question) Probe(code string) (string, bool) {
	s, ok := q.Probes[code]
	return s, ok && s != ""
}

// bankFile is the on-disk shape of one bank file.
type bankFile struct {
	Kind      Kind              `json:"kind"`
	Probes    map[string]string `json:"probes"`
	Deeper    []string          `json:"deeper"`
	BarRaiser []string          `json:"bar_raiser"`
	Questions []Question        `json:"questions"`
}

// Bank is the merged question bank and prompt templates. It is read-only
// after Load and safe for concurrent use.
type Bank struct {
	byID      map[string]Question
	templates map[string]*template.Template
}

// Load reads the embedded banks and templates, then any *.json bank files
// and *.tmpl templates at the top of userDir (which may be nil). A user
// question whose id matches an embedded one replaces it; new ids are added.
// A user template replaces the embedded one of the same file name.
func Load(userDir fs.FS) (*Bank, error) {
	b := &Bank{byID: map[string]Question{}}
	embedded, err := readBanks(bankFS, "banks", "embedded ")
	if err != nil {
		return nil, err
	}
	if err := b.add(embedded, false); err != nil {
		return nil, err
	}
	tmpls, err := readTemplates(templateFS, "templates")
	if err != nil {
		return nil, err
	}
	if userDir != nil {
		user, err := readBanks(userDir, ".", "")
		if err != nil {
			return nil, err
		}
		if err := b.add(user, true); err != nil {
			return nil, err
		}
		over, err := readTemplates(userDir, ".")
		if err != nil {
			return nil, err
		}
		for name, text := range over {
			tmpls[name] = text
		}
	}
	if b.templates, err = parseTemplates(tmpls); err != nil {
		return nil, err
	}
	return b, nil
}

// readBanks parses every *.json file in dir of fsys, sorted by name so the
// merge order (and so any error) is deterministic.
func readBanks(fsys fs.FS, dir, label string) ([]Question, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list %sbanks: %w", label, err)
	}
	sort.Strings(names)
	var all []Question
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read %sbank %s: %w", label, name, err)
		}
		qs, err := parseBank(data)
		if err != nil {
			return nil, fmt.Errorf("%sbank %s: %w", label, name, err)
		}
		for i := range qs {
			qs[i].Source = label + name
		}
		all = append(all, qs...)
	}
	return all, nil
}

// parseBank decodes and validates one bank file, merging the file's default
// probes into every question.
func parseBank(data []byte) ([]Question, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields() // a misspelt field is a silent loss otherwise
	var f bankFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if !f.Kind.valid() {
		return nil, fmt.Errorf("kind %q: want behavioral, system_design or coding", f.Kind)
	}
	if len(f.Questions) == 0 {
		return nil, errors.New("no questions")
	}
	seen := map[string]bool{}
	out := make([]Question, 0, len(f.Questions))
	for i, q := range f.Questions {
		if q.Kind == "" {
			q.Kind = f.Kind
		}
		if err := validate(q, f.Kind); err != nil {
			return nil, fmt.Errorf("question %d (%q): %w", i, q.ID, err)
		}
		if seen[q.ID] {
			return nil, fmt.Errorf("question %d: duplicate id %q", i, q.ID)
		}
		seen[q.ID] = true
		probes := make(map[string]string, len(f.Probes)+len(q.Probes))
		for code, s := range f.Probes {
			probes[code] = s
		}
		for code, s := range q.Probes {
			probes[code] = s
		}
		q.Probes = probes
		q.Deeper = append(slices.Clone(q.Deeper), f.Deeper...)
		q.BarRaiser = append(slices.Clone(q.BarRaiser), f.BarRaiser...)
		if len(q.Probes) == 0 {
			return nil, fmt.Errorf("question %d (%q): no probes", i, q.ID)
		}
		out = append(out, q)
	}
	return out, nil
}

func validate(q Question, fileKind Kind) error {
	switch {
	case strings.TrimSpace(q.ID) == "":
		return errors.New("missing id")
	case strings.TrimSpace(q.Text) == "":
		return errors.New("missing text")
	case q.Kind != fileKind:
		return fmt.Errorf("kind %q in a %s bank", q.Kind, fileKind)
	}
	if q.Kind == Behavioral {
		if q.Principle == "" {
			return errors.New("missing principle")
		}
		if _, ok := CanonicalPrinciple(q.Principle); !ok {
			return fmt.Errorf("unknown principle %q", q.Principle)
		}
	}
	for code, s := range q.Probes {
		if strings.TrimSpace(code) == "" || strings.TrimSpace(s) == "" {
			return fmt.Errorf("empty probe %q", code)
		}
	}
	return nil
}

// add merges questions into the bank. Within one layer ids must be unique;
// a user question may replace an embedded one.
func (b *Bank) add(qs []Question, user bool) error {
	layer := map[string]string{}
	for _, q := range qs {
		if src, ok := layer[q.ID]; ok {
			return fmt.Errorf("bank %s: question id %q already defined in %s", q.Source, q.ID, src)
		}
		layer[q.ID] = q.Source
		if !user {
			if _, ok := b.byID[q.ID]; ok {
				return fmt.Errorf("bank %s: duplicate question id %q", q.Source, q.ID)
			}
		}
		if q.Principle != "" {
			q.Principle, _ = CanonicalPrinciple(q.Principle)
		}
		b.byID[q.ID] = q
	}
	return nil
}

// Question returns the question with the given id.
func (b *Bank) Question(id string) (Question, bool) {
	q, ok := b.byID[id]
	return q, ok
}

// Questions returns the questions of one kind, sorted by id so callers that
// shuffle with a seed get the same result on every load.
func (b *Bank) Questions(kind Kind) []Question {
	var out []Question
	for _, q := range b.byID {
		if q.Kind == kind {
			out = append(out, q)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ByPrinciple returns the behavioral questions for one Leadership
// Principle (any spelling CanonicalPrinciple accepts), sorted by id.
func (b *Bank) ByPrinciple(principle string) []Question {
	p, ok := CanonicalPrinciple(principle)
	if !ok {
		return nil
	}
	var out []Question
	for _, q := range b.Questions(Behavioral) {
		if q.Principle == p {
			out = append(out, q)
		}
	}
	return out
}
