package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/cmd/mockloop/internal/dial"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/httpapi"
	"github.com/mockloop/mockloop/server/live"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/sqlitestore"
	"github.com/mockloop/mockloop/server/ws"
	"github.com/mockloop/mockloop/webui"
)

// serveChildEnv makes a re-executed test binary run "mockloop" with the
// JSON-encoded arguments it holds: a server in its own process that a
// test can stop with SIGTERM or kill outright.
const serveChildEnv = "MOCKLOOP_FAULT_SERVE_ARGS"

// TestMain runs this binary as the fault tests' server process when they
// re-execute it with serveChildEnv set; otherwise it runs the tests.
func TestMain(m *testing.M) {
	if raw := os.Getenv(serveChildEnv); raw != "" {
		os.Exit(serveChild(raw))
	}
	os.Exit(m.Run())
}

func serveChild(raw string) int {
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		fmt.Fprintln(os.Stderr, "bad", serveChildEnv, err)
		return 2
	}
	// As main does: SIGTERM cancels the context and serve shuts down
	// gracefully.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	return run(ctx, args, os.Stdin, os.Stdout, os.Stderr)
}

// childServer is mockloop serve in another process.
type childServer struct {
	URL    string
	cmd    *exec.Cmd
	exited chan error
	stderr *lockedBuffer
}

type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

var listeningRE = regexp.MustCompile(`listening on (http://\S+)`)

func startChild(t *testing.T, dataDir string, extra ...string) *childServer {
	t.Helper()
	args, _ := json.Marshal(append([]string{"serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir,
		"--stt", "sphinx", "--tts", "none", "--log-level", "info"}, extra...))
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), serveChildEnv+"="+string(args))
	pr, pw := io.Pipe()
	cs := &childServer{cmd: cmd, exited: make(chan error, 1), stderr: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = pw, cs.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start server process: %v", err)
	}
	urls := make(chan string, 1)
	go func() {
		// Keep draining so the child never blocks on a full pipe.
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listeningRE.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case urls <- m[1]:
				default:
				}
			}
		}
	}()
	go func() {
		err := cmd.Wait()
		pw.Close()
		cs.exited <- err
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-cs.exited
		}
	})
	select {
	case cs.URL = <-urls:
	case err := <-cs.exited:
		t.Fatalf("server process exited before listening: %v\n%s", err, cs.stderr.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("server process not listening within 30s\n%s", cs.stderr.String())
	}
	return cs
}

// stop sends sig and waits for the process to exit.
func (cs *childServer) stop(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := cs.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("signal server: %v", err)
	}
	select {
	case err := <-cs.exited:
		cs.exited <- err // for Cleanup
		return err
	case <-time.After(20 * time.Second):
		t.Fatalf("server did not exit within 20s of %v\n%s", sig, cs.stderr.String())
	}
	return nil
}

// storedRound is GET /api/rounds/{id}, with the questions the review
// page groups turns under.
type storedRound struct {
	Round      mockloop.Round       `json:"round"`
	Turns      []mockloop.Turn      `json:"turns"`
	Utterances []mockloop.Utterance `json:"utterances"`
	Questions  []round.QuestionView `json:"questions"`
}

func getRound(t *testing.T, baseURL, id string) storedRound {
	t.Helper()
	resp, err := http.Get(baseURL + "/api/rounds/" + id)
	if err != nil {
		t.Fatalf("get round: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("get round: %s: %s", resp.Status, b)
	}
	var r storedRound
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("decode round: %v", err)
	}
	return r
}

// waitUntil checks cond on a ticker until it holds or the deadline
// passes: the condition is state in another process, which cannot signal
// the test directly.
func waitUntil(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.After(within)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-deadline:
			t.Fatalf("%s: not within %v", what, within)
		case <-tick.C:
		}
	}
}

// ackedUtterances reads the utterances the server acknowledged to a dial
// client, from its raw events.
func ackedUtterances(events []dial.Event) map[int64]string {
	out := map[int64]string{}
	for _, e := range events {
		if e.Type != "utterance" {
			continue
		}
		var m mockloop.Message
		if json.Unmarshal(e.Msg, &m) == nil && m.Utterance != nil {
			out[m.Utterance.ID] = m.Utterance.Text
		}
	}
	return out
}

func candidateTurns(turns []mockloop.Turn) []mockloop.Turn {
	var out []mockloop.Turn
	for _, t := range turns {
		if t.Role == mockloop.RoleCandidate {
			out = append(out, t)
		}
	}
	return out
}

func TestFaultServerKilledMidAnswer(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("speaks real audio to a server process")
	}
	// Three utterances with pauses between them. The interview policy
	// may commit a finished-sounding answer 0.8 s into a pause, so the
	// server waits 30 s of silence instead: the first utterance is stored
	// and acknowledged long before the answer could commit.
	clip := speechFile(t, "mfa_crossword.wav")
	patient := []string{"--turn-policy", "silence", "--turn-commit", "30s"}
	cases := []struct {
		name     string
		sig      os.Signal
		graceful bool
	}{
		{"stopped as SIGTERM stops it", syscall.SIGTERM, true},
		{"killed without any shutdown path (SIGKILL)", syscall.SIGKILL, false},
	}
	for _, tc := range cases {
		t.Run("a server "+tc.name+" mid-answer loses nothing acknowledged and resumes the round", func(t *testing.T) {
			dir := t.TempDir()
			srv := startChild(t, dir, patient...)
			ts := &testServer{t: t, URL: srv.URL}
			r := ts.createRound("behavioral", 30, 11)

			// A typed answer first, so the round has a committed answer
			// to keep as well as the open spoken one.
			c := ts.mustDial(r.ID)
			c.send(mockloop.Message{Type: "hello"})
			c.waitFor("interviewer")
			c.send(mockloop.Message{Type: "answer", ID: "typed-1", Text: weakAnswer})
			ack, _ := c.waitFor("ack")
			probe, _ := c.waitFor("interviewer")
			if probe.Question == nil {
				t.Fatal("no question with the interviewer's reply")
			}
			c.conn.Close()

			ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
			defer cancel()
			type dialed struct {
				res dial.Result
				err error
			}
			done := make(chan dialed, 1)
			go func() {
				res, err := dial.Run(ctx, dial.Options{BaseURL: srv.URL, Round: r.ID, WAV: clip, Answers: 1, Timeout: 80 * time.Second})
				done <- dialed{res, err}
			}()
			waitUntil(t, 40*time.Second, "first spoken utterance stored", func() bool {
				return len(getRound(t, srv.URL, r.ID).Utterances) > 0
			})
			err := srv.stop(t, tc.sig)
			if tc.graceful && err != nil {
				t.Errorf("graceful stop exited with %v, want 0\n%s", err, srv.stderr.String())
			}
			var d dialed
			select {
			case d = <-done:
			case <-time.After(30 * time.Second):
				t.Fatal("the candidate did not notice the server going away within 30s")
			}
			if d.err == nil {
				t.Fatal("the candidate finished its answer although the server stopped mid-answer")
			}
			acked := ackedUtterances(d.res.Events)
			if len(acked) == 0 {
				t.Fatalf("no utterance was acknowledged before the stop (dial: %v)", d.err)
			}

			srv2 := startChild(t, dir, patient...)
			got := getRound(t, srv2.URL, r.ID)
			stored := map[int64]mockloop.Utterance{}
			for _, u := range got.Utterances {
				stored[u.ID] = u
			}
			for id, text := range acked {
				u, ok := stored[id]
				if !ok {
					t.Errorf("utterance %d %q was acknowledged but is gone after the restart", id, text)
					continue
				}
				if u.Text != text || u.TurnSeq != ack.TurnSeq+2 {
					t.Errorf("utterance %d after restart = %q in turn %d, want %q in the open answer turn %d", id, u.Text, u.TurnSeq, text, ack.TurnSeq+2)
				}
			}
			answers := candidateTurns(got.Turns)
			if len(answers) != 1 || answers[0].Seq != ack.TurnSeq || answers[0].Text != weakAnswer {
				t.Errorf("answers after restart = %+v, want only the acknowledged typed answer (turn %d)", answers, ack.TurnSeq)
			}

			ts2 := &testServer{t: t, URL: srv2.URL}
			c2 := ts2.mustDial(r.ID)
			c2.send(mockloop.Message{Type: "hello"})
			st, _ := c2.waitFor("state")
			if st.Phase != mockloop.PhaseAnswering || st.Question == nil || st.Question.ID != probe.Question.ID || st.Question.Idx != probe.Question.Idx {
				t.Fatalf("resumed at phase %q question %+v, want answering question %q (idx %d)", st.Phase, st.Question, probe.Question.ID, probe.Question.Idx)
			}
			// The open answer is still open: a typed addition commits it
			// together with what was said before the stop.
			c2.send(mockloop.Message{Type: "answer", ID: "typed-2", Text: "And we cut p99 latency by 40 percent."})
			ack2, _ := c2.waitFor("ack")
			after := candidateTurns(getRound(t, srv2.URL, r.ID).Turns)
			if len(after) != 2 || after[1].Seq != ack2.TurnSeq {
				t.Fatalf("answers after resuming = %d, want 2", len(after))
			}
			for _, text := range acked {
				if text != "" && !strings.Contains(after[1].Text, text) {
					t.Errorf("resumed answer %q lacks the utterance %q spoken before the stop", after[1].Text, text)
				}
			}
		})
	}
}

// flakyStore is the real database with writes that fail while failing is
// set, as a disk gone read-only under a running server would.
type flakyStore struct {
	mockloop.Store
	failing atomic.Bool
}

func (s *flakyStore) fail(op string) error {
	if s.failing.Load() {
		return fmt.Errorf("%s: attempt to write a readonly database: %w", op, mockloop.ErrReadOnly)
	}
	return nil
}

func (s *flakyStore) SaveStep(ctx context.Context, st mockloop.Step) error {
	if err := s.fail("save step"); err != nil {
		return err
	}
	return s.Store.SaveStep(ctx, st)
}

func (s *flakyStore) AddUtterance(ctx context.Context, u *mockloop.Utterance) error {
	if err := s.fail("add utterance"); err != nil {
		return err
	}
	return s.Store.AddUtterance(ctx, u)
}

func (s *flakyStore) CreateRound(ctx context.Context, r *mockloop.Round) error {
	if err := s.fail("create round"); err != nil {
		return err
	}
	return s.Store.CreateRound(ctx, r)
}

// startWithStore wires a server as NewMain does, but on store, so a test
// can break the database under it.
func startWithStore(t *testing.T, store mockloop.Store, dir string) *testServer {
	t.Helper()
	log := slog.New(slog.DiscardHandler)
	bank, err := prompts.Load(os.DirFS(dir))
	if err != nil {
		t.Fatalf("load banks: %v", err)
	}
	deps := live.Deps{Store: store, Bank: bank, Interviewer: round.Scripted{}, Scripted: round.Scripted{}, Logger: log}
	hub := live.NewHub(deps)
	api := &httpapi.API{
		Store: store, Hub: hub, Deps: deps, Pages: webui.New(""),
		WS:      &ws.Handler{Hub: hub, Logger: log},
		Version: "test", AudioDir: filepath.Join(dir, "audio"), Logger: log,
	}
	hs := httptest.NewServer(api.Handler())
	t.Cleanup(func() {
		hub.Shutdown()
		hs.Close()
	})
	return &testServer{t: t, URL: hs.URL}
}

func TestFaultDatabaseTurnsReadOnlyAfterStart(t *testing.T) {
	dir := t.TempDir()
	db, err := sqlitestore.Open(context.Background(), filepath.Join(dir, "mockloop.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	store := &flakyStore{Store: db}
	srv := startWithStore(t, store, dir)
	r := srv.createRound("behavioral", 20, 5)
	c := srv.mustDial(r.ID)
	c.send(mockloop.Message{Type: "hello"})
	c.waitFor("interviewer")

	store.failing.Store(true)

	t.Run("a typed answer gets a storage error and no acknowledgement", func(t *testing.T) {
		c.send(mockloop.Message{Type: "answer", ID: "a1", Text: weakAnswer})
		e, skipped := c.waitFor("error")
		if e.Code != mockloop.CodeStorage {
			t.Fatalf("error code = %q, want storage", e.Code)
		}
		for _, m := range skipped {
			if m.Type == "ack" || m.Type == "feedback" {
				t.Fatalf("got %q for an answer that was not saved", m.Type)
			}
		}
	})
	t.Run("nothing half-written reaches the database", func(t *testing.T) {
		if got := candidateTurns(getRound(t, srv.URL, r.ID).Turns); len(got) != 0 {
			t.Fatalf("stored answers = %+v, want none", got)
		}
	})
	t.Run("the server and the connection stay up", func(t *testing.T) {
		c.send(mockloop.Message{Type: "ping"})
		c.waitFor("pong")
		resp, err := http.Get(srv.URL + "/healthz")
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("healthz: %v %v", err, resp)
		}
		resp.Body.Close()
	})
	t.Run("new rounds are refused with a message while the database is read-only", func(t *testing.T) {
		resp, err := http.Post(srv.URL+"/api/rounds", "application/json", strings.NewReader(`{"kind":"coding"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		if resp.StatusCode != http.StatusServiceUnavailable {
			t.Fatalf("create round while read-only: %s, want 503", resp.Status)
		}
	})

	store.failing.Store(false)

	t.Run("once the database recovers the same answer is accepted and followed up", func(t *testing.T) {
		c.send(mockloop.Message{Type: "answer", ID: "a1", Text: weakAnswer})
		ack, _ := c.waitFor("ack")
		if ack.ID != "a1" {
			t.Fatalf("ack = %+v, want a1", ack)
		}
		fb, _ := c.waitFor("feedback")
		if fb.TurnSeq != ack.TurnSeq || fb.Report == nil {
			t.Fatalf("feedback = %+v", fb)
		}
		c.waitFor("interviewer")
		got := candidateTurns(getRound(t, srv.URL, r.ID).Turns)
		if len(got) != 1 || got[0].Text != weakAnswer || got[0].Seq != ack.TurnSeq {
			t.Fatalf("stored answers = %+v, want the one retried answer", got)
		}
	})
}

func TestFaultHostileClientLeavesOtherSessionsWorking(t *testing.T) {
	cfg := testConfig(t.TempDir())
	cfg.STT = "sphinx" // voice on, so an offer reaches the WebRTC code
	srv := startServer(t, cfg)

	bystander := srv.mustDial(srv.createRound("behavioral", 30, 2).ID)
	bystander.send(mockloop.Message{Type: "hello"})
	bystander.waitFor("interviewer")
	// answerPromptly has the bystander answer and fails unless the ack
	// comes back within a second, then waits for the next question.
	answerPromptly := func(t *testing.T, id string) {
		t.Helper()
		start := time.Now()
		bystander.send(mockloop.Message{Type: "answer", ID: id, Text: weakAnswer})
		ack, _ := bystander.waitFor("ack")
		if took := time.Since(start); ack.ID != id || took > time.Second {
			t.Errorf("bystander ack %+v after %v, want %s within 1s", ack, took, id)
		}
		bystander.waitFor("interviewer")
	}

	hostileRound := srv.createRound("coding", 30, 3)

	t.Run("a malformed SDP offer gets an rtc error and the connection stays open", func(t *testing.T) {
		a := srv.mustDial(hostileRound.ID)
		a.send(mockloop.Message{Type: "hello"})
		a.waitFor("state")
		a.send(mockloop.Message{Type: "rtc_offer", SDP: "v=0\r\nthis is not SDP\r\nm=audio banana"})
		e, _ := a.waitFor("error")
		if e.Code != mockloop.CodeRTC {
			t.Fatalf("code = %q, want rtc", e.Code)
		}
		a.send(mockloop.Message{Type: "ping"})
		a.waitFor("pong")
		answerPromptly(t, "after-sdp")
		a.conn.Close()
	})

	t.Run("a flood of 1,000 messages is rate limited while another session answers promptly", func(t *testing.T) {
		a := srv.mustDial(hostileRound.ID)
		flooded := make(chan error, 1)
		go func() {
			ping, _ := json.Marshal(mockloop.Message{V: mockloop.ProtocolVersion, Type: "ping"})
			for range 1000 {
				if err := a.conn.WriteMessage(websocket.TextMessage, ping); err != nil {
					flooded <- err // the server may cut the flooder off
					return
				}
			}
			flooded <- nil
		}()
		answerPromptly(t, "during-flood")
		if err := <-flooded; err != nil {
			t.Logf("flood cut off after the server closed: %v", err)
		}
		var pongs, limited int
		closed := false
	read:
		for {
			select {
			case m, ok := <-a.msgs:
				if !ok {
					closed = true
					break read
				}
				switch {
				case m.Type == "pong":
					pongs++
				case m.Type == "error" && m.Code == mockloop.CodeRateLimited:
					limited++
				}
				if pongs+limited == 1000 {
					break read
				}
			case <-time.After(2 * time.Second):
				break read // the server has answered all it will
			}
		}
		if limited == 0 && !closed {
			t.Fatalf("1,000 pings: %d pongs, no rate_limited error and not closed", pongs)
		}
		if pongs >= 1000 {
			t.Fatalf("all 1,000 pings answered; no rate limit")
		}
		t.Logf("1,000 pings: %d pongs, %d rate_limited, closed %v", pongs, limited, closed)
		a.conn.Close()
	})

	t.Run("an oversized frame closes that connection with 1009 and nothing else", func(t *testing.T) {
		a := srv.mustDial(hostileRound.ID)
		big := `{"v":1,"type":"answer","id":"x","text":"` + strings.Repeat("y", mockloop.MaxMessageBytes+1) + `"}`
		if err := a.conn.WriteMessage(websocket.TextMessage, []byte(big)); err != nil {
			t.Fatal(err)
		}
		for range a.msgs {
		}
		if err := <-a.errc; !websocket.IsCloseError(err, websocket.CloseMessageTooBig) {
			t.Fatalf("after an oversized frame: %v, want close 1009", err)
		}
		answerPromptly(t, "after-oversize")
		if got := candidateTurns(getRound(t, srv.URL, hostileRound.ID).Turns); len(got) != 0 {
			t.Fatalf("the oversized answer was stored: %+v", got)
		}
	})

	t.Run("the server still serves new rounds afterwards", func(t *testing.T) {
		c := srv.mustDial(srv.createRound("system_design", 30, 4).ID)
		c.send(mockloop.Message{Type: "hello"})
		if st, _ := c.waitFor("state"); st.Round == nil {
			t.Fatal("no round in state")
		}
	})
}

func TestFaultSpeechEndpointFailsAndSphinxTakesOver(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("speaks real audio")
	}
	clip := speechFile(t, "fleurs_en_001.wav")
	var calls atomic.Int64
	stt := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		http.Error(w, `{"error":{"message":"model crashed","type":"server_error"}}`, http.StatusInternalServerError)
	}))
	defer stt.Close()
	cfg := testConfig(t.TempDir())
	cfg.STT, cfg.STTURL, cfg.STTModel = "openai", stt.URL+"/v1", "whisper-1"
	srv := startServer(t, cfg)

	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	res, err := dial.Run(ctx, dial.Options{BaseURL: srv.URL, WAV: clip, Answers: 1, Done: true, Timeout: 80 * time.Second})
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	if calls.Load() == 0 {
		t.Fatal("the OpenAI-compatible endpoint was never called")
	}
	var notices []string
	for _, e := range res.Events {
		if e.Type == "notice" {
			var m mockloop.Message
			if json.Unmarshal(e.Msg, &m) == nil {
				notices = append(notices, m.Text)
			}
		}
	}
	if len(notices) == 0 {
		t.Error("no notice told the page that transcription fell back")
	}
	if len(res.Utterances) == 0 || len(res.Feedback) != 1 {
		t.Fatalf("%d utterances, %d feedback; want the answer transcribed and analysed", len(res.Utterances), len(res.Feedback))
	}
	for _, u := range res.Utterances {
		if !strings.Contains(u.Engine, "sphinx") || strings.TrimSpace(u.Text) == "" {
			t.Errorf("utterance by %q: %q, want text from the sphinx fallback", u.Engine, u.Text)
		}
	}
	t.Logf("notices: %q; transcript: %q", notices, res.TranscriptText)
}
