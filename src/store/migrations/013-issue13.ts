// A running deployment whose AWS reads keep failing (issue 13): since when, why, and whether its thread was told.
// Numbered after its issue so parallel branches do not clash on a version; versions only need to be unique.
export const sql = `
CREATE TABLE deployment_blindness (
  deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id) ON DELETE CASCADE,
  since INTEGER NOT NULL,
  last_at INTEGER NOT NULL,
  failures INTEGER NOT NULL,
  kind TEXT NOT NULL,
  code TEXT NOT NULL,
  what TEXT NOT NULL,
  permission_since INTEGER,
  posted_at INTEGER
);
`;

// What AWS already knew about a target before Coxswain's first deploy of it (issue 13): past stack operations and
// resources from DescribeStackEvents, past builds from CodeBuild. Kept apart from Coxswain's own phases because it
// is weighed lower; `source_id` makes a daily re-learn idempotent.
export const learnedSql = `
CREATE TABLE learned_durations (
  id INTEGER PRIMARY KEY,
  target_key TEXT NOT NULL,
  source TEXT NOT NULL,
  source_id TEXT NOT NULL,
  phase TEXT,
  resource_type TEXT,
  action TEXT,
  duration_ms INTEGER NOT NULL,
  ended_at INTEGER NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX learned_durations_phase ON learned_durations (target_key, phase, ended_at);
CREATE INDEX learned_durations_resource ON learned_durations (resource_type, action, ended_at);
CREATE TABLE learned_targets (
  target_key TEXT PRIMARY KEY,
  learned_at INTEGER NOT NULL
);
`;
