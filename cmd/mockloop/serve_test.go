package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mockloop/mockloop"
)

// testServer is a real mockloop server on a loopback port with its data in
// a temp dir.
type testServer struct {
	t      *testing.T
	URL    string
	main   *Main
	cancel context.CancelFunc
	done   chan error
}

func testConfig(dir string) Config {
	return Config{Addr: "127.0.0.1:0", DataDir: dir, LogFormat: "text", LogLevel: "warn", STT: "none", TTS: "none", KeepAudio: true}
}

func startServer(t *testing.T, cfg Config) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	m, err := NewMain(ctx, cfg, log)
	if err != nil {
		cancel()
		t.Fatalf("NewMain: %v", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		cancel()
		t.Fatalf("listen: %v", err)
	}
	s := &testServer{t: t, URL: "http://" + ln.Addr().String(), main: m, cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- m.Serve(ctx, ln) }()
	t.Cleanup(s.Stop)
	return s
}

// Stop shuts the server down as SIGTERM would.
func (s *testServer) Stop() {
	if s.cancel == nil {
		return
	}
	s.cancel()
	s.cancel = nil
	if err := <-s.done; err != nil {
		s.t.Errorf("serve: %v", err)
	}
	if err := s.main.Close(); err != nil {
		s.t.Errorf("close: %v", err)
	}
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func (s *testServer) createRound(kind string, minutes int, seed int64) mockloop.Round {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"kind": kind, "minutes": minutes, "seed": seed})
	resp, err := http.Post(s.URL+"/api/rounds", "application/json", bytes.NewReader(body))
	if err != nil {
		s.t.Fatalf("create round: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		b, _ := io.ReadAll(resp.Body)
		s.t.Fatalf("create round: %s: %s", resp.Status, b)
	}
	var r mockloop.Round
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		s.t.Fatalf("decode round: %v", err)
	}
	return r
}

// wsClient is a gorilla client on /ws with helpers that wait for a message
// type with a deadline.
type wsClient struct {
	t    *testing.T
	conn *websocket.Conn
	msgs chan mockloop.Message
	errc chan error
}

func (s *testServer) dial(roundID, origin string) (*wsClient, *http.Response, error) {
	h := http.Header{}
	if origin != "" {
		h.Set("Origin", origin)
	}
	u := "ws" + strings.TrimPrefix(s.URL, "http") + "/ws?round=" + roundID
	conn, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		return nil, resp, err
	}
	c := &wsClient{t: s.t, conn: conn, msgs: make(chan mockloop.Message, 1024), errc: make(chan error, 1)}
	go func() {
		for {
			var m mockloop.Message
			if err := conn.ReadJSON(&m); err != nil {
				c.errc <- err
				close(c.msgs)
				return
			}
			c.msgs <- m
		}
	}()
	s.t.Cleanup(func() { conn.Close() })
	return c, resp, nil
}

func (s *testServer) mustDial(roundID string) *wsClient {
	s.t.Helper()
	c, _, err := s.dial(roundID, s.URL)
	if err != nil {
		s.t.Fatalf("dial: %v", err)
	}
	return c
}

func (c *wsClient) send(m mockloop.Message) {
	c.t.Helper()
	m.V = mockloop.ProtocolVersion
	if err := c.conn.WriteJSON(m); err != nil {
		c.t.Fatalf("send %s: %v", m.Type, err)
	}
}

// waitFor returns the next message of type typ, failing after the deadline.
// Messages of other types that arrive first are returned in skipped.
func (c *wsClient) waitFor(typ string) (m mockloop.Message, skipped []mockloop.Message) {
	c.t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case m, ok := <-c.msgs:
			if !ok {
				c.t.Fatalf("connection closed waiting for %q: %v (skipped %v)", typ, <-c.errc, types(skipped))
			}
			if m.Type == typ {
				return m, skipped
			}
			skipped = append(skipped, m)
		case <-deadline:
			c.t.Fatalf("no %q message within 10s (got %v)", typ, types(skipped))
		}
	}
}

func types(ms []mockloop.Message) []string {
	var out []string
	for _, m := range ms {
		s := m.Type
		if m.Code != "" {
			s += ":" + m.Code
		}
		out = append(out, s)
	}
	return out
}

const weakAnswer = `so basically our team had this problem where the checkout service was kind of slow and customers were complaining. ` +
	`we got together and we looked at the logs and we decided to add a cache in front of the pricing calls. ` +
	`we rolled it out over a couple of weeks and we monitored it and it went really well, everyone was happy with how it turned out.`

func TestTypedRoundOverWebsocket(t *testing.T) {
	srv := startServer(t, testConfig(t.TempDir()))
	r := srv.createRound("behavioral", 20, 42)
	c := srv.mustDial(r.ID)
	c.send(mockloop.Message{Type: "hello"})
	st, _ := c.waitFor("state")
	if st.Round == nil || st.Round.ID != r.ID || st.Phase != mockloop.PhaseAsking {
		t.Fatalf("state = round %+v phase %q, want this round asking", st.Round, st.Phase)
	}
	q, _ := c.waitFor("interviewer")
	if q.Turn == nil || q.Turn.Kind != mockloop.TurnQuestion || q.Question == nil || q.Question.Text == "" {
		t.Fatalf("first interviewer turn = %+v, want a question", q.Turn)
	}
	if q.Phase != mockloop.PhaseAnswering {
		t.Errorf("phase after the question = %q, want answering", q.Phase)
	}

	t.Run("an empty answer gets a clear error and changes nothing", func(t *testing.T) {
		c.send(mockloop.Message{Type: "answer", ID: "a0", Text: "   "})
		e, _ := c.waitFor("error")
		if e.Code != mockloop.CodeEmptyAnswer {
			t.Fatalf("error code = %q, want %q", e.Code, mockloop.CodeEmptyAnswer)
		}
	})

	t.Run("a typed answer is acknowledged, analysed and followed up", func(t *testing.T) {
		c.send(mockloop.Message{Type: "answer", ID: "a1", Text: weakAnswer})
		ack, _ := c.waitFor("ack")
		if ack.ID != "a1" || ack.TurnSeq == 0 {
			t.Fatalf("ack = %+v, want id a1 and a turn seq", ack)
		}
		fb, _ := c.waitFor("feedback")
		if fb.Report == nil || fb.TurnSeq != ack.TurnSeq {
			t.Fatalf("feedback = %+v, want the report of turn %d", fb, ack.TurnSeq)
		}
		for _, code := range []string{"missing_metric", "weak_ownership"} {
			if !fb.Report.Has(code) {
				t.Errorf("feedback lacks %s; findings: %+v", code, fb.Report.Findings)
			}
		}
		next, _ := c.waitFor("interviewer")
		if next.Turn.Kind != mockloop.TurnProbe {
			t.Errorf("after a weak answer the interviewer turn is %q %q, want a probe", next.Turn.Kind, next.Turn.Text)
		}
	})

	t.Run("the round survives a server restart", func(t *testing.T) {
		srv.Stop()
		srv2 := startServer(t, srv.main.Config)
		c2 := srv2.mustDial(r.ID)
		c2.send(mockloop.Message{Type: "hello"})
		st, _ := c2.waitFor("state")
		var answers int
		for _, turn := range st.Turns {
			if turn.Role == mockloop.RoleCandidate {
				answers++
				if turn.Text != weakAnswer || turn.Report == nil {
					t.Errorf("stored answer = %q (report %v), want the typed text with its report", turn.Text, turn.Report != nil)
				}
			}
		}
		if answers != 1 {
			t.Fatalf("after restart the round has %d answers, want 1", answers)
		}
		if st.Phase != mockloop.PhaseAnswering || st.Question == nil {
			t.Errorf("after restart phase = %q question = %+v, want answering the probe", st.Phase, st.Question)
		}
	})
}

func TestWebsocketRejectsBadInput(t *testing.T) {
	srv := startServer(t, testConfig(t.TempDir()))
	r := srv.createRound("coding", 30, 7)

	t.Run("a foreign Origin is refused before the upgrade", func(t *testing.T) {
		_, resp, err := srv.dial(r.ID, "http://evil.example")
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("dial with foreign origin: err %v resp %v, want 403", err, resp)
		}
	})

	t.Run("an unknown round is reported and closed", func(t *testing.T) {
		c := srv.mustDial("nope")
		e, _ := c.waitFor("error")
		if e.Code != mockloop.CodeNotFound {
			t.Fatalf("code = %q, want not_found", e.Code)
		}
	})

	c := srv.mustDial(r.ID)
	cases := []struct {
		name, raw, code string
	}{
		{"malformed JSON", `{"v":1,"type":`, mockloop.CodeBadJSON},
		{"another protocol version", `{"v":9,"type":"hello"}`, mockloop.CodeBadVersion},
		{"an unknown type", `{"v":1,"type":"sudo"}`, mockloop.CodeUnknownType},
	}
	for _, tc := range cases {
		t.Run(tc.name+" gets an error and the connection stays open", func(t *testing.T) {
			if err := c.conn.WriteMessage(websocket.TextMessage, []byte(tc.raw)); err != nil {
				t.Fatal(err)
			}
			e, _ := c.waitFor("error")
			if e.Code != tc.code {
				t.Fatalf("code = %q, want %q", e.Code, tc.code)
			}
			c.send(mockloop.Message{Type: "ping"})
			c.waitFor("pong")
		})
	}

	t.Run("a 20,000-word answer is stored, cut to the cap, with a notice", func(t *testing.T) {
		c.send(mockloop.Message{Type: "hello"})
		c.waitFor("interviewer")
		long := strings.Repeat("I measured it. ", 8000) // 24,000 words
		c.send(mockloop.Message{Type: "answer", ID: "long", Text: long})
		ack, skipped := c.waitFor("ack")
		if ack.ID != "long" {
			t.Fatalf("ack = %+v", ack)
		}
		var noticed bool
		for _, m := range skipped {
			noticed = noticed || (m.Type == "notice" && strings.Contains(m.Text, "20000"))
		}
		if !noticed {
			t.Errorf("no notice about the cut; got %v", types(skipped))
		}
		fb, _ := c.waitFor("feedback")
		if n := fb.Report.Metrics.Words; n != mockloop.MaxAnswerWords {
			t.Errorf("analysed %d words, want the cap %d", n, mockloop.MaxAnswerWords)
		}
	})

	t.Run("an oversized frame closes the connection with status 1009", func(t *testing.T) {
		big := `{"v":1,"type":"draft","text":"` + strings.Repeat("x", mockloop.MaxMessageBytes) + `"}`
		if err := c.conn.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
			t.Fatal(err)
		}
		for range c.msgs {
		}
		if err := <-c.errc; !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
			t.Fatalf("read after oversized frame: %v, want close 1009", err)
		}
	})
}

func TestSecondTabTakesOver(t *testing.T) {
	srv := startServer(t, testConfig(t.TempDir()))
	r := srv.createRound("behavioral", 10, 3)
	first := srv.mustDial(r.ID)
	first.send(mockloop.Message{Type: "hello"})
	first.waitFor("state")
	second := srv.mustDial(r.ID)
	e, _ := first.waitFor("error")
	if e.Code != mockloop.CodeTakenOver {
		t.Fatalf("first tab got %q, want taken_over", e.Code)
	}
	second.send(mockloop.Message{Type: "hello"})
	if st, _ := second.waitFor("state"); st.Round.ID != r.ID {
		t.Fatalf("second tab state for %q", st.Round.ID)
	}
}
