package sqlitestore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// migration is one numbered schema change. Version N is the value of
// PRAGMA user_version once it has been applied.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations is the schema history, loaded once from the embedded files.
// It is read-only after package initialisation.
var migrations = mustLoadMigrations(migrationFS)

func mustLoadMigrations(fsys fs.FS) []migration {
	ms, err := loadMigrations(fsys)
	if err != nil {
		// The files are embedded at build time, so this is a programming
		// error caught by every test run.
		panic(err)
	}
	return ms
}

// loadMigrations reads migrations/NNN_name.sql and checks the numbers run
// 1, 2, 3... without gaps, so a missing file cannot silently skip a step.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	for _, name := range names {
		base := path.Base(name)
		num, _, ok := strings.Cut(base, "_")
		if !ok {
			return nil, fmt.Errorf("migration %s: name must be NNN_description.sql", base)
		}
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: bad number: %w", base, err)
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", base, err)
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: expected number %d", m.name, i+1)
		}
	}
	return ms, nil
}

// SchemaVersion is the schema version this build writes.
func SchemaVersion() int { return len(migrations) }

// migrate applies the migrations the database has not seen yet, each in its
// own transaction together with its user_version bump, so a crash leaves
// the schema at a whole version. The version is re-read inside the write
// transaction so two processes opening the same file cannot both apply a
// step.
func (db *DB) migrate(ctx context.Context, ms []migration, readOnly bool) error {
	current, err := userVersion(ctx, db.db)
	if err != nil {
		return classify("read schema version", err)
	}
	if current > len(ms) {
		return fmt.Errorf("database %s has schema version %d, newer than this mockloop understands (%d); use a newer build", db.path, current, len(ms))
	}
	if current == len(ms) {
		return nil
	}
	if readOnly {
		return fmt.Errorf("database %s has schema version %d, want %d, and is opened read-only", db.path, current, len(ms))
	}
	for _, m := range ms[current:] {
		if err := db.apply(ctx, m); err != nil {
			return err
		}
	}
	return nil
}

func (db *DB) apply(ctx context.Context, m migration) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return classify("begin migration "+m.name, err)
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
		return classify("read schema version", err)
	}
	if v >= m.version {
		// Another process got here first.
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return classify("apply migration "+m.name, err)
	}
	// PRAGMA takes no bound parameters; the version is an int we control.
	if _, err := tx.ExecContext(ctx, "PRAGMA user_version = "+strconv.Itoa(m.version)); err != nil {
		return classify("set schema version", err)
	}
	if err := tx.Commit(); err != nil {
		return classify("commit migration "+m.name, err)
	}
	return nil
}

func userVersion(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}) (int, error) {
	var v int
	err := q.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v)
	return v, err
}
