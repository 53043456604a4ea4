// Baking (alarm window) and verifying hold the target like the other active states: the one-active index grows.
export const sql = `
DROP INDEX deployments_one_active;
CREATE UNIQUE INDEX deployments_one_active ON deployments (target_key)
  WHERE state IN ('building', 'deploying', 'baking', 'verifying', 'cancelling');
`;
