/**
 * Promotion (issue 16): an environment with `promoteFrom` takes only SHAs its source environment proved — a
 * deployment of that SHA succeeded there (success already includes `verify` where it is configured) at least
 * `soakMinutes` ago. Rollbacks do not come through here: they are exempt.
 */
import type { Config } from '../app/config.js';
import type { Deployment } from '../domain/deployment.js';
import { type RefusalWith, refuseWith } from '../domain/refusal.js';
import { findTarget, type Target } from '../domain/targets.js';
import type { DeploymentsRepo } from '../store/deployments-repo.js';
import { notPromotable } from '../views/promotion.js';
import type { SlackMessage } from '../views/slack-message.js';

export type PromotionCheck = { ok: true; proof?: Deployment } | RefusalWith<SlackMessage, 'not_promotable'>;

export class PromotionGate {
  private readonly repo: DeploymentsRepo;

  constructor(private readonly deps: { config: Config; deployments: DeploymentsRepo }) {
    this.repo = deps.deployments;
  }

  /** The environment this target promotes from, if any. */
  sourceOf(target: Target): Target | undefined {
    const from = target.env.promoteFrom;
    if (!from) return undefined;
    const found = findTarget(this.deps.config, target.service, from);
    return found.ok ? found.target : undefined;
  }

  /** Environments of the same service that promote from this one (the Promote buttons it offers). */
  downstreamOf(target: Target): Target[] {
    const svc = this.deps.config.services[target.service];
    if (!svc) return [];
    return Object.entries(svc.environments)
      .filter(([, e]) => e.promoteFrom === target.environment)
      .flatMap(([env]) => {
        const found = findTarget(this.deps.config, target.service, env);
        return found.ok ? [found.target] : [];
      });
  }

  /** What the source runs now: its newest successful deployment (a rollback included). */
  sourceRuns(source: Target): Deployment | undefined {
    return this.repo.lastSucceeded(source.key);
  }

  /** Whether `sha` may deploy to `target` at `now`; refusals say why and what the source runs. */
  check(target: Target, sha: string, now: number): PromotionCheck {
    const source = this.sourceOf(target);
    if (!source) return { ok: true };
    const soakMs = target.env.soakMinutes * 60_000;
    const proven = this.repo.firstSucceeded(source.key, sha);
    const runs = this.sourceRuns(source);
    if (proven && (proven.finishedAt ?? 0) <= now - soakMs) return { ok: true, proof: proven };
    return refuseWith(
      'not_promotable',
      notPromotable({
        target,
        source,
        sha,
        now,
        soakMinutes: target.env.soakMinutes,
        succeededAt: proven?.finishedAt ?? undefined,
        sourceRuns: runs ? { sha: runs.sha, finishedAt: runs.finishedAt ?? runs.updatedAt } : undefined,
      }),
    );
  }
}
