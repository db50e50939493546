package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	sqlite3 "modernc.org/sqlite/lib"

	"github.com/mockloop/mockloop"
	"github.com/mockloop/mockloop/analysis"
)

// Turns returns a round's turns ordered by seq. A round with no turns gives
// an empty list; a missing round gives mockloop.ErrNotFound.
func (db *DB) Turns(ctx context.Context, roundID string) ([]mockloop.Turn, error) {
	op := "list turns of round " + roundID
	rows, err := db.db.QueryContext(ctx, `SELECT id, round_id, seq, role, kind, question_idx, question_id,
		principle, probe_code, text, source, started_at, ended_at, report, latency, audio_path
		FROM turns WHERE round_id = ? ORDER BY seq, id`, roundID)
	if err != nil {
		return nil, classify(op, err)
	}
	defer rows.Close()
	var out []mockloop.Turn
	for rows.Next() {
		var (
			t               mockloop.Turn
			role, kind      string
			started         string
			ended           sql.NullString
			report, latency sql.NullString
		)
		if err := rows.Scan(&t.ID, &t.RoundID, &t.Seq, &role, &kind, &t.QuestionIdx, &t.QuestionID,
			&t.Principle, &t.ProbeCode, &t.Text, &t.Source, &started, &ended, &report, &latency,
			&t.AudioPath); err != nil {
			return nil, classify(op, err)
		}
		t.Role, t.Kind = mockloop.Role(role), mockloop.TurnKind(kind)
		if t.StartedAt, err = decTime(started); err != nil {
			return nil, fmt.Errorf("%s: turn %d: %w", op, t.ID, err)
		}
		if t.EndedAt, err = decTimePtr(ended); err != nil {
			return nil, fmt.Errorf("%s: turn %d: %w", op, t.ID, err)
		}
		if report.Valid {
			t.Report = new(analysis.Report)
			if err := decJSON("report", report, t.Report); err != nil {
				return nil, fmt.Errorf("%s: turn %d: %w", op, t.ID, err)
			}
		}
		if latency.Valid {
			t.Latency = new(mockloop.Latency)
			if err := decJSON("latency", latency, t.Latency); err != nil {
				return nil, fmt.Errorf("%s: turn %d: %w", op, t.ID, err)
			}
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(op, err)
	}
	if len(out) == 0 {
		if err := db.roundExists(ctx, roundID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AddUtterance stores one finalised utterance and sets its ID. It is one
// autocommit statement, so once it returns the text is on disk.
func (db *DB) AddUtterance(ctx context.Context, u *mockloop.Utterance) error {
	if u == nil {
		return errors.New("add utterance: nil")
	}
	op := fmt.Sprintf("add utterance %d.%d to round %s", u.TurnSeq, u.Seq, u.RoundID)
	words, err := encJSON("words", u.Words, u.Words == nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	var id int64
	err = db.db.QueryRowContext(ctx, `INSERT INTO utterances (round_id, turn_seq, seq, text, words,
		offset_sec, duration_sec, engine, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		u.RoundID, u.TurnSeq, u.Seq, u.Text, words, u.Offset, u.Duration, u.Engine,
		encTime(u.CreatedAt)).Scan(&id)
	if isConstraint(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) {
		return fmt.Errorf("%s: round %s: %w", op, u.RoundID, mockloop.ErrNotFound)
	}
	if err != nil {
		return classify(op, err)
	}
	u.ID = id
	return nil
}

// Utterances returns a round's utterances ordered by turn_seq, then seq
// (then insertion order for equal seqs).
func (db *DB) Utterances(ctx context.Context, roundID string) ([]mockloop.Utterance, error) {
	op := "list utterances of round " + roundID
	rows, err := db.db.QueryContext(ctx, `SELECT id, round_id, turn_seq, seq, text, words, offset_sec,
		duration_sec, engine, created_at FROM utterances WHERE round_id = ? ORDER BY turn_seq, seq, id`, roundID)
	if err != nil {
		return nil, classify(op, err)
	}
	defer rows.Close()
	var out []mockloop.Utterance
	for rows.Next() {
		var (
			u       mockloop.Utterance
			words   sql.NullString
			created string
		)
		if err := rows.Scan(&u.ID, &u.RoundID, &u.TurnSeq, &u.Seq, &u.Text, &words, &u.Offset,
			&u.Duration, &u.Engine, &created); err != nil {
			return nil, classify(op, err)
		}
		if err := decJSON("words", words, &u.Words); err != nil {
			return nil, fmt.Errorf("%s: utterance %d: %w", op, u.ID, err)
		}
		if u.CreatedAt, err = decTime(created); err != nil {
			return nil, fmt.Errorf("%s: utterance %d: %w", op, u.ID, err)
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(op, err)
	}
	if len(out) == 0 {
		if err := db.roundExists(ctx, roundID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (db *DB) roundExists(ctx context.Context, id string) error {
	var one int
	err := db.db.QueryRowContext(ctx, `SELECT 1 FROM rounds WHERE id = ?`, id).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("round %s: %w", id, mockloop.ErrNotFound)
	}
	return classify("look up round "+id, err)
}
