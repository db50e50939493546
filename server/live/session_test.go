package live

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/prompts"
	"github.com/mockloop/mockloop/server/round"
	"github.com/mockloop/mockloop/server/sqlitestore"
)

// fakeOutbox collects what the session sends.
type fakeOutbox struct{ msgs chan mockloop.Message }

func (o *fakeOutbox) Send(m mockloop.Message) bool { o.msgs <- m; return true }
func (o *fakeOutbox) Close(code, text string) {
	o.msgs <- mockloop.Message{Type: "error", Code: code, Message: text}
}

func (o *fakeOutbox) next(t *testing.T, typ string) (mockloop.Message, []mockloop.Message) {
	t.Helper()
	var skipped []mockloop.Message
	for {
		select {
		case m := <-o.msgs:
			if m.Type == typ {
				return m, skipped
			}
			skipped = append(skipped, m)
		case <-time.After(5 * time.Second):
			t.Fatalf("no %q message; got %d others", typ, len(skipped))
		}
	}
}

// fakeClock is a settable time source.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// testDeps opens a store and the default bank, with the scripted
// interviewer and a fake clock.
func testDeps(t *testing.T) (Deps, *sqlitestore.DB, *fakeClock) {
	t.Helper()
	db, err := sqlitestore.Open(context.Background(), t.TempDir()+"/t.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	bank, err := prompts.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	return Deps{Store: db, Bank: bank, Interviewer: round.Scripted{}, Logger: slog.New(slog.DiscardHandler), Now: clk.Now}, db, clk
}

// createRounds stores a 20-minute behavioral round for each id.
func createRounds(t *testing.T, deps Deps, db *sqlitestore.DB, nudges bool, ids ...string) {
	t.Helper()
	for i, id := range ids {
		state, err := NewRoundState(deps, round.Config{Kind: mockloop.KindBehavioral, Minutes: 20, Seed: int64(i + 1)}, nudges)
		if err != nil {
			t.Fatal(err)
		}
		now := deps.Now()
		r := &mockloop.Round{ID: id, Kind: mockloop.KindBehavioral, Status: mockloop.StatusActive, Seed: int64(i + 1), Minutes: 20, CreatedAt: now, UpdatedAt: now, State: state}
		if err := db.CreateRound(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
}

func newTestSession(t *testing.T, nudges bool) (*Session, *fakeOutbox, *fakeClock) {
	t.Helper()
	deps, db, clk := testDeps(t)
	createRounds(t, deps, db, nudges, "r1")
	s, out := attachHello(t, deps, "r1")
	return s, out, clk
}

// attachHello opens round id on a new hub, says hello and takes the
// state and the opening question.
func attachHello(t *testing.T, deps Deps, id string) (*Session, *fakeOutbox) {
	t.Helper()
	hub := NewHub(deps)
	t.Cleanup(hub.Shutdown)
	out := &fakeOutbox{msgs: make(chan mockloop.Message, 256)}
	s, err := hub.Attach(context.Background(), id, out)
	if err != nil {
		t.Fatal(err)
	}
	s.Hello()
	out.next(t, "state")
	out.next(t, "interviewer")
	return s, out
}

func TestNudgesFollowTheRoundsChoice(t *testing.T) {
	for _, tc := range []struct {
		name   string
		nudges bool
	}{
		{"with live coaching, running over the timebox gets a nudge", true},
		{"in a realistic round, no nudge is sent", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, out, clk := newTestSession(t, tc.nudges)
			clk.Add(4 * time.Minute) // past the 3-minute behavioral timebox
			s.Draft("so we had a problem and we worked on it together")
			live, _ := out.next(t, "live")
			if live.Metrics == nil || live.Metrics.Words == 0 {
				t.Fatalf("live meters = %+v", live.Metrics)
			}
			// Hello runs after the draft on the session goroutine, so a
			// nudge, if any, arrives before the state.
			s.Hello()
			_, between := out.next(t, "state")
			var got []string
			for _, m := range between {
				if m.Type == "nudge" {
					got = append(got, m.Code)
				}
			}
			if tc.nudges && (len(got) != 1 || got[0] != nudgeOverTime) {
				t.Fatalf("nudges = %v, want [%s]", got, nudgeOverTime)
			}
			if !tc.nudges && len(got) != 0 {
				t.Fatalf("nudges = %v in a realistic round", got)
			}
		})
	}
}

func TestStorageReasonKeepsTheChainOutOfThePage(t *testing.T) {
	cause := errors.New("sqlite: SQLITE_IOERR_WRITE (778) at /home/me/.local/share/mockloop/mockloop.db")
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"a read-only store", fmt.Errorf("save step: %w: %w", mockloop.ErrReadOnly, cause), "read-only"},
		{"a full disk", fmt.Errorf("save step: %w: %w", mockloop.ErrStorageFull, cause), "disk is full"},
		{"a lock held by another process", fmt.Errorf("save step: %w: %w", mockloop.ErrStorageLocked, cause), "locked by another mockloop"},
		{"anything else", fmt.Errorf("save step: %w", cause), "server log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := storageReason(tt.err)
			if !strings.Contains(got, tt.want) {
				t.Errorf("storageReason = %q, want it to say %q", got, tt.want)
			}
			if strings.Contains(got, "SQLITE") || strings.Contains(got, "/home/") {
				t.Errorf("storageReason = %q leaks the error chain to the page", got)
			}
		})
	}
}
