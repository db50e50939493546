// Package sqlitestore implements mockloop.Store on a single SQLite file using the
// pure-Go modernc.org/sqlite driver. It owns the schema, its migrations,
// the mapping of SQLite failures (read-only, disk full, locked) onto errors
// the rest of mockloop can act on, and the trend queries for the history
// page.
package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mockloop/mockloop"
)

var _ mockloop.Store = (*DB)(nil)

// The storage errors, as the vocabulary names them, so callers need not
// import this package to tell them apart.
var (
	ErrDiskFull = mockloop.ErrStorageFull
	ErrLocked   = mockloop.ErrStorageLocked
)

// DefaultBusyTimeout is how long a write waits for another connection's
// write transaction before giving up with ErrLocked. Five seconds covers a
// checkpoint or a second mockloop process finishing its step, while still
// failing fast enough for the page to show a storage error.
const DefaultBusyTimeout = 5 * time.Second

// MemoryPath opens a private in-memory database (nothing is written to
// disk); useful for tests and benchmarks of callers.
const MemoryPath = ":memory:"

// DB is a mockloop.Store backed by one SQLite file. It is safe for
// concurrent use.
type DB struct {
	db   *sql.DB
	path string
}

// Option changes how Open configures the database.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	readOnly    bool
	synchronous string
	// pragmas are extra per-connection PRAGMAs, for tests that need to
	// provoke a failure (max_page_count for SQLITE_FULL, query_only).
	pragmas []string
}

// WithBusyTimeout sets how long a write waits for a lock held by another
// connection before failing with ErrLocked.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// WithReadOnly opens the file with SQLite's mode=ro: reads work, every
// write fails with an error wrapping mockloop.ErrReadOnly. The schema must
// already be current since migrations cannot run.
func WithReadOnly() Option {
	return func(o *options) { o.readOnly = true }
}

// withSynchronous overrides synchronous=FULL; only the benchmarks use it to
// measure what durability costs.
func withSynchronous(mode string) Option {
	return func(o *options) { o.synchronous = mode }
}

// withPragmas adds per-connection PRAGMAs such as "max_page_count(40)".
func withPragmas(p ...string) Option {
	return func(o *options) { o.pragmas = append(o.pragmas, p...) }
}

// Open opens (creating if needed) the database at path, creating its parent
// directory when missing, and brings the schema up to date. path may be
// MemoryPath.
func Open(ctx context.Context, path string, opts ...Option) (*DB, error) {
	o := options{busyTimeout: DefaultBusyTimeout, synchronous: "FULL"}
	for _, opt := range opts {
		opt(&o)
	}
	memory := path == MemoryPath
	if !memory {
		if path == "" {
			return nil, errors.New("open database: empty path")
		}
		abs, err := filepath.Abs(path)
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", path, err)
		}
		path = abs
		if o.readOnly {
			// SQLite would say only "unable to open database file".
			if _, err := os.Stat(path); err != nil {
				return nil, fmt.Errorf("open database read-only: %w", err)
			}
		} else {
			dir := filepath.Dir(path)
			if err := os.MkdirAll(dir, 0o700); err != nil {
				if errors.Is(err, fs.ErrPermission) {
					return nil, fmt.Errorf("create database directory %s: %w: %w", dir, mockloop.ErrReadOnly, err)
				}
				return nil, fmt.Errorf("create database directory %s: %w", dir, err)
			}
		}
	}

	sqldb, err := sql.Open("sqlite", dsn(path, memory, o))
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if memory {
		// Every connection to ":memory:" is a separate empty database, so
		// the pool must hold exactly one connection, forever.
		sqldb.SetMaxOpenConns(1)
		sqldb.SetMaxIdleConns(1)
		sqldb.SetConnMaxLifetime(0)
		sqldb.SetConnMaxIdleTime(0)
	}
	db := &DB{db: sqldb, path: path}
	if err := sqldb.PingContext(ctx); err != nil {
		sqldb.Close()
		return nil, classify(fmt.Sprintf("open database %s", path), err)
	}
	if err := db.migrate(ctx, migrations, o.readOnly); err != nil {
		sqldb.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds a file: URI so that SQLite itself reads mode=ro, and the
// driver applies the _pragma list to every new connection in the pool
// (foreign_keys and busy_timeout are per connection).
func dsn(path string, memory bool, o options) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout("+strconv.FormatInt(o.busyTimeout.Milliseconds(), 10)+")")
	q.Add("_pragma", "foreign_keys(1)")
	// secure_delete zeroes the pages of deleted rows: a candidate who
	// deletes a round expects their answers gone from the file, not merely
	// unlinked.
	q.Add("_pragma", "secure_delete(1)")
	if !o.readOnly && !memory {
		q.Add("_pragma", "journal_mode(WAL)")
	}
	// FULL: in WAL mode the WAL is fsynced at every commit, so an answer
	// acknowledged to the page survives a power cut. NORMAL would only
	// guarantee consistency, not durability (sqlite.org/pragma.html#pragma_synchronous).
	q.Add("_pragma", "synchronous("+o.synchronous+")")
	for _, p := range o.pragmas {
		q.Add("_pragma", p)
	}
	// Writes take the write lock at BEGIN so a transaction never has to
	// upgrade a read lock, which in WAL mode fails at once with
	// SQLITE_BUSY_SNAPSHOT instead of waiting out the busy timeout.
	q.Set("_txlock", "immediate")
	if memory {
		return ":memory:?" + q.Encode()
	}
	if o.readOnly {
		q.Set("mode", "ro")
	}
	u := url.URL{Scheme: "file", Path: path, OmitHost: true}
	return u.String() + "?" + q.Encode()
}

// Close closes the database. WAL contents are checkpointed into the main
// file by SQLite when the last connection closes.
func (db *DB) Close() error {
	if err := db.db.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", db.path, err)
	}
	return nil
}

// Path is the absolute path of the database file (or MemoryPath).
func (db *DB) Path() string { return db.path }

// classify wraps err with op and, when SQLite says why a write cannot
// happen, with the sentinel callers branch on.
func classify(op string, err error) error {
	if err == nil {
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		// Extended result codes are on; the primary code is the low byte.
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM:
			return fmt.Errorf("%s: %w: %w", op, mockloop.ErrReadOnly, err)
		case sqlite3.SQLITE_FULL:
			return fmt.Errorf("%s: %w: %w", op, ErrDiskFull, err)
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
			return fmt.Errorf("%s: %w: %w", op, ErrLocked, err)
		}
	}
	return fmt.Errorf("%s: %w", op, err)
}

// isConstraint reports whether err is a constraint violation of the given
// extended code (e.g. SQLITE_CONSTRAINT_FOREIGNKEY).
func isConstraint(err error, extended int) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == extended
}
