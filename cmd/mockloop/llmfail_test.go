package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"

	"github.com/mockloop/mockloop"
)

// recordedResponse reads one response a real engine sent, from the shared
// recordings (MOCKLOOP_ENGINES_DIR, else the shared test data in the
// repository or beside the worktree). Missing data fails; it never skips.
func recordedResponse(t *testing.T, name string) (status int, contentType, body string) {
	t.Helper()
	dirs := []string{os.Getenv("MOCKLOOP_ENGINES_DIR"), "../../shared/testdata/engines", "../../../shared/testdata/engines"}
	for _, d := range dirs {
		if d == "" {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(d, name))
		if err != nil {
			continue
		}
		var r struct {
			Status      int    `json:"status"`
			ContentType string `json:"content_type"`
			Body        string `json:"body"`
		}
		if err := json.Unmarshal(raw, &r); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return r.Status, r.ContentType, r.Body
	}
	t.Fatalf("recording %s not found: set MOCKLOOP_ENGINES_DIR to shared/testdata/engines", name)
	return 0, "", ""
}

// failure is one way an LLM fails, for every request it gets.
type failure struct {
	name string
	// serve answers one request; nil means the connection is refused.
	serve http.HandlerFunc
}

func replayed(t *testing.T, file string) http.HandlerFunc {
	status, ct, body := recordedResponse(t, file)
	return func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", ct)
		w.WriteHeader(status)
		io.WriteString(w, body)
	}
}

// stalled starts a reply and then sends nothing until the client leaves.
func stalled(w http.ResponseWriter, r *http.Request) {
	io.Copy(io.Discard, r.Body)
	w.Header().Set("Content-Type", "text/event-stream")
	io.WriteString(w, `data: {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Thanks for walking me through"},"finish_reason":null}]}`+"\n\n")
	w.(http.Flusher).Flush()
	<-r.Context().Done()
}

// llmServer serves the failures in turn, one per request; a nil serve is
// a refused connection, made by proxying to a port nobody listens on.
func llmServer(t *testing.T, fs []failure) string {
	t.Helper()
	if len(fs) == 1 && fs[0].serve == nil {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		return "http://" + addr + "/v1"
	}
	var mu sync.Mutex
	n := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		f := fs[n%len(fs)]
		n++
		mu.Unlock()
		f.serve(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL + "/v1"
}

// norm keeps letters and digits, lower case, single-spaced.
func norm(s string) string {
	return strings.Join(strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}), " ")
}

// TestLLMFailuresNeverStopARound drives a whole typed round over the
// websocket of a real server whose LLM fails every turn, in each way seen
// from real servers (recorded 500 and 404, refused, a stall, the recorded
// garbage stream) and all of them mixed. The server stays up, the round
// finishes, every main question is heard as the bank has it, and the
// candidate gets one notice per kind of failure.
func TestLLMFailuresNeverStopARound(t *testing.T) {
	t.Parallel()
	e500 := failure{"a 500 from a model that cannot load", replayed(t, "ollama-500-model-load.json")}
	e404 := failure{"a 404 for an unknown model", replayed(t, "ollama-404-unknown-model.json")}
	refused := failure{"a refused connection", nil}
	stall := failure{"a stream that stalls", stalled}
	garbage := failure{"a stream of garbage", replayed(t, "ollama-chat-stream-garbage.json")}
	tests := []struct {
		name        string
		kind        string
		failures    []failure
		wantNotices int
	}{
		{e500.name, "behavioral", []failure{e500}, 1},
		{e404.name, "behavioral", []failure{e404}, 1},
		{refused.name, "behavioral", []failure{refused}, 1},
		{stall.name, "behavioral", []failure{stall}, 1},
		{garbage.name, "behavioral", []failure{garbage}, 1},
		{"all of them in turn", "behavioral", []failure{e500, e404, stall, garbage}, 4},
		{"garbage in a system design round with phases", "system_design", []failure{garbage}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t.TempDir())
			cfg.LLMURL, cfg.LLMModel = llmServer(t, tt.failures), "nosuchmodel"
			cfg.LLMFirstToken, cfg.LLMStall, cfg.LLMTotal = 3*time.Second, 300*time.Millisecond, 10*time.Second
			srv := startServer(t, cfg)
			r := srv.createRound(tt.kind, 20, 42)
			c := srv.mustDial(r.ID)
			c.send(mockloop.Message{Type: "hello"})
			c.waitFor("state")

			var notices []string
			questions := map[int]string{}
			var said []string
			finished := false
			for i := 0; i < 40 && !finished; i++ {
				m, skipped := c.waitFor("interviewer")
				for _, x := range skipped {
					if x.Type == "notice" {
						notices = append(notices, x.Text)
					}
				}
				if m.Turn.Source != "scripted" {
					t.Errorf("turn %d came from %q, want the scripted fallback", m.Turn.Seq, m.Turn.Source)
				}
				said = append(said, norm(m.Turn.Text))
				if q := m.Question; q != nil && q.Text != "" {
					questions[q.Idx] = q.Text
				}
				if m.Phase == mockloop.PhaseFinished {
					finished = true
					break
				}
				c.send(mockloop.Message{Type: "answer", ID: fmt.Sprint(i), Text: weakAnswer})
				c.waitFor("ack")
			}
			if !finished {
				t.Fatal("the round did not finish in 40 turns")
			}
			if len(questions) == 0 {
				t.Fatal("no main question seen")
			}
			all := strings.Join(said, " | ")
			for idx, q := range questions {
				if !strings.Contains(all, norm(q)) {
					t.Errorf("question %d %q was never said; the interviewer said: %s", idx, q, all)
				}
				if n := strings.Count(all, norm(q)); n > 1 {
					t.Errorf("question %d was read out %d times: %s", idx, n, all)
				}
			}
			t.Logf("%d interviewer turns, %d main questions, notices %q", len(said), len(questions), notices)
			if len(notices) != tt.wantNotices {
				t.Errorf("%d notices, want %d: %q", len(notices), tt.wantNotices, notices)
			}
			for _, n := range notices {
				if !strings.HasPrefix(n, "The LLM at 127.0.0.1:") || !strings.HasSuffix(n, "; the built-in interviewer is asking instead.") {
					t.Errorf("notice %q is not the plain LLM notice", n)
				}
			}
			if tt.failures[0].name == e404.name && (len(notices) == 0 || !strings.Contains(notices[0], "(model 'nosuchmodel' not found)")) {
				t.Errorf("the 404 notice does not name the model: %q", notices)
			}

			// The server is still up and the round is stored finished.
			resp, err := http.Get(srv.URL + "/api/rounds/" + r.ID)
			if err != nil {
				t.Fatalf("server down after the round: %v", err)
			}
			defer resp.Body.Close()
			var got struct {
				Round mockloop.Round `json:"round"`
			}
			body, _ := io.ReadAll(resp.Body)
			if err := json.Unmarshal(body, &got); err != nil || got.Round.Status != mockloop.StatusFinished {
				var flat mockloop.Round
				if json.Unmarshal(body, &flat) != nil || flat.Status != mockloop.StatusFinished {
					t.Errorf("stored round is not finished: %s", body[:min(len(body), 200)])
				}
			}
		})
	}
}
