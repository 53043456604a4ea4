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
