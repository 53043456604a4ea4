import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import nock from 'nock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { SlackDelivery } from '../../src/adapters/slack-web.js';
import { silentLogger } from '../../src/app/logger.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import { countedSlack } from '../../src/metrics/counted-slack.js';
import { metricsRoute, readiness, readyRoute } from '../../src/metrics/http-routes.js';
import { observedTick, tickObserver } from '../../src/metrics/instrument.js';
import { WorkerLiveness } from '../../src/metrics/liveness.js';
import { digestRunsTotal, enableProcessMetrics, registry } from '../../src/metrics/registry.js';
import { metricsText, runtimeGauges } from '../../src/metrics/runtime-gauges.js';
import { createApp } from '../../src/slack/bolt-app.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo, type NewDeployment } from '../../src/store/deployments-repo.js';
import { GaugesRepo } from '../../src/store/gauges-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { queryError, queryResponse } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { parseProm, series } from '../helpers/prom.js';
import { botIds, listen, testEnv } from '../helpers/slack-kit.js';

const GH = 'https://github.com';
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
let db: Db;
let clock: FakeClock;

function request(service: string, env: string, over: Partial<NewDeployment> = {}): NewDeployment {
  return {
    kind: 'deploy',
    service,
    environment: env,
    targetKey: `${service}/${env}`,
    ref: 'main',
    sha: SHA,
    requestedBy: 'U01',
    channel: 'C0DEPLOYS',
    state: 'queued',
    ...over,
  };
}

async function scrape(): Promise<Map<string, number>> {
  return parseProm(await metricsText(runtimeGauges({ gauges: new GaugesRepo(db), clock, awsBudgetTokens: () => 7 })));
}

beforeEach(() => {
  registry.resetMetrics();
  db = testDb();
  clock = new FakeClock();
});
afterEach(() => db.close());

describe('/metrics', () => {
  it('counts finished deployments by outcome and target and observes phase and total durations', async () => {
    // Through the lifecycle: the one place a transition and its metrics happen.
    const core = buildDeploymentCore({ db, config: exampleConfig(), clock, logger: silentLogger, githubWeb: GH });
    const { deployments: repo, phases, lifecycle } = core;
    const d = repo.enqueue(request('api', 'staging'), clock.now()).deployment;
    clock.advance(30_000);
    const claimed = lifecycle.claim(d, 'building', 'w1')!;
    phases.start(d.id, 'api/staging', 'build', clock.now());
    clock.advance(120_000);
    phases.end(d.id, 'build', 'succeeded', clock.now());
    const deploying = lifecycle.startDeploying(claimed)!;
    phases.start(d.id, 'api/staging', 'stack_update', clock.now());
    clock.advance(60_000);
    phases.end(d.id, 'stack_update', 'failed', clock.now());
    expect(
      lifecycle.fail(deploying, { phase: 'stack_update', reason: 'stack ended in UPDATE_ROLLBACK_COMPLETE' }),
    ).toBe(true);

    const m = await scrape();
    expect(
      m.get(series('coxswain_deployments_total', { outcome: 'failed', target: 'api/staging', kind: 'deploy' })),
    ).toBe(1);
    expect(m.get(series('coxswain_deployment_transitions_total', { from: 'queued', to: 'building' }))).toBe(1);
    const build = { phase: 'build', target: 'api/staging', outcome: 'failed' };
    expect(m.get(series('coxswain_deployment_phase_seconds_sum', build))).toBe(120);
    expect(m.get(series('coxswain_deployment_phase_seconds_bucket', { ...build, le: '60' }))).toBe(0);
    expect(m.get(series('coxswain_deployment_phase_seconds_bucket', { ...build, le: '120' }))).toBe(1);
    expect(
      m.get(series('coxswain_deployment_duration_seconds_sum', { target: 'api/staging', outcome: 'failed' })),
    ).toBe(180);
    expect(m.get(series('coxswain_queue_wait_seconds_sum', { target: 'api/staging' }))).toBe(30);
  });

  it('shows queue depth and oldest wait per target, active deployments, and the outbox figures', async () => {
    const repo = new DeploymentsRepo(db);
    const first = repo.enqueue(request('api', 'staging'), clock.now()).deployment;
    repo.claim(first.id, 'deploying', 'w1', clock.now());
    clock.advance(1_000);
    repo.enqueue(request('api', 'staging', { sha: 'b'.repeat(40) }), clock.now());
    clock.advance(1_000);
    repo.enqueue(request('api', 'staging', { sha: 'c'.repeat(40) }), clock.now());
    repo.enqueue(request('web', 'staging', { state: 'pending_approval' }), clock.now());
    const outbox = new OutboxRepo(db);
    outbox.post({ key: 'd1:parent', channel: 'C0DEPLOYS', message: { text: 'hello' } }, clock.now());
    outbox.post({ key: 'd2:parent', channel: 'C0DEPLOYS', message: { text: 'dead' } }, clock.now());
    db.prepare(`UPDATE outbox SET state = 'dead' WHERE message_key = 'd2:parent'`).run();
    clock.advance(90_000);

    const m = await scrape();
    expect(m.get(series('coxswain_queue_depth', { target: 'api/staging', state: 'queued' }))).toBe(2);
    expect(m.get(series('coxswain_queue_depth', { target: 'web/staging', state: 'pending_approval' }))).toBe(1);
    expect(m.get(series('coxswain_queue_oldest_wait_seconds', { target: 'api/staging', state: 'queued' }))).toBe(91);
    expect(m.get(series('coxswain_active_deployments', { target: 'api/staging' }))).toBe(1);
    expect(m.get('coxswain_outbox_depth')).toBe(1);
    expect(m.get('coxswain_outbox_oldest_undelivered_seconds')).toBe(90);
    expect(m.get('coxswain_outbox_dead_letters')).toBe(1);
    expect(m.get('coxswain_aws_budget_tokens')).toBe(7);
  });

  it('counts AWS calls by service, operation and error code, throttles apart', async () => {
    // awsQuery error shape: docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/CommonErrors.html (Throttling, 400).
    nock('https://cloudformation.us-east-1.amazonaws.com')
      .post('/')
      .reply(200, queryResponse('DescribeStacks', { Stacks: [] }), { 'content-type': 'text/xml' })
      .post('/')
      .reply(400, queryError('Throttling', 'Rate exceeded'), { 'content-type': 'text/xml' })
      .post('/')
      .reply(400, queryError('ValidationError', 'Stack with id x does not exist'), { 'content-type': 'text/xml' });
    const aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
    const cfn = aws.cloudFormation();
    await cfn.send(new DescribeStacksCommand({ StackName: 'x' }));
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'x' }))).rejects.toThrow('Rate exceeded');
    await expect(cfn.send(new DescribeStacksCommand({ StackName: 'x' }))).rejects.toThrow('does not exist');
    aws.destroy();

    const m = await scrape();
    const call = (code: string) =>
      series('coxswain_aws_calls_total', { service: 'CloudFormation', method: 'DescribeStacks', code });
    expect(m.get(call('ok'))).toBe(1);
    expect(m.get(call('Throttling'))).toBe(1);
    expect(m.get(call('ValidationError'))).toBe(1);
    expect(m.get(series('coxswain_aws_throttles_total', { service: 'CloudFormation', method: 'DescribeStacks' }))).toBe(
      1,
    );
  });

  it('counts Slack calls by method and code, worker ticks, digest runs, and exposes process metrics', async () => {
    const slack: SlackDelivery = {
      postMessage: async () => ({ ok: true, value: { ts: '1.1' } }),
      updateMessage: async () => ({ ok: false, failure: { kind: 'permanent', code: 'message_not_found' } }),
      findPosted: async () => ({ ok: true, value: { ts: null } }),
    };
    const counted = countedSlack(slack);
    await counted.postMessage({ channel: 'C1', text: 'x', key: 'k' });
    await counted.updateMessage({ channel: 'C1', ts: '1.1', text: 'x' });
    await counted.findPosted({ channel: 'C1', key: 'k', threadTs: '1.1', oldestMs: 0 });
    const observe = tickObserver('deploy-worker');
    await observedTick(observe, async () => {});
    await expect(
      observedTick(observe, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    digestRunsTotal.inc({ kind: 'drift', result: 'posted' });
    enableProcessMetrics();

    const m = await scrape();
    expect(m.get(series('coxswain_slack_calls_total', { method: 'chat.postMessage', code: 'ok' }))).toBe(1);
    expect(m.get(series('coxswain_slack_calls_total', { method: 'chat.update', code: 'message_not_found' }))).toBe(1);
    expect(m.get(series('coxswain_slack_calls_total', { method: 'conversations.replies', code: 'ok' }))).toBe(1);
    expect(m.get(series('coxswain_worker_ticks_total', { worker: 'deploy-worker', result: 'ok' }))).toBe(1);
    expect(m.get(series('coxswain_worker_ticks_total', { worker: 'deploy-worker', result: 'error' }))).toBe(1);
    expect(m.get(series('coxswain_digest_runs_total', { kind: 'drift', result: 'posted' }))).toBe(1);
    expect(m.get('coxswain_process_resident_memory_bytes')).toBeGreaterThan(0);
  });
});

describe('/readyz and /metrics over HTTP', () => {
  it('serves Prometheus text; /readyz is 200 while workers tick and 503 once a loop stops ticking', async () => {
    const liveness = new WorkerLiveness(clock);
    liveness.watch('deploy-worker', 120_000);
    liveness.watch('outbox-worker', 120_000);
    const observe = tickObserver('deploy-worker', liveness);
    const app = createApp({
      env: testEnv,
      logger: silentLogger,
      botIds,
      routes: [
        metricsRoute(runtimeGauges({ gauges: new GaugesRepo(db), clock })),
        readyRoute(() => readiness(db, liveness)),
      ],
    });
    try {
      const port = await listen(app);
      const metrics = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(metrics.status).toBe(200);
      expect(metrics.headers.get('content-type')).toContain('text/plain');
      expect(parseProm(await metrics.text()).get('coxswain_outbox_depth')).toBe(0);

      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      // The outbox loop keeps ticking; the deploy loop is stuck (no tick for more than two minutes).
      clock.advance(100_000);
      tickObserver('outbox-worker', liveness)(true, 0.01);
      clock.advance(30_000);
      tickObserver('outbox-worker', liveness)(true, 0.01);
      const red = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(red.status).toBe(503);
      const body = (await red.json()) as {
        ok: boolean;
        database: { ok: boolean };
        workers: { worker: string; stale: boolean }[];
      };
      expect(body.ok).toBe(false);
      expect(body.database.ok).toBe(true);
      expect(body.workers).toEqual([
        { worker: 'deploy-worker', agoMs: 130_000, stale: true },
        { worker: 'outbox-worker', agoMs: 0, stale: false },
      ]);
      // It ticks again: ready again. /healthz (liveness) never depended on it.
      observe(true, 0.5);
      expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
    } finally {
      await app.stop();
    }
  });

  it('is red when the database is closed', () => {
    const liveness = new WorkerLiveness(clock);
    const other = testDb();
    other.close();
    expect(readiness(other, liveness)).toMatchObject({ ok: false, database: { ok: false, error: 'database closed' } });
    expect(readiness(db, liveness).ok).toBe(true);
  });
});
