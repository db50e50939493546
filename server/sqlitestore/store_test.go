package sqlitestore

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/sync/errgroup"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// stored is what the golden file records: everything a Store gives back
// for one round. State is tagged json:"-" on Round, so it is listed on its
// own.
type stored struct {
	Round      *mockloop.Round      `json:"round"`
	State      string               `json:"state"`
	Turns      []mockloop.Turn      `json:"turns"`
	Utterances []mockloop.Utterance `json:"utterances"`
}

func load(t *testing.T, db *DB, id string) stored {
	t.Helper()
	ctx := ctxT(t)
	r, err := db.Round(ctx, id)
	if err != nil {
		t.Fatalf("Round: %v", err)
	}
	turns, err := db.Turns(ctx, id)
	if err != nil {
		t.Fatalf("Turns: %v", err)
	}
	utts, err := db.Utterances(ctx, id)
	if err != nil {
		t.Fatalf("Utterances: %v", err)
	}
	return stored{Round: r, State: string(r.State), Turns: turns, Utterances: utts}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatalf("update golden: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run with -update to create): %v", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from what the store returned; run go test -update and review the diff.\ngot:\n%s", path, got)
	}
}

func TestRoundTrip(t *testing.T) {
	db, _ := openTemp(t)
	r, turns, utts := seed(t, db, "r1")
	got := load(t, db, "r1")

	t.Run("every field of the round comes back as written", func(t *testing.T) {
		if !reflect.DeepEqual(got.Round, r) {
			t.Errorf("round:\n got %+v\nwant %+v", got.Round, r)
		}
	})
	t.Run("every field of every turn comes back as written", func(t *testing.T) {
		if len(got.Turns) != len(turns) {
			t.Fatalf("got %d turns, want %d", len(got.Turns), len(turns))
		}
		for i, want := range turns {
			if want.ID == 0 || want.RoundID != "r1" {
				t.Errorf("SaveStep did not set ID and RoundID on turn %d: %+v", i, want)
			}
			if !reflect.DeepEqual(got.Turns[i], *want) {
				t.Errorf("turn %d:\n got %+v\nwant %+v", i, got.Turns[i], *want)
			}
		}
	})
	t.Run("every field of every utterance comes back as written", func(t *testing.T) {
		if len(got.Utterances) != len(utts) {
			t.Fatalf("got %d utterances, want %d", len(got.Utterances), len(utts))
		}
		for i, want := range utts {
			if want.ID == 0 {
				t.Errorf("AddUtterance did not set ID on utterance %d", i)
			}
			if !reflect.DeepEqual(got.Utterances[i], *want) {
				t.Errorf("utterance %d:\n got %+v\nwant %+v", i, got.Utterances[i], *want)
			}
		}
	})
	t.Run("the JSON of what comes back matches the golden file", func(t *testing.T) {
		b, err := json.MarshalIndent(got, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		golden(t, "roundtrip.golden.json", append(b, '\n'))
	})
	t.Run("findings rows mirror the answer's report", func(t *testing.T) {
		rows, err := db.db.Query(`SELECT turn_id, round_id, code, severity, message FROM findings ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var gotRows []string
		for rows.Next() {
			var id int64
			var rid, code, sev, msg string
			if err := rows.Scan(&id, &rid, &code, &sev, &msg); err != nil {
				t.Fatal(err)
			}
			gotRows = append(gotRows, fmt.Sprintf("%d %s %s %s %s", id, rid, code, sev, msg))
		}
		want := []string{
			fmt.Sprintf("%d r1 filler_heavy medium Fillers at the start.", turns[1].ID),
			fmt.Sprintf("%d r1 no_result high No result stated.", turns[1].ID),
		}
		if !reflect.DeepEqual(gotRows, want) {
			t.Errorf("findings rows:\n got %q\nwant %q", gotRows, want)
		}
	})
}

func TestSaveStepUpdatesAndRewritesFindings(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	r, turns, _ := seed(t, db, "r1")

	// The engine commits the typed answer with a report and moves on.
	r.Status = mockloop.StatusActive
	r.FinishedAt = nil
	r.Debrief = nil
	r.State = []byte(`{"q":4}`)
	r.UpdatedAt = at(2000)
	answer := turns[3]
	answer.EndedAt = ptr(at(20))
	answer.Report = &analysis.Report{Round: analysis.Behavioral, Text: answer.Text,
		Findings: []analysis.Finding{{Code: "too_short", Severity: analysis.High, Message: "Very short."}}}
	turns[1].Report = nil // a report can also be withdrawn
	next := &mockloop.Turn{Seq: 4, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnClosing, Text: "Thanks.", StartedAt: at(21)}
	if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{answer, turns[1], next}}); err != nil {
		t.Fatalf("SaveStep: %v", err)
	}
	got := load(t, db, "r1")
	if !reflect.DeepEqual(got.Round, r) {
		t.Errorf("round not updated:\n got %+v\nwant %+v", got.Round, r)
	}
	if len(got.Turns) != 5 || !reflect.DeepEqual(got.Turns[3], *answer) || !reflect.DeepEqual(got.Turns[4], *next) || got.Turns[1].Report != nil {
		t.Errorf("turns not updated: %+v", got.Turns)
	}
	var codes []string
	rows, err := db.db.Query(`SELECT code FROM findings ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var c string
		rows.Scan(&c)
		codes = append(codes, c)
	}
	if !reflect.DeepEqual(codes, []string{"too_short"}) {
		t.Errorf("findings after rewrite = %q, want only too_short", codes)
	}
}

func TestSaveStepIsAtomic(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	r, _, _ := seed(t, db, "r1")
	before := load(t, db, "r1")

	r.State = []byte(`{"should":"not stick"}`)
	fresh := &mockloop.Turn{Seq: 10, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, Text: "new", StartedAt: at(30)}
	clash := &mockloop.Turn{Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: "duplicate seq", StartedAt: at(31)}
	err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{fresh, clash}})
	if err == nil {
		t.Fatal("SaveStep with a duplicate seq succeeded")
	}
	t.Run("a failed step leaves the database as it was", func(t *testing.T) {
		if after := load(t, db, "r1"); !reflect.DeepEqual(after, before) {
			t.Errorf("database changed by a failed step:\n got %+v\nwant %+v", after, before)
		}
	})
	t.Run("a failed step leaves new turns unnumbered so it can be retried", func(t *testing.T) {
		if fresh.ID != 0 || fresh.RoundID != "" {
			t.Errorf("fresh turn got ID %d round %q from a failed step", fresh.ID, fresh.RoundID)
		}
		clash.Seq = 11
		if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{fresh, clash}}); err != nil {
			t.Fatalf("retry: %v", err)
		}
		if fresh.ID == 0 || clash.ID == 0 {
			t.Errorf("retry did not number the turns")
		}
	})
}

func TestNotFound(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	seed(t, db, "r1")
	cases := []struct {
		name string
		call func() error
	}{
		{"reading a missing round", func() error { _, err := db.Round(ctx, "nope"); return err }},
		{"listing turns of a missing round", func() error { _, err := db.Turns(ctx, "nope"); return err }},
		{"listing utterances of a missing round", func() error { _, err := db.Utterances(ctx, "nope"); return err }},
		{"saving a step for a missing round", func() error {
			return db.SaveStep(ctx, mockloop.Step{Round: fixtureRound("nope")})
		}},
		{"adding a turn to a missing round", func() error {
			return db.SaveStep(ctx, mockloop.Step{Turns: []*mockloop.Turn{{RoundID: "nope", StartedAt: t0}}})
		}},
		{"updating a turn that does not exist", func() error {
			return db.SaveStep(ctx, mockloop.Step{Round: fixtureRound("r1"), Turns: []*mockloop.Turn{{ID: 9999, StartedAt: t0}}})
		}},
		{"adding an utterance to a missing round", func() error {
			return db.AddUtterance(ctx, &mockloop.Utterance{RoundID: "nope", CreatedAt: t0})
		}},
		{"deleting a missing round", func() error { return db.DeleteRound(ctx, "nope") }},
	}
	for _, c := range cases {
		t.Run(c.name+" gives ErrNotFound", func(t *testing.T) {
			if err := c.call(); !errors.Is(err, mockloop.ErrNotFound) {
				t.Errorf("err = %v, want ErrNotFound", err)
			}
		})
	}
	t.Run("a round with no turns or utterances lists empty, not ErrNotFound", func(t *testing.T) {
		if err := db.CreateRound(ctx, &mockloop.Round{ID: "empty", Kind: mockloop.KindCoding, Status: mockloop.StatusActive, CreatedAt: t0, UpdatedAt: t0}); err != nil {
			t.Fatal(err)
		}
		if turns, err := db.Turns(ctx, "empty"); err != nil || len(turns) != 0 {
			t.Errorf("Turns = %v, %v", turns, err)
		}
		if utts, err := db.Utterances(ctx, "empty"); err != nil || len(utts) != 0 {
			t.Errorf("Utterances = %v, %v", utts, err)
		}
	})
	t.Run("creating a round with a taken id fails", func(t *testing.T) {
		if err := db.CreateRound(ctx, fixtureRound("r1")); err == nil || !strings.Contains(err.Error(), "already taken") {
			t.Errorf("err = %v, want id already taken", err)
		}
	})
}

func TestRestartAndResume(t *testing.T) {
	ctx := ctxT(t)
	path := filepath.Join(t.TempDir(), "mockloop.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	r, _, _ := seed(t, db, "r1")
	before := load(t, db, "r1")
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	db, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	t.Run("state, turns and utterances are identical after a restart", func(t *testing.T) {
		if after := load(t, db, "r1"); !reflect.DeepEqual(after, before) {
			t.Errorf("after restart:\n got %+v\nwant %+v", after, before)
		}
	})
	t.Run("the round continues with new turns after a restart", func(t *testing.T) {
		next := &mockloop.Turn{Seq: 4, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, QuestionIdx: 1, Text: "Next question.", StartedAt: at(40)}
		r.State = []byte(`{"q":1}`)
		if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{next}}); err != nil {
			t.Fatal(err)
		}
		got := load(t, db, "r1")
		if len(got.Turns) != 5 || got.Turns[4].ID <= before.Turns[3].ID || got.State != `{"q":1}` {
			t.Errorf("resume: turns %+v state %s", got.Turns, got.State)
		}
	})
}

func TestConcurrentAddUtterance(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	seed(t, db, "r1")
	const writers, each = 8, 25
	var g errgroup.Group
	for w := range writers {
		g.Go(func() error {
			for i := range each {
				u := &mockloop.Utterance{RoundID: "r1", TurnSeq: 10 + w, Seq: i,
					Text: fmt.Sprintf("writer %d utterance %d", w, i), CreatedAt: at(float64(i))}
				if err := db.AddUtterance(ctx, u); err != nil {
					return fmt.Errorf("writer %d: %w", w, err)
				}
				if u.ID == 0 {
					return fmt.Errorf("writer %d: no ID", w)
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		t.Fatalf("concurrent AddUtterance: %v", err)
	}
	utts, err := db.Utterances(ctx, "r1")
	if err != nil {
		t.Fatal(err)
	}
	t.Run("every utterance from every goroutine is stored once", func(t *testing.T) {
		if got, want := len(utts), 2+writers*each; got != want {
			t.Fatalf("got %d utterances, want %d", got, want)
		}
		ids := map[int64]bool{}
		for _, u := range utts {
			if ids[u.ID] {
				t.Errorf("duplicate ID %d", u.ID)
			}
			ids[u.ID] = true
		}
	})
	t.Run("they come back ordered by turn then seq", func(t *testing.T) {
		for i, u := range utts[2:] {
			w, n := i/each, i%each
			if want := fmt.Sprintf("writer %d utterance %d", w, n); u.Text != want {
				t.Fatalf("utterance %d = %q, want %q", i, u.Text, want)
			}
		}
	})
}

func TestOrdering(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	rng := rand.New(rand.NewPCG(1, 2))

	// Rounds created out of time order; two share a creation time, where
	// the later insert counts as newer.
	offsets := []float64{30, 10, 50, 20, 50}
	for i, off := range offsets {
		r := &mockloop.Round{ID: fmt.Sprintf("r%d", i), Kind: mockloop.KindCoding, Status: mockloop.StatusActive, CreatedAt: at(off), UpdatedAt: at(off)}
		if err := db.CreateRound(ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("rounds come newest first", func(t *testing.T) {
		rs, err := db.Rounds(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		if want := []string{"r4", "r2", "r0", "r3", "r1"}; !reflect.DeepEqual(ids, want) {
			t.Errorf("order = %v, want %v", ids, want)
		}
	})
	t.Run("a limit keeps the newest rounds", func(t *testing.T) {
		rs, err := db.Rounds(ctx, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(rs) != 2 || rs[0].ID != "r4" || rs[1].ID != "r2" {
			t.Errorf("Rounds(2) = %+v", rs)
		}
	})
	t.Run("turns come by seq whatever the insert order", func(t *testing.T) {
		var turns []*mockloop.Turn
		for _, seq := range rng.Perm(12) {
			turns = append(turns, &mockloop.Turn{Seq: seq, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnQuestion, StartedAt: t0})
		}
		if err := db.SaveStep(ctx, mockloop.Step{Turns: turns[:6]}); err == nil {
			t.Fatal("turns without a round id were accepted")
		}
		for _, tn := range turns {
			tn.RoundID = "r0"
		}
		if err := db.SaveStep(ctx, mockloop.Step{Turns: turns}); err != nil {
			t.Fatal(err)
		}
		got, err := db.Turns(ctx, "r0")
		if err != nil {
			t.Fatal(err)
		}
		for i, tn := range got {
			if tn.Seq != i {
				t.Fatalf("turn %d has seq %d", i, tn.Seq)
			}
		}
	})
	t.Run("utterances come by turn seq then seq whatever the insert order", func(t *testing.T) {
		type key struct{ turn, seq int }
		var keys []key
		for turn := range 4 {
			for seq := range 5 {
				keys = append(keys, key{turn * 2, seq})
			}
		}
		rng.Shuffle(len(keys), func(i, j int) { keys[i], keys[j] = keys[j], keys[i] })
		for _, k := range keys {
			if err := db.AddUtterance(ctx, &mockloop.Utterance{RoundID: "r1", TurnSeq: k.turn, Seq: k.seq, CreatedAt: t0}); err != nil {
				t.Fatal(err)
			}
		}
		got, err := db.Utterances(ctx, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(keys) {
			t.Fatalf("got %d utterances, want %d", len(got), len(keys))
		}
		for i, u := range got {
			if u.TurnSeq != (i/5)*2 || u.Seq != i%5 {
				t.Fatalf("utterance %d is (%d,%d)", i, u.TurnSeq, u.Seq)
			}
		}
	})
}

func TestLargeAnswer(t *testing.T) {
	db, _ := openTemp(t)
	ctx := ctxT(t)
	r := fixtureRound("big")
	if err := db.CreateRound(ctx, r); err != nil {
		t.Fatal(err)
	}
	// 20,000 words is the protocol's cap on one answer.
	const n = 20000
	words := make([]string, n)
	rw := make([]analysis.Word, n)
	for i := range words {
		words[i] = fmt.Sprintf("word%d", i)
		rw[i] = analysis.Word{W: words[i], Start: float64(i) * 0.4, End: float64(i)*0.4 + 0.3}
	}
	text := strings.Join(words, " ")
	turn := &mockloop.Turn{Seq: 1, Role: mockloop.RoleCandidate, Kind: mockloop.TurnAnswer, Text: text, StartedAt: t0,
		Report: &analysis.Report{Round: analysis.Behavioral, Text: text, Words: rw,
			Findings: []analysis.Finding{{Code: "too_long", Severity: analysis.High, Message: "Long."}}}}
	if err := db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{turn}}); err != nil {
		t.Fatal(err)
	}
	got, err := db.Turns(ctx, "big")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Text != text || !reflect.DeepEqual(got[0].Report, turn.Report) {
		t.Errorf("a 20,000-word answer did not round-trip (got %d bytes of text)", len(got[0].Text))
	}
}

func TestDelete(t *testing.T) {
	ctx := ctxT(t)
	db, path := openTemp(t)
	seed(t, db, "keep")
	seed(t, db, "drop")
	// A phrase that must not survive on disk once its round is deleted.
	canary := "canary-7f3a my manager said the budget was secret"
	if err := db.AddUtterance(ctx, &mockloop.Utterance{RoundID: "drop", TurnSeq: 3, Text: canary, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	keep := load(t, db, "keep")

	count := func(table string) int {
		t.Helper()
		var n int
		if err := db.db.QueryRow(`SELECT count(*) FROM ` + table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	t.Run("deleting one round removes its rows and leaves the other intact", func(t *testing.T) {
		if err := db.DeleteRound(ctx, "drop"); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Round(ctx, "drop"); !errors.Is(err, mockloop.ErrNotFound) {
			t.Errorf("deleted round still readable: %v", err)
		}
		for table, want := range map[string]int{"rounds": 1, "turns": len(keep.Turns), "utterances": len(keep.Utterances), "findings": 2} {
			if got := count(table); got != want {
				t.Errorf("%s has %d rows after delete, want %d", table, got, want)
			}
		}
		if after := load(t, db, "keep"); !reflect.DeepEqual(after, keep) {
			t.Errorf("the kept round changed")
		}
	})
	t.Run("a deleted answer's words are gone from the files on disk", func(t *testing.T) {
		for _, suffix := range []string{"", "-wal"} {
			b, err := os.ReadFile(path + suffix)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Contains(b, []byte("canary-7f3a")) {
				t.Errorf("%s still contains the deleted text", filepath.Base(path+suffix))
			}
		}
	})
	t.Run("deleting everything leaves no rows", func(t *testing.T) {
		if err := db.DeleteAll(ctx); err != nil {
			t.Fatal(err)
		}
		for _, table := range []string{"rounds", "turns", "utterances", "findings"} {
			if got := count(table); got != 0 {
				t.Errorf("%s has %d rows after DeleteAll", table, got)
			}
		}
		if rs, err := db.Rounds(ctx, 0); err != nil || len(rs) != 0 {
			t.Errorf("Rounds after DeleteAll = %v, %v", rs, err)
		}
	})
}
