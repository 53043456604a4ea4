// Approvals, target locks and the audit of every human decision taken through buttons and lock commands.
export const sql = `
-- One approval request per deployment: what was shown (the SHA), when it expires, and how it ended.
CREATE TABLE approval_requests (
  deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id),
  sha           TEXT NOT NULL,                 -- the exact commit approvers were asked about
  message_key   TEXT NOT NULL,                 -- outbox key of the approval reply (its buttons are replaced)
  context       TEXT NOT NULL DEFAULT '{}',    -- JSON: commits and change set shown, to redraw it after a decision
  requested_at  INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  outcome       TEXT NOT NULL DEFAULT 'pending'
                CHECK (outcome IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
  decided_by    TEXT,                          -- Slack user whose click settled it (null for expiry)
  decided_at    INTEGER
);
CREATE INDEX approval_requests_due ON approval_requests (outcome, expires_at);

-- Each person's decision, bound to the deployment AND the SHA they saw. One per person per deployment.
CREATE TABLE approvals (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  sha           TEXT NOT NULL,
  user          TEXT NOT NULL,
  decision      TEXT NOT NULL CHECK (decision IN ('approve', 'reject')),
  at            INTEGER NOT NULL,
  UNIQUE (deployment_id, user)
);

-- A human hold on a target. A locked target queues requests but runs nothing (rollback locks let rollbacks run).
CREATE TABLE locks (
  target_key    TEXT PRIMARY KEY,
  reason        TEXT NOT NULL,
  locked_by     TEXT NOT NULL,
  locked_at     INTEGER NOT NULL,
  kind          TEXT NOT NULL CHECK (kind IN ('manual', 'rollback')),
  bad_sha       TEXT,                          -- rollback locks: the SHA that was rolled back
  deployment_id INTEGER REFERENCES deployments(id)  -- rollback locks: the rollback deployment
);

-- SHAs rolled back on a target: refused on redeploy unless forced. Outlives the lock on purpose.
CREATE TABLE bad_shas (
  target_key    TEXT NOT NULL,
  sha           TEXT NOT NULL,
  marked_by     TEXT NOT NULL,
  marked_at     INTEGER NOT NULL,
  deployment_id INTEGER REFERENCES deployments(id),
  PRIMARY KEY (target_key, sha)
);

-- Append-only audit: lock, unlock, release (a rejected/expired rollback), force.
CREATE TABLE lock_history (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  target_key    TEXT NOT NULL,
  action        TEXT NOT NULL CHECK (action IN ('lock', 'unlock', 'release', 'force')),
  user          TEXT NOT NULL,
  reason        TEXT,
  kind          TEXT,
  sha           TEXT,
  deployment_id INTEGER REFERENCES deployments(id),
  at            INTEGER NOT NULL
);
CREATE INDEX lock_history_target ON lock_history (target_key, at);

-- Who pressed which stall/failure button and what it did (keep waiting, cancel, retry, roll back).
CREATE TABLE deployment_actions (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  deployment_id INTEGER NOT NULL REFERENCES deployments(id),
  action        TEXT NOT NULL,
  user          TEXT NOT NULL,
  detail        TEXT,
  at            INTEGER NOT NULL
);
CREATE INDEX deployment_actions_deployment ON deployment_actions (deployment_id, at);
`;
