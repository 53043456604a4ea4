import type { ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { freePort, listenLoopback } from '../helpers/loopback.js';
import { loopbackSlack, mainFiles, startMain } from '../helpers/main-process.js';

/**
 * SIGTERM on a real `node src/main.ts` process, with a loopback fake of the Slack Web API. Slack answers
 * chat.postMessage with 429 + Retry-After: 1 (docs.slack.dev/apis/web-api/rate-limits) until the signal is sent,
 * so the message can only be delivered by the shutdown's outbox flush.
 */
let child: ChildProcess | undefined;
let slack: Server | undefined;
let dir: string | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  slack?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = slack = dir = undefined;
});

describe('SIGTERM', () => {
  it('stops taking work, flushes the outbox, closes the database and exits 0', { timeout: 60_000 }, async () => {
    const files = mainFiles('coxswain-shutdown-');
    dir = files.dir;
    const { configFile, dbFile } = files;
    const db = openDb(dbFile);
    new OutboxRepo(db).post(
      { key: 'd1:parent', channel: 'C0DEPLOYS', message: { text: 'Deploy #1 web → staging · succeeded' } },
      Date.now(),
    );
    db.close();

    let terminated = false;
    const posts: { at: number; ok: boolean }[] = [];
    slack = loopbackSlack((method) => {
      if (method === 'chat.postMessage') {
        posts.push({ at: Date.now(), ok: terminated });
        if (!terminated) return [429, { ok: false, error: 'ratelimited' }, { 'retry-after': '1' }];
        return [200, { ok: true, channel: 'C0DEPLOYS', ts: '1764590400.000100' }];
      }
      return [200, { ok: true, messages: [], has_more: false }];
    });
    const slackPort = await listenLoopback(slack);
    const port = await freePort();

    const logs: string[] = [];
    const main = startMain({ port, slackPort, configFile, dbFile, flushSeconds: 8, logs });
    child = main.child;
    const exited = main.exited;

    // Ready (database writable, workers ticking) and Slack refusing the post at least once: the message waits.
    let ready = false;
    for (let i = 0; i < 300 && child.exitCode === null && !(ready && posts.length > 0); i++) {
      await new Promise((r) => setTimeout(r, 100));
      ready ||= await fetch(`http://127.0.0.1:${port}/readyz`).then(
        (r) => r.status === 200,
        () => false,
      );
    }
    expect(ready, logs.join('\n')).toBe(true);
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.every((p) => !p.ok)).toBe(true);

    terminated = true;
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 30_000))]);

    expect(code, logs.join('\n')).toBe(0);
    // Delivered during the shutdown, by the flush.
    expect(posts.filter((p) => p.ok)).toHaveLength(1);
    expect(posts.find((p) => p.ok)!.at).toBeGreaterThanOrEqual(signalledAt);
    const lines = logs
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { msg: string; undelivered?: number });
    expect(lines.find((l) => l.msg === 'stopping')).toBeDefined();
    expect(lines.find((l) => l.msg === 'stopped')).toMatchObject({ undelivered: 0 });
    // The database was closed cleanly (the last connection checkpoints and removes the WAL) and says "sent".
    expect(existsSync(`${dbFile}-wal`)).toBe(false);
    const after = openDb(dbFile);
    expect(after.prepare(`SELECT state FROM outbox`).all()).toEqual([{ state: 'sent' }]);
    after.close();
  });
});
