import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/domain/deployment.js';
import type { Lock } from '../../src/domain/lock.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { deploymentParent } from '../../src/views/deployment-parent.js';
import { lockStatusLine, rollbackLockReason } from '../../src/views/lock.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';
import { newDeployment } from '../helpers/rows.js';

function queued(waitReason: string): Deployment {
  const db = testDb();
  const clock = new FakeClock();
  const repo = new DeploymentsRepo(db);
  const d = repo.enqueue(
    newDeployment('api/staging', { ref: 'feature_x', sha: 'abc1234def5678abc1234def5678abc1234def56' }),
    clock.now(),
  ).deployment;
  repo.update(d.id, 'queued', clock.now(), { waitReason });
  return repo.get(d.id)!;
}

/** The parent of a deployment first in its queue, drawn at time 0. */
function queuedParent(d: Deployment, etaMs?: number) {
  return deploymentParent({
    deployment: d,
    repo: { owner: 'acme', name: 'api' },
    githubWeb: 'https://github.com',
    now: 0,
    position: 1,
    ...(etaMs === undefined ? {} : { etaMs }),
  });
}

describe('deployment parent', () => {
  it('keeps underscores and asterisks of data in the plain-text fallback', () => {
    const d = queued('stack api-staging is UPDATE_IN_PROGRESS (started outside Coxswain)');
    const m = queuedParent(d, 4 * 60_000);
    expect(m.text).toBe(
      'Deploy #1 api → staging · abc1234 (feature_x) · queued · position 1 · stack api-staging is UPDATE_IN_PROGRESS (started outside Coxswain) · ETA ~4 min',
    );
    expect(JSON.stringify(m.blocks)).toContain('UPDATE_IN_PROGRESS');
  });

  it('shows elapsed and the ETA to finish while running, and never an ETA once finished', () => {
    const base = queued('');
    const repo = { owner: 'acme', name: 'api' };
    const start = 1_000_000;
    const running = deploymentParent({
      deployment: { ...base, state: 'deploying', waitReason: null, startedAt: start },
      repo,
      githubWeb: 'https://github.com',
      now: start + 90_000,
      etaMs: 7 * 60_000,
    });
    expect(running.text).toMatch(/ · updating stack · 1m 30s elapsed · ETA ~7 min$/);
    expect(JSON.stringify(running.blocks)).toContain('ETA ~7 min');

    const done = deploymentParent({
      deployment: { ...base, state: 'succeeded', waitReason: null, startedAt: start, finishedAt: start + 300_000 },
      repo,
      githubWeb: 'https://github.com',
      now: start + 400_000,
      etaMs: 7 * 60_000,
    });
    expect(done.text).toContain('succeeded in');
    expect(done.text).not.toContain('ETA');
    expect(JSON.stringify(done.blocks)).not.toContain('ETA');
  });
});

describe('mentions in lock and wait reasons', () => {
  const lock: Lock = {
    targetKey: 'api/production',
    reason: rollbackLockReason('bbbbbbb0000000000000000000000000000000bb', 'U01'),
    lockedBy: 'U01',
    lockedAt: 0,
    kind: 'rollback',
    badSha: 'bbbbbbb0000000000000000000000000000000bb',
    deploymentId: 3,
  };

  it('shows who rolled back as a mention, not a literal <@U…> (/deploy-status lock line)', () => {
    const line = lockStatusLine(lock, 60_000);
    expect(line).toContain('rolled back from bbbbbbb by <@U01>');
    expect(line).not.toContain('&lt;');
  });

  it('keeps the mention in a queued parent waiting on a lock, and still escapes anything else typed', () => {
    const d = queued('locked by <@U01>: <!channel> migrating <https://evil.example|click>');
    const m = queuedParent(d);
    const blocks = JSON.stringify(m.blocks);
    expect(blocks).toContain('locked by <@U01>: &lt;!channel&gt; migrating &lt;https://evil.example|click&gt;');
    expect(blocks).not.toContain('<!channel>');
  });

  it('escapes a manual lock reason but keeps a typed user mention', () => {
    const line = lockStatusLine({ ...lock, kind: 'manual', reason: 'ask <@U02> first <!here>' }, 60_000);
    expect(line).toContain(': ask <@U02> first &lt;!here&gt;');
  });
});
