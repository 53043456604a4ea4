/**
 * What every deployment service shares, built once by runtime.ts (tests build it with the same function): the
 * repositories, the one thread-parent renderer and thread reporter, and the lifecycle through which every state
 * change goes. Services take it instead of constructing their own.
 */
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import { GitHubDeploymentMirror } from '../github/deployment-mirror.js';
import { promoteOffers } from '../promotion/promote-offer.js';
import type { Db } from '../store/db.js';
import { buildRepos, type Repos } from '../store/repos.js';
import { Lifecycle } from './lifecycle.js';
import { type TargetOf, targetOfDeployment } from './target-of.js';
import { type ParentEta, ThreadParent } from './thread-parent.js';
import { ThreadReporter } from './thread-reporter.js';

export interface DeploymentCore extends Repos {
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
  /** The repositories, when runtime.ts built them earlier (the progress hook needs them before the core). */
  repos?: Repos | undefined;
}

export function buildDeploymentCore(deps: DeploymentCoreDeps): DeploymentCore {
  const { db, clock, logger } = deps;
  const repos = deps.repos ?? buildRepos(db);
  const { deployments, phases, actions, blindness, verifications } = repos;
  const targetOf = targetOfDeployment(deps.config);
  const view = { db, deployments, blindness, targetOf, githubWeb: deps.githubWeb, etaMs: deps.parentEta, logger };
  const parents = new ThreadParent(view);
  const reporter = new ThreadReporter({
    ...view,
    outbox: repos.outbox,
    parents,
    clock,
    offers: (d) => promoteOffers(deps.config, d),
  });
  // Every state change queues its GitHub deployment status, in the change's transaction (issue 15).
  const mirror = new GitHubDeploymentMirror({
    db,
    targetOf,
    clock,
    logger: logger.child({ job: 'github-mirror' }),
    githubDeployments: repos.githubDeployments,
  });
  const lifecycle = new Lifecycle({ db, clock, logger, deployments, phases, actions, verifications, reporter, mirror });
  return { ...repos, parents, reporter, lifecycle, targetOf };
}
