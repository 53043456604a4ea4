import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { PhasesRepo } from '../../src/store/phases-repo.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { queryError, queryResponse, stackArn } from '../helpers/cfn-nock.js';
import { freePort, listenLoopback, readBody } from '../helpers/loopback.js';
import { loopbackSlack, mainFiles, startMain } from '../helpers/main-process.js';
import { newDeployment } from '../helpers/rows.js';

/**
 * SIGTERM in the middle of a stack update, then a second real `node src/app/main.ts` on the same database.
 * Both processes talk to loopback fakes: the Slack Web API (JSON answers as in shutdown.test.ts) and CloudFormation
 * through the SDK's standard AWS_ENDPOINT_URL_CLOUDFORMATION, answering with the awsQuery XML shapes of the
 * CloudFormation API reference (DescribeStackEvents, DescribeStacks; errors as <ErrorResponse>, see
 * src/sandbox/query-xml.ts, the writer the fakes share).
 */
const SHA = 'a'.repeat(40);
const STACK = 'web-staging';
const children: ChildProcess[] = [];
const servers: Server[] = [];
let dir: string | undefined;
afterEach(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const s of servers) s.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  children.length = servers.length = 0;
  dir = undefined;
});

async function listen(server: Server): Promise<number> {
  servers.push(server);
  return listenLoopback(server);
}

/** Polls `check` every 100 ms until it holds or `ms` pass; returns whether it held. */
async function waitFor(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('SIGTERM during a stack update', () => {
  it('exits 0 leaving the deployment active; the next process adopts it and finishes it, one result reply', {
    timeout: 90_000,
  }, async () => {
    const files = mainFiles('coxswain-resume-', 'timing: { pollSeconds: 1 }\n');
    dir = files.dir;
    const { configFile, dbFile } = files;

    // Seed what a process that died after ExecuteChangeSet leaves: deploying, stack row `updating`, change set saved.
    const started = Date.now() - 60_000;
    const seed = openDb(dbFile);
    const repo = new DeploymentsRepo(seed);
    const queued = repo.enqueue(newDeployment('web/staging', { sha: SHA, requestedBy: 'U0DEV' }), started).deployment;
    const d = repo.claim(queued.id, 'deploying', 'worker-gone', started)!;
    const stacks = new StacksRepo(seed);
    stacks.ensure(d.id, [{ stackName: STACK, region: 'us-east-1', parameters: {} }]);
    stacks.update(d.id, 1, 'pending', {
      status: 'changeset',
      changeSetName: `coxswain-${d.id}-1`,
      changeSetType: 'UPDATE',
      stackStatus: 'UPDATE_COMPLETE',
      startedAt: started,
    });
    stacks.update(d.id, 1, 'changeset', { status: 'updating' });
    new PhasesRepo(seed).start(d.id, d.targetKey, 'stack_update', started);
    seed.close();

    // CloudFormation: the update runs until `complete` is set; every event of it carries our ClientRequestToken.
    let complete = false;
    const cfnCalls: string[] = [];
    const event = (id: string, status: string, at: number) => ({
      StackId: stackArn('us-east-1', STACK),
      EventId: id,
      StackName: STACK,
      LogicalResourceId: STACK,
      PhysicalResourceId: stackArn('us-east-1', STACK),
      ResourceType: 'AWS::CloudFormation::Stack',
      Timestamp: new Date(at),
      ResourceStatus: status,
      ClientRequestToken: d.token,
    });
    const inProgressAt = started + 1000;
    let completeAt = 0;
    const cfn = createServer(async (req, res) => {
      const params = new URLSearchParams(await readBody(req));
      const action = params.get('Action') ?? '';
      cfnCalls.push(action);
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(xml);
      };
      if (params.get('StackName') !== STACK && action !== '')
        return send(400, queryError('ValidationError', `Stack with id ${params.get('StackName')} does not exist`));
      if (action === 'DescribeStackEvents') {
        const events = complete
          ? [event('e2', 'UPDATE_COMPLETE', completeAt), event('e1', 'UPDATE_IN_PROGRESS', inProgressAt)]
          : [event('e1', 'UPDATE_IN_PROGRESS', inProgressAt)];
        return send(200, queryResponse(action, { StackEvents: events }));
      }
      if (action === 'DescribeStacks') {
        return send(
          200,
          queryResponse(action, {
            Stacks: [
              {
                StackId: stackArn('us-east-1', STACK),
                StackName: STACK,
                StackStatus: complete ? 'UPDATE_COMPLETE' : 'UPDATE_IN_PROGRESS',
                CreationTime: new Date(0),
                Parameters: [],
              },
            ],
          }),
        );
      }
      return send(400, queryError('InvalidAction', `the test's CloudFormation does not answer ${action}`));
    });
    const cfnPort = await listen(cfn);

    // Slack: every post succeeds; thread replies are kept with their text.
    const posts: { text: string; threadTs: string | undefined }[] = [];
    let ts = 0;
    const slack = loopbackSlack((method, fields) => {
      if (method === 'chat.postMessage') {
        posts.push({ text: fields.text ?? '', threadTs: fields.thread_ts || undefined });
        ts += 1;
        return [200, { ok: true, channel: 'C0DEPLOYS', ts: `1764590400.${String(ts).padStart(6, '0')}` }];
      }
      if (method === 'chat.update') return [200, { ok: true, channel: 'C0DEPLOYS', ts: fields.ts }];
      return [200, { ok: true, messages: [], has_more: false }];
    });
    const slackPort = await listen(slack);

    const logs: string[] = [];
    const start = async () => {
      const port = await freePort();
      const main = startMain({
        port,
        slackPort,
        configFile,
        dbFile,
        flushSeconds: 5,
        logs,
        env: {
          AWS_MAX_ATTEMPTS: '1',
          // Every AWS service on loopback; CloudFormation is the one this test answers.
          AWS_ENDPOINT_URL: `http://127.0.0.1:${cfnPort}`,
          AWS_ENDPOINT_URL_CLOUDFORMATION: `http://127.0.0.1:${cfnPort}`,
        },
      });
      children.push(main.child);
      return main;
    };
    const row = () => {
      const db = openDb(dbFile);
      try {
        return {
          d: new DeploymentsRepo(db).get(d.id)!,
          stack: new StacksRepo(db).get(d.id, 1)!,
          results: db.prepare(`SELECT state FROM outbox WHERE message_key = ? AND op = 'post'`).all(`d${d.id}:result`),
        };
      } finally {
        db.close();
      }
    };
    const adoptedBy = (from: string) =>
      logs.some((l) => l.includes('"deployment adopted"') && l.includes(`"from":"${from}"`));

    // First process: adopts the orphan and polls the running update.
    const first = await start();
    const polledUpdate = () => cfnCalls.filter((a) => a === 'DescribeStackEvents').length >= 2;
    expect(await waitFor(() => adoptedBy('worker-gone') && polledUpdate(), 30_000), logs.join('\n')).toBe(true);
    const firstWorker = row().d.workerId;
    expect(firstWorker).not.toBe('worker-gone');

    first.child.kill('SIGTERM');
    const code = await Promise.race([
      first.exited,
      new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 20_000)),
    ]);
    expect(code, logs.join('\n')).toBe(0);
    const left = row();
    expect(left.d.state).toBe('deploying');
    expect(left.d.workerId).toBe(firstWorker);
    expect(left.d.failure).toBeNull();
    expect(left.stack.status).toBe('updating');
    expect(left.results).toEqual([]);
    expect(posts.filter((p) => p.text.startsWith('Deployed'))).toEqual([]);

    // The update finishes while no process runs; the second process adopts the deployment at once and finishes it.
    completeAt = Date.now();
    complete = true;
    const second = await start();
    expect(await waitFor(() => row().d.state === 'succeeded', 30_000), logs.join('\n')).toBe(true);
    expect(adoptedBy(firstWorker!)).toBe(true);
    expect(await waitFor(() => posts.some((p) => p.text.startsWith('Deployed')), 15_000), logs.join('\n')).toBe(true);
    const done = row();
    expect(done.stack.status).toBe('succeeded');
    expect(done.results).toEqual([{ state: 'sent' }]);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    const results = posts.filter((p) => p.text.startsWith('Deployed'));
    expect(results).toHaveLength(1);
    expect(results[0]!.threadTs).toBeDefined();
    // Neither process ever changed the stack: it only read what the dead process had started.
    expect(new Set(cfnCalls)).toEqual(new Set(['DescribeStackEvents', 'DescribeStacks']));
  });
});
