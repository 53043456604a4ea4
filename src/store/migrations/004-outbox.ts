// Delivery side of the Slack outbox: dead-letter reasons, backoff state, recovery flags, 429 holds.
export const sql = `
ALTER TABLE outbox ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;      -- retryable failures: the backoff exponent
ALTER TABLE outbox ADD COLUMN needs_lookup INTEGER NOT NULL DEFAULT 0;  -- a post Slack may have accepted: look before posting
ALTER TABLE outbox ADD COLUMN sending_at INTEGER;                       -- in flight since (state = 'sending')
ALTER TABLE outbox ADD COLUMN age_from INTEGER;                         -- max age counts from here after a requeue
ALTER TABLE outbox ADD COLUMN superseded_by INTEGER;                    -- an older update replaced by a newer one
ALTER TABLE outbox ADD COLUMN dead_reason TEXT;
ALTER TABLE outbox ADD COLUMN dead_at INTEGER;
ALTER TABLE outbox ADD COLUMN dead_cause INTEGER;                       -- the dead post that took this entry with it
CREATE INDEX outbox_dead_cause ON outbox (dead_cause) WHERE dead_cause IS NOT NULL;
CREATE INDEX slack_messages_thread ON slack_messages (thread_key) WHERE thread_key IS NOT NULL;

-- HTTP 429: every call of that method to that channel waits until until_at (survives restarts).
CREATE TABLE slack_rate_limits (
  method   TEXT NOT NULL,
  channel  TEXT NOT NULL,
  until_at INTEGER NOT NULL,
  PRIMARY KEY (method, channel)
);
`;
