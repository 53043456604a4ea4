/**
 * The domain services, built once over one set of repositories and one DeploymentCore (deploys/core.ts): /deploy
 * and its buttons (requests, approvals, locks, rollbacks, promotions), auto-deploy, digests, status and Home.
 */
import { CloudFormationDrift } from '../adapters/cloudformation-drift.js';
import { StackRecovery } from '../adapters/cloudformation-recovery.js';
import { OctokitBranchHeads } from '../adapters/github-branch.js';
import { GitHubBranches } from '../adapters/github-branches.js';
import { ApprovalService } from '../approvals/approval-service.js';
import { AutoDeployer } from '../autodeploy/auto-deployer.js';
import { GitHubWebhook, githubWebhookRoute } from '../autodeploy/github-webhook.js';
import { buildDeploymentCore, type DeploymentCore } from '../deploys/core.js';
import { DeployFormService } from '../deploys/deploy-form.js';
import { DeployRequests } from '../deploys/requests.js';
import { StatusReport } from '../deploys/status-report.js';
import { targetOfDeployment } from '../deploys/target-of.js';
import { Digests } from '../digests/digests.js';
import { DriftDigestJob } from '../digests/drift-job.js';
import { HealthDigestJob } from '../digests/health-job.js';
import type { Deployment } from '../domain/deployment.js';
import { Estimator } from '../estimates/estimator.js';
import { ProgressHook } from '../estimates/progress-hook.js';
import { HomeDashboard } from '../home/home-dashboard.js';
import { LockService } from '../locks/lock-service.js';
import { PromotionGate } from '../promotion/promotion-gate.js';
import { PromotionService } from '../promotion/promotion-service.js';
import { VersionReport } from '../promotion/version-report.js';
import { RollbackService } from '../rollbacks/rollback-service.js';
import { buildRepos } from '../store/repos.js';
import type { RuntimeBase } from './runtime-clients.js';

export type Services = ReturnType<typeof buildServices>;

export function buildServices({ env, config, db, logger, clock, clients, deps }: RuntimeBase) {
  const { aws, budget, github, githubWeb, octokit } = clients;
  // Estimates, progress and stalls.
  const repos = buildRepos(db);
  const estimator = new Estimator({ repos, clock });
  const targetOf = targetOfDeployment(config);
  const progress = new ProgressHook({ db, config, clock, logger, estimator, targetOf, repos });
  // Every redraw of a thread parent shows "elapsed/ETA": to start while queued, to finish while running.
  const parentEta = (d: Deployment) => progress.parentEtaMs(d);
  // One set of repositories, one thread-parent renderer and reporter, one lifecycle, shared by every service.
  const core: DeploymentCore = buildDeploymentCore({ db, config, clock, logger, githubWeb, parentEta, repos });

  // Issue 4: approvals, locks, rollbacks and the buttons behind them.
  const approvals = new ApprovalService({ db, config, clock, logger, github, githubWeb, core });
  const locks = new LockService({ db, clock, logger, repos });
  const rollbacks = new RollbackService({
    db,
    config,
    clock,
    logger,
    approvals,
    locks,
    recovery: new StackRecovery(aws, budget),
    githubWeb,
    core,
  });

  // Digests: drift (CloudFormation) and health (history, CloudFormation, GitHub).
  const runs = repos.digestRuns;
  const cfnDrift = new CloudFormationDrift(aws, {
    clock,
    budget,
    ...(deps.driftSleep ? { sleep: deps.driftSleep } : {}),
  });
  const region = clients.defaultRegion ? { defaultRegion: clients.defaultRegion } : {};
  const digests = new Digests({
    config,
    db,
    runs,
    outbox: repos.outbox,
    clock,
    logger,
    jobs: {
      drift: new DriftDigestJob({ config, detector: cfnDrift, runs, drift: repos.drift, clock, logger, ...region }),
      health: new HealthDigestJob({
        config,
        health: repos.health,
        runs,
        stacks: cfnDrift,
        github,
        clock,
        logger,
        githubWeb,
        autoDeployOf: (t) => {
          if (!t.env.autoDeploy) return undefined;
          const c = repos.autoDeploys.latest(t.key);
          return { branch: t.env.autoDeploy.branch, candidate: c && { id: c.id, sha: c.sha, state: c.state } };
        },
        delivery: repos.delivery,
        ...region,
      }),
    },
  });

  const requests = new DeployRequests({
    db,
    config,
    github,
    clock,
    githubWeb,
    approvals,
    locks,
    gate: clients.gate,
    eta: (d) => progress.queueEta(d),
    core,
    promotion: new PromotionGate({ config, deployments: repos.deployments }),
  });
  const promotions = new PromotionService({ config, clock, logger, requests, repos });
  // Issue 16: the branch heads that deploy themselves; a signed push webhook only makes the read happen now.
  const autoDeploy = new AutoDeployer({
    db,
    config,
    clock,
    logger: logger.child({ job: 'auto-deploy' }),
    heads: new OctokitBranchHeads(octokit),
    github,
    requests,
    githubWeb,
    core,
  });
  const webhookRoutes = env.GITHUB_WEBHOOK_SECRET
    ? [
        githubWebhookRoute(
          new GitHubWebhook({ secret: env.GITHUB_WEBHOOK_SECRET, clock, logger, autoDeploys: repos.autoDeploys }),
          (push) => autoDeploy.pushed(push),
          logger,
        ),
      ]
    : [];
  const status = new StatusReport({ config, clock, githubWeb, locks, repos });
  const home = new HomeDashboard({ repos, config, clock, githubWeb, locks, etaMs: parentEta });
  const deployForm = new DeployFormService({ config, requests, branches: new GitHubBranches(octokit) });
  const versions = new VersionReport({ deployments: repos.deployments, config, github, githubWeb, logger });

  return {
    repos,
    core,
    progress,
    approvals,
    locks,
    rollbacks,
    digests,
    requests,
    promotions,
    autoDeploy,
    webhookRoutes,
    status,
    home,
    deployForm,
    versions,
  };
}
