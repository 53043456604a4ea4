/**
 * The Promote button (`deploy_promote`, value = the source deployment's id): queues the promotion of exactly that
 * SHA through DeployRequests.request, so who may deploy, the soak, locks, gates and approvals of the destination
 * are all checked again at click time. The button is replaced once it queued something.
 */
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import type { ActionResult } from '../deploys/deployment-actions.js';
import type { DeployRequests } from '../deploys/requests.js';
import { refuse } from '../domain/refusal.js';
import { findTarget } from '../domain/targets.js';
import type { Repos } from '../store/repos.js';
import { environmentFromBlockId, promotedNote } from '../views/promotion.js';
import { threadKeys } from '../views/thread-keys.js';
import { promoteReplyName } from './promote-offer.js';

export interface PromotionServiceDeps {
  repos: Pick<Repos, 'deployments' | 'outbox'>;
  config: Config;
  clock: Clock;
  logger: Logger;
  requests: Pick<DeployRequests, 'request'>;
}

export class PromotionService {
  constructor(private readonly deps: PromotionServiceDeps) {}

  async promote(c: {
    deploymentId: number;
    user: string;
    blockId: string | undefined;
    requestId: string | undefined;
  }): Promise<ActionResult> {
    const d = this.deps.repos.deployments.get(c.deploymentId);
    if (d?.kind !== 'deploy' || d.state !== 'succeeded') {
      return refuse(
        'nothing_to_promote',
        `Deployment #${c.deploymentId} did not succeed: there is nothing to promote.`,
      );
    }
    const svc = this.deps.config.services[d.service];
    const wanted = environmentFromBlockId(c.blockId);
    const downstream = Object.entries(svc?.environments ?? {})
      .filter(([, e]) => e.promoteFrom === d.environment)
      .map(([env]) => env);
    const to =
      wanted !== undefined ? downstream.find((e) => e === wanted) : downstream.length === 1 ? downstream[0] : undefined;
    if (!to || !findTarget(this.deps.config, d.service, to).ok) {
      return refuse('not_promotable', `No environment of ${d.service} promotes from ${d.environment} any more.`);
    }
    const result = await this.deps.requests.request({
      service: d.service,
      environment: to,
      ref: d.sha,
      forced: false,
      userId: c.user,
      requestId: c.requestId,
    });
    this.deps.logger.info(
      { deploymentId: d.id, to, user: c.user, ok: result.ok, reason: result.ok ? undefined : result.reason },
      'promote click',
    );
    if (!result.ok) return refuse(result.reason, result.message);
    const now = this.deps.clock.now();
    this.deps.repos.outbox.update(
      threadKeys.reply(d.id, promoteReplyName(to)),
      promotedNote(d, to, c.user, result.deployment),
      now,
    );
    return { ok: true, message: result.reply.text, deployment: result.deployment };
  }
}
