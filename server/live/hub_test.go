package live

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
)

// newTestHub returns a hub over a fresh store with n behavioral rounds
// r0..r(n-1) created.
func newTestHub(t *testing.T, n int) (*Hub, *fakeClock) {
	t.Helper()
	deps, db, clk := testDeps(t)
	deps.IdleTimeout = time.Minute
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("r%d", i)
	}
	createRounds(t, deps, db, true, ids...)
	hub := NewHub(deps)
	t.Cleanup(hub.Shutdown)
	return hub, clk
}

// waitFor polls cond until it holds or the deadline passes. The session
// loop checks for idleness on its 1 s clock, so eviction is observed, not
// signalled.
func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestHubEvictsSessionsLeftIdle(t *testing.T) {
	const rounds = 200
	before := runtime.NumGoroutine()
	hub, clk := newTestHub(t, rounds)
	ctx := context.Background()
	for i := range rounds {
		out := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
		s, err := hub.Attach(ctx, fmt.Sprintf("r%d", i), out)
		if err != nil {
			t.Fatal(err)
		}
		s.Hello()
		out.next(t, "interviewer")
		hub.Detach(s, out)
	}
	if got := hub.Active(); got != rounds {
		t.Fatalf("%d sessions running right after the pages left, want %d (a refresh must find them)", got, rounds)
	}
	clk.Add(2 * time.Minute)
	waitFor(t, 10*time.Second, "every idle session evicted", func() bool { return hub.Active() == 0 })
	// Goroutines of the sessions (loops and tickers) are gone too; a few
	// of the runtime's own may come and go, hence the small margin.
	waitFor(t, 10*time.Second, "no session goroutines left", func() bool { return runtime.NumGoroutine() <= before+5 })
}

func TestHubKeepsAttachedAndRecentSessions(t *testing.T) {
	hub, clk := newTestHub(t, 2)
	ctx := context.Background()
	attached := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
	if _, err := hub.Attach(ctx, "r0", attached); err != nil {
		t.Fatal(err)
	}
	left := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
	s1, err := hub.Attach(ctx, "r1", left)
	if err != nil {
		t.Fatal(err)
	}
	hub.Detach(s1, left)
	clk.Add(30 * time.Second)           // inside the idle timeout
	time.Sleep(1200 * time.Millisecond) // one tick of the session clock
	if got := hub.Active(); got != 2 {
		t.Fatalf("%d sessions running, want 2: an attached page and a page gone for less than the timeout keep theirs", got)
	}
	again, err := hub.Attach(ctx, "r1", left)
	if err != nil {
		t.Fatal(err)
	}
	if again != s1 {
		t.Error("a refresh inside the idle timeout got a new session instead of the running one")
	}
	clk.Add(5 * time.Minute)
	time.Sleep(1200 * time.Millisecond)
	if got := hub.Active(); got != 2 {
		t.Fatalf("%d sessions running, want 2: both pages are attached", got)
	}
}

func TestEvictedRoundResumesWhereItWas(t *testing.T) {
	hub, clk := newTestHub(t, 1)
	ctx := context.Background()
	out := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
	s, err := hub.Attach(ctx, "r0", out)
	if err != nil {
		t.Fatal(err)
	}
	s.Hello()
	asked, _ := out.next(t, "interviewer")
	hub.Detach(s, out)
	clk.Add(2 * time.Minute)
	waitFor(t, 10*time.Second, "the idle session evicted", func() bool { return hub.Active() == 0 })

	out2 := &fakeOutbox{msgs: make(chan mockloop.Message, 64)}
	s2, err := hub.Attach(ctx, "r0", out2)
	if err != nil {
		t.Fatal(err)
	}
	s2.Hello()
	st, _ := out2.next(t, "state")
	if st.Question == nil || st.Question.Text == "" {
		t.Fatalf("resumed state has no question: %+v", st)
	}
	if asked.Turn == nil || !strings.HasSuffix(asked.Turn.Text, st.Question.Text) {
		t.Errorf("resumed at %q, want the question asked before eviction %q", st.Question.Text, asked.Turn.Text)
	}
}
