-- One row per finding of an answer's report, so the history page can count
-- and trend findings without decoding every report. Rows are rewritten
-- whenever a turn's report is saved. Databases created before this table
-- existed are backfilled from the reports already stored.
CREATE TABLE findings (
	id       INTEGER PRIMARY KEY,
	turn_id  INTEGER NOT NULL REFERENCES turns (id) ON DELETE CASCADE,
	round_id TEXT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
	code     TEXT NOT NULL,
	severity TEXT NOT NULL,
	message  TEXT NOT NULL
);

CREATE INDEX findings_turn ON findings (turn_id);
CREATE INDEX findings_round_code ON findings (round_id, code);

INSERT INTO findings (turn_id, round_id, code, severity, message)
SELECT t.id, t.round_id,
       coalesce(json_extract(f.value, '$.code'), ''),
       coalesce(json_extract(f.value, '$.severity'), ''),
       coalesce(json_extract(f.value, '$.message'), '')
FROM turns AS t, json_each(t.report, '$.findings') AS f
WHERE t.report IS NOT NULL AND json_valid(t.report)
ORDER BY t.id, f.key;
