// Numbered 16 after the issue, as issue 13 did (013), so parallel branches do not take the same version.
// Continuous delivery (issue 16): what each watched branch head was, which deployments are auto-deploy candidates,
// and which webhook deliveries were already taken (a replayed delivery id is refused).
export const sql = `
CREATE TABLE branch_watches (
  target_key   TEXT PRIMARY KEY,
  branch       TEXT NOT NULL,
  etag         TEXT,                           -- of the last head acted on: a 304 means nothing new
  handled_sha  TEXT,                           -- the last head acted on (queued, skipped, or reported red)
  red_sha      TEXT,                           -- the last red head reported in the channel (once, not per poll)
  checked_at   INTEGER,
  updated_at   INTEGER NOT NULL
);

CREATE TABLE auto_deploys (
  deployment_id INTEGER PRIMARY KEY REFERENCES deployments(id),
  target_key    TEXT NOT NULL,
  branch        TEXT NOT NULL,
  source        TEXT NOT NULL CHECK (source IN ('poll', 'webhook')),
  pusher        TEXT,                          -- GitHub login (validated), shown in the thread
  commits       INTEGER NOT NULL,
  superseded_by INTEGER REFERENCES deployments(id),
  created_at    INTEGER NOT NULL
);
CREATE INDEX auto_deploys_target ON auto_deploys (target_key, deployment_id);

CREATE TABLE webhook_deliveries (
  delivery_id TEXT PRIMARY KEY,
  received_at INTEGER NOT NULL
);
CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at);
`;
