import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, runOutboxCommand, USAGE } from '../../src/app/cli.js';
import { openDb } from '../../src/store/db.js';
import { OutboxDeliveryRepo } from '../../src/store/outbox-delivery-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { harness, msg } from './harness.js';

function io(now = 0) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l), now: () => now } };
}

const P = threadKeys.parent(9);
const R = threadKeys.reply(9, 'build');

describe('coxswain outbox CLI', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('lists dead letters with their reason, requeues the parent with its replies, and they are then delivered', async () => {
    const h = harness();
    const repo = new OutboxDeliveryRepo(h.db);
    h.slack.on('chat.postMessage', { body: { ok: false, error: 'not_in_channel' } });
    h.outbox.post({ key: P, channel: 'C1', message: msg('Deploy #9 queued') }, h.clock.now());
    h.outbox.post({ key: R, channel: 'C1', threadKey: P, message: msg('Build started') }, h.clock.now());
    await h.run(2);

    const list = io();
    expect(runOutboxCommand(repo, ['list'], list.io)).toBe(0);
    const text = list.out.join('\n');
    expect(text).toContain('2 Slack message(s) in the dead letter');
    expect(text).toMatch(/#1 {2}post d9:parent → C1 · 1 attempt\(s\)/);
    expect(text).toContain('reason: not_in_channel');
    expect(text).toContain('reason: parent not delivered: not_in_channel');
    expect(text).toContain('text:   Deploy #9 queued');

    const child = io(h.clock.now());
    expect(runOutboxCommand(repo, ['requeue', '2'], child.io)).toBe(1);
    expect(child.err[0]).toBe('Entry #2 waits for #1, which is dead: requeue #1 (that requeues #2 too).');

    const rq = io(h.clock.now());
    expect(runOutboxCommand(repo, ['requeue', '1'], rq.io)).toBe(0);
    expect(rq.out).toEqual(['Requeued #1 and 1 waiting on it (#2).']);
    expect(h.outbox.deadCount()).toBe(0);
    await h.run(3);
    expect(h.slack.messages.map((m) => [m.text, m.threadTs ?? null])).toEqual([
      ['Deploy #9 queued', null],
      ['Build started', h.ts(P)],
    ]);
  });

  it('requeue all, an empty dead letter, bad ids and usage', () => {
    const h = harness();
    const repo = new OutboxDeliveryRepo(h.db);
    const empty = io();
    runOutboxCommand(repo, ['list'], empty.io);
    expect(empty.out[0]).toMatch(/dead letter is empty/);

    h.outbox.post({ key: P, channel: 'C1', message: msg('x') }, 0);
    repo.markDead(1, 'is_archived', 0);
    const all = io(5);
    expect(runOutboxCommand(repo, ['requeue', 'all'], all.io)).toBe(0);
    expect(all.out).toEqual(['Requeued 1 message(s).']);
    expect(h.entry(1)).toMatchObject({ state: 'pending', age_from: 5, next_attempt_at: 5, dead_reason: null });

    const bad = io();
    expect(runOutboxCommand(repo, ['requeue', '1; DROP TABLE outbox'], bad.io)).toBe(2);
    expect(bad.err[0]).toMatch(/is not an outbox id/);
    const missing = io();
    expect(runOutboxCommand(repo, ['requeue', '99'], missing.io)).toBe(1);
    expect(missing.err).toEqual(['No outbox entry #99.']);
    const usage = io();
    expect(runOutboxCommand(repo, ['frobnicate'], usage.io)).toBe(2);
    expect(usage.err).toEqual([USAGE]);
  });

  it('main() opens COXSWAIN_DB like the app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'coxswain-cli-'));
    dirs.push(dir);
    const file = join(dir, 'db.sqlite');
    const db = openDb(file);
    new OutboxRepo(db).post({ key: P, channel: 'C1', message: msg('hello') }, 0);
    new OutboxDeliveryRepo(db).markDead(1, 'channel_not_found', 0);
    db.close();

    const list = io();
    expect(main(['outbox', 'list'], { COXSWAIN_DB: file }, list.io)).toBe(0);
    expect(list.out.join('\n')).toContain('reason: channel_not_found');
    const unknown = io();
    expect(main(['deploy'], { COXSWAIN_DB: file }, unknown.io)).toBe(2);
    expect(unknown.err[0]).toMatch(/^Unknown command "deploy"/);
    const help = io();
    expect(main(['--help'], {}, help.io)).toBe(0);
    expect(help.out).toEqual([USAGE]);
  });
});
