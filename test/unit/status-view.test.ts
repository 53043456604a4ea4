import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/domain/deployment.js';
import { deployStatus, type TargetStatus } from '../../src/views/status.js';
import { deploymentRow } from '../helpers/rows.js';

const now = Date.UTC(2026, 10, 22, 12);

function deployment(id: number, over: Partial<Deployment> = {}): Deployment {
  return deploymentRow({
    id,
    service: 's',
    environment: 'e',
    targetKey: 's/e',
    sha: `${id}`.padStart(40, 'a'),
    token: `t${id}`,
    createdAt: now - 600_000,
    startedAt: now - 500_000,
    finishedAt: now - 400_000,
    updatedAt: now - 400_000,
    ...over,
  });
}

function target(i: number, recent = 5, queued = 0): TargetStatus {
  return {
    service: `svc${i}`,
    environment: 'prod',
    channel: 'C0DEPLOYS',
    repo: { owner: 'acme', name: `svc${i}` },
    queue: Array.from({ length: queued }, (_, q) => ({
      deployment: deployment(1000 + q, { state: 'queued' }),
      position: q + 1,
    })),
    recent: Array.from({ length: recent }, (_, r) => deployment(i * 10 + r)),
  };
}

describe('deployStatus view', () => {
  it('stays within 50 blocks and summarises the targets it cannot show', () => {
    const msg = deployStatus({
      targets: Array.from({ length: 40 }, (_, i) => target(i)),
      deadLetters: 3,
      now,
      githubWeb: 'https://github.com',
    });
    expect(msg.blocks!.length).toBeLessThanOrEqual(50);
    const last = JSON.stringify(msg.blocks!.at(-1));
    expect(last).toContain('…and 17 more targets: use `/deploy-status <service>` to see them.');
    expect(msg.text).toBe('Deploy status: 40 targets, 0 running, 0 queued, 3 undelivered Slack messages.');
  });

  it('shows at most 5 results and 8 queued deployments per target, saying how many more wait', () => {
    const msg = deployStatus({ targets: [target(1, 9, 12)], deadLetters: 0, now, githubWeb: 'https://github.com' });
    const text = JSON.stringify(msg.blocks);
    expect(text.match(/:white_check_mark:/g)).toHaveLength(5);
    expect(text).toContain('*Queue (12):*');
    expect(text).toContain('8. #1007');
    expect(text).not.toContain('9. #1008');
    expect(text).toContain('…and 4 more');
    expect(text).toContain('*Running:* nothing');
  });

  it('marks a stalled running deployment', () => {
    const t = target(1, 0);
    t.active = { deployment: deployment(7, { state: 'building', finishedAt: null, stalledAt: now - 1000 }) };
    const text = JSON.stringify(
      deployStatus({ targets: [t], deadLetters: 0, now, githubWeb: 'https://github.com' }).blocks,
    );
    expect(text).toContain(':hammer_and_wrench: #7 building');
    expect(text).toContain('8m 20s elapsed · :warning: stalled');
  });
});
