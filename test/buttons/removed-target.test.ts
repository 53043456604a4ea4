import { describe, expect, it } from 'vitest';
import { approvalKey } from '../../src/approvals/approval-service.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { lastPayload } from '../helpers/outbox-rows.js';
import { captureResponses, click, deployment, services, sha, target, testApp } from './harness.js';

// ADR 0007-i10: clicks on a deployment whose target left the config are refused with one message; nothing changes.
const withoutProduction = () =>
  exampleConfig((r) => {
    const { production: _removed, ...environments } = r.services.api.environments;
    r.services.api.environments = environments as typeof r.services.api.environments;
    return r;
  });

function setup() {
  const db = testDb();
  const clock = new FakeClock();
  const before = exampleConfig();
  const d = deployment(db, clock, target(before), { sha: sha('a'), state: 'pending_approval', user: 'U01' });
  services(db, before, clock).approvals.request(d, { currentSha: sha('9'), commits: null });
  // The process restarted with the environment removed.
  const deps = services(db, withoutProduction(), clock);
  return { db, clock, d, deps, app: testApp(deps) };
}

const REMOVED = '`api` → `production` is no longer in the configuration';

describe('buttons on a deployment whose target was removed from the config', () => {
  it('refuses an approval with the removed-target message and leaves the deployment waiting', async () => {
    const { d, deps, app, db } = setup();
    const before = lastPayload(db, approvalKey(d.id));
    const replies = captureResponses();
    expect(await click(app, 'deploy_approve', 'U03', String(d.id), `approval:${d.id}:${sha('a')}`)).toBe(true);
    expect(replies.texts).toEqual([`${REMOVED}, so deploy #${d.id} cannot run or be acted on.`]);
    expect(deps.deployments.get(d.id)?.state).toBe('pending_approval');
    expect(lastPayload(db, approvalKey(d.id))).toEqual(before);
  });

  it('refuses a retry of it with the same message and queues nothing', async () => {
    const { db, clock, app } = setup();
    const failed = deployment(db, clock, target(exampleConfig()), {
      sha: sha('b'),
      state: 'failed',
      failure: { phase: 'build', reason: 'boom' },
    });
    const count = () => (db.prepare('SELECT COUNT(*) AS n FROM deployments').get() as { n: number }).n;
    const n = count();
    const replies = captureResponses();
    await click(app, 'deploy_retry', 'U01', String(failed.id));
    expect(replies.texts[0]).toContain(REMOVED);
    expect(count()).toBe(n);
  });

  it('lets the approval request expire; the parent shows the end', () => {
    const { d, deps, clock, db } = setup();
    clock.advance(61 * 60_000);
    expect(deps.approvals.expireDue()).toBe(1);
    expect(deps.deployments.get(d.id)?.state).toBe('expired');
    expect(lastPayload(db, threadKeys.parent(d.id))?.payload.text).toContain('expired');
  });
});
