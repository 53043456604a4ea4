// AWS polling cost and failure-report latency of the deploy worker, against a loopback fake CloudFormation.
// Simulated time (FakeClock) drives the schedule; every AWS call is a real HTTP request through the SDK.

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AwsBudget } from '../src/adapters/aws-budget.js';
import { AwsClients } from '../src/adapters/aws-clients.js';
import { parseConfig } from '../src/app/config.js';
import { silentLogger } from '../src/app/logger.js';
import { buildDeploymentCore } from '../src/deploys/core.js';
import { DeployWorker } from '../src/runner/worker.js';
import { openDb } from '../src/store/db.js';
import { DeploymentsRepo } from '../src/store/deployments-repo.js';
import { FakeCloudFormation } from '../test/helpers/cfn-nock.js';
import { FakeClock } from '../test/helpers/clock.js';

const SHA = 'c'.repeat(40);

async function fakeAws(cfn: FakeCloudFormation): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      const [status, xml, headers] = cfn.handle(new URLSearchParams(body));
      res.writeHead(status, headers).end(xml);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

interface Sim {
  clock: FakeClock;
  cfn: FakeCloudFormation;
  worker: DeployWorker;
  repo: DeploymentsRepo;
  budget: AwsBudget;
  db: ReturnType<typeof openDb>;
  ids: number[];
  close: () => Promise<void>;
}

async function simulate(n: number, rate?: number): Promise<Sim> {
  const clock = new FakeClock();
  const cfn = new FakeCloudFormation('us-east-1');
  const { server, url } = await fakeAws(cfn);
  process.env.AWS_ENDPOINT_URL_CLOUDFORMATION = url;
  process.env.AWS_ACCESS_KEY_ID = 'AKIDBENCH';
  process.env.AWS_SECRET_ACCESS_KEY = 'bench-secret';
  const services: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    services[`svc${i}`] = {
      repo: 'acme/x',
      stack: { name: `svc${i}-{env}`, parameters: { Tag: '{sha}' } },
      environments: { prod: {} },
    };
    cfn.addStack(`svc${i}-prod`, 'UPDATE_COMPLETE', { Tag: 'old' });
  }
  const config = parseConfig({ channel: 'C0BENCH', region: 'us-east-1', services }, 'bench.yml');
  const db = openDb(':memory:');
  // Virtual waiting: a caller held back by the budget resumes when simulated time reaches its slot.
  const budget = new AwsBudget({
    clock,
    ...(rate ? { ratePerSecond: rate } : {}),
    sleep: async (ms) => {
      const until = clock.now() + ms;
      clock.set(Math.max(clock.now(), until));
    },
  });
  const aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
  const worker = new DeployWorker({
    db,
    config,
    clock,
    logger: silentLogger,
    aws,
    budget,
    workerId: 'bench',
    githubWeb: 'https://github.com',
    core: buildDeploymentCore({ db, config, clock, logger: silentLogger, githubWeb: 'https://github.com' }),
  });
  const repo = new DeploymentsRepo(db);
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = repo.enqueue(
      {
        kind: 'deploy',
        service: `svc${i}`,
        environment: 'prod',
        targetKey: `svc${i}/prod`,
        ref: 'main',
        sha: SHA,
        requestedBy: 'U0B',
        channel: 'C0BENCH',
        state: 'queued',
      },
      clock.now(),
    );
    ids.push(r.deployment.id);
  }
  // Change sets complete at once; stacks then emit one resource event every 20 s.
  cfn.onExecute = () => {};
  return {
    clock,
    cfn,
    worker,
    repo,
    budget,
    db,
    ids,
    close: async () => {
      aws.destroy();
      db.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Ticks once per simulated second; completes change sets and emits stack events as AWS would. */
async function run(sim: Sim, seconds: number, onSecond?: (t: number) => void): Promise<void> {
  const start = sim.clock.now();
  while (sim.clock.now() - start < seconds * 1000) {
    for (const [name, cs] of sim.cfn.changeSets) {
      if (cs.Status === 'CREATE_IN_PROGRESS')
        Object.assign(cs, { Status: 'CREATE_COMPLETE', ExecutionStatus: 'AVAILABLE' });
      void name;
    }
    onSecond?.(sim.clock.now());
    await sim.worker.tick();
    sim.clock.advance(1000);
  }
}

function emitter(sim: Sim) {
  const last = new Map<number, number>();
  return (t: number) => {
    for (const id of sim.ids) {
      const d = sim.repo.get(id)!;
      if (d.state !== 'deploying' || !sim.cfn.changeSets.get(`coxswain-${id}-1`)?.ExecutionStatus.startsWith('EXECUTE'))
        continue;
      if (t - (last.get(id) ?? 0) < 20_000) continue;
      const stack = `${d.service}-prod`;
      // Like CloudFormation, the operation opens with a stack-level event carrying the token.
      if (!last.has(id)) {
        sim.cfn.event(
          stack,
          {
            LogicalResourceId: stack,
            ResourceType: 'AWS::CloudFormation::Stack',
            ResourceStatus: 'UPDATE_IN_PROGRESS',
            ClientRequestToken: d.token,
          },
          t,
        );
      }
      last.set(id, t);
      sim.cfn.event(
        `${d.service}-prod`,
        {
          LogicalResourceId: `R${t}`,
          ResourceType: 'AWS::Lambda::Function',
          ResourceStatus: 'UPDATE_COMPLETE',
          ClientRequestToken: d.token,
        },
        t,
      );
    }
  };
}

export default async function (): Promise<void> {
  // 1. One deployment, 10 simulated minutes of stack update at the default poll (5 s).
  {
    const sim = await simulate(1);
    await run(sim, 30);
    const before = sim.budget.calls;
    await run(sim, 600, emitter(sim));
    const perMin = (sim.budget.calls - before) / 10;
    console.log(
      `AWS calls per monitored deployment-minute (poll 5 s, one resource event / 20 s): ${perMin.toFixed(1)}`,
    );
    await sim.close();
  }
  // 2. 200 deployments at once, default budget (8 req/s, burst 16).
  {
    const sim = await simulate(200);
    const wall = performance.now();
    const t0 = sim.clock.now();
    await run(sim, 300, emitter(sim));
    const simSeconds = (sim.clock.now() - t0) / 1000;
    const rate = sim.budget.calls / simSeconds;
    const updating = sim.ids.filter(
      (id) => sim.cfn.changeSets.get(`coxswain-${id}-1`)?.ExecutionStatus === 'EXECUTE_IN_PROGRESS',
    ).length;
    console.log(
      `200 concurrent deployments: ${sim.budget.calls} AWS calls in ${simSeconds.toFixed(0)} simulated s = ${rate.toFixed(2)} req/s (budget ${sim.budget.rate}/s, burst ${sim.budget.burst}); ${updating}/200 reached the stack update; each deployment polled about every ${((simSeconds * 200) / Math.max(1, sim.budget.calls)).toFixed(0)} s under load; wall ${((performance.now() - wall) / 1000).toFixed(1)} s`,
    );
    await sim.close();
  }
  // 3. Failure event visible → root-cause outbox row written (simulated ms, driven by the poll schedule).
  {
    const latencies: number[] = [];
    const processing: number[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const sim = await simulate(1);
      await run(sim, 20 + trial);
      const d = sim.repo.get(sim.ids[0]!)!;
      const visibleAt = sim.clock.now();
      sim.cfn.event(
        'svc0-prod',
        {
          LogicalResourceId: 'Db',
          ResourceType: 'AWS::RDS::DBInstance',
          ResourceStatus: 'UPDATE_FAILED',
          ResourceStatusReason: 'boom',
          ClientRequestToken: d.token,
        },
        visibleAt,
      );
      for (let i = 0; i < 60; i++) {
        const w = performance.now();
        await sim.worker.tick();
        const row = sim.db.prepare(`SELECT created_at FROM slack_messages WHERE key = ?`).get(`d${d.id}:root-cause`) as
          | { created_at: number }
          | undefined;
        if (row) {
          latencies.push(row.created_at - visibleAt);
          processing.push(performance.now() - w);
          break;
        }
        sim.clock.advance(1000);
      }
      await sim.close();
    }
    latencies.sort((a, b) => a - b);
    processing.sort((a, b) => a - b);
    const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
    console.log(
      `failure event visible → root-cause reply in outbox: p50 ${(pct(latencies, 0.5) / 1000).toFixed(1)} s, max ${(pct(latencies, 1) / 1000).toFixed(1)} s (simulated, 1 s ticks); tick that wrote it: p50 ${pct(processing, 0.5).toFixed(1)} ms, max ${pct(processing, 1).toFixed(1)} ms wall`,
    );
  }
}
