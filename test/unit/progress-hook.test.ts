import { describe, expect, it } from 'vitest';
import type { PollContext } from '../../src/deploys/poll-context.js';
import type { QueueEta, Remaining } from '../../src/domain/eta.js';
import type { ProgressFacts, StallCheck } from '../../src/estimates/estimator.js';
import { DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { newDeployment } from '../helpers/rows.js';
import { progressHook } from '../helpers/services.js';

const MIN = 60_000;
const remaining: Remaining = {
  expectedMs: 4 * MIN,
  lowMs: 2 * MIN,
  highMs: 7 * MIN,
  basis: 'default',
  samples: 0,
  longerThanUsual: false,
};

function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const config = exampleConfig();
  const repo = new DeploymentsRepo(db);
  const d = repo.enqueue(newDeployment('web/staging', { sha: 'a'.repeat(40) }), clock.now()).deployment;
  new OutboxRepo(db).post({ key: 'd1:parent', channel: 'C0DEPLOYS', deploymentId: d.id, message: { text: 'p' } }, 0);
  const est = {
    facts: { phase: 'stack_update', phaseStartedAt: clock.now(), remaining } as ProgressFacts | undefined,
    stallCheck: undefined as StallCheck | undefined,
    eta: undefined as QueueEta | undefined,
  };
  const estimator = {
    progress: () => est.facts,
    stall: () => est.stallCheck,
    queueEta: () => est.eta,
  };
  const hook = progressHook(db, config, clock, estimator);
  const poll = (outcome: PollContext['outcome'] = 'waiting'): void =>
    hook.onPoll({ deployment: repo.get(d.id)!, stacks: [], now: clock.now(), outcome });
  const rows = (like: string) =>
    db
      .prepare(`SELECT o.message_key AS key, o.op, o.payload FROM outbox o WHERE o.message_key LIKE ? ORDER BY o.id`)
      .all(like) as { key: string; op: string; payload: string }[];
  return { db, clock, repo, d, est, hook, poll, rows };
}

function stalled(quietMs: number): StallCheck {
  return {
    stalled: true,
    quietMs,
    phase: 'stack_update',
    post: true,
    resources: [
      {
        logicalId: 'TaskDef',
        resourceType: 'AWS::ECS::TaskDefinition',
        since: 0,
        p90Ms: 90_000,
        elapsedMs: quietMs,
        overdue: true,
      },
    ],
  };
}

describe('progress hook', () => {
  it('upserts one progress reply in the thread and skips writes whose content did not change', () => {
    const s = setup();
    s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now());
    s.poll();
    s.poll();
    s.clock.advance(10_000);
    s.poll();
    let rows = s.rows('d1:progress');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.op).toBe('post');
    expect(JSON.parse(rows[0]!.payload).text).toContain('#1 Updating stack (step 2 of 2)');
    const thread = s.db.prepare(`SELECT thread_key FROM slack_messages WHERE key = 'd1:progress'`).get();
    expect(thread).toEqual({ thread_key: 'd1:parent' });

    // A visible change (a whole minute elapsed) is written, as an update of the same message.
    s.clock.advance(MIN);
    s.poll();
    rows = s.rows('d1:progress');
    expect(rows.length).toBeLessThanOrEqual(2);
    expect(JSON.parse(rows.at(-1)!.payload).text).toContain('1 min elapsed');
  });

  it('does nothing for a finished deployment or one not running', () => {
    const s = setup();
    s.poll();
    expect(s.rows('d1:progress')).toHaveLength(0);
    s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now());
    s.poll('done');
    expect(s.rows('d1:progress')).toHaveLength(0);
  });

  it('posts one stall reply per stall period, with both buttons, and marks the deployment stalled', () => {
    const s = setup();
    s.est.facts = undefined;
    s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now());
    s.est.stallCheck = stalled(11 * MIN);
    s.poll();
    s.clock.advance(MIN);
    s.poll();
    const replies = s.rows('d1:stall-%');
    expect(replies).toHaveLength(1);
    const payload = JSON.parse(replies[0]!.payload) as { text: string; blocks: unknown[] };
    expect(payload.text).toContain('Deploy #1 looks stalled');
    expect(JSON.stringify(payload.blocks)).toContain('"action_id":"deploy_keep_waiting"');
    expect(JSON.stringify(payload.blocks)).toContain('"action_id":"deploy_rollback"');
    expect(s.repo.get(1)!.stalledAt).toBe(s.clock.now() - MIN);

    s.clock.advance(10 * MIN);
    s.poll();
    expect(s.rows('d1:stall-%')).toHaveLength(2);
  });

  it('measures quiet time from a keep-waiting click, so the threshold is extended once more', () => {
    const s = setup();
    s.est.facts = undefined;
    s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now());
    new DeploymentActionsRepo(s.db).record({
      deploymentId: 1,
      action: 'keep_waiting',
      user: 'U08',
      detail: null,
      at: s.clock.now(),
    });
    s.clock.advance(9 * MIN);
    s.est.stallCheck = stalled(25 * MIN);
    s.poll();
    expect(s.rows('d1:stall-%')).toHaveLength(0);
    s.clock.advance(MIN);
    s.poll();
    const replies = s.rows('d1:stall-%');
    expect(replies).toHaveLength(1);
    expect(JSON.parse(replies[0]!.payload).text).toContain('no new event for 10m 00s');
  });

  it('clears the stall mark once the deployment moves again', () => {
    const s = setup();
    s.est.facts = undefined;
    s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now());
    s.est.stallCheck = stalled(11 * MIN);
    s.poll();
    expect(s.repo.get(1)!.stalledAt).not.toBeNull();
    s.est.stallCheck = { ...stalled(0), stalled: false, post: false };
    s.poll();
    expect(s.repo.get(1)!.stalledAt).toBeNull();
  });

  it('gives the parent the time to start while queued and the time to finish while running', () => {
    const s = setup();
    const span = (m: number) => ({ expectedMs: m * MIN, lowMs: m * MIN, highMs: m * MIN });
    s.est.eta = { startIn: span(3), finishIn: span(8), activeOverdue: false, basis: 'default', samples: 0 };
    expect(s.hook.parentEtaMs(s.d)).toBe(3 * MIN);
    const running = s.repo.claim(s.d.id, 'deploying', 'w1', s.clock.now())!;
    expect(s.hook.parentEtaMs(running)).toBe(8 * MIN);
    s.repo.transition(1, 'deploying', 'succeeded', s.clock.now());
    expect(s.hook.parentEtaMs(s.repo.get(1)!)).toBeUndefined();
  });
});
