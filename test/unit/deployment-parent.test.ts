import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/store/deployment-row.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { deploymentParent } from '../../src/views/deployment-parent.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';

function queued(waitReason: string): Deployment {
  const db = testDb();
  const clock = new FakeClock();
  const repo = new DeploymentsRepo(db);
  const d = repo.enqueue(
    {
      kind: 'deploy',
      service: 'api',
      environment: 'staging',
      targetKey: 'api/staging',
      ref: 'feature_x',
      sha: 'abc1234def5678abc1234def5678abc1234def56',
      requestedBy: 'U05',
      channel: 'C0DEPLOYS',
      state: 'queued',
    },
    clock.now(),
  ).deployment;
  repo.update(d.id, 'queued', clock.now(), { waitReason });
  return repo.get(d.id)!;
}

describe('deployment parent', () => {
  it('keeps underscores and asterisks of data in the plain-text fallback', () => {
    const d = queued('stack api-staging is UPDATE_IN_PROGRESS (started outside Coxswain)');
    const m = deploymentParent({
      deployment: d,
      repo: { owner: 'acme', name: 'api' },
      githubWeb: 'https://github.com',
      now: 0,
      position: 1,
      etaMs: 4 * 60_000,
    });
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
