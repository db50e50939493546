package export

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata/")

var t0 = time.Date(2025, 3, 14, 9, 26, 53, 0, time.UTC)

func at(sec float64) time.Time { return t0.Add(time.Duration(sec * float64(time.Second))) }

func ptr[T any](v T) *T { return &v }

// answerText has multi-byte characters before the evidence so that a byte
// offset and a code-point offset differ: "Café" is 4 code points, 5 bytes.
const answerText = "Um, at Café Ω we had a 30-minute outage. I rolled back the *bad* deploy and latency dropped 40%."

func finishedRound() (mockloop.Round, []mockloop.Turn, []mockloop.Utterance) {
	rep := &analysis.Report{
		Round:    analysis.Behavioral,
		Question: "Tell me about an outage you owned.",
		Text:     answerText,
		Words: []analysis.Word{
			{W: "Um", Start: 0.2, End: 0.4}, {W: "at", Start: 0.9, End: 1.0}, {W: "Café", Start: 1.0, End: 1.4},
			{W: "Ω", Start: 1.4, End: 1.6}, {W: "we", Start: 1.7, End: 1.8},
		},
		Findings: []analysis.Finding{
			{Code: "filler_heavy", Severity: analysis.Medium, Confidence: 1, Message: "You opened with a filler.",
				Suggestion: "Take a breath instead of saying um.",
				Evidence:   []analysis.Span{{Start: 0, End: 2, W0: 0, W1: 1}}},
			{Code: "we_not_i", Severity: analysis.High, Confidence: 1, Message: "“We” hides what you did.",
				Suggestion: "Say what *you* did.",
				// Code points 14..39 are "we had a 30-minute outage".
				Evidence: []analysis.Span{
					{Start: 14, End: 39, W0: 4, W1: 5, T0: 1.7, T1: 3.2},
					// Out of range in both text and words: skipped.
					{Start: 500, End: 520, W0: 40, W1: 45},
				}},
			// Put to the candidate as a question, as the page does.
			{Code: "missing_metric", Severity: analysis.High, Confidence: analysis.ShownAsQuestion / 2, Message: "No number for the result.",
				Question: "Did you give a number for the result?", Suggestion: "Say what moved, from what to what."},
			{Code: "vague_result", Severity: analysis.Low, Confidence: 1, Message: "Tie the result to the customer.",
				// Text offsets are stale (past the end) but word indexes
				// still hold: quote the words.
				Evidence: []analysis.Span{{Start: 300, End: 310, W0: 1, W1: 4}}},
		},
		Metrics: analysis.Metrics{Words: 18, DurationSec: 7.4, HasTimings: true, WPM: 145.9,
			Fillers: 1, FillersPerMin: 8.1, I: 1, We: 1},
	}
	r := mockloop.Round{
		ID: "r-7f3a", Kind: mockloop.KindBehavioral, Status: mockloop.StatusFinished, Seed: 7, Minutes: 30,
		CreatedAt: t0, UpdatedAt: at(1700), FinishedAt: ptr(at(1700)),
		State:   []byte(`{"private":"engine state is not exported"}`),
		Engines: map[string]string{"tts": "espeak-ng", "stt": "sphinx en-us", "llm": "scripted"},
		Debrief: &mockloop.Debrief{
			Signal:     "lean_hire",
			Reasons:    []string{"Took ownership of the rollback.", "Result lacked a customer metric."},
			Principles: []mockloop.PrincipleEvidence{{Principle: "Ownership", TurnSeq: 1, Quote: "I rolled back the bad deploy"}},
			Strongest:  1, Weakest: 3,
			Practise: []string{"Lead with the result, then the story."},
		},
	}
	// Deliberately out of order: exports sort by seq.
	turns := []mockloop.Turn{
		{ID: 3, RoundID: r.ID, Seq: 2, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, ProbeCode: "vague_result",
			Text: "What changed for customers?", Source: "scripted", StartedAt: at(60)},
		{ID: 1, RoundID: r.ID, Seq: 0, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, QuestionIdx: 0,
			QuestionID: "own-1", Principle: "Ownership", Text: "Tell me about an outage\nyou owned.", Source: "scripted", StartedAt: at(1)},
		{ID: 2, RoundID: r.ID, Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: answerText,
			Source: "sphinx", StartedAt: at(10), EndedAt: ptr(at(18)), Report: rep, AudioPath: "audio/r-7f3a/1.wav",
			Latency: &mockloop.Latency{TranscriptMS: 120, FirstTokenMS: 5, FirstAudioMS: 210}},
		{ID: 4, RoundID: r.ID, Seq: 3, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer,
			Text: "# Not a heading\n1. not a list\n\n- nor this <b>tag</b> | pipe", Source: "typed", StartedAt: at(70),
			Report: &analysis.Report{Round: analysis.Behavioral, Text: "x", Metrics: analysis.Metrics{Words: 12, Fillers: 0}}},
		{ID: 5, RoundID: r.ID, Seq: 4, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnCutIn, Text: "Let me stop you there.", StartedAt: at(90)},
		{ID: 6, RoundID: r.ID, Seq: 5, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: "", StartedAt: at(95)},
		{ID: 7, RoundID: r.ID, Seq: 6, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnClosing, Text: "Thanks, that's time.", StartedAt: at(100)},
	}
	utts := []mockloop.Utterance{
		{ID: 2, RoundID: r.ID, TurnSeq: 1, Seq: 1, Text: "I rolled back the bad deploy", Offset: 3.5, Duration: 3.9, Engine: "sphinx en-us", CreatedAt: at(18)},
		{ID: 1, RoundID: r.ID, TurnSeq: 1, Seq: 0, Text: "Um at Café Ω we had", Words: rep.Words, Offset: 0, Duration: 3.2, Engine: "sphinx en-us", CreatedAt: at(14)},
	}
	return r, turns, utts
}

func emptyRound() mockloop.Round {
	return mockloop.Round{ID: "r-empty", Kind: mockloop.KindSystemDesign, Status: mockloop.StatusActive, CreatedAt: t0, UpdatedAt: t0}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run go test -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s; run go test -update and review the diff.\ngot:\n%s", path, got)
	}
}

func TestMarkdown(t *testing.T) {
	r, turns, _ := finishedRound()
	cases := []struct {
		name   string
		golden string
		round  mockloop.Round
		turns  []mockloop.Turn
		// must and mustNot are checked on top of the golden file so the
		// properties that matter survive a careless -update.
		must, mustNot []string
	}{
		{"a finished round shows questions, quoted answers, findings with evidence and the debrief", "finished.md", r, turns,
			[]string{
				"# Behavioral mock interview, 14 March 2025",
				"> Um, at Café Ω we had a 30-minute outage. I rolled back the \\*bad\\* deploy and latency dropped 40%.",
				"Evidence: “we had a 30-minute outage”",
				"Evidence: “at Café Ω”",
				"- `we_not_i` (high):",
				"the tool's opinion",
			},
			[]string{"engine state is not exported", "Evidence: “”"}},
		{"an active round with no turns still exports", "empty.md", emptyRound(), nil,
			[]string{"# System design mock interview", "not finished", "No questions were asked"},
			[]string{"Debrief"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Markdown(&buf, c.round, c.turns); err != nil {
				t.Fatal(err)
			}
			out := buf.String()
			for _, s := range c.must {
				if !strings.Contains(out, s) {
					t.Errorf("missing %q", s)
				}
			}
			for _, s := range c.mustNot {
				if strings.Contains(out, s) {
					t.Errorf("should not contain %q", s)
				}
			}
			golden(t, c.golden, buf.Bytes())
		})
	}
	t.Run("answers that look like Markdown are escaped line by line", func(t *testing.T) {
		var buf bytes.Buffer
		if err := Markdown(&buf, r, turns); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"> \\# Not a heading\n", "> 1\\. not a list\n>\n", "> \\- nor this \\<b\\>tag\\</b\\> \\| pipe\n"} {
			if !strings.Contains(buf.String(), want) {
				t.Errorf("missing escaped line %q", want)
			}
		}
	})
	t.Run("a failing writer is reported", func(t *testing.T) {
		err := Markdown(failWriter{}, r, turns)
		if !errors.Is(err, errDiskGone) {
			t.Errorf("err = %v, want the writer's error", err)
		}
	})
}

func TestQuote(t *testing.T) {
	rep := analysis.Report{Text: "né à Zürich 😀 today", Words: []analysis.Word{{W: "né"}, {W: "à"}, {W: "Zürich"}}}
	long := analysis.Report{Text: strings.Repeat("word ", 100)}
	cases := []struct {
		name   string
		rep    analysis.Report
		span   analysis.Span
		want   string
		wantOK bool
	}{
		{"code points, not bytes, index the text", rep, analysis.Span{Start: 5, End: 11}, "Zürich", true},
		{"an emoji counts as one code point", rep, analysis.Span{Start: 12, End: 13}, "😀", true},
		{"a span past the end falls back to word indexes", rep, analysis.Span{Start: 18, End: 40, W0: 0, W1: 2}, "né à", true},
		{"a negative start falls back to word indexes", rep, analysis.Span{Start: -1, End: 3, W0: 2, W1: 3}, "Zürich", true},
		{"an empty span with bad word indexes gives nothing", rep, analysis.Span{Start: 4, End: 4, W0: 3, W1: 9}, "", false},
		{"a reversed span gives nothing", rep, analysis.Span{Start: 9, End: 2, W0: 2, W1: 1}, "", false},
		{"a span of only spaces gives nothing", rep, analysis.Span{Start: 2, End: 3}, "", false},
		{"a long span is clipped at a word boundary", long, analysis.Span{Start: 0, End: 500}, strings.TrimSpace(strings.Repeat("word ", 32)) + " …", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := Quote(c.rep, c.span)
			if got != c.want || ok != c.wantOK {
				t.Errorf("Quote = %q, %v; want %q, %v", got, ok, c.want, c.wantOK)
			}
		})
	}
}

func TestJSON(t *testing.T) {
	r, turns, utts := finishedRound()
	var buf bytes.Buffer
	if err := JSON(&buf, r, turns, utts); err != nil {
		t.Fatal(err)
	}
	t.Run("the document matches the golden file", func(t *testing.T) {
		golden(t, "finished.json", buf.Bytes())
	})
	t.Run("the document decodes back to the same round, turns in seq order and utterances in turn order", func(t *testing.T) {
		var doc document
		if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
			t.Fatal(err)
		}
		if doc.Format != "mockloop.round.v1" {
			t.Errorf("format = %q", doc.Format)
		}
		wantRound := r
		wantRound.State = nil // engine-private, never exported
		if !reflect.DeepEqual(doc.Round, wantRound) {
			t.Errorf("round:\n got %+v\nwant %+v", doc.Round, wantRound)
		}
		for i, tn := range doc.Turns {
			if tn.Seq != i {
				t.Fatalf("turn %d has seq %d", i, tn.Seq)
			}
		}
		if !reflect.DeepEqual(doc.Turns[1], turns[2]) {
			t.Errorf("answer turn did not survive:\n got %+v\nwant %+v", doc.Turns[1], turns[2])
		}
		if len(doc.Utterances) != 2 || doc.Utterances[0].Seq != 0 || !reflect.DeepEqual(doc.Utterances[0], utts[1]) {
			t.Errorf("utterances = %+v", doc.Utterances)
		}
	})
	t.Run("the same round exports to the same bytes whatever the input order", func(t *testing.T) {
		rev := func(ts []mockloop.Turn) []mockloop.Turn {
			out := make([]mockloop.Turn, len(ts))
			for i := range ts {
				out[len(ts)-1-i] = ts[i]
			}
			return out
		}
		var again bytes.Buffer
		if err := JSON(&again, r, rev(turns), []mockloop.Utterance{utts[1], utts[0]}); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Bytes(), buf.Bytes()) {
			t.Error("export depends on input order")
		}
	})
	t.Run("a round with nothing in it has empty lists, not null", func(t *testing.T) {
		var b bytes.Buffer
		if err := JSON(&b, emptyRound(), nil, nil); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), `"turns": []`) || !strings.Contains(b.String(), `"utterances": []`) {
			t.Errorf("empty export:\n%s", b.String())
		}
	})
	t.Run("a failing writer is reported", func(t *testing.T) {
		if err := JSON(failWriter{}, r, turns, utts); !errors.Is(err, errDiskGone) {
			t.Errorf("err = %v, want the writer's error", err)
		}
	})
}

var errDiskGone = errors.New("disk gone")

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errDiskGone }

// FuzzQuote checks that no span, however wrong, can make Quote panic or
// return more than a clipped quote.
func FuzzQuote(f *testing.F) {
	f.Add(answerText, 14, 39, 0, 1)
	f.Add("né à Zürich 😀", -5, 400, 2, 1)
	f.Fuzz(func(t *testing.T, text string, start, end, w0, w1 int) {
		rep := analysis.Report{Text: text}
		for _, w := range strings.Fields(text) {
			rep.Words = append(rep.Words, analysis.Word{W: w})
		}
		q, ok := Quote(rep, analysis.Span{Start: start, End: end, W0: w0, W1: w1})
		if ok == (q == "") {
			t.Fatalf("ok = %v with quote %q", ok, q)
		}
		if n := len([]rune(q)); n > maxQuoteRunes+2 {
			t.Fatalf("quote of %d runes exceeds the clip", n)
		}
	})
}
