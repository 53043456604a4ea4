import { describe, expect, it, vi } from 'vitest';
import type { NewDeployment } from '../../src/store/deployments-repo.js';
import { captureReplies, replyText } from '../helpers/slack-kit.js';
import { commandFixture, githubSpy, SHA, SHA2 } from './fixture.js';

const MIN = 60_000;

function newDeployment(sha: string, user: string, ref = 'main'): NewDeployment {
  return {
    kind: 'deploy',
    service: 'api',
    environment: 'staging',
    targetKey: 'api/staging',
    ref,
    sha,
    requestedBy: user,
    channel: 'C0DEPLOYS',
    state: 'queued',
  };
}

/** Two finished deployments, one running (with a delivered thread parent), two queued (one blocked). */
function seed(f: ReturnType<typeof commandFixture>) {
  const { deployments: repo, clock, db, outbox } = f;
  const ok = repo.enqueue(newDeployment('1111111aaaaaaa', 'U01'), clock.now()).deployment;
  repo.claim(ok.id, 'building', 'w', clock.now());
  clock.advance(4 * MIN + 5000);
  repo.transition(ok.id, 'building', 'succeeded', clock.now());
  const bad = repo.enqueue(newDeployment('2222222bbbbbbb', 'U02', 'v1.2.0'), clock.now()).deployment;
  repo.claim(bad.id, 'deploying', 'w', clock.now());
  clock.advance(2 * MIN);
  repo.transition(bad.id, 'deploying', 'failed', clock.now());

  const running = repo.enqueue(newDeployment(SHA, 'U05'), clock.now()).deployment;
  repo.claim(running.id, 'deploying', 'w', clock.now());
  db.prepare(
    `INSERT INTO deployment_phases (deployment_id, target_key, phase, started_at) VALUES (?, 'api/staging', 'stack_update', ?)`,
  ).run(running.id, clock.now());
  outbox.post(
    { key: `d${running.id}:parent`, channel: 'C0DEPLOYS', deploymentId: running.id, message: { text: 'x' } },
    clock.now(),
  );
  db.prepare('UPDATE slack_messages SET ts = ? WHERE key = ?').run('1700000000.123456', `d${running.id}:parent`);

  const q1 = repo.enqueue(newDeployment(SHA2, 'U06', 'feature/x'), clock.now()).deployment;
  repo.update(q1.id, 'queued', clock.now(), { waitReason: 'stack api-staging is UPDATE_IN_PROGRESS outside Coxswain' });
  repo.enqueue(newDeployment('3333333ccccccc', 'U07', 'hotfix'), clock.now());
  clock.advance(3 * MIN);
  return { running, q1 };
}

describe('/deploy-status', () => {
  it('shows what runs, the queue with positions and wait reasons, and the last results', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    const github = githubSpy();
    seed(f);

    await f.send('/deploy-status', 'api staging', { teamDomain: 'acme' });

    expect(replies[0]!.response_type).toBe('ephemeral');
    expect(replies[0]!.text).toBe('Deploy status: 1 target, 1 running, 2 queued.');
    const text = replyText(replies[0]!);
    expect(text).toContain('*api → staging* · <#C0DEPLOYS>');
    expect(text).toContain(
      '*Running:* :rocket: #3 deploying (stack update) · <https://github.com/acme/api/commit/abc1234def5678abc1234def5678abc1234def56|abc1234> (main) by <@U05> · 3m 00s elapsed · <https://acme.slack.com/archives/C0DEPLOYS/p1700000000123456|thread>',
    );
    expect(text).toContain('*Queue (2):*');
    expect(text).toContain(
      '2. #4 <https://github.com/acme/api/commit/9999999aaaaaaabbbbbbbcccccccdddddddeeeee|9999999> (feature/x) by <@U06> · waiting: stack api-staging is UPDATE_IN_PROGRESS outside Coxswain',
    );
    expect(text).toContain('3. #5 <https://github.com/acme/api/commit/3333333ccccccc|3333333> (hotfix) by <@U07>');
    expect(text).toMatch(
      /:x: #2 <[^|]+\|2222222> \(v1\.2\.0\) by <@U02> · <!date\^\d+\^\{date_short_pretty\} \{time\}\|2026-11-22 09:06 UTC> · 2m 00s/,
    );
    expect(text).toMatch(/:white_check_mark: #1 <[^|]+\|1111111> \(main\) by <@U01> · <!date[^>]+> · 4m 05s/);
    expect(text.indexOf(':x: #2')).toBeLessThan(text.indexOf(':white_check_mark: #1'));
    expect(github.calls()).toBe(0);
  });

  it('lists every target without arguments, folding idle ones into one line', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    seed(f);

    await f.send('/deploy-status', '');

    const text = replyText(replies[0]!);
    expect(replies[0]!.text).toBe('Deploy status: 3 targets, 1 running, 2 queued.');
    expect(text).toContain('*api → staging*');
    expect(text).toContain('Never deployed by Coxswain: api → production, web → staging');
    expect(replies[0]!.blocks!.length).toBeLessThanOrEqual(50);
  });

  it('warns when Slack messages were dead-lettered', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    f.outbox.post({ key: 'd9:parent', channel: 'C0DEPLOYS', message: { text: 'lost' } }, f.clock.now());
    f.outbox.post({ key: 'd9:result', channel: 'C0DEPLOYS', message: { text: 'lost too' } }, f.clock.now());
    f.db.prepare(`UPDATE outbox SET state = 'dead'`).run();

    await f.send('/deploy-status', 'web');

    expect(replies[0]!.blocks![0]!.text!.text).toBe(
      ':warning: 2 Slack messages could not be delivered and were given up on: some deployment reports may be missing.',
    );
    expect(replies[0]!.text).toContain('2 undelivered Slack messages');
  });

  it('shows no warning line when nothing is dead-lettered', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    await f.send('/deploy-status', 'web staging');
    expect(replyText(replies[0]!)).not.toContain(':warning:');
  });

  it('refuses an unknown service or environment helpfully', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    await f.send('/deploy-status', 'wbe');
    await f.send('/deploy-status', 'api prod');
    expect(replies[0]!.text).toBe('Unknown service `wbe`. Did you mean `web`? Services: `api`, `web`.');
    expect(replies[1]!.text).toContain('`api` has no environment `prod`.');
    expect(replies[1]!.text).toContain('Environments of `api`: `staging`, `production`.');
  });

  it('refuses bad input without crashing', async () => {
    const f = commandFixture();
    const replies = captureReplies();
    await f.send('/deploy-status', 'api staging extra words');
    await f.send('/deploy-status', '<!channel>');
    expect(replies[0]!.text).toContain('Too many arguments. Usage: `/deploy-status [service [environment]]`');
    expect(replies[1]!.text).toContain('That is not a valid service name');
  });

  it('previews a digest ephemerally with all its parts in one message', async () => {
    const digests = {
      preview: vi.fn(async () => [{ text: 'Drift: 1 stack drifted' }, { text: 'second page' }]),
      tryPost: vi.fn(),
    };
    const f = commandFixture({ digests });
    const replies = captureReplies();

    await f.send('/deploy-status', 'drift');

    expect(digests.preview).toHaveBeenCalledWith('drift');
    expect(digests.tryPost).not.toHaveBeenCalled();
    expect(replies[0]).toMatchObject({ response_type: 'ephemeral', text: 'Drift: 1 stack drifted' });
    expect(replyText(replies[0]!)).toContain('second page');
  });

  it('previews as many parts as fit and says how many more there are', async () => {
    const part = (n: number) => ({
      text: `part ${n}`,
      blocks: Array.from({ length: 20 }, (_, i) => ({
        type: 'section' as const,
        text: { type: 'mrkdwn' as const, text: `p${n} b${i}` },
      })),
    });
    const digests = { preview: vi.fn(async () => [part(1), part(2), part(3), part(4)]), tryPost: vi.fn() };
    const f = commandFixture({ digests });
    const replies = captureReplies();

    await f.send('/deploy-status', 'drift');

    const blocks = replies[0]!.blocks!;
    expect(blocks.length).toBeLessThanOrEqual(50);
    expect(replyText(replies[0]!)).toContain('p2 b19');
    expect(replyText(replies[0]!)).not.toContain('p3 b0');
    expect(replyText(replies[0]!)).toContain('2 more parts — add `post` to see all.');
  });

  it('posts a digest to its channel on request and confirms', async () => {
    const digests = {
      preview: vi.fn(async () => []),
      tryPost: vi.fn(async () => ({
        posted: true as const,
        runId: 1,
        channel: 'C0OPS',
        parentKey: 'digest:health:1',
        messages: 1,
      })),
    };
    const f = commandFixture({ digests });
    const replies = captureReplies();

    await f.send('/deploy-status', 'health post');

    expect(digests.tryPost).toHaveBeenCalledWith('health');
    expect(replies[0]!.text).toBe('The health digest is queued for <#C0OPS>.');
  });

  it('says honestly when another run of the digest is in progress', async () => {
    const busy = { text: 'A drift digest is already being prepared (started 3 min ago). Try again when it is done.' };
    const digests = { preview: vi.fn(), tryPost: vi.fn(async () => ({ posted: false as const, message: busy })) };
    const f = commandFixture({ digests });
    const replies = captureReplies();

    await f.send('/deploy-status', 'drift post');

    expect(replies[0]!.text).toBe(busy.text);
    expect(replies[0]!.text).not.toContain('queued');
  });

  it('acks before a slow digest finishes', async () => {
    const order: string[] = [];
    const digests = {
      preview: vi.fn(async () => {
        order.push('preview');
        return [{ text: 'Health: all good' }];
      }),
      tryPost: vi.fn(),
    };
    const f = commandFixture({ digests });
    captureReplies(order);
    f.events.length = 0;
    await f.send('/deploy-status', 'health');
    expect([...f.events.slice(0, 1), ...order]).toEqual(['ack', 'preview', 'reply']);
  });
});
