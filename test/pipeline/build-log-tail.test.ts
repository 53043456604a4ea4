import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { Harness } from './harness.js';

// CloudWatch Logs speaks AWS JSON 1.1 (X-Amz-Target: Logs_20140328.GetLogEvents, as @aws-sdk/client-cloudwatch-logs
// sends it); GetLogEvents answers {events:[{timestamp,message,ingestionTime}], nextForwardToken, nextBackwardToken}
// and errors as {"__type":"AccessDeniedException","message":…} with HTTP 400 (CloudWatch Logs API reference).
let h: Harness;
afterEach(() => h?.close());

interface LogsCall {
  target: string;
  body: Record<string, unknown>;
}

function fakeLogs(answer: (body: Record<string, unknown>) => [number, unknown]): LogsCall[] {
  const calls: LogsCall[] = [];
  nock('https://logs.us-east-1.amazonaws.com')
    .persist()
    .post('/')
    .reply(async (req: Request) => {
      const body = JSON.parse(await req.text()) as Record<string, unknown>;
      calls.push({ target: req.headers.get('x-amz-target') ?? '', body });
      const [status, json] = answer(body);
      return [status, JSON.stringify(json), { 'content-type': 'application/x-amz-json-1.1' }];
    });
  return calls;
}

const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

async function failBuild(logs: Record<string, unknown>): Promise<number> {
  const d = h.enqueue('api', 'staging');
  await h.worker.tick();
  const build = h.build(d.id);
  Object.assign(build, {
    buildStatus: 'FAILED',
    logs: { ...build.logs, ...logs },
    phases: [
      { phaseType: 'INSTALL', phaseStatus: 'SUCCEEDED' },
      {
        phaseType: 'BUILD',
        phaseStatus: 'FAILED',
        startTime: T0 / 1000,
        endTime: (T0 + 90_000) / 1000,
        contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: 'exit status 1' }],
      },
    ],
  });
  await h.tickUntil(() => h.get(d.id).state === 'failed');
  return d.id;
}

describe('a failed build shows why', () => {
  it("posts the failed phase's last lines under the failure, bounded, secrets masked, with the log link", async () => {
    h = new Harness();
    const all = Array.from({ length: 80 }, (_, i) => ({
      timestamp: T0 + i,
      message: `step ${i}\n`,
      ingestionTime: T0,
    }));
    all[75] = { timestamp: T0 + 75, message: 'export DB_PASSWORD=hunter2\n', ingestionTime: T0 };
    all[76] = { timestamp: T0 + 76, message: 'using AKIAIOSFODNN7EXAMPLE\n', ingestionTime: T0 };
    all[79] = { timestamp: T0 + 79, message: `npm ERR! ${'x'.repeat(5_000)}\n`, ingestionTime: T0 };
    const calls = fakeLogs((body) => [200, { events: all.slice(-Number(body.limit)), nextForwardToken: 'f/1' }]);
    const id = await failBuild({ groupName: '/aws/codebuild/api', streamName: 'build-1' });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.target).toBe('Logs_20140328.GetLogEvents');
    expect(calls[0]!.body).toMatchObject({
      logGroupName: '/aws/codebuild/api',
      logStreamName: 'build-1',
      startFromHead: false,
      limit: 30,
      startTime: T0 - 2_000,
      endTime: T0 + 92_000,
    });
    const keys = h.outbox(id).map((r) => r.key.split(':')[1]);
    expect(keys.indexOf('build-log')).toBeGreaterThan(keys.indexOf('result'));
    const tail = h.reply(id, 'build-log')!;
    const text = (JSON.parse(tail.blocks) as { text: { text: string } }[])[0]!.text.text;
    expect(text).toContain('Last 30 lines of the BUILD phase');
    expect(text).toContain('full build log');
    expect(text).toContain('```step 50\n');
    expect(text).not.toContain('step 49\n');
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
    expect(text).toContain('line hidden: it looks like it holds a secret');
    expect(text.length).toBeLessThanOrEqual(3_000);
    expect(text).toMatch(/npm ERR! x+…```$/);
    // Read once: later polls do not call CloudWatch Logs again.
    await h.worker.tick();
    expect(calls).toHaveLength(1);
  });

  it('says so when reading the log is denied', async () => {
    h = new Harness();
    fakeLogs(() => [400, { __type: 'AccessDeniedException', message: 'not authorized to perform: logs:GetLogEvents' }]);
    const id = await failBuild({ groupName: '/aws/codebuild/api', streamName: 'build-1' });
    const tail = h.reply(id, 'build-log')!;
    expect(tail.blocks).toContain('may not read the build log (grant `logs:GetLogEvents`');
    expect(tail.blocks).toContain('AccessDeniedException');
    expect(h.get(id).failure?.phase).toBe('build');
  });

  it('says so when the project has CloudWatch logs off, without calling CloudWatch Logs', async () => {
    h = new Harness();
    const calls = fakeLogs(() => [200, { events: [] }]);
    const id = await failBuild({ cloudWatchLogs: { status: 'DISABLED' } });
    expect(calls).toHaveLength(0);
    expect(h.reply(id, 'build-log')!.blocks).toContain('CloudWatch logs turned off');
  });
});
