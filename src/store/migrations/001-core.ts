// Core schema: deployments, their stacks, events, phase history, Slack outbox.
export const sql = `
CREATE TABLE deployments (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  kind          TEXT NOT NULL CHECK (kind IN ('deploy', 'rollback')),
  service       TEXT NOT NULL,
  environment   TEXT NOT NULL,
  target_key    TEXT NOT NULL,                 -- service/environment: unit of locking
  ref           TEXT NOT NULL,                 -- what the user asked for (branch, tag, sha)
  sha           TEXT NOT NULL,                 -- resolved once, built and deployed exactly
  requested_by  TEXT NOT NULL,                 -- Slack user id
  state         TEXT NOT NULL,
  priority      INTEGER NOT NULL DEFAULT 0,    -- rollbacks jump the queue
  token         TEXT NOT NULL UNIQUE,          -- ClientRequestToken / idempotency token
  channel       TEXT NOT NULL,
  wait_reason   TEXT,                          -- why a queued deployment is not starting
  build_id      TEXT,
  build_log_url TEXT,
  failure       TEXT,                          -- JSON: phase, reason, resource (set when failed)
  summary       TEXT,                          -- one line shown with the final state
  forced        INTEGER NOT NULL DEFAULT 0,
  rollback_of   INTEGER REFERENCES deployments(id),
  worker_id     TEXT,                          -- process that runs it now
  heartbeat_at  INTEGER,                       -- stale heartbeat = resumable by the reaper
  next_poll_at  INTEGER,
  stalled_at    INTEGER,
  created_at    INTEGER NOT NULL,
  started_at    INTEGER,
  finished_at   INTEGER,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX deployments_target_state ON deployments (target_key, state, priority, id);
CREATE INDEX deployments_state ON deployments (state);
-- The core guarantee, also held by the database itself: one active deployment per target.
CREATE UNIQUE INDEX deployments_one_active ON deployments (target_key)
  WHERE state IN ('building', 'deploying', 'cancelling');

CREATE TABLE deployment_stacks (
  deployment_id   INTEGER NOT NULL REFERENCES deployments(id),
  position        INTEGER NOT NULL,
  stack_name      TEXT NOT NULL,
  region          TEXT,
  parameters      TEXT NOT NULL DEFAULT '{}',  -- JSON, substituted values actually used
  change_set_name TEXT,
  change_set_id   TEXT,
  changes         TEXT,                        -- JSON summary of the change set
  status          TEXT NOT NULL DEFAULT 'pending',
  stack_status    TEXT,
  last_event_id   TEXT,                        -- newest event already stored (tailing stops here)
  started_at      INTEGER,
  finished_at     INTEGER,
  PRIMARY KEY (deployment_id, position)
);

CREATE TABLE stack_events (
  event_id      TEXT PRIMARY KEY,
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  stack_name    TEXT NOT NULL,
  logical_id    TEXT NOT NULL,
  physical_id   TEXT,
  resource_type TEXT NOT NULL,
  status        TEXT NOT NULL,
  reason        TEXT,
  timestamp     INTEGER NOT NULL,
  seen_at       INTEGER NOT NULL
);
CREATE INDEX stack_events_deployment ON stack_events (deployment_id, timestamp);

CREATE TABLE deployment_phases (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  target_key    TEXT NOT NULL,
  phase         TEXT NOT NULL,                 -- build | changeset | stack_update
  started_at    INTEGER NOT NULL,
  ended_at      INTEGER,
  outcome       TEXT                           -- succeeded | failed | cancelled
);
CREATE UNIQUE INDEX deployment_phases_one ON deployment_phases (deployment_id, phase);
CREATE INDEX deployment_phases_target ON deployment_phases (target_key, phase, outcome, ended_at);

-- Slack retries of one command (same trigger) must not create a second deployment.
CREATE TABLE command_requests (
  request_id    TEXT PRIMARY KEY,
  deployment_id INTEGER REFERENCES deployments(id),
  created_at    INTEGER NOT NULL
);

-- One logical Slack message (a parent or a reply); ts is known once delivered.
CREATE TABLE slack_messages (
  key           TEXT PRIMARY KEY,
  deployment_id INTEGER REFERENCES deployments(id),
  channel       TEXT NOT NULL,
  thread_key    TEXT REFERENCES slack_messages(key),
  ts            TEXT,
  created_at    INTEGER NOT NULL
);

-- Slack writes waiting to be delivered, written in the transaction of the change they report.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  message_key     TEXT NOT NULL REFERENCES slack_messages(key),
  op              TEXT NOT NULL CHECK (op IN ('post', 'update')),
  payload         TEXT NOT NULL,               -- JSON { text, blocks }
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sending', 'sent', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE INDEX outbox_message ON outbox (message_key, state);
`;
