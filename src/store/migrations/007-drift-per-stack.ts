// Drift results keyed per stack: a target may have several stacks (Target.stacks), so drift_stacks and
// drift_resources gain stack_name in their primary key. SQLite cannot change a primary key in place: rebuild both.
// Rows stored before this under the old multi-stack workaround key `service/environment/<stack name>` get their
// target's own key back (service and environment names cannot contain '/').
export const sql = `
CREATE TABLE drift_stacks_new (
  run_id      INTEGER NOT NULL REFERENCES digest_runs(id),
  target_key  TEXT NOT NULL,                   -- service/environment
  stack_name  TEXT NOT NULL,
  region      TEXT,
  stack_id    TEXT,
  status      TEXT NOT NULL CHECK (status IN ('IN_SYNC', 'DRIFTED', 'UNKNOWN')),
  reason      TEXT,                            -- why UNKNOWN
  checked_at  INTEGER NOT NULL,
  PRIMARY KEY (run_id, target_key, stack_name)
);

INSERT INTO drift_stacks_new (run_id, target_key, stack_name, region, stack_id, status, reason, checked_at)
SELECT run_id,
       CASE WHEN target_key LIKE '%/%/%' AND substr(target_key, -length(stack_name) - 1) = '/' || stack_name
            THEN substr(target_key, 1, length(target_key) - length(stack_name) - 1)
            ELSE target_key END,
       stack_name, region, stack_id, status, reason, checked_at
  FROM drift_stacks;

CREATE TABLE drift_resources_new (
  run_id        INTEGER NOT NULL REFERENCES digest_runs(id),
  target_key    TEXT NOT NULL,
  stack_name    TEXT NOT NULL,
  logical_id    TEXT NOT NULL,
  physical_id   TEXT,
  resource_type TEXT NOT NULL,
  drift_status  TEXT NOT NULL,                 -- MODIFIED | DELETED
  differences   TEXT NOT NULL DEFAULT '[]',    -- JSON PropertyDifference[]
  fingerprint   TEXT NOT NULL,                 -- equal fingerprints = the same drift as last time
  PRIMARY KEY (run_id, target_key, stack_name, logical_id)
);

-- Resources had no stack_name: take it from their stack row (saved in the same transaction, so always there).
INSERT INTO drift_resources_new (run_id, target_key, stack_name, logical_id, physical_id, resource_type, drift_status,
                                 differences, fingerprint)
SELECT r.run_id,
       CASE WHEN r.target_key LIKE '%/%/%' AND substr(r.target_key, -length(s.stack_name) - 1) = '/' || s.stack_name
            THEN substr(r.target_key, 1, length(r.target_key) - length(s.stack_name) - 1)
            ELSE r.target_key END,
       s.stack_name, r.logical_id, r.physical_id, r.resource_type, r.drift_status, r.differences, r.fingerprint
  FROM drift_resources r
  JOIN drift_stacks s ON s.run_id = r.run_id AND s.target_key = r.target_key;

DROP TABLE drift_resources;
DROP TABLE drift_stacks;
ALTER TABLE drift_stacks_new RENAME TO drift_stacks;
ALTER TABLE drift_resources_new RENAME TO drift_resources;
`;
