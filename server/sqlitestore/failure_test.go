package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/server/speechdata"
)

// openAtVersion creates a database whose schema stops at version v, as an
// older mockloop would have left it.
func openAtVersion(t *testing.T, path string, v int) *sql.DB {
	t.Helper()
	ctx := ctxT(t)
	raw, err := sql.Open("sqlite", dsn(path, false, options{busyTimeout: time.Second, synchronous: "FULL"}))
	if err != nil {
		t.Fatal(err)
	}
	old := &DB{db: raw, path: path}
	if err := old.migrate(ctx, migrations[:v], false); err != nil {
		t.Fatalf("migrate to %d: %v", v, err)
	}
	return raw
}

func TestMigrations(t *testing.T) {
	ctx := ctxT(t)
	path := filepath.Join(t.TempDir(), "old.db")

	// A version-1 database (before the findings table) holding one
	// analysed answer.
	raw := openAtVersion(t, path, 1)
	rep, err := encJSON("report", fixtureReport(), false)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO rounds (id, kind, status, created_at, updated_at) VALUES ('old', 'behavioral', 'finished', ?, ?)`, []any{encTime(t0), encTime(t0)}},
		{`INSERT INTO turns (round_id, seq, role, kind, text, started_at, report) VALUES ('old', 1, 'candidate', 'answer', 'x', ?, ?)`, []any{encTime(t0), rep}},
	} {
		if _, err := raw.ExecContext(ctx, q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	if v, _ := userVersion(ctx, raw); v != 1 {
		t.Fatalf("fixture at version %d, want 1", v)
	}
	raw.Close()

	findings := func(db *DB) []string {
		t.Helper()
		rows, err := db.db.QueryContext(ctx, `SELECT round_id || ' ' || code || ' ' || severity FROM findings ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			out = append(out, s)
		}
		return out
	}
	want := []string{"old filler_heavy medium", "old no_result high"}

	t.Run("opening an older database migrates it and backfills findings", func(t *testing.T) {
		db, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		defer db.Close()
		if v, _ := userVersion(ctx, db.db); v != SchemaVersion() {
			t.Errorf("user_version = %d, want %d", v, SchemaVersion())
		}
		if got := findings(db); !reflect.DeepEqual(got, want) {
			t.Errorf("findings = %q, want %q", got, want)
		}
		if r, err := db.Round(ctx, "old"); err != nil || r.Status != mockloop.StatusFinished {
			t.Errorf("old round after migration = %+v, %v", r, err)
		}
	})
	t.Run("re-opening a current database changes nothing", func(t *testing.T) {
		for range 2 {
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			got := findings(db)
			db.Close()
			if !reflect.DeepEqual(got, want) {
				t.Errorf("findings after re-open = %q, want %q", got, want)
			}
		}
	})
	t.Run("a database from a newer build is refused", func(t *testing.T) {
		newer := filepath.Join(t.TempDir(), "newer.db")
		raw := openAtVersion(t, newer, SchemaVersion())
		if _, err := raw.ExecContext(ctx, `PRAGMA user_version = 99`); err != nil {
			t.Fatal(err)
		}
		raw.Close()
		if db, err := Open(ctx, newer); err == nil || !strings.Contains(err.Error(), "newer") {
			if db != nil {
				db.Close()
			}
			t.Errorf("err = %v, want a newer-schema error", err)
		}
	})
	t.Run("migration numbers must run without gaps", func(t *testing.T) {
		if ms, err := loadMigrations(migrationFS); err != nil || len(ms) != SchemaVersion() {
			t.Errorf("embedded migrations: %d, %v", len(ms), err)
		}
	})
}

// writes are every Store method that changes the database.
func writes(ctx context.Context, db *DB) map[string]func() error {
	return map[string]func() error{
		"CreateRound": func() error { return db.CreateRound(ctx, fixtureRound("new")) },
		"SaveStep": func() error {
			r := fixtureRound("r1")
			r.State = []byte(`{"changed":true}`)
			return db.SaveStep(ctx, mockloop.Step{Round: r, Turns: []*mockloop.Turn{{Seq: 9, Role: mockloop.RoleInterviewer, Kind: mockloop.TurnProbe, StartedAt: t0}}})
		},
		"AddUtterance": func() error {
			return db.AddUtterance(ctx, &mockloop.Utterance{RoundID: "r1", TurnSeq: 3, Text: "lost?", CreatedAt: t0})
		},
		"DeleteRound": func() error { return db.DeleteRound(ctx, "r1") },
		"DeleteAll":   func() error { return db.DeleteAll(ctx) },
	}
}

func TestReadOnly(t *testing.T) {
	ctx := ctxT(t)
	cases := []struct {
		name string
		// prepare runs on the seeded, closed file and returns Open options.
		prepare func(t *testing.T, path string) []Option
	}{
		{"a database opened with mode=ro", func(t *testing.T, path string) []Option {
			return []Option{WithReadOnly()}
		}},
		{"a connection with PRAGMA query_only", func(t *testing.T, path string) []Option {
			return []Option{withPragmas("query_only(1)")}
		}},
		{"a database file chmod 0444 (immutable when run as root)", func(t *testing.T, path string) []Option {
			if os.Geteuid() == 0 {
				// Root ignores file modes but not the immutable attribute.
				if out, err := exec.Command("chattr", "+i", path).CombinedOutput(); err != nil {
					speechdata.Unavailable(t, fmt.Errorf("chattr +i (root ignores chmod): %v: %s", err, out))
				}
				t.Cleanup(func() { exec.Command("chattr", "-i", path).Run() })
				return nil
			}
			if err := os.Chmod(path, 0o444); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(path, 0o644) })
			return nil
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "ro.db")
			db, err := Open(ctx, path)
			if err != nil {
				t.Fatal(err)
			}
			seed(t, db, "r1")
			before := load(t, db, "r1")
			db.Close()

			opts := c.prepare(t, path)
			ro, err := Open(ctx, path, opts...)
			if err != nil {
				t.Fatalf("Open: %v", err)
			}
			t.Run("reads still work", func(t *testing.T) {
				if got := load(t, ro, "r1"); !reflect.DeepEqual(got, before) {
					t.Errorf("read-only view differs from what was saved")
				}
			})
			for name, write := range writes(ctx, ro) {
				t.Run(name+" fails with ErrReadOnly", func(t *testing.T) {
					if err := write(); !errors.Is(err, mockloop.ErrReadOnly) {
						t.Errorf("err = %v, want ErrReadOnly", err)
					}
				})
			}
			ro.Close()

			t.Run("nothing already saved is lost", func(t *testing.T) {
				db, err := Open(ctx, path)
				if err != nil {
					t.Fatal(err)
				}
				defer db.Close()
				if got := load(t, db, "r1"); !reflect.DeepEqual(got, before) {
					t.Errorf("data changed after failed writes")
				}
			})
		})
	}

	t.Run("a directory that cannot be created gives a clear error", func(t *testing.T) {
		dir := t.TempDir()
		blocker := filepath.Join(dir, "notadir")
		if err := os.WriteFile(blocker, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, filepath.Join(blocker, "sub", "mockloop.db"))
		if err == nil || !strings.Contains(err.Error(), "create database directory") {
			t.Errorf("err = %v, want a create database directory error", err)
		}
	})
	t.Run("a missing file opened read-only says it does not exist", func(t *testing.T) {
		_, err := Open(ctx, filepath.Join(t.TempDir(), "missing.db"), WithReadOnly())
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want ErrNotExist", err)
		}
	})
	t.Run("a file SQLite cannot open gives ErrReadOnly", func(t *testing.T) {
		// A directory where the database file should be: SQLITE_CANTOPEN.
		path := filepath.Join(t.TempDir(), "isadir.db")
		if err := os.Mkdir(path, 0o755); err != nil {
			t.Fatal(err)
		}
		_, err := Open(ctx, path)
		if !errors.Is(err, mockloop.ErrReadOnly) {
			t.Errorf("err = %v, want ErrReadOnly", err)
		}
	})
	t.Run("an old schema opened read-only is refused rather than half-read", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "old.db")
		openAtVersion(t, path, 1).Close()
		if _, err := Open(ctx, path, WithReadOnly()); err == nil || !strings.Contains(err.Error(), "read-only") {
			t.Errorf("err = %v, want schema refused", err)
		}
	})
}

func TestLocked(t *testing.T) {
	ctx := ctxT(t)
	const busy = 50 * time.Millisecond
	db, path := openTemp(t, WithBusyTimeout(busy))
	seed(t, db, "r1")
	before := load(t, db, "r1")

	// Another process: a separate connection holding a write transaction.
	other, err := sql.Open("sqlite", dsn(path, false, options{busyTimeout: time.Second, synchronous: "FULL"}))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	holder, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Close()
	if _, err := holder.ExecContext(ctx, `BEGIN IMMEDIATE`); err != nil {
		t.Fatal(err)
	}

	for name, write := range writes(ctx, db) {
		t.Run(name+" fails with ErrLocked after the busy timeout", func(t *testing.T) {
			start := time.Now()
			err := write()
			if !errors.Is(err, ErrLocked) {
				t.Fatalf("err = %v, want ErrLocked", err)
			}
			if !strings.Contains(err.Error(), "locked") {
				t.Errorf("message %q does not say locked", err)
			}
			if took := time.Since(start); took < busy || took > DefaultBusyTimeout {
				t.Errorf("gave up after %v, want about %v", took, busy)
			}
		})
	}
	t.Run("reads keep working while another process writes", func(t *testing.T) {
		if got := load(t, db, "r1"); !reflect.DeepEqual(got, before) {
			t.Errorf("read during lock differs")
		}
	})
	if _, err := holder.ExecContext(ctx, `ROLLBACK`); err != nil {
		t.Fatal(err)
	}
	t.Run("once the lock is released the same write succeeds and nothing was lost", func(t *testing.T) {
		u := &mockloop.Utterance{RoundID: "r1", TurnSeq: 3, Text: "retried", CreatedAt: t0}
		if err := db.AddUtterance(ctx, u); err != nil {
			t.Fatal(err)
		}
		got := load(t, db, "r1")
		if !reflect.DeepEqual(got.Turns, before.Turns) || len(got.Utterances) != len(before.Utterances)+1 {
			t.Errorf("after release: %d turns, %d utterances", len(got.Turns), len(got.Utterances))
		}
	})
}

func TestDiskFull(t *testing.T) {
	ctx := ctxT(t)
	// max_page_count makes SQLite report SQLITE_FULL exactly as a full disk
	// would, without filling one.
	db, _ := openTemp(t, withPragmas("max_page_count(40)"))
	if err := db.CreateRound(ctx, fixtureRound("r1")); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("I measured the latency and it dropped by forty percent. ", 200)
	var saved int
	var err error
	for range 100 {
		if err = db.AddUtterance(ctx, &mockloop.Utterance{RoundID: "r1", Seq: saved, Text: text, CreatedAt: t0}); err != nil {
			break
		}
		saved++
	}
	t.Run("a full disk gives ErrDiskFull", func(t *testing.T) {
		if !errors.Is(err, ErrDiskFull) {
			t.Fatalf("after %d utterances err = %v, want ErrDiskFull", saved, err)
		}
	})
	t.Run("what was saved before is intact", func(t *testing.T) {
		utts, err := db.Utterances(ctx, "r1")
		if err != nil {
			t.Fatal(err)
		}
		if len(utts) != saved || saved == 0 {
			t.Fatalf("got %d utterances back, saved %d", len(utts), saved)
		}
		for _, u := range utts {
			if u.Text != text {
				t.Fatalf("utterance %d damaged", u.Seq)
			}
		}
	})
}
