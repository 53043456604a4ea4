/**
 * Every repository, built once (app/runtime.ts and app/cli.ts, or a test through buildDeploymentCore) and
 * injected: no service constructs its own (test/unit/compose-once.test.ts).
 */
import { ActionsJobsRepo } from './actions-jobs-repo.js';
import { ApprovalsRepo } from './approvals-repo.js';
import { AuditRepo } from './audit-repo.js';
import { AutoDeployRepo } from './auto-deploy-repo.js';
import { BlindnessRepo } from './blindness-repo.js';
import type { Db } from './db.js';
import { DeadLetterRepo } from './dead-letter-repo.js';
import { DeliveryRepo } from './delivery-repo.js';
import { DeploymentActionsRepo } from './deployment-actions-repo.js';
import { DeploymentsRepo } from './deployments-repo.js';
import { DigestRunsRepo } from './digest-runs-repo.js';
import { DriftRepo } from './drift-repo.js';
import { EventsRepo } from './events-repo.js';
import { GitHubDeploymentsRepo } from './github-deployments-repo.js';
import { HealthRepo } from './health-repo.js';
import { HistoryRepo } from './history-repo.js';
import { LearnedHistoryRepo } from './learned-history-repo.js';
import { LocksRepo } from './locks-repo.js';
import { OutboxDeliveryRepo } from './outbox-delivery-repo.js';
import { OutboxRepo } from './outbox-repo.js';
import { PhasesRepo } from './phases-repo.js';
import { StacksRepo } from './stacks-repo.js';
import { VerificationsRepo } from './verifications-repo.js';

export interface Repos {
  deployments: DeploymentsRepo;
  phases: PhasesRepo;
  actions: DeploymentActionsRepo;
  outbox: OutboxRepo;
  /** The outbox worker's side: due entries, claims, the dead letter. */
  outboxDelivery: OutboxDeliveryRepo;
  deadLetters: DeadLetterRepo;
  locks: LocksRepo;
  stacks: StacksRepo;
  events: EventsRepo;
  approvals: ApprovalsRepo;
  blindness: BlindnessRepo;
  verifications: VerificationsRepo;
  githubDeployments: GitHubDeploymentsRepo;
  /** Learned GitHub Actions job durations (issue 15). */
  actionsJobs: ActionsJobsRepo;
  audit: AuditRepo;
  autoDeploys: AutoDeployRepo;
  delivery: DeliveryRepo;
  digestRuns: DigestRunsRepo;
  drift: DriftRepo;
  health: HealthRepo;
  history: HistoryRepo;
  learnedHistory: LearnedHistoryRepo;
}

export function buildRepos(db: Db): Repos {
  const deadLetters = new DeadLetterRepo(db);
  return {
    deployments: new DeploymentsRepo(db),
    phases: new PhasesRepo(db),
    actions: new DeploymentActionsRepo(db),
    outbox: new OutboxRepo(db),
    outboxDelivery: new OutboxDeliveryRepo(db, deadLetters),
    deadLetters,
    locks: new LocksRepo(db),
    stacks: new StacksRepo(db),
    events: new EventsRepo(db),
    approvals: new ApprovalsRepo(db),
    blindness: new BlindnessRepo(db),
    verifications: new VerificationsRepo(db),
    githubDeployments: new GitHubDeploymentsRepo(db),
    actionsJobs: new ActionsJobsRepo(db),
    audit: new AuditRepo(db),
    autoDeploys: new AutoDeployRepo(db),
    delivery: new DeliveryRepo(db),
    digestRuns: new DigestRunsRepo(db),
    drift: new DriftRepo(db),
    health: new HealthRepo(db),
    history: new HistoryRepo(db),
    learnedHistory: new LearnedHistoryRepo(db),
  };
}
