// GitHub Deployments mirror (issue 15): one row per mirrored deployment, its status queue, and the repos whose token
// GitHub refused (the doctor reads these). A small sibling of the Slack outbox (ADR 0003), not a second outbox.
export const sql = `
CREATE TABLE github_deployments (
  deployment_id  INTEGER PRIMARY KEY REFERENCES deployments(id),
  repo           TEXT NOT NULL,           -- owner/name
  environment    TEXT NOT NULL,
  github_id      INTEGER,                 -- GitHub's deployment id, once created
  github_created TEXT,                    -- GitHub's created_at (ISO 8601): runs of this deployment are newer
  log_url        TEXT,                    -- the Slack thread's permalink, once known
  run_id         INTEGER UNIQUE,          -- the Actions run claimed as this deployment's build (never two owners)
  run_progress   TEXT,                    -- JSON: the run's current job and step, for the progress reply
  payload        TEXT NOT NULL,           -- JSON sent as the deployment's payload (a workflow can read it)
  dead_reason    TEXT,                    -- GitHub refused to create it: its statuses are dropped
  created_at     INTEGER NOT NULL
);

CREATE TABLE github_statuses (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id   INTEGER NOT NULL REFERENCES github_deployments(deployment_id),
  state           TEXT NOT NULL,          -- queued | in_progress | success | failure | error | inactive
  description     TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'pending',  -- pending | sent | dead
  failures        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  UNIQUE (deployment_id, state)
);
CREATE INDEX github_statuses_pending ON github_statuses (deployment_id, id) WHERE status = 'pending';

-- Durations of the jobs of successful GitHub Actions builds: estimates per target, workflow and job.
CREATE TABLE actions_job_runs (
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  target_key    TEXT NOT NULL,
  workflow      TEXT NOT NULL,
  job           TEXT NOT NULL,
  duration_ms   INTEGER NOT NULL,
  finished_at   INTEGER NOT NULL,
  PRIMARY KEY (deployment_id, job)
);
CREATE INDEX actions_job_runs_by_job ON actions_job_runs (target_key, workflow, job, finished_at);

CREATE TABLE github_permission_problems (
  repo        TEXT PRIMARY KEY,
  http_status INTEGER NOT NULL,
  message     TEXT NOT NULL,
  first_at    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL
);
`;
