import type { DeploymentsRepo } from '../store/deployments-repo.js';

/**
 * The correlation token of a deployment (its CloudFormation ClientRequestToken, on every stack event of its
 * operations), looked up for log lines that name a deploymentId, so logs, AWS events and Slack threads join up.
 * Tokens never change, so they are cached (bounded).
 */
export class DeploymentCorrelation {
  private deployments: Pick<DeploymentsRepo, 'get'> | undefined;
  private readonly cache = new Map<number, string>();

  use(deployments: Pick<DeploymentsRepo, 'get'>): void {
    this.deployments = deployments;
    this.cache.clear();
  }

  tokenOf(id: number): string | undefined {
    const hit = this.cache.get(id);
    if (hit) return hit;
    try {
      const row = this.deployments?.get(id);
      if (!row) return undefined;
      if (this.cache.size >= 1000) this.cache.clear();
      this.cache.set(id, row.token);
      return row.token;
    } catch {
      // Closed database (shutdown): the line goes out without it.
      return undefined;
    }
  }
}
