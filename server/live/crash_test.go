package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/sqlitestore"
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
	ctx := context.Background()
	db, err := sqlitestore.Open(ctx, t.TempDir()+"/t.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bank, err := prompts.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{}
	deps := Deps{Store: db, Bank: bank, Interviewer: iv, Scripted: round.Scripted{}, Logger: slog.New(slog.DiscardHandler), Now: clk.Now}
	for _, id := range ids {
		state, err := NewRoundState(deps, round.Config{Kind: mockloop.KindBehavioral, Minutes: 20, Seed: 1}, false)
		if err != nil {
			t.Fatal(err)
		}
		r := &mockloop.Round{ID: id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusActive, Seed: 1, Minutes: 20, State: state}
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
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
	hub := newHub(t, panicky{}, "bad", "good")
	bad, badOut := attach(t, hub, "bad")
	good, goodOut := attach(t, hub, "good")
	badOut.next(t, "interviewer")

	bad.Answer("1", trigger)
	closed, _ := badOut.next(t, "error")
	if closed.Code != codeInternal {
		t.Fatalf("the panicking session closed with %q (%s), want %q", closed.Code, closed.Message, codeInternal)
	}
	<-bad.ctx.Done()
	if !errors.Is(context.Cause(bad.ctx), errSessionPanic) {
		t.Fatalf("cause = %v, want errSessionPanic", context.Cause(bad.ctx))
	}

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
