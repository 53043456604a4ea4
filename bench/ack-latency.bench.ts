// Ack latency of /deploy-status: 200 concurrent signed requests against Coxswain's real HTTP receiver on loopback,
// beside a bare Bolt app that only acks, in the same run. Target: Coxswain's p99 within 1.5× of bare Bolt's.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { App as BoltApp, LogLevel } from '@slack/bolt';
import type { Clock } from '../src/app/clock.js';
import { parseConfig } from '../src/app/config.js';
import { silentLogger } from '../src/app/logger.js';
import { buildRuntime } from '../src/app/runtime.js';
import { openDb } from '../src/store/db.js';
import { DeploymentsRepo } from '../src/store/deployments-repo.js';
import { exampleConfigRaw } from '../test/helpers/config.js';

const SECRET = '0123456789abcdef0123456789abcdef';
const CONCURRENCY = 200;
const ROUNDS = 5;
const WARMUP = 100;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The load generator and the fake Slack (response_url sink) run in a worker thread: like Slack, they are outside
 * the server's event loop, so the figures measure the server's acks, not the client waiting behind server work.
 */
const CLIENT = `
const { parentPort } = require('node:worker_threads');
const { createServer, request } = require('node:http');
const { createHmac } = require('node:crypto');
let hits = 0;
const sink = createServer((req, res) => { req.resume(); req.on('end', () => { hits++; res.writeHead(200, { 'content-type': 'application/json' }); res.end('{"ok":true}'); }); });
function body(sinkPort, n, secret) {
  const raw = new URLSearchParams({ token: 'x', team_id: 'T0', team_domain: 'acme', channel_id: 'C0', channel_name: 'general',
    user_id: 'U05', user_name: 'bench', command: '/deploy-status', text: '', api_app_id: 'A0',
    response_url: 'http://127.0.0.1:' + sinkPort + '/response/' + n, trigger_id: 't' + n }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + createHmac('sha256', secret).update('v0:' + ts + ':' + raw).digest('hex');
  return { raw, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(raw)),
    'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig } };
}
function post(port, b) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request({ host: '127.0.0.1', port, path: '/slack/events', method: 'POST', headers: b.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error('HTTP ' + res.statusCode)));
    });
    req.on('error', reject);
    req.end(b.raw);
  });
}
parentPort.on('message', async (m) => {
  if (m.cmd === 'sink') sink.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: sink.address().port }));
  if (m.cmd === 'burst') {
    const bodies = Array.from({ length: m.count }, (_, i) => body(m.sinkPort, i, m.secret));
    parentPort.postMessage({ latencies: await Promise.all(bodies.map((b) => post(m.port, b))) });
  }
  if (m.cmd === 'hits') parentPort.postMessage({ hits });
  if (m.cmd === 'close') sink.close(() => parentPort.postMessage({ closed: true }));
});
`;

class Client {
  private readonly worker = new Worker(CLIENT, { eval: true }).on('error', (err) => {
    throw err;
  });
  sinkPort = 0;

  private ask<T>(msg: Record<string, unknown>): Promise<T> {
    // One question at a time: the next answer on the port is this one's.
    return new Promise((resolve) => {
      this.worker.once('message', resolve);
      this.worker.postMessage(msg);
    });
  }

  async start(): Promise<void> {
    this.sinkPort = (await this.ask<{ port: number }>({ cmd: 'sink' })).port;
  }

  async burst(port: number, count: number): Promise<number[]> {
    return (
      await this.ask<{ latencies: number[] }>({ cmd: 'burst', port, count, sinkPort: this.sinkPort, secret: SECRET })
    ).latencies;
  }

  async hits(): Promise<number> {
    return (await this.ask<{ hits: number }>({ cmd: 'hits' })).hits;
  }

  /** Bounded wait until the sink has received `n` requests in total. */
  async waitForHits(n: number, ms = 10_000): Promise<void> {
    const until = Date.now() + ms;
    while ((await this.hits()) < n && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
  }

  async close(): Promise<void> {
    await this.ask({ cmd: 'close' });
    await this.worker.terminate();
  }
}

function coxswainApp(sinkPort: number) {
  const config = parseConfig(exampleConfigRaw, 'bench');
  const db = openDb(':memory:');
  const clock: Clock = { now: () => Date.now() };
  // Some history so each status reply does real work: 40 finished, one running, a queue of 3 per target.
  const repo = new DeploymentsRepo(db);
  for (const [service, environment] of [
    ['api', 'staging'],
    ['api', 'production'],
    ['web', 'staging'],
  ] as const) {
    const base = {
      kind: 'deploy' as const,
      service,
      environment,
      targetKey: `${service}/${environment}`,
      ref: 'main',
      requestedBy: 'U01',
      channel: 'C0DEPLOYS',
      state: 'queued' as const,
    };
    for (let i = 0; i < 40; i++) {
      const d = repo.enqueue({ ...base, sha: `${i}`.padStart(40, 'a') }, clock.now()).deployment;
      repo.claim(d.id, 'deploying', 'w', clock.now());
      repo.transition(d.id, 'deploying', i % 5 === 0 ? 'failed' : 'succeeded', clock.now());
    }
    const running = repo.enqueue({ ...base, sha: 'b'.repeat(40) }, clock.now()).deployment;
    repo.claim(running.id, 'building', 'w', clock.now());
    for (let q = 0; q < 3; q++) repo.enqueue({ ...base, sha: `${q}`.padStart(40, 'c') }, clock.now());
  }
  // The real composition (commands, buttons, services) that main.ts runs, on the HTTP receiver; its jobs are not
  // started, so nothing but the acks and the status replies competes for the event loop.
  const runtime = buildRuntime(
    {
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_APP_TOKEN: undefined,
      PORT: 0,
      SLACK_API_URL: `http://127.0.0.1:${sinkPort}/api/`,
      GITHUB_TOKEN: undefined,
      GITHUB_API_URL: undefined,
      AWS_REGION: 'us-east-1',
      COXSWAIN_CONFIG: 'bench',
      COXSWAIN_DB: ':memory:',
      LOG_LEVEL: 'silent',
    },
    { config, db, logger: silentLogger, clock, botIds: { botId: 'B0', botUserId: 'U0' } },
  );
  const app = runtime.app;
  return app;
}

function bareApp(sinkPort: number): BoltApp {
  const app = new BoltApp({
    token: 'xoxb-bench',
    signingSecret: SECRET,
    botId: 'B0',
    botUserId: 'U0',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: `http://127.0.0.1:${sinkPort}/api/` },
  });
  app.command('/deploy-status', async ({ ack }) => {
    await ack();
  });
  return app;
}

async function start(app: BoltApp): Promise<number> {
  const server = (await app.start({ port: 0, host: '127.0.0.1' })) as Server;
  return (server.address() as AddressInfo).port;
}

function line(name: string, xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${name.padEnd(10)} p50 ${percentile(s, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(s, 99).toFixed(2).padStart(7)} ms   max ${s.at(-1)!.toFixed(2).padStart(7)} ms   (n=${s.length})`;
}

export default async function (): Promise<void> {
  const client = new Client();
  await client.start();
  const bare = bareApp(client.sinkPort);
  const cox = coxswainApp(client.sinkPort);
  const barePort = await start(bare);
  const coxPort = await start(cox);
  const samples = { bare: [] as number[], coxswain: [] as number[] };
  const roundP99 = { bare: [] as number[], coxswain: [] as number[] };

  await client.burst(barePort, WARMUP);
  await client.burst(coxPort, WARMUP);
  await client.waitForHits(WARMUP);

  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order so neither app always runs on a warmer (or more tired) process.
    const order = round % 2 === 0 ? (['bare', 'coxswain'] as const) : (['coxswain', 'bare'] as const);
    for (const which of order) {
      const before = await client.hits();
      const latencies = await client.burst(which === 'bare' ? barePort : coxPort, CONCURRENCY);
      samples[which].push(...latencies);
      roundP99[which].push(
        percentile(
          [...latencies].sort((a, b) => a - b),
          99,
        ),
      );
      // Coxswain's replies to response_url finish after the acks; let them land before the next burst.
      if (which === 'coxswain') await client.waitForHits(before + CONCURRENCY);
    }
  }
  const delivered = await client.hits();

  await bare.stop();
  await cox.stop();
  await client.close();

  const p99 = (xs: number[]) =>
    percentile(
      [...xs].sort((a, b) => a - b),
      99,
    );
  const ratio = p99(samples.coxswain) / p99(samples.bare);
  console.log(
    `ack latency: ${ROUNDS} rounds × ${CONCURRENCY} concurrent signed /deploy-status requests, loopback, one connection each`,
  );
  console.log(line('bare Bolt', samples.bare));
  console.log(line('coxswain', samples.coxswain));
  const rounds = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  console.log(`p99 per round (ms): bare Bolt ${rounds(roundP99.bare)} · coxswain ${rounds(roundP99.coxswain)}`);
  console.log(
    `p99 ratio coxswain / bare Bolt: ${ratio.toFixed(2)}× (target ≤ 1.5×) ${ratio <= 1.5 ? 'OK' : 'OVER TARGET'}`,
  );
  console.log(`replies delivered to the response_url sink: ${delivered} of ${WARMUP + ROUNDS * CONCURRENCY}`);
}
