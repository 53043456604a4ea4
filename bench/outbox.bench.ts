// Slack outage drill: 20 concurrent deployments write to the outbox while a loopback fake Slack answers 500/429 for
// the first 30 s of (compressed, fake) time. Prints delivered, duplicates, lost and the longest delay after recovery.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDeliveryWebClient, SlackWebDelivery } from '../src/adapters/slack-web.js';
import { silentLogger } from '../src/app/logger.js';
import { OutboxWorker } from '../src/outbox/worker.js';
import { openDb } from '../src/store/db.js';
import { OutboxDeliveryRepo } from '../src/store/outbox-delivery-repo.js';
import { OutboxRepo } from '../src/store/outbox-repo.js';
import { threadKeys } from '../src/views/thread-keys.js';

const DEPLOYMENTS = 20;
const CHANNELS = ['C0STAGING', 'C0PROD', 'C0WEB', 'C0DATA'];
const REPLIES = ['build-started', 'build-finished', 'changeset', 'stack-update', 'result'];
const UPDATES_PER_DEPLOYMENT = 40; // parent and progress updates, one every ~1.5 s
const OUTAGE_MS = 30_000;
const STEP_MS = 100;
const MAX_FAKE_MS = 30 * 60_000;

interface Landed {
  text: string;
  at: number;
}

/** Loopback Slack: fails during the outage (some 500s after storing the post, as a lost answer would). */
function fakeSlack(now: () => number) {
  const messages: { channel: string; ts: string; threadTs?: string; key?: string; text: string }[] = [];
  const landed = new Map<string, Landed>(); // message key → current text and when it landed
  const stats = { calls: 0, http500: 0, http429: 0, acceptedThen500: 0, lookups: 0 };
  let seq = 0;
  let failures = 0;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => {
      raw += c.toString();
    });
    req.on('end', () => {
      stats.calls += 1;
      const method = (req.url ?? '').replace('/api/', '');
      const body = Object.fromEntries(new URLSearchParams(raw));
      const send = (status: number, json: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(json));
      };
      const key = body.metadata
        ? (JSON.parse(body.metadata) as { event_payload: { key: string } }).event_payload.key
        : '';
      const store = () => {
        seq += 1;
        const ts = `${Math.floor(now() / 1000)}.${String(seq).padStart(6, '0')}`;
        messages.push({
          channel: body.channel ?? '',
          ts,
          text: body.text ?? '',
          key,
          ...(body.thread_ts ? { threadTs: body.thread_ts } : {}),
        });
        landed.set(key, { text: body.text ?? '', at: now() });
        return ts;
      };
      if (method.startsWith('conversations.')) stats.lookups += 1;
      if (now() < OUTAGE_MS) {
        failures += 1;
        if (failures % 3 === 0) {
          stats.http429 += 1;
          return send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(1 + (failures % 5)) });
        }
        stats.http500 += 1;
        if (method === 'chat.postMessage' && failures % 4 === 0) {
          stats.acceptedThen500 += 1;
          store();
        }
        return send(500, 'upstream error');
      }
      switch (method) {
        case 'chat.postMessage':
          return send(200, { ok: true, channel: body.channel, ts: store() });
        case 'chat.update': {
          const m = messages.find((x) => x.channel === body.channel && x.ts === body.ts);
          if (!m) return send(200, { ok: false, error: 'message_not_found' });
          m.text = body.text ?? '';
          if (m.key) landed.set(m.key, { text: m.text, at: now() });
          return send(200, { ok: true, channel: m.channel, ts: m.ts });
        }
        case 'conversations.history':
        case 'conversations.replies': {
          const found = messages
            .filter((m) => m.channel === body.channel)
            .filter((m) =>
              method === 'conversations.history' ? !m.threadTs : m.threadTs === body.ts || m.ts === body.ts,
            )
            .map((m) => ({
              ts: m.ts,
              text: m.text,
              metadata: { event_type: 'coxswain_outbox', event_payload: { key: m.key } },
            }));
          return send(200, { ok: true, messages: found, has_more: false });
        }
        default:
          return send(200, { ok: false, error: 'unknown_method' });
      }
    });
  });
  return { server, messages, landed, stats };
}

interface Write {
  at: number;
  run: (outbox: OutboxRepo, now: number) => void;
  key: string;
  text: string;
}

/** Each deployment: a parent, a progress reply, five one-off replies and many updates, over ~70 s. */
function schedule(): Write[] {
  const writes: Write[] = [];
  for (let d = 1; d <= DEPLOYMENTS; d++) {
    const channel = CHANNELS[d % CHANNELS.length] ?? 'C0STAGING';
    const start = (d - 1) * 400;
    const parent = threadKeys.parent(d);
    const progress = threadKeys.progress(d);
    const post = (at: number, key: string, text: string, threadKey?: string) =>
      writes.push({
        at,
        key,
        text,
        run: (o, now) => o.post({ key, channel, ...(threadKey ? { threadKey } : {}), message: { text } }, now),
      });
    const update = (at: number, key: string, text: string) =>
      writes.push({ at, key, text, run: (o, now) => o.update(key, { text }, now) });
    post(start, parent, `Deploy #${d} queued`);
    post(start + 200, progress, `#${d} progress 0`, parent);
    REPLIES.forEach((r, i) => {
      post(start + 10_000 + i * 12_000, threadKeys.reply(d, r), `#${d} ${r}`, parent);
    });
    for (let u = 1; u <= UPDATES_PER_DEPLOYMENT; u++) {
      const at = start + 500 + u * 1_500;
      update(at, u % 2 ? parent : progress, `#${d} ${u % 2 ? 'state' : 'progress'} ${u}`);
    }
  }
  return writes.sort((a, b) => a.at - b.at);
}

export default async function (): Promise<void> {
  let fakeNow = 0;
  const clock = { now: () => fakeNow };
  const slack = fakeSlack(clock.now);
  await new Promise<void>((r) => slack.server.listen(0, '127.0.0.1', r));
  const port = (slack.server.address() as AddressInfo).port;
  const db = openDb(':memory:');
  const outbox = new OutboxRepo(db);
  const client = createDeliveryWebClient({
    token: 'xoxb-bench',
    slackApiUrl: `http://127.0.0.1:${port}/api/`,
    timeoutMs: 5_000,
  });
  const worker = new OutboxWorker({
    outbox: new OutboxDeliveryRepo(db),
    clock,
    logger: silentLogger,
    slack: new SlackWebDelivery(client),
  });

  const writes = schedule();
  const lastWrite = new Map<string, { text: string; at: number }>();
  const firstWrite = new Map<string, number>();
  let next = 0;
  const wallStart = performance.now();
  let ticks = 0;
  const open = () =>
    (db.prepare(`SELECT COUNT(*) AS n FROM outbox WHERE state IN ('pending', 'sending')`).get() as { n: number }).n;
  while (fakeNow <= MAX_FAKE_MS) {
    while (next < writes.length && (writes[next]?.at ?? Infinity) <= fakeNow) {
      const w = writes[next++] as Write;
      w.run(outbox, fakeNow);
      lastWrite.set(w.key, { text: w.text, at: fakeNow });
      if (!firstWrite.has(w.key)) firstWrite.set(w.key, fakeNow);
    }
    await worker.tick();
    ticks += 1;
    if (next >= writes.length && open() === 0) break;
    fakeNow += STEP_MS;
  }
  const wallMs = performance.now() - wallStart;

  const perKey = new Map<string, number>();
  for (const m of slack.messages) perKey.set(m.key ?? '', (perKey.get(m.key ?? '') ?? 0) + 1);
  const duplicates = [...perKey.values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
  const lost = [...lastWrite.keys()].filter((k) => !perKey.has(k)).length;
  const stale = [...lastWrite].filter(([k, w]) => slack.landed.get(k)?.text !== w.text).length;
  const delays = [...lastWrite]
    .map(([k, w]) => (slack.landed.get(k)?.at ?? Infinity) - Math.max(w.at, OUTAGE_MS))
    .sort((a, b) => a - b);
  const dead = outbox.deadCount();
  const postsPerChannel = Math.ceil((DEPLOYMENTS * (2 + REPLIES.length)) / CHANNELS.length);

  console.log(
    `deployments ${DEPLOYMENTS} in ${CHANNELS.length} channels · ${writes.length} outbox writes · outage ${OUTAGE_MS / 1000} s (500/429)`,
  );
  console.log(`messages delivered      ${perKey.size} of ${lastWrite.size}`);
  console.log(`duplicates              ${duplicates} (must be 0)`);
  console.log(`lost                    ${lost} (must be 0) · final content stale: ${stale} · dead letters: ${dead}`);
  console.log(
    `delay after recovery    longest ${(delays.at(-1) ?? 0) / 1000} s · median ${(delays[Math.floor(delays.length / 2)] ?? 0) / 1000} s (fake time; ≈${postsPerChannel} posts per channel, paced at 1/s)`,
  );
  console.log(
    `slack calls             ${slack.stats.calls} · 500s ${slack.stats.http500} (${slack.stats.acceptedThen500} after storing the post) · 429s ${slack.stats.http429} · lookups ${slack.stats.lookups}`,
  );
  console.log(
    `run                     ${ticks} ticks over ${fakeNow / 1000} s of fake time in ${(wallMs / 1000).toFixed(1)} s wall`,
  );
  db.close();
  await new Promise<void>((r) => slack.server.close(() => r()));
}
