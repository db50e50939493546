package charts

import (
	"encoding/xml"
	"errors"
	"flag"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mockloop/mockloop/analysis"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

const story = `So, um, last year our checkout service was timing out during the holiday sale, and uh customers were abandoning carts.
I was the on-call owner so it was my job to find the cause. I think it was a Tuesday.
I profiled the database, I found a missing index on the orders table, and I added it behind a flag. We rolled it out to ten percent first, then everyone.
As a result p99 latency fell from 2 seconds to 300 milliseconds and abandoned carts dropped by 15 percent.`

// speak times the words of text at wpm, with a pause of pauseSec before
// every word listed in pauses.
func speak(text string, wpm float64, pauses map[int]float64) []analysis.Word {
	var out []analysis.Word
	t := 0.0
	for i, w := range strings.Fields(text) {
		t += pauses[i]
		out = append(out, analysis.Word{W: w, Start: t, End: t + 60/wpm*0.8})
		t += 60 / wpm
	}
	return out
}

func timedReport() analysis.Report {
	return analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: speak(story, 150, map[int]float64{20: 1.6, 45: 3.5})})
}

func untimedReport() analysis.Report {
	return analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Text: story})
}

// hugeReport is 20,000 spoken words with a filler every tenth word and a
// long pause every hundredth, the worst case for element counts.
func hugeReport() analysis.Report {
	ws := strings.Fields(story)
	var b strings.Builder
	pauses := map[int]float64{}
	for i := range 20000 {
		w := ws[i%len(ws)]
		if i%10 == 0 {
			w = "um"
		}
		if i%100 == 0 {
			pauses[i] = 1.5 + float64(i%300)/100
		}
		b.WriteString(w + " ")
	}
	return analysis.Analyze(analysis.Input{Round: analysis.Behavioral, Words: speak(b.String(), 150, pauses)})
}

type chartCase struct {
	name   string // golden file name
	render func() string
}

func goldenCases() []chartCase {
	timedR, untimedR, empty := timedReport(), untimedReport(), analysis.Analyze(analysis.Input{Round: analysis.Behavioral})
	return []chartCase{
		{"pace_timed", func() string { return Pace(timedR) }},
		{"pace_untimed", func() string { return Pace(untimedR) }},
		{"pace_empty", func() string { return Pace(empty) }},
		{"timeline_timed", func() string { return Timeline(timedR) }},
		{"timeline_untimed", func() string { return Timeline(untimedR) }},
		{"timeline_empty", func() string { return Timeline(empty) }},
		{"ownership_timed", func() string { return Ownership(timedR) }},
		{"ownership_untimed", func() string { return Ownership(untimedR) }},
		{"ownership_empty", func() string { return Ownership(empty) }},
		{"sparkline", func() string { return Sparkline([]float64{6.2, 5.1, 5.4, 3.9, 2.5}, "Fillers per minute") }},
		{"sparkline_one", func() string { return Sparkline([]float64{0.4}, "Metric share") }},
		{"sparkline_empty", func() string { return Sparkline(nil, "Pace (wpm)") }},
	}
}

func TestGolden(t *testing.T) {
	for _, tt := range goldenCases() {
		t.Run(tt.name+" matches its golden file", func(t *testing.T) {
			got := tt.render()
			path := filepath.Join("testdata", tt.name+".svg")
			if *update {
				if err := os.WriteFile(path, []byte(got+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create): %v", err)
			}
			if got+"\n" != string(want) {
				t.Errorf("%s differs from %s (run go test -update and look at the SVG):\n%s", tt.name, path, got)
			}
		})
	}
}

// elements parses svg as XML and counts its elements.
func elements(t *testing.T, svg string) (n int, names map[string]int) {
	t.Helper()
	names = map[string]int{}
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return n, names
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		if se, ok := tok.(xml.StartElement); ok {
			n++
			names[se.Name.Local]++
		}
	}
}

func TestEverySVGIsSelfContainedAndAccessible(t *testing.T) {
	cases := append(goldenCases(),
		chartCase{"huge pace", func() string { return Pace(hugeReport()) }},
		chartCase{"escaped label", func() string { return Sparkline([]float64{1, 2}, `I & "we" <script>`) }},
	)
	for _, tt := range cases {
		t.Run(tt.name+" is well-formed, titled and has no outside references", func(t *testing.T) {
			svg := tt.render()
			_, names := elements(t, svg)
			if !strings.HasPrefix(svg, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 `) {
				t.Errorf("does not start with an svg element with a viewBox: %.80s", svg)
			}
			if names["title"] == 0 || !strings.Contains(svg, `role="img" aria-label="`) {
				t.Errorf("no <title> or aria-label")
			}
			rest := strings.Replace(svg, `xmlns="http://www.w3.org/2000/svg"`, "", 1)
			for _, bad := range []string{"http:", "https:", "url(", "@import", "<script", "href", "@font-face"} {
				if strings.Contains(rest, bad) {
					t.Errorf("contains %q", bad)
				}
			}
			if tt.render() != svg {
				t.Errorf("two renders of the same input differ")
			}
		})
	}
}

func TestHugeAnswersStayBounded(t *testing.T) {
	rep := hugeReport()
	if len(rep.Words) != 20000 || rep.Metrics.PausesOver1s < 150 || rep.Metrics.Fillers < 1900 {
		t.Fatalf("fixture: %d words, %d pauses, %d fillers", len(rep.Words), rep.Metrics.PausesOver1s, rep.Metrics.Fillers)
	}
	// The plot is 544 px wide: at most one filler mark, one pause and one
	// STAR part per 3 px (two elements each with its tooltip), plus axes,
	// rows and legend.
	const maxElements = 1000
	const maxBytes = 120 << 10
	for _, tt := range []chartCase{
		{"pace", func() string { return Pace(rep) }},
		{"timeline", func() string { return Timeline(rep) }},
		{"ownership", func() string { return Ownership(rep) }},
		{"sparkline", func() string { return Sparkline(rep.Metrics.WPMWindows, "wpm") }},
	} {
		t.Run("a 20,000-word "+tt.name+" chart has a bounded number of elements", func(t *testing.T) {
			svg := tt.render()
			n, names := elements(t, svg)
			if n > maxElements || len(svg) > maxBytes {
				t.Errorf("%d elements (%v), %d bytes; want at most %d and %d", n, names, len(svg), maxElements, maxBytes)
			}
			for _, pl := range strings.Split(svg, "<polyline")[1:] {
				if pts := strings.Count(pl[:strings.Index(pl, "/>")], ","); pts > maxSeriesPoints {
					t.Errorf("a polyline has %d points, want at most %d", pts, maxSeriesPoints)
				}
			}
		})
	}
}

func TestChartContent(t *testing.T) {
	timedR, untimedR := timedReport(), untimedReport()
	tests := []struct {
		name    string
		svg     string
		want    []string
		notWant []string
	}{
		{"the pace chart shades the 100-165 wpm band and labels its edges", Pace(timedR),
			[]string{"Comfortable pace: 100 to 165 words per minute", ">100</text>", ">165</text>", "<polyline"}, nil},
		{"an untimed answer has no pace chart but says why", Pace(untimedR),
			[]string{"Pace needs a spoken answer with word timings."}, []string{"<polyline"}},
		{"the timeline marks a 1.7 s pause and a 3.6 s one in different colours", Timeline(timedR),
			[]string{"1.7 s pause at", "3.6 s pause at", `fill="` + colPause + `"`, `fill="` + colPause3 + `"`}, nil},
		{"the timeline places filled pauses as filler marks", Timeline(timedR),
			[]string{"“um,” at", "“uh” at"}, nil},
		{"the timeline draws every STAR part the analyzer found", Timeline(timedR),
			[]string{"Situation:", "Action:", "Result:"}, nil},
		{"an untimed timeline is laid out by word and has no pauses row at all", Timeline(untimedR),
			[]string{">word</text>", ">fillers</text>", ">STAR</text>"}, []string{"s pause at", ">pauses</text>", "no timings"}},
		{"the timeline's filler row says the analyzer's count", Timeline(timedR),
			[]string{">" + strconv.Itoa(timedR.Metrics.Fillers) + " counted"}, nil},
		{"a typed design answer without fillers has no timeline rows to draw", Timeline(analysis.Analyze(analysis.Input{Round: analysis.SystemDesign, Text: "I would shard the users table by id and put a cache in front of it."})),
			[]string{"Nothing to place on a timeline"}, []string{">STAR</text>", ">pauses</text>"}},
		{"a spoken design answer's timeline has fillers and pauses but no STAR row", Timeline(analysis.Analyze(analysis.Input{Round: analysis.SystemDesign, Words: speak("um I would shard the users table by id and uh put a cache in front of it", 150, map[int]float64{6: 2})})),
			[]string{">fillers</text>", ">pauses</text>"}, []string{">STAR</text>"}},
		{"the ownership chart counts the clauses the analyzer counts", Ownership(timedR),
			[]string{">I " + strconv.Itoa(timedR.Metrics.I) + "</text>", ">we " + strconv.Itoa(timedR.Metrics.We) + "</text>", "done by I"}, []string{"Action part"}},
		{"a passive answer's hidden work counts on the we line", Ownership(analysis.Analyze(analysis.Input{Text: "There was an outage. A decision was made to add canaries. The checks were rewritten and the fix was pushed."})),
			[]string{">I 0</text>", ">we 3</text>"}, nil},
		{"a report stored before clause counts keeps its pronoun count in the Action part", Ownership(legacyReport(timedR)),
			[]string{">I " + strconv.Itoa(legacyReport(timedR).Metrics.I) + "</text>", "Action part: where ownership was judged"}, nil},
		{"an answer where no clause says who did the work says so", Ownership(analysis.Analyze(analysis.Input{Text: "The service was slow and the index fixed it."})),
			[]string{"No clause says who did the work."}, []string{"<polyline"}},
		{"a sparkline titles its label and latest value", Sparkline([]float64{3, 2.5}, "Fillers per minute"),
			[]string{"<title>Fillers per minute</title>", "latest 2.5"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, w := range tt.want {
				if !strings.Contains(tt.svg, w) {
					t.Errorf("missing %q in\n%s", w, tt.svg)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(tt.svg, w) {
					t.Errorf("unexpected %q", w)
				}
			}
		})
	}
}

// TestCountsAgreeWithTheAnalyzer renders every labelled answer and checks
// that the numbers a chart prints are the analyzer's: "I n" and "we n" on
// the ownership chart are Metrics.I and Metrics.We (the counts the
// weak_ownership finding quotes), and the timeline's filler row says
// Metrics.Fillers.
func TestCountsAgreeWithTheAnalyzer(t *testing.T) {
	files, err := filepath.Glob("../../analysis/testdata/labelled/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatalf("no labelled answers: %v", err)
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, ans := range labelledAnswers(string(b)) {
			for _, timedCase := range []bool{false, true} {
				in := analysis.Input{Round: analysis.Behavioral, Text: ans}
				if timedCase {
					in = analysis.Input{Round: analysis.Behavioral, Words: speak(ans, 150, nil)}
				}
				rep := analysis.Analyze(in)
				n++
				name := filepath.Base(f) + " answer " + strconv.Itoa(n)
				t.Run(name+" gives the same counts on the charts as in the report", func(t *testing.T) {
					own := Ownership(rep)
					if rep.Metrics.I+rep.Metrics.We > 0 {
						for _, want := range []string{">I " + strconv.Itoa(rep.Metrics.I) + "</text>", ">we " + strconv.Itoa(rep.Metrics.We) + "</text>"} {
							if !strings.Contains(own, want) {
								t.Errorf("ownership chart lacks %q (Metrics I=%d We=%d)", want, rep.Metrics.I, rep.Metrics.We)
							}
						}
					}
					tl := Timeline(rep)
					if rep.Metrics.Fillers > 0 && !strings.Contains(tl, ">"+strconv.Itoa(rep.Metrics.Fillers)+" counted</text>") {
						t.Errorf("timeline does not say %d fillers counted, every one placed", rep.Metrics.Fillers)
					}
				})
			}
		}
	}
}

// legacyReport is rep as stored before the analyzer counted ownership by
// clause: no Ownership spans, and I and We the pronouns in the Action part.
func legacyReport(rep analysis.Report) analysis.Report {
	rep.Metrics.Ownership = nil
	rep.Metrics.I, rep.Metrics.We = 0, 0
	in := actionWords(rep)
	for i := range rep.Words {
		if in != nil && !in[i] {
			continue
		}
		switch pronoun(rep.Words, i) {
		case "i":
			rep.Metrics.I++
		case "we":
			rep.Metrics.We++
		}
	}
	return rep
}

// labelledAnswers returns the answer texts of an analysis/testdata/labelled
// file: what follows each "---" line up to the next "###" header.
func labelledAnswers(file string) []string {
	var out []string
	for _, block := range strings.Split(file, "\n### ")[1:] {
		_, body, ok := strings.Cut(block, "\n---\n")
		if ok && strings.TrimSpace(body) != "" {
			out = append(out, strings.TrimSpace(body))
		}
	}
	return out
}

func TestAxisTicks(t *testing.T) {
	tests := []struct {
		name string
		a    axis
		want string
	}{
		{"a 95-second answer ticks every 15 s", axis{timed: true, total: 95}, "0:00 0:15 0:30 0:45 1:00 1:15 1:30"},
		{"a two-hour answer ticks every 15 minutes", axis{timed: true, total: 7200}, "0:00 15:00 30:00 45:00 60:00 75:00 90:00 105:00 120:00"},
		{"a 73-word untimed answer ticks every 10 words", axis{total: 73}, "0 10 20 30 40 50 60 70"},
		{"a 20,000-word untimed answer ticks every 5,000", axis{total: 20000}, "0 5000 10000 15000 20000"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, v := range tt.a.ticks() {
				got = append(got, tt.a.label(v))
			}
			if strings.Join(got, " ") != tt.want {
				t.Errorf("ticks = %s, want %s", strings.Join(got, " "), tt.want)
			}
		})
	}
}

func FuzzSparkline(f *testing.F) {
	f.Add(1.0, 2.0, 3.0, "x")
	f.Add(-1e300, 1e300, 0.0, "<&>")
	f.Add(math.NaN(), math.Inf(1), math.MaxFloat64, "")
	f.Fuzz(func(t *testing.T, a, b, c float64, label string) {
		elements(t, Sparkline([]float64{a, b, c}, label))
		if svg := Sparkline([]float64{a, b, c}, "x"); strings.Contains(svg, "NaN") || strings.Contains(svg, "Inf") {
			t.Errorf("non-finite number in output: %s", svg)
		}
	})
}
