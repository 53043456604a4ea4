import nock from 'nock';
import { describe, expect, it } from 'vitest';
import { deliveryFigures } from '../../src/domain/delivery-metrics.js';
import { healthFigures } from '../../src/domain/health-metrics.js';
import { DeliveryRepo } from '../../src/store/delivery-repo.js';
import { VerificationsRepo } from '../../src/store/verifications-repo.js';
import { healthDigest } from '../../src/views/health-digest.js';
import { commandFixture, SHA } from '../commands/fixture.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { captureReplies } from '../helpers/slack-kit.js';

const M = 60_000;
const H = 60 * M;

describe('delivery figures: lead time and verification failures', () => {
  it('lead time is commit → verified in production, median and p90; other environments do not count', () => {
    const samples = [
      { environment: 'production', committedAt: 0, finishedAt: 1 * H },
      { environment: 'production', committedAt: 0, finishedAt: 2 * H },
      { environment: 'production', committedAt: 0, finishedAt: 10 * H },
      { environment: 'staging', committedAt: 0, finishedAt: 100 * H },
    ];
    const f = deliveryFigures(samples, ['staging', 'production', 'staging'], 2);
    expect(f).toEqual({
      leadTimes: 3,
      medianLeadMs: 2 * H,
      p90LeadMs: 10 * H,
      environments: ['production'],
      verificationFailures: 2,
    });
    // Without a production environment, every environment counts (and the label says which).
    expect(deliveryFigures(samples, ['staging'], 0)).toMatchObject({ leadTimes: 1, environments: ['staging'] });
  });

  it('time to recover runs from a verification failure to the verified recovery', () => {
    const f = healthFigures([
      { id: 1, kind: 'deploy', targetKey: 'api/production', state: 'failed', startedAt: 0, finishedAt: 10 * M },
      {
        id: 2,
        kind: 'rollback',
        targetKey: 'api/production',
        state: 'succeeded',
        startedAt: 11 * M,
        finishedAt: 14 * M,
      },
    ]);
    expect(f.medianRecoveryMs).toBe(4 * M);
  });

  it('/deploy records the commit time GitHub reports; the digest shows lead time and verification failures', async () => {
    const f = commandFixture();
    captureReplies();
    // getCommit answer shape: docs.github.com/en/rest/commits/commits#get-a-commit (commit.committer.date, ISO 8601).
    nock(GITHUB_API)
      .get('/repos/acme/api/commits/main')
      .query(true)
      .reply(200, {
        sha: SHA,
        commit: { message: 'Ship', committer: { date: new Date(f.clock.now() - 3 * H).toISOString() } },
      });
    await f.send('/deploy', 'api staging');
    const d = f.deployments.get(1)!;
    f.deployments.claim(d.id, 'deploying', 'w', f.clock.now());
    f.clock.advance(30 * M);
    f.deployments.transition(d.id, 'deploying', 'succeeded', f.clock.now());
    const repo = new DeliveryRepo(f.db);
    const rows = repo.leadTimes(0, f.clock.now());
    expect(rows).toHaveLength(1);
    expect(rows[0]!.finishedAt - rows[0]!.committedAt).toBe(3 * H + 30 * M);

    // One failed verification in the window.
    const v = new VerificationsRepo(f.db);
    v.start(d.id, 'verify', f.clock.now(), f.clock.now() + M);
    v.finish(d.id, 'verify', 'failed', f.clock.now());
    expect(repo.verificationFailures(0, f.clock.now())).toBe(1);

    const delivery = deliveryFigures(rows, ['staging'], repo.verificationFailures(0, f.clock.now()));
    const [msg] = healthDigest({
      windowDays: 7,
      now: f.clock.now(),
      overall: healthFigures([]),
      phaseMedians: [],
      targets: [],
      attention: [],
      deadLetters: { count: 0, oldestAt: null },
      notChecked: [],
      delivery,
    });
    const blocks = JSON.stringify(msg!.blocks);
    expect(blocks).toContain('Lead time (commit → verified in staging)');
    expect(blocks).toContain('3h 30m median, 3h 30m p90 (1 deploys)');
    expect(blocks).toContain('*Verification failures*\\n:warning: 1');
    expect(msg!.text).toContain('lead time 3h 30m median');
  });
});
