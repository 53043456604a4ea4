import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import type { Deployment, Failure } from '../../src/domain/deployment.js';
import { findTarget, type Target } from '../../src/domain/targets.js';
import type { App } from '../../src/slack/bolt-app.js';
import { registerButtons } from '../../src/slack/interactions/buttons.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import type { FakeClock } from '../helpers/clock.js';
import { services } from '../helpers/services.js';
import { captureReplies, clickBody, dispatch, testApp as kitApp } from '../helpers/slack-kit.js';

export const sha = (c: string) => c.repeat(40).slice(0, 40);

export { services };

export function target(config: Config, service = 'api', environment = 'production'): Target {
  const f = findTarget(config, service, environment);
  if (!f.ok) throw new Error(f.message);
  return f.target;
}

/** A deployment driven through the real store to the wanted state, with its thread parent posted. */
export function deployment(
  db: Db,
  clock: FakeClock,
  t: Target,
  o: { sha: string; state: Deployment['state']; user?: string; failure?: Failure; kind?: 'deploy' | 'rollback' },
): Deployment {
  const repo = new DeploymentsRepo(db);
  const now = clock.now();
  const start = o.state === 'pending_approval' ? 'pending_approval' : 'queued';
  const { deployment: d } = repo.enqueue(
    {
      kind: o.kind ?? 'deploy',
      service: t.service,
      environment: t.environment,
      targetKey: t.key,
      ref: 'main',
      sha: o.sha,
      requestedBy: o.user ?? 'U01',
      channel: t.channel,
      state: start,
    },
    now,
  );
  new OutboxRepo(db).post(
    { key: threadKeys.parent(d.id), channel: d.channel, deploymentId: d.id, message: { text: `#${d.id}` } },
    now,
  );
  if (o.state === 'pending_approval' || o.state === 'queued') return d;
  const running = o.state === 'building' ? 'building' : 'deploying';
  repo.claim(d.id, running, 'w1', now);
  if (o.state === 'building' || o.state === 'deploying') return repo.get(d.id)!;
  clock.advance(60_000);
  return repo.transition(d.id, running, o.state, clock.now(), o.failure ? { failure: o.failure } : {})!;
}

/** A good deploy of aaaa… and then a failed one of bbbb… (its stack update failed): what a rollback acts on. */
export function failedAfterGood(db: Db, clock: FakeClock, t: Target): Deployment {
  deployment(db, clock, t, { sha: sha('a'), state: 'succeeded' });
  return deployment(db, clock, t, {
    sha: sha('b'),
    state: 'failed',
    failure: { phase: 'stack_update', reason: 'boom' },
  });
}

/** The real button handlers on the kit's Bolt app. */
export function testApp(deps: ReturnType<typeof services>): App {
  return kitApp((app) =>
    registerButtons(app, { approvals: deps.approvals, rollbacks: deps.rollbacks, logger: silentLogger }),
  ).app;
}

/** A button click as Slack sends it; resolves to whether Bolt acked it. */
export function click(app: App, actionId: string, user: string, value: string, blockId = 'b1'): Promise<boolean> {
  return dispatch(app, clickBody({ actionId, user, value, blockId, channel: 'C0PROD' })).then((r) => r.acked);
}

/** Every ephemeral answer posted to a click's response_url. */
export function captureResponses(): { texts: string[]; bodies: Record<string, unknown>[] } {
  const replies = captureReplies();
  return {
    get texts() {
      return replies.map((r) => String(r.text));
    },
    bodies: replies as unknown as Record<string, unknown>[],
  };
}
