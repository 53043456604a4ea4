/**
 * What every deployment service shares, built once by runtime.ts (tests build it with the same function): the
 * repositories, the one thread-parent renderer and thread reporter, and the lifecycle through which every state
 * change goes. Services take it instead of constructing their own.
 */
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import { promoteOffers } from '../promotion/promote-offer.js';
import { BlindnessRepo } from '../store/blindness-repo.js';
import type { Db } from '../store/db.js';
import { DeploymentActionsRepo } from '../store/deployment-actions-repo.js';
import { DeploymentsRepo } from '../store/deployments-repo.js';
import { OutboxRepo } from '../store/outbox-repo.js';
import { PhasesRepo } from '../store/phases-repo.js';
import { VerificationsRepo } from '../store/verifications-repo.js';
import { Lifecycle } from './lifecycle.js';
import { type TargetOf, targetOfDeployment } from './target-of.js';
import { type ParentEta, ThreadParent } from './thread-parent.js';
import { ThreadReporter } from './thread-reporter.js';

export interface DeploymentCore {
  deployments: DeploymentsRepo;
  phases: PhasesRepo;
  actions: DeploymentActionsRepo;
  verifications: VerificationsRepo;
  outbox: OutboxRepo;
  parents: ThreadParent;
  reporter: ThreadReporter;
  lifecycle: Lifecycle;
  /** A deployment's target, or the removed-target refusal (target-of.ts). */
  targetOf: TargetOf;
}

export interface DeploymentCoreDeps {
  db: Db;
  config: Config;
  clock: Clock;
  logger: Logger;
  githubWeb: string;
  /** The ETA every redrawn parent shows (ProgressHook.parentEtaMs); without it parents show none. */
  parentEta?: ParentEta | undefined;
}

export function buildDeploymentCore(deps: DeploymentCoreDeps): DeploymentCore {
  const { db, clock, logger } = deps;
  const deployments = new DeploymentsRepo(db);
  const phases = new PhasesRepo(db);
  const actions = new DeploymentActionsRepo(db);
  const verifications = new VerificationsRepo(db);
  const targetOf = targetOfDeployment(deps.config);
  const blindness = new BlindnessRepo(db);
  const view = { db, deployments, blindness, targetOf, githubWeb: deps.githubWeb, etaMs: deps.parentEta, logger };
  const parents = new ThreadParent(view);
  const reporter = new ThreadReporter({ ...view, clock, offers: (d) => promoteOffers(deps.config, d) });
  const lifecycle = new Lifecycle({ db, clock, logger, deployments, phases, actions, verifications, reporter });
  const outbox = new OutboxRepo(db);
  return { deployments, phases, actions, verifications, outbox, parents, reporter, lifecycle, targetOf };
}
