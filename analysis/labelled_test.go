package analysis

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// labelled is one hand-labelled answer from testdata/labelled.
type labelled struct {
	id, file string
	in       Input
	want     []string // codes that should fire
	not      []string // codes that must not fire
}

// coreCodes are labelled exhaustively on every behavioral and bar_raiser
// answer, and must reach minPrecision and minRecall.
var coreCodes = []string{"missing_metric", "weak_ownership", "rambling", "missing_result"}

const (
	minPrecision = 0.9
	minRecall    = 0.9
)

// loadLabelled reads every *.txt and *.json answer in testdata/labelled.
//
// A .txt file holds records, each a header and the answer:
//
//	### id
//	round: behavioral
//	question: Tell me about…
//	want: missing_metric weak_ownership
//	not: rambling
//	timing: 150            (optional: timed words generated at 150 wpm)
//	pauses: 12=1.5 40=3.2  (optional: seconds of silence before word 12, 40)
//	---
//	answer text…
//
// A .json file holds one hand-timed answer: {"id", "round", "question",
// "want", "not", "words": [{"w","start","end"}…]}.
func loadLabelled(t testing.TB) []labelled {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", "labelled", "*"))
	if err != nil {
		t.Fatal(err)
	}
	var out []labelled
	for _, p := range paths {
		switch filepath.Ext(p) {
		case ".txt":
			out = append(out, parseLabelledText(t, p)...)
		case ".json":
			out = append(out, parseLabelledJSON(t, p))
		}
	}
	return out
}

func parseLabelledJSON(t testing.TB, path string) labelled {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		ID       string `json:"id"`
		Round    string `json:"round"`
		Question string `json:"question"`
		Want     string `json:"want"`
		Not      string `json:"not"`
		Words    []Word `json:"words"`
	}
	if err := json.Unmarshal(data, &f); err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	r, err := ParseRound(f.Round)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return labelled{id: f.ID, file: path, in: Input{Round: r, Question: f.Question, Words: f.Words},
		want: strings.Fields(f.Want), not: strings.Fields(f.Not)}
}

func parseLabelledText(t testing.TB, path string) []labelled {
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []labelled
	var cur *labelled
	var body []string
	inBody := false
	wpm := 0.0
	pauses := map[int]float64{}
	flush := func() {
		if cur == nil {
			return
		}
		text := strings.TrimSpace(strings.Join(body, "\n"))
		if wpm > 0 {
			cur.in.Words = timeWords(text, wpm, pauses)
		} else {
			cur.in.Text = text
		}
		out = append(out, *cur)
		cur, body, inBody, wpm, pauses = nil, nil, false, 0, map[int]float64{}
	}
	sc := bufio.NewScanner(fh)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "### "):
			flush()
			cur = &labelled{id: strings.TrimSpace(l[4:]), file: path, in: Input{Round: Behavioral}}
		case cur == nil:
			// Comments before the first record.
		case inBody:
			body = append(body, l)
		case l == "---":
			inBody = true
		default:
			k, v, ok := strings.Cut(l, ":")
			if !ok {
				t.Fatalf("%s:%d: want key: value, got %q", path, line, l)
			}
			v = strings.TrimSpace(v)
			switch k {
			case "round":
				r, err := ParseRound(v)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, line, err)
				}
				cur.in.Round = r
			case "question":
				cur.in.Question = v
			case "want":
				cur.want = strings.Fields(v)
			case "not":
				cur.not = strings.Fields(v)
			case "timebox":
				d, err := time.ParseDuration(v)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, line, err)
				}
				cur.in.Timebox = d
			case "timing":
				wpm, err = strconv.ParseFloat(v, 64)
				if err != nil {
					t.Fatalf("%s:%d: %v", path, line, err)
				}
			case "pauses":
				for _, p := range strings.Fields(v) {
					a, b, _ := strings.Cut(p, "=")
					i, err1 := strconv.Atoi(a)
					s, err2 := strconv.ParseFloat(b, 64)
					if err1 != nil || err2 != nil {
						t.Fatalf("%s:%d: bad pause %q", path, line, p)
					}
					pauses[i] = s
				}
			default:
				t.Fatalf("%s:%d: unknown key %q", path, line, k)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	flush()
	return out
}

// timeWords gives text deterministic timings: each word takes 60/wpm
// seconds, spoken for 85% of it, with extra silence before the words
// listed in pauses. Sentence ends get a 0.3 s breath.
func timeWords(text string, wpm float64, pauses map[int]float64) []Word {
	slot := 60 / wpm
	var out []Word
	t := 0.3
	for i, w := range strings.Fields(text) {
		t += pauses[i]
		out = append(out, Word{W: w, Start: round3(t), End: round3(t + slot*0.85)})
		t += slot
		if strings.HasSuffix(w, ".") || strings.HasSuffix(w, "?") {
			t += 0.3
		}
	}
	return out
}

type tally struct{ tp, fp, fn, tn int }

func (c tally) precision() float64 {
	if c.tp+c.fp == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fp)
}

func (c tally) recall() float64 {
	if c.tp+c.fn == 0 {
		return 1
	}
	return float64(c.tp) / float64(c.tp+c.fn)
}

func TestLabelledPrecisionRecall(t *testing.T) {
	set := loadLabelled(t)
	if len(set) < 60 {
		t.Fatalf("only %d labelled answers, want at least 60", len(set))
	}
	tallies := map[string]*tally{}
	get := func(code string) *tally {
		if tallies[code] == nil {
			tallies[code] = &tally{}
		}
		return tallies[code]
	}
	ids := map[string]bool{}
	for _, l := range set {
		if ids[l.id] {
			t.Errorf("%s: duplicate id %s", l.file, l.id)
		}
		ids[l.id] = true
		r := Analyze(l.in)
		checkSpans(t, r)
		behavioral := l.in.Round == Behavioral || l.in.Round == BarRaiser
		for _, code := range l.want {
			if r.Has(code) {
				get(code).tp++
			} else {
				get(code).fn++
				t.Logf("%s: %s did not fire", l.id, code)
			}
		}
		negatives := slices.Clone(l.not)
		if behavioral {
			for _, code := range coreCodes {
				if !slices.Contains(l.want, code) && !slices.Contains(negatives, code) {
					negatives = append(negatives, code)
				}
			}
		}
		for _, code := range negatives {
			if slices.Contains(l.want, code) {
				t.Errorf("%s: %s is both wanted and not", l.id, code)
			}
			if r.Has(code) {
				get(code).fp++
				t.Logf("%s: %s fired but should not: %s", l.id, code, findingMessage(r, code))
			} else {
				get(code).tn++
			}
		}
	}
	codes := make([]string, 0, len(tallies))
	for c := range tallies {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	var b strings.Builder
	fmt.Fprintf(&b, "fit on our own answers: %d labelled answers\n%-22s %4s %4s %4s %4s %9s %6s %5s\n", len(set), "code", "tp", "fp", "fn", "tn", "precision", "recall", "F1")
	for _, c := range codes {
		k := tallies[c]
		fmt.Fprintf(&b, "%-22s %4d %4d %4d %4d %9.2f %6.2f %5.2f\n", c, k.tp, k.fp, k.fn, k.tn, k.precision(), k.recall(), k.f1())
	}
	t.Log("\n" + b.String())
	for _, c := range coreCodes {
		k := get(c)
		if k.tp+k.fn < 10 || k.tn+k.fp < 10 {
			t.Errorf("%s: only %d positive and %d negative examples, want at least 10 of each", c, k.tp+k.fn, k.tn+k.fp)
		}
		if k.precision() < minPrecision || k.recall() < minRecall {
			t.Errorf("%s: precision %.2f recall %.2f, want at least %.2f and %.2f", c, k.precision(), k.recall(), minPrecision, minRecall)
		}
	}
}

func findingMessage(r Report, code string) string {
	for _, f := range r.Findings {
		if f.Code == code {
			return f.Message
		}
	}
	return ""
}
