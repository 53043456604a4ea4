// Baking (alarm window) and verifying hold the target like the other active states: the one-active index grows.
// Their timing lives in deployment_verifications (not deployment_phases: the estimates learn only build/change set/update).
export const sql = `
DROP INDEX deployments_one_active;
CREATE UNIQUE INDEX deployments_one_active ON deployments (target_key)
  WHERE state IN ('building', 'deploying', 'baking', 'verifying', 'cancelling');

-- One row per deployment and closed-loop phase: bake (the alarm window) and verify (serving the new SHA).
CREATE TABLE deployment_verifications (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  phase         TEXT NOT NULL CHECK (phase IN ('bake', 'verify')),
  started_at    INTEGER NOT NULL,
  until         INTEGER NOT NULL,               -- end of the alarm window / the verify timeout
  polls         INTEGER NOT NULL DEFAULT 0,
  last_seen     TEXT,                           -- what the verify URL answered last (status and excerpt)
  outcome       TEXT CHECK (outcome IN ('succeeded', 'failed', 'cancelled')),
  finished_at   INTEGER,
  PRIMARY KEY (deployment_id, phase)
);
CREATE INDEX deployment_verifications_finished ON deployment_verifications (phase, outcome, finished_at);

-- The commit time of a deployment's SHA (GitHub, at request time): the start of the deploy lead time.
CREATE TABLE deployment_commits (
  deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id),
  committed_at  INTEGER NOT NULL
);
`;
