// Digests: one row per run (drift or health), and drift results per stack and resource per run.
export const sql = `
CREATE TABLE digest_runs (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  kind        TEXT NOT NULL CHECK (kind IN ('drift', 'health')),
  state       TEXT NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'completed', 'partial')),
  posted      INTEGER NOT NULL DEFAULT 0,      -- 1 once queued to the channel; previews stay 0
  started_at  INTEGER NOT NULL,
  finished_at INTEGER,
  note        TEXT                             -- what could not be checked, when partial
);
CREATE INDEX digest_runs_kind ON digest_runs (kind, posted, state, id);

CREATE TABLE drift_stacks (
  run_id      INTEGER NOT NULL REFERENCES digest_runs(id),
  target_key  TEXT NOT NULL,                   -- service/environment
  stack_name  TEXT NOT NULL,
  region      TEXT,
  stack_id    TEXT,
  status      TEXT NOT NULL CHECK (status IN ('IN_SYNC', 'DRIFTED', 'UNKNOWN')),
  reason      TEXT,                            -- why UNKNOWN
  checked_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, target_key)
);

CREATE TABLE drift_resources (
  run_id        INTEGER NOT NULL REFERENCES digest_runs(id),
  target_key    TEXT NOT NULL,
  logical_id    TEXT NOT NULL,
  physical_id   TEXT,
  resource_type TEXT NOT NULL,
  drift_status  TEXT NOT NULL,                 -- MODIFIED | DELETED
  differences   TEXT NOT NULL DEFAULT '[]',    -- JSON PropertyDifference[]
  fingerprint   TEXT NOT NULL,                 -- equal fingerprints = the same drift as last time
  PRIMARY KEY (run_id, target_key, logical_id)
);
`;
