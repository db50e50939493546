-- Rounds, their turns and the utterances that make up spoken answers.
-- Times are fixed-width UTC text (2006-01-02T15:04:05.000000000Z) so they
-- sort correctly as strings and stay readable in the sqlite3 shell. JSON
-- columns hold the Go structs from package server and analysis.
CREATE TABLE rounds (
	id          TEXT PRIMARY KEY,
	kind        TEXT NOT NULL,
	status      TEXT NOT NULL,
	seed        INTEGER NOT NULL DEFAULT 0,
	minutes     INTEGER NOT NULL DEFAULT 0,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL,
	finished_at TEXT,
	state       BLOB,
	debrief     TEXT,
	engines     TEXT
);

CREATE INDEX rounds_created_at ON rounds (created_at);

CREATE TABLE turns (
	id           INTEGER PRIMARY KEY,
	round_id     TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,
	role         TEXT NOT NULL,
	kind         TEXT NOT NULL,
	question_idx INTEGER NOT NULL DEFAULT 0,
	question_id  TEXT NOT NULL DEFAULT '',
	principle    TEXT NOT NULL DEFAULT '',
	probe_code   TEXT NOT NULL DEFAULT '',
	text         TEXT NOT NULL DEFAULT '',
	source       TEXT NOT NULL DEFAULT '',
	started_at   TEXT NOT NULL,
	ended_at     TEXT,
	report       TEXT,
	latency      TEXT,
	audio_path   TEXT NOT NULL DEFAULT '',
	UNIQUE (round_id, seq)
);

CREATE TABLE utterances (
	id           INTEGER PRIMARY KEY,
	round_id     TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
	turn_seq     INTEGER NOT NULL,
	seq          INTEGER NOT NULL,
	text         TEXT NOT NULL DEFAULT '',
	words        TEXT,
	offset_sec   REAL NOT NULL DEFAULT 0,
	duration_sec REAL NOT NULL DEFAULT 0,
	engine       TEXT NOT NULL DEFAULT '',
	created_at   TEXT NOT NULL
);

CREATE INDEX utterances_round ON utterances (round_id, turn_seq, seq);
