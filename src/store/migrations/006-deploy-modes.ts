// Deploy modes and recovery tracking on each stack of a deployment (issues 4 and 7).
export const sql = `
ALTER TABLE deployment_stacks ADD COLUMN template_url TEXT;        -- mode template: the build's template (https S3 URL)
ALTER TABLE deployment_stacks ADD COLUMN change_set_type TEXT;     -- CREATE for a first deploy, else UPDATE
ALTER TABLE deployment_stacks ADD COLUMN op_token TEXT;            -- mode build: the tool's ClientRequestToken followed
ALTER TABLE deployment_stacks ADD COLUMN recovery TEXT;            -- null | watching | done: ContinueUpdateRollback/RollbackStack after a failure
ALTER TABLE deployment_stacks ADD COLUMN recovery_event_id TEXT;   -- newest event read while watching the recovery
ALTER TABLE deployment_stacks ADD COLUMN recovery_action_at INTEGER; -- the deployment_actions click being watched
`;
