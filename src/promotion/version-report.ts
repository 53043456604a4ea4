/**
 * /deploy-status's version lines (issue 16): per service, what each environment runs and how many commits it is
 * behind what it follows — the environment it promotes from, or the branch it auto-deploys (GitHub compare).
 */
import type { KnownBlock } from '@slack/types';
import type { GitHub } from '../adapters/github.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { allTargets, type Target } from '../domain/targets.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import { type EnvVersion, versionsBlock } from '../views/versions.js';

export interface VersionReportDeps {
  deployments: DeploymentsRepo;
  config: Config;
  github: Pick<GitHub, 'compare'>;
  githubWeb: string;
  logger: Logger;
}

export class VersionReport {
  private readonly deployments: DeploymentsRepo;

  constructor(private readonly deps: VersionReportDeps) {
    this.deployments = deps.deployments;
  }

  /** The block, or undefined when no chosen service has an environment that follows another or a branch. */
  async build(filter: { service?: string; environment?: string }): Promise<KnownBlock | undefined> {
    const targets = allTargets(this.deps.config).filter(
      (t) =>
        (!filter.service || t.service === filter.service) &&
        (!filter.environment || t.environment === filter.environment),
    );
    const services = [...new Set(targets.map((t) => t.service))];
    const rows = await Promise.all(
      services.map(async (service) => {
        const envs = targets.filter((t) => t.service === service);
        return { service, envs: await Promise.all(envs.map((t) => this.version(t))) };
      }),
    );
    const following = rows.filter((r) => r.envs.some((e) => e.source));
    return following.length ? versionsBlock(following, this.deps.githubWeb) : undefined;
  }

  private async version(t: Target): Promise<EnvVersion> {
    const sha = this.deployments.lastSucceeded(t.key)?.sha;
    const base: EnvVersion = { environment: t.environment, repo: t.repo, sha };
    if (t.env.promoteFrom) {
      const sourceSha = this.deployments.lastSucceeded(`${t.service}/${t.env.promoteFrom}`)?.sha;
      return {
        ...base,
        source: { label: t.env.promoteFrom, sha: sourceSha, behind: await this.behind(t, sha, sourceSha) },
      };
    }
    if (t.env.autoDeploy) {
      const branch = t.env.autoDeploy.branch;
      return { ...base, source: { label: branch, sha: branch, behind: await this.behind(t, sha, branch) } };
    }
    return base;
  }

  /** Commits `head` has that `base` lacks; undefined when either is unknown or GitHub cannot compare. */
  private async behind(t: Target, base: string | undefined, head: string | undefined): Promise<number | undefined> {
    if (!base || !head) return undefined;
    if (base === head) return 0;
    try {
      return (await this.deps.github.compare(t.repo, base, head)).aheadBy;
    } catch (err) {
      logError(this.deps.logger, err, { target: t.key }, 'cannot compare versions for /deploy-status', 'warn');
      return undefined;
    }
  }
}
