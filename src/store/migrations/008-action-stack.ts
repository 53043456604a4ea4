// The stack a recovery click (continue_rollback / rollback_stack) acted on: mode build can leave several stacks
// failed, and only the one acted on is watched. Null on older rows and on actions about the whole deployment.
export const sql = `
ALTER TABLE deployment_actions ADD COLUMN stack_name TEXT;
`;
