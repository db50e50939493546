package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mockloop/mockloop"
)

const roundColumns = `id, kind, status, seed, minutes, created_at, updated_at, finished_at, state, debrief, engines`

// CreateRound stores a new round. The caller chooses the ID.
func (db *DB) CreateRound(ctx context.Context, r *mockloop.Round) error {
	if r == nil || r.ID == "" {
		return errors.New("create round: empty id")
	}
	debrief, err := encJSON("debrief", r.Debrief, r.Debrief == nil)
	if err != nil {
		return fmt.Errorf("create round %s: %w", r.ID, err)
	}
	engines, err := encJSON("engines", r.Engines, r.Engines == nil)
	if err != nil {
		return fmt.Errorf("create round %s: %w", r.ID, err)
	}
	_, err = db.db.ExecContext(ctx, `INSERT INTO rounds (`+roundColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, string(r.Kind), string(r.Status), r.Seed, r.Minutes,
		encTime(r.CreatedAt), encTime(r.UpdatedAt), encTimePtr(r.FinishedAt),
		r.State, debrief, engines)
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY) {
		return fmt.Errorf("create round %s: id already taken: %w", r.ID, err)
	}
	return classify("create round "+r.ID, err)
}

// Round returns one round, or an error wrapping mockloop.ErrNotFound.
func (db *DB) Round(ctx context.Context, id string) (*mockloop.Round, error) {
	row := db.db.QueryRowContext(ctx, `SELECT `+roundColumns+` FROM rounds WHERE id = ?`, id)
	r, err := scanRound(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("round %s: %w", id, mockloop.ErrNotFound)
	}
	if err != nil {
		return nil, classify("read round "+id, err)
	}
	return &r, nil
}

// Rounds returns up to limit rounds, newest first; limit <= 0 means all.
func (db *DB) Rounds(ctx context.Context, limit int) ([]mockloop.Round, error) {
	if limit <= 0 {
		limit = -1 // SQLite: no limit
	}
	rows, err := db.db.QueryContext(ctx, `SELECT `+roundColumns+` FROM rounds
		ORDER BY created_at DESC, rowid DESC LIMIT ?`, limit)
	if err != nil {
		return nil, classify("list rounds", err)
	}
	defer rows.Close()
	var out []mockloop.Round
	for rows.Next() {
		r, err := scanRound(rows)
		if err != nil {
			return nil, classify("list rounds", err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, classify("list rounds", err)
	}
	return out, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanRound(s scanner) (mockloop.Round, error) {
	var (
		r                mockloop.Round
		kind, status     string
		created, updated string
		finished         sql.NullString
		debrief, engines sql.NullString
		state            []byte
	)
	if err := s.Scan(&r.ID, &kind, &status, &r.Seed, &r.Minutes, &created, &updated,
		&finished, &state, &debrief, &engines); err != nil {
		return r, err
	}
	r.Kind, r.Status = mockloop.RoundKind(kind), mockloop.RoundStatus(status)
	var err error
	if r.CreatedAt, err = decTime(created); err != nil {
		return r, err
	}
	if r.UpdatedAt, err = decTime(updated); err != nil {
		return r, err
	}
	if r.FinishedAt, err = decTimePtr(finished); err != nil {
		return r, err
	}
	if state != nil {
		// The driver's buffer is only valid until the next Scan.
		r.State = append([]byte{}, state...)
	}
	if debrief.Valid {
		r.Debrief = new(mockloop.Debrief)
		if err := decJSON("debrief", debrief, r.Debrief); err != nil {
			return r, err
		}
	}
	if err := decJSON("engines", engines, &r.Engines); err != nil {
		return r, err
	}
	return r, nil
}

// SaveStep writes one round-engine step in a single transaction: the
// round's state, new turns (whose IDs are set only once the transaction
// has committed, so a failed step can be retried as is), updated turns,
// and the findings of every turn that carries a report.
func (db *DB) SaveStep(ctx context.Context, s mockloop.Step) error {
	roundID := ""
	if s.Round != nil {
		roundID = s.Round.ID
	}
	op := "save step for round " + roundID
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return classify(op, err)
	}
	defer tx.Rollback()

	if s.Round != nil {
		if err := updateRound(ctx, tx, s.Round); err != nil {
			return classify(op, err)
		}
	}
	ids := make([]int64, len(s.Turns))
	for i, t := range s.Turns {
		if t == nil {
			return fmt.Errorf("%s: turn %d is nil", op, i)
		}
		rid := t.RoundID
		if rid == "" {
			rid = roundID
		}
		if rid == "" {
			return fmt.Errorf("%s: turn seq %d has no round", op, t.Seq)
		}
		if roundID != "" && rid != roundID {
			return fmt.Errorf("%s: turn seq %d belongs to round %s", op, t.Seq, rid)
		}
		id, err := saveTurn(ctx, tx, rid, t)
		if err != nil {
			return classify(op, err)
		}
		ids[i] = id
		if err := rewriteFindings(ctx, tx, id, rid, t); err != nil {
			return classify(op, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return classify(op, err)
	}
	for i, t := range s.Turns {
		t.ID = ids[i]
		if t.RoundID == "" {
			t.RoundID = roundID
		}
	}
	return nil
}

func updateRound(ctx context.Context, tx *sql.Tx, r *mockloop.Round) error {
	debrief, err := encJSON("debrief", r.Debrief, r.Debrief == nil)
	if err != nil {
		return err
	}
	engines, err := encJSON("engines", r.Engines, r.Engines == nil)
	if err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `UPDATE rounds SET kind = ?, status = ?, seed = ?, minutes = ?,
		updated_at = ?, finished_at = ?, state = ?, debrief = ?, engines = ? WHERE id = ?`,
		string(r.Kind), string(r.Status), r.Seed, r.Minutes,
		encTime(r.UpdatedAt), encTimePtr(r.FinishedAt), r.State, debrief, engines, r.ID)
	if err != nil {
		return fmt.Errorf("update round: %w", err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("update round: %w", err)
	} else if n == 0 {
		return fmt.Errorf("round %s: %w", r.ID, mockloop.ErrNotFound)
	}
	return nil
}

func saveTurn(ctx context.Context, tx *sql.Tx, roundID string, t *mockloop.Turn) (int64, error) {
	report, err := encJSON("report", t.Report, t.Report == nil)
	if err != nil {
		return 0, err
	}
	latency, err := encJSON("latency", t.Latency, t.Latency == nil)
	if err != nil {
		return 0, err
	}
	args := []any{t.Seq, string(t.Role), string(t.Kind), t.QuestionIdx, t.QuestionID,
		t.Principle, t.ProbeCode, t.Text, t.Source, encTime(t.StartedAt), encTimePtr(t.EndedAt),
		report, latency, t.AudioPath}
	if t.ID == 0 {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO turns (seq, role, kind, question_idx, question_id,
			principle, probe_code, text, source, started_at, ended_at, report, latency, audio_path, round_id)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			append(args, roundID)...).Scan(&id)
		switch {
		case isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY):
			return 0, fmt.Errorf("insert turn seq %d: round %s: %w", t.Seq, roundID, mockloop.ErrNotFound)
		case isConstraint(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE):
			return 0, fmt.Errorf("insert turn seq %d: round %s already has a turn with that seq: %w", t.Seq, roundID, err)
		case err != nil:
			return 0, fmt.Errorf("insert turn seq %d: %w", t.Seq, err)
		}
		return id, nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE turns SET seq = ?, role = ?, kind = ?, question_idx = ?,
		question_id = ?, principle = ?, probe_code = ?, text = ?, source = ?, started_at = ?,
		ended_at = ?, report = ?, latency = ?, audio_path = ? WHERE id = ? AND round_id = ?`,
		append(args, t.ID, roundID)...)
	if err != nil {
		return 0, fmt.Errorf("update turn %d: %w", t.ID, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return 0, fmt.Errorf("update turn %d: %w", t.ID, err)
	} else if n == 0 {
		return 0, fmt.Errorf("turn %d of round %s: %w", t.ID, roundID, mockloop.ErrNotFound)
	}
	return t.ID, nil
}

// rewriteFindings replaces a turn's finding rows with those of its current
// report (none when the report was removed).
func rewriteFindings(ctx context.Context, tx *sql.Tx, turnID int64, roundID string, t *mockloop.Turn) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM findings WHERE turn_id = ?`, turnID); err != nil {
		return fmt.Errorf("clear findings of turn %d: %w", turnID, err)
	}
	if t.Report == nil || len(t.Report.Findings) == 0 {
		return nil
	}
	stmt, err := tx.PrepareContext(ctx, `INSERT INTO findings (turn_id, round_id, code, severity, message)
		VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return fmt.Errorf("prepare findings: %w", err)
	}
	defer stmt.Close()
	for _, f := range t.Report.Findings {
		if _, err := stmt.ExecContext(ctx, turnID, roundID, f.Code, string(f.Severity), f.Message); err != nil {
			return fmt.Errorf("insert finding %s of turn %d: %w", f.Code, turnID, err)
		}
	}
	return nil
}

// DeleteRound deletes a round with its turns, utterances and findings. It
// does not touch audio files named by AudioPath; the caller owns those.
func (db *DB) DeleteRound(ctx context.Context, id string) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM rounds WHERE id = ?`, id)
	if err != nil {
		return classify("delete round "+id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return classify("delete round "+id, err)
	}
	if n == 0 {
		return fmt.Errorf("delete round %s: %w", id, mockloop.ErrNotFound)
	}
	return db.scrubWAL(ctx)
}

// DeleteAll deletes every round.
func (db *DB) DeleteAll(ctx context.Context) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM rounds`); err != nil {
		return classify("delete all rounds", err)
	}
	return db.scrubWAL(ctx)
}

// scrubWAL copies the WAL into the main file and truncates it, so deleted
// answers do not linger in old WAL frames (secure_delete has already
// zeroed them in the pages). A reader still holding an old snapshot makes
// the checkpoint partial; that is reported by SQLite as busy=1, not as an
// error, and the next delete or Close finishes the job.
func (db *DB) scrubWAL(ctx context.Context) error {
	if db.path == MemoryPath {
		return nil
	}
	var busy, logFrames, checkpointed int
	if err := db.db.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &checkpointed); err != nil {
		return classify("checkpoint after delete", err)
	}
	return nil
}
