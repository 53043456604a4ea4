/**
 * The repositories every deployment service shares, built once (runtime.ts, or a test through
 * buildDeploymentCore) and injected: no service constructs its own.
 */
import { ApprovalsRepo } from './approvals-repo.js';
import { BlindnessRepo } from './blindness-repo.js';
import type { Db } from './db.js';
import { DeploymentActionsRepo } from './deployment-actions-repo.js';
import { DeploymentsRepo } from './deployments-repo.js';
import { EventsRepo } from './events-repo.js';
import { GitHubDeploymentsRepo } from './github-deployments-repo.js';
import { LocksRepo } from './locks-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { PhasesRepo } from './phases-repo.js';
import { StacksRepo } from './stacks-repo.js';
import { VerificationsRepo } from './verifications-repo.js';

export interface Repos {
  deployments: DeploymentsRepo;
  phases: PhasesRepo;
  actions: DeploymentActionsRepo;
  outbox: OutboxRepo;
  locks: LocksRepo;
  stacks: StacksRepo;
  events: EventsRepo;
  approvals: ApprovalsRepo;
  blindness: BlindnessRepo;
  verifications: VerificationsRepo;
  githubDeployments: GitHubDeploymentsRepo;
}

export function buildRepos(db: Db): Repos {
  return {
    deployments: new DeploymentsRepo(db),
    phases: new PhasesRepo(db),
    actions: new DeploymentActionsRepo(db),
    outbox: new OutboxRepo(db),
    locks: new LocksRepo(db),
    stacks: new StacksRepo(db),
    events: new EventsRepo(db),
    approvals: new ApprovalsRepo(db),
    blindness: new BlindnessRepo(db),
    verifications: new VerificationsRepo(db),
    githubDeployments: new GitHubDeploymentsRepo(db),
  };
}
