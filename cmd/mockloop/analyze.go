package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mockloop/mockloop/analysis"
)

// analyzeFile is the JSON input shape of "mockloop analyze": either timed
// words or a text, with optional round and question that the flags
// override. Plain text files are read as the answer itself.
type analyzeFile struct {
	Text     string          `json:"text"`
	Words    []analysis.Word `json:"words"`
	Round    string          `json:"round"`
	Question string          `json:"question"`
	Timebox  string          `json:"timebox"`
}

// runAnalyze implements "mockloop analyze [--round R] [--question Q]
// [--timebox 2m] [--json] FILE|-". It returns the process exit code: 0 on
// success, 2 on bad input with a one-line error on stderr.
func runAnalyze(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("analyze", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: mockloop analyze [--round behavioral|system_design|coding|bar_raiser] [--question Q] [--timebox 2m] [--json] FILE|-")
		fs.PrintDefaults()
	}
	roundFlag := fs.String("round", "", "round kind: behavioral, system_design, coding or bar_raiser (default behavioral, or the file's)")
	question := fs.String("question", "", "the question the answer responds to")
	timebox := fs.Duration("timebox", 0, "time the candidate had, e.g. 2m (default: the round's)")
	asJSON := fs.Bool("json", false, "print the report as JSON")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "mockloop analyze: want exactly one FILE or - for stdin")
		return 2
	}
	in, err := readAnalyzeInput(fs.Arg(0), stdin)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop analyze: %v\n", err)
		return 2
	}
	// Flags win over the file.
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	roundName := in.Round
	if set["round"] || roundName == "" {
		roundName = *roundFlag
	}
	if roundName == "" {
		roundName = string(analysis.Behavioral)
	}
	round, err := analysis.ParseRound(roundName)
	if err != nil {
		fmt.Fprintf(stderr, "mockloop analyze: %v\n", err)
		return 2
	}
	q := in.Question
	if set["question"] {
		q = *question
	}
	tb := *timebox
	if !set["timebox"] && in.Timebox != "" {
		tb, err = time.ParseDuration(in.Timebox)
		if err != nil {
			fmt.Fprintf(stderr, "mockloop analyze: timebox in file: %v\n", err)
			return 2
		}
	}
	if tb < 0 {
		fmt.Fprintln(stderr, "mockloop analyze: timebox must not be negative")
		return 2
	}
	rep := analysis.Analyze(analysis.Input{Round: round, Question: q, Text: in.Text, Words: in.Words, Timebox: tb})
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			fmt.Fprintf(stderr, "mockloop analyze: write report: %v\n", err)
			return 1
		}
		return 0
	}
	if err := writeReport(stdout, rep); err != nil {
		fmt.Fprintf(stderr, "mockloop analyze: write report: %v\n", err)
		return 1
	}
	return 0
}

// readAnalyzeInput reads FILE (or stdin for "-"). A file whose first
// non-space byte is "{" must be valid JSON in the analyzeFile shape;
// anything else is the answer text.
func readAnalyzeInput(name string, stdin io.Reader) (analyzeFile, error) {
	var data []byte
	var err error
	if name == "-" {
		data, err = io.ReadAll(stdin)
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		return analyzeFile{}, fmt.Errorf("read input: %w", err)
	}
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 {
		return analyzeFile{}, errors.New("read input: the answer is empty")
	}
	if trimmed[0] != '{' {
		return analyzeFile{Text: string(data)}, nil
	}
	var f analyzeFile
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return analyzeFile{}, fmt.Errorf("decode %s: %w", displayName(name), err)
	}
	if f.Text == "" && len(f.Words) == 0 {
		return analyzeFile{}, fmt.Errorf("decode %s: neither \"text\" nor \"words\" is set", displayName(name))
	}
	return f, nil
}

func displayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}

// writeReport prints the report for a person at a terminal.
func writeReport(w io.Writer, r analysis.Report) error {
	var b strings.Builder
	m := r.Metrics
	fmt.Fprintf(&b, "Round: %s\n", r.Round)
	if r.Question != "" {
		fmt.Fprintf(&b, "Question: %s\n", r.Question)
	}
	fmt.Fprintf(&b, "Words: %d", m.Words)
	if m.HasTimings {
		fmt.Fprintf(&b, "  Duration: %s  Pace: %.0f wpm  Pauses >1s: %d (>3s: %d)", analyzeMMSS(m.DurationSec), m.WPM, m.PausesOver1s, m.PausesOver3s)
	}
	fmt.Fprintf(&b, "\nFillers: %d (%.1f%%)  Hedges: %d  Work done by I/we: %d/%d  Scope: %s\n",
		m.Fillers, m.FillerRate*100, m.Hedges, m.I, m.We, m.Scope)
	if m.TranscriptConfidence < 1 {
		fmt.Fprintf(&b, "Transcript confidence: %.2f\n", m.TranscriptConfidence)
	}
	if len(m.Star) > 0 {
		b.WriteString("STAR:")
		for _, p := range m.Star {
			fmt.Fprintf(&b, " %s %.0f%%", p.Part, p.Share*100)
		}
		b.WriteByte('\n')
	}
	if len(m.MetricMentions) > 0 {
		b.WriteString("Numbers:")
		for i, mm := range m.MetricMentions {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " %q = %s%s", mm.Text, strconv.FormatFloat(mm.Value, 'g', -1, 64), mm.Unit)
		}
		b.WriteByte('\n')
	}
	if len(m.Principles) > 0 {
		b.WriteString("Leadership Principles:\n")
		for _, p := range m.Principles {
			fmt.Fprintf(&b, "  %s (%.2f)", p.Name, p.Score)
			if len(p.Quotes) > 0 {
				fmt.Fprintf(&b, ": %q", p.Quotes[0])
			}
			b.WriteByte('\n')
		}
	}
	if len(r.Findings) == 0 {
		b.WriteString("\nNo findings.\n")
	} else {
		fmt.Fprintf(&b, "\nFindings (%d):\n", len(r.Findings))
		// As on the page: a finding on weak evidence is put as a question.
		for _, f := range r.Findings {
			if f.Doubtful() {
				fmt.Fprintf(&b, "  [?] %s: %s (confidence %.2f)\n      -> %s\n", f.Code, f.Question, f.Confidence, f.Suggestion)
				continue
			}
			fmt.Fprintf(&b, "  [%s] %s: %s (confidence %.2f)\n      -> %s\n", f.Severity, f.Code, f.Message, f.Confidence, f.Suggestion)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func analyzeMMSS(sec float64) string {
	s := int(sec + 0.5)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
