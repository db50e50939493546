package loadtest

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
)

func TestParseStat(t *testing.T) {
	cases := []struct {
		name    string
		stat    string
		want    time.Duration
		wantErr bool
	}{
		{
			name: "own and waited-for children's user and system time are summed from clock ticks",
			stat: "1234 (mockloop) S 1 1234 1234 0 -1 4194560 2000 0 0 0 250 50 70 30 20 0 12 0 100 0 0",
			want: 4 * time.Second,
		},
		{
			name: "a command name with spaces and parentheses does not shift the fields",
			stat: "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 7 3 0 0 20 0 1 0 5 0 0",
			want: 100 * time.Millisecond,
		},
		{name: "a line with no command name is an error", stat: "1234 S 1 2 3", wantErr: true},
		{name: "a truncated line is an error", stat: "1 (x) S 1 2 3", wantErr: true},
		{name: "a non-numeric utime is an error", stat: "1 (x) S 1 1 1 0 -1 0 0 0 0 0 ab 3 0 0 20", wantErr: true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseStat(tc.stat)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if got != tc.want {
				t.Fatalf("cpu = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCPUSourcesAdvanceWithWork(t *testing.T) {
	spin := func() {
		// Burn enough CPU to move a 10 ms clock tick several times.
		deadline := time.Now().Add(80 * time.Millisecond)
		x := 0
		for time.Now().Before(deadline) {
			x++
		}
		_ = x
	}
	sources := []struct {
		name string
		cpu  func() (time.Duration, error)
	}{
		{"getrusage of this process", SelfCPU},
		{"/proc stat of this process by pid", func() (time.Duration, error) { return ProcessCPU(selfPID()) }},
	}
	for _, src := range sources {
		t.Run(src.name+" grows while the process computes", func(t *testing.T) {
			c0, err := src.cpu()
			if err != nil {
				t.Fatal(err)
			}
			spin()
			c1, err := src.cpu()
			if err != nil {
				t.Fatal(err)
			}
			if c1-c0 < 30*time.Millisecond {
				t.Fatalf("CPU grew %v over 80 ms of spinning", c1-c0)
			}
		})
	}
	t.Run("a process that does not exist is an error", func(t *testing.T) {
		if _, err := ProcessCPU(1 << 30); err == nil {
			t.Fatal("no error for a missing pid")
		}
	})
}

func msg(t *testing.T, m mockloop.Message) json.RawMessage {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestFeedbackLatencies(t *testing.T) {
	fb := func(seq int) json.RawMessage { return msg(t, mockloop.Message{Type: "feedback", TurnSeq: seq}) }
	ms := func(n int) time.Duration { return time.Duration(n) * time.Millisecond }
	events := []dial.Event{
		{At: ms(100), Type: "feedback", Msg: fb(9)}, // feedback with no answer before it: ignored
		{At: ms(1000), Type: dial.MarkSpeechEnd},
		{At: ms(1001), Type: dial.MarkDoneSent},
		{At: ms(1080), Type: "feedback", Msg: fb(1)},
		{At: ms(5000), Type: dial.MarkSpeechEnd},
		{At: ms(5001), Type: dial.MarkDoneSent},
		{At: ms(7700), Type: "feedback", Msg: fb(3)},
		{At: ms(9000), Type: dial.MarkSpeechEnd},
		{At: ms(9001), Type: dial.MarkDoneSent}, // cut off by the end of the run
	}
	cases := []struct {
		name    string
		silence bool
		want    []Sample
	}{
		{
			name: "with the done button latency runs from done to feedback",
			want: []Sample{{TurnSeq: 1, Latency: ms(79)}, {TurnSeq: 3, Latency: ms(2699)}},
		},
		{
			name:    "with a silence commit latency runs from the end of speech plus the commit window, never below zero",
			silence: true,
			want:    []Sample{{TurnSeq: 1, Latency: 0}, {TurnSeq: 3, Latency: ms(200)}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := feedbackLatencies(events, tc.silence, 2500*time.Millisecond)
			if len(got) != len(tc.want) {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("sample %d = %+v, want %+v", i, got[i], tc.want[i])
				}
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	var d []time.Duration
	for i := 100; i >= 1; i-- { // unsorted on purpose
		d = append(d, time.Duration(i)*time.Millisecond)
	}
	cases := []struct {
		name string
		in   []time.Duration
		want LatencySummary
	}{
		{"no samples give an empty summary", nil, LatencySummary{}},
		{"one sample is every percentile", []time.Duration{7}, LatencySummary{N: 1, P50: 7, P95: 7, Max: 7}},
		{"a hundred samples give nearest-rank percentiles", d, LatencySummary{N: 100, P50: 50 * time.Millisecond, P95: 95 * time.Millisecond, Max: 100 * time.Millisecond}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := summarize(tc.in); got != tc.want {
				t.Fatalf("summarize = %+v, want %+v", got, tc.want)
			}
		})
	}
	if d[0] != 100*time.Millisecond {
		t.Error("summarize sorted its input in place")
	}
}

func TestLostComparesAcknowledgementsWithTheStoredRound(t *testing.T) {
	events := []dial.Event{
		{Type: "utterance", Msg: msg(t, mockloop.Message{Type: "utterance", Utterance: &mockloop.Utterance{ID: 1, Text: "first"}})},
		{Type: "utterance", Msg: msg(t, mockloop.Message{Type: "utterance", Utterance: &mockloop.Utterance{ID: 2, Text: "second"}})},
		{Type: "ack", Msg: msg(t, mockloop.Message{Type: "ack", TurnSeq: 1})},
		{Type: "utterance", Msg: msg(t, mockloop.Message{Type: "utterance", Utterance: &mockloop.Utterance{ID: 3, Text: "third"}})},
		{Type: "ack", Msg: msg(t, mockloop.Message{Type: "ack", TurnSeq: 3})},
	}
	a := ackedIn(events)
	if len(a.utterances) != 3 || len(a.answers) != 2 {
		t.Fatalf("acked = %+v, want 3 utterances and 2 answers", a)
	}
	cases := []struct {
		name  string
		turns []mockloop.Turn
		utts  []mockloop.Utterance
		want  []string // substrings, one per lost item
	}{
		{
			name:  "everything acknowledged is stored: nothing lost",
			turns: []mockloop.Turn{{Seq: 0, Role: mockloop.RoleInterviewer}, {Seq: 1, Role: mockloop.RoleCandidate}, {Seq: 3, Role: mockloop.RoleCandidate}},
			utts:  []mockloop.Utterance{{ID: 1, Text: "first"}, {ID: 2, Text: "second"}, {ID: 3, Text: "third"}, {ID: 4, Text: "unacked extra"}},
		},
		{
			name:  "a missing utterance, a changed one and a missing answer are each reported",
			turns: []mockloop.Turn{{Seq: 1, Role: mockloop.RoleCandidate}, {Seq: 3, Role: mockloop.RoleInterviewer}},
			utts:  []mockloop.Utterance{{ID: 1, Text: "first"}, {ID: 3, Text: "thrid"}},
			want:  []string{"utterance 2 acknowledged but not stored", `utterance 3 stored as "thrid"`, "answer turn 3 acknowledged but not stored"},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.URL.Path != "/api/rounds/r1" {
					http.NotFound(w, r)
					return
				}
				_ = json.NewEncoder(w).Encode(map[string]any{"round": mockloop.Round{ID: "r1"}, "turns": tc.turns, "utterances": tc.utts})
			}))
			defer srv.Close()
			o := Options{BaseURL: srv.URL, HTTPClient: srv.Client()}
			got, err := o.lost(context.Background(), "r1", a)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("lost = %q, want %d items", got, len(tc.want))
			}
			for i, w := range tc.want {
				if !strings.Contains(got[i], w) {
					t.Errorf("lost[%d] = %q, want it to mention %q", i, got[i], w)
				}
			}
		})
	}
	t.Run("a round the server cannot return is an error, not zero lost", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		defer srv.Close()
		o := Options{BaseURL: srv.URL, HTTPClient: srv.Client()}
		if _, err := o.lost(context.Background(), "r1", a); err == nil {
			t.Fatal("no error for a 404")
		}
	})
}

func TestOptionsAreBounded(t *testing.T) {
	wav := "testdata/none.wav"
	cases := []struct {
		name string
		o    Options
		want string
	}{
		{"a remote server is refused", Options{BaseURL: "http://10.0.0.5:8080", Sessions: 1, Duration: time.Second, WAVs: []string{wav}}, "not a loopback"},
		{"a URL without a scheme is refused", Options{BaseURL: "127.0.0.1:8080", Sessions: 1, Duration: time.Second, WAVs: []string{wav}}, "want http://"},
		{"zero sessions are refused", Options{BaseURL: "http://127.0.0.1:1", Sessions: 0, Duration: time.Second, WAVs: []string{wav}}, "sessions 0"},
		{"more than the cap are refused", Options{BaseURL: "http://127.0.0.1:1", Sessions: MaxSessions + 1, Duration: time.Second, WAVs: []string{wav}}, "sessions"},
		{"an unbounded duration is refused", Options{BaseURL: "http://localhost:1", Sessions: 1, Duration: 2 * MaxDuration, WAVs: []string{wav}}, "duration"},
		{"no audio is refused", Options{BaseURL: "http://[::1]:1", Sessions: 1, Duration: time.Second}, "no WAV"},
		{"a missing WAV is refused before any session starts", Options{BaseURL: "http://127.0.0.1:1", Sessions: 1, Duration: time.Second, WAVs: []string{wav}}, "none.wav"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Run(context.Background(), tc.o)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Run error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

func selfPID() int { return os.Getpid() }
