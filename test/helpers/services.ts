import { AwsClients } from '../../src/adapters/aws-clients.js';
import { StackRecovery } from '../../src/adapters/cloudformation-recovery.js';
import type { GitHub } from '../../src/adapters/github.js';
import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { ApprovalService } from '../../src/approvals/approval-service.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import { targetOfDeployment } from '../../src/deploys/target-of.js';
import { Estimator } from '../../src/estimates/estimator.js';
import { ProgressHook, type ProgressHookDeps } from '../../src/estimates/progress-hook.js';
import { LockService } from '../../src/locks/lock-service.js';
import { RollbackService } from '../../src/rollbacks/rollback-service.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { buildRepos } from '../../src/store/repos.js';
import { testBudget } from './aws-budget.js';
import type { FakeClock } from './clock.js';

export const GITHUB_WEB = 'https://github.com';

/**
 * The services behind the Slack handlers (approvals, locks, rollbacks and stack recovery), wired as runtime.ts wires
 * them, over a real SQLite and a fake clock; AWS through nock with retries off. The one place tests build them.
 */
export function services(db: Db, config: Config, clock: FakeClock, o: { github?: GitHub } = {}) {
  const logger = silentLogger;
  const githubWeb = GITHUB_WEB;
  const core = buildDeploymentCore({ db, config, clock, logger, githubWeb });
  const approvals = new ApprovalService({ db, config, clock, logger, github: o.github, githubWeb, core });
  const locks = new LockService({ db, clock, logger, repos: core });
  const recovery = new StackRecovery(new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' }), testBudget(clock));
  const rollbacks = new RollbackService({ db, config, clock, logger, approvals, locks, recovery, githubWeb, core });
  return {
    core,
    approvals,
    locks,
    rollbacks,
    recovery,
    deployments: new DeploymentsRepo(db),
    outbox: new OutboxRepo(db),
  };
}

/**
 * The progress hook as the runtime wires it (ETA source for parents, progress and stall replies), over a real
 * Estimator unless a test hands it a scripted one.
 */
export function progressHook(
  db: Db,
  config: Config,
  clock: FakeClock,
  estimator: ProgressHookDeps['estimator'] = new Estimator({ repos: buildRepos(db), clock }),
): ProgressHook {
  return new ProgressHook({
    db,
    config,
    clock,
    logger: silentLogger,
    estimator,
    targetOf: targetOfDeployment(config),
    repos: buildRepos(db),
  });
}
