package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/round"
)

// trigger is the answer text that makes panicky panic on the next reply.
const trigger = "please panic now"

// panicky is the scripted interviewer, except that it panics when the
// candidate's last answer is the trigger: a bug in one session's
// interviewer call.
type panicky struct{ round.Scripted }

func (p panicky) Say(ctx context.Context, pr mockloop.Prompt, emit func(string)) (string, error) {
	if n := len(pr.History); n > 0 && pr.History[n-1].Text == trigger {
		panic("injected interviewer bug")
	}
	return p.Scripted.Say(ctx, pr, emit)
}

// failing is an LLM interviewer that always fails before any text.
type failing struct{ err error }

func (f failing) Name() string { return "llm:test" }
func (f failing) Say(context.Context, mockloop.Prompt, func(string)) (string, error) {
	return "", f.err
}

// newHub opens a store, the default bank and a hub with iv as the
// interviewer (scripted fallback), and creates the rounds ids.
func newHub(t *testing.T, iv mockloop.Interviewer, ids ...string) *Hub {
	t.Helper()
	return newHubLog(t, iv, slog.New(slog.DiscardHandler), ids...)
}

// syncBuffer is a log destination the session goroutines can share.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func newHubLog(t *testing.T, iv mockloop.Interviewer, log *slog.Logger, ids ...string) *Hub {
	t.Helper()
	deps, db, _ := testDeps(t)
	deps.Interviewer, deps.Scripted, deps.Logger = iv, round.Scripted{}, log
	createRounds(t, deps, db, false, ids...)
	hub := NewHub(deps)
	t.Cleanup(hub.Shutdown)
	return hub
}

func attach(t *testing.T, hub *Hub, id string) (*Session, *fakeOutbox) {
	t.Helper()
	out := &fakeOutbox{msgs: make(chan mockloop.Message, 1024)}
	s, err := hub.Attach(context.Background(), id, out)
	if err != nil {
		t.Fatal(err)
	}
	s.Hello()
	out.next(t, "state")
	return s, out
}

// finishRound answers every question until the round ends and returns
// the interviewer turns.
func finishRound(t *testing.T, s *Session, out *fakeOutbox) []mockloop.Turn {
	t.Helper()
	var asked []mockloop.Turn
	for i := 0; i < 60; i++ {
		m, _ := out.next(t, "interviewer")
		asked = append(asked, *m.Turn)
		if m.Phase == mockloop.PhaseFinished {
			return asked
		}
		s.Answer(fmt.Sprint(i), "I led the migration of our billing service to a new queue, measured the error rate every day and cut failures by forty percent in two months.")
		out.next(t, "ack")
	}
	t.Fatal("the round did not finish in 60 turns")
	return nil
}

func TestPanicInOneSessionLeavesAnotherWorking(t *testing.T) {
	var logs syncBuffer
	hub := newHubLog(t, panicky{}, slog.New(slog.NewTextHandler(&logs, nil)), "bad", "good")
	bad, badOut := attach(t, hub, "bad")
	good, goodOut := attach(t, hub, "good")
	badOut.next(t, "interviewer")

	bad.Answer("1", trigger)
	closed, _ := badOut.next(t, "error")
	if closed.Code != mockloop.CodeInternal {
		t.Fatalf("the panicking session closed with %q (%s), want %q", closed.Code, closed.Message, mockloop.CodeInternal)
	}
	<-bad.ctx.Done()
	if !errors.Is(context.Cause(bad.ctx), errSessionPanic) {
		t.Fatalf("cause = %v, want errSessionPanic", context.Cause(bad.ctx))
	}

	t.Run("the panic is logged with the round id and where it happened", func(t *testing.T) {
		var line string
		for _, l := range strings.Split(logs.String(), "\n") {
			if strings.Contains(l, "session panicked") {
				line = l
			}
		}
		if !strings.Contains(line, "round=bad") || !strings.Contains(line, "where=reply") || !strings.Contains(line, "injected interviewer bug") {
			t.Errorf("panic log line %q lacks the round, the place or the value", line)
		}
	})
	t.Run("the other session finishes its whole round", func(t *testing.T) {
		asked := finishRound(t, good, goodOut)
		if len(asked) < 3 {
			t.Fatalf("only %d interviewer turns", len(asked))
		}
	})
	t.Run("the crashed round opens again from the store with the answer saved", func(t *testing.T) {
		out := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
		s, err := hub.Attach(context.Background(), "bad", out)
		if err != nil {
			t.Fatal(err)
		}
		if s == bad {
			t.Fatal("Attach returned the dead session")
		}
		s.Hello()
		st, _ := out.next(t, "state")
		if n := len(st.Turns); n == 0 || st.Turns[n-1].Text != trigger {
			t.Fatalf("restored turns %+v, want the answer given before the panic last", st.Turns)
		}
	})
}

func TestLLMFailureFallsBackToScriptedWithANotice(t *testing.T) {
	hub := newHub(t, failing{err: errors.New("connection refused")}, "r")
	_, out := attach(t, hub, "r")
	m, skipped := out.next(t, "interviewer")
	if m.Turn.Source != "scripted" {
		t.Errorf("turn source = %q, want scripted", m.Turn.Source)
	}
	if strings.TrimSpace(m.Turn.Text) == "" {
		t.Error("the scripted fallback said nothing")
	}
	notices := 0
	for _, x := range skipped {
		if x.Type == "notice" {
			notices++
		}
	}
	if notices != 1 {
		t.Errorf("%d notices before the turn, want 1", notices)
	}
}

// leadIn is an LLM that only ever says a lead-in, as the turn prompt asks
// it to for a main question.
type leadIn struct{}

func (leadIn) Name() string { return "llm:leadin" }
func (leadIn) Say(_ context.Context, p mockloop.Prompt, emit func(string)) (string, error) {
	emit("Thanks, that is helpful.")
	return "Thanks, that is helpful.", nil
}

func TestTheBankQuestionIsAlwaysSaid(t *testing.T) {
	hub := newHub(t, leadIn{}, "r")
	s, out := attach(t, hub, "r")
	m, _ := out.next(t, "interviewer")
	if m.Turn.Kind != mockloop.TurnQuestion || m.Question == nil {
		t.Fatalf("first turn %+v is not a main question", m.Turn)
	}
	if !strings.HasPrefix(m.Turn.Text, "Thanks, that is helpful.") || !mentions(m.Turn.Text, m.Question.Text) {
		t.Errorf("turn %q: want the LLM's lead-in, then the bank's question %q", m.Turn.Text, m.Question.Text)
	}
	if m.Turn.Source != "llm:leadin" {
		t.Errorf("source %q, want the LLM", m.Turn.Source)
	}
	s.Answer("1", "I led the migration and we cut failures by forty percent.")
	next, _ := out.next(t, "interviewer")
	if next.Turn.Kind == mockloop.TurnProbe && mentions(next.Turn.Text, m.Question.Text) {
		t.Errorf("a probe repeated the main question: %q", next.Turn.Text)
	}
}

func TestUnsaid(t *testing.T) {
	const q = "Tell me about a time you disagreed with your manager."
	tests := []struct {
		name     string
		kind     mockloop.TurnKind
		scripted string
		said     string
		want     string
	}{
		{"a lead-in alone gets the question", mockloop.TurnQuestion, "Thanks. Let's move on. " + q, "Thanks, that was clear.", q},
		{"the question already said gets nothing", mockloop.TurnQuestion, "Thanks. " + q, "OK. tell me about a time you DISAGREED with your manager", ""},
		{"a design problem gets the question and its first phase", mockloop.TurnQuestion, "Here's the problem. " + q + " Start with the requirements.", "Great, next one.", q + " Start with the requirements."},
		{"a move to the next phase adds nothing", mockloop.TurnQuestion, "Good. Now the data model.", "Good, now the data model.", ""},
		{"a probe adds nothing", mockloop.TurnProbe, "What did you measure?", "And the numbers?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mockloop.Prompt{Kind: tt.kind, Scripted: tt.scripted, Question: q}
			if got := unsaid(p, tt.said); got != tt.want {
				t.Errorf("unsaid = %q, want %q", got, tt.want)
			}
		})
	}
}
