import { App, LogLevel } from '@slack/bolt';
import nock from 'nock';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import { StackRecovery } from '../../src/adapters/cloudformation-recovery.js';
import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { ApprovalService } from '../../src/approvals/approval-service.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import { findTarget, type Target } from '../../src/domain/targets.js';
import { LockService } from '../../src/locks/lock-service.js';
import { RollbackService } from '../../src/rollbacks/rollback-service.js';
import { registerButtons } from '../../src/slack/interactions/buttons.js';
import type { Db } from '../../src/store/db.js';
import type { Deployment, Failure } from '../../src/store/deployment-row.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import type { SlackMessage } from '../../src/views/slack-message.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { testBudget } from '../helpers/aws-budget.js';
import type { FakeClock } from '../helpers/clock.js';

export const RESPONSE_URL = 'https://hooks.slack.com/actions/T1/1/abc';
export const sha = (c: string) => c.repeat(40).slice(0, 40);

export function services(db: Db, config: Config, clock: FakeClock) {
  const githubWeb = 'https://github.com';
  const core = buildDeploymentCore({ db, config, clock, logger: silentLogger, githubWeb });
  const approvals = new ApprovalService({ db, config, clock, logger: silentLogger, githubWeb, core });
  const locks = new LockService({ db, clock, logger: silentLogger, repos: core });
  const recovery = new StackRecovery(new AwsClients({ maxAttempts: 1 }), testBudget(clock));
  const rollbacks = new RollbackService({
    db,
    config,
    clock,
    logger: silentLogger,
    approvals,
    locks,
    recovery,
    githubWeb,
    core,
  });
  return { approvals, locks, rollbacks, recovery, deployments: new DeploymentsRepo(db), outbox: new OutboxRepo(db) };
}

export function target(config: Config, service = 'api', environment = 'production'): Target {
  const f = findTarget(config, service, environment);
  if (!f.ok) throw new Error(f.message);
  return f.target;
}

/** A deployment driven through the real store to the wanted state, with its thread parent posted. */
export function deployment(
  db: Db,
  clock: FakeClock,
  t: Target,
  o: { sha: string; state: Deployment['state']; user?: string; failure?: Failure; kind?: 'deploy' | 'rollback' },
): Deployment {
  const repo = new DeploymentsRepo(db);
  const now = clock.now();
  const start = o.state === 'pending_approval' ? 'pending_approval' : 'queued';
  const { deployment: d } = repo.enqueue(
    {
      kind: o.kind ?? 'deploy',
      service: t.service,
      environment: t.environment,
      targetKey: t.key,
      ref: 'main',
      sha: o.sha,
      requestedBy: o.user ?? 'U01',
      channel: t.channel,
      state: start,
    },
    now,
  );
  new OutboxRepo(db).post(
    { key: threadKeys.parent(d.id), channel: d.channel, deploymentId: d.id, message: { text: `#${d.id}` } },
    now,
  );
  if (o.state === 'pending_approval' || o.state === 'queued') return d;
  const running = o.state === 'building' ? 'building' : 'deploying';
  repo.claim(d.id, running, 'w1', now);
  if (o.state === 'building' || o.state === 'deploying') return repo.get(d.id)!;
  clock.advance(60_000);
  return repo.transition(d.id, running, o.state, clock.now(), o.failure ? { failure: o.failure } : {})!;
}

export function testApp(deps: ReturnType<typeof services>): App {
  const receiver = { init: () => {}, start: async () => {}, stop: async () => {} };
  const app = new App({
    token: 'xoxb-test',
    receiver,
    tokenVerificationEnabled: false,
    botId: 'B1',
    botUserId: 'UBOT',
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: 'https://slack.test/api/', retryConfig: { retries: 0 } },
  });
  registerButtons(app, { approvals: deps.approvals, rollbacks: deps.rollbacks, logger: silentLogger });
  return app;
}

let trigger = 0;
export function click(app: App, actionId: string, user: string, value: string, blockId = 'b1') {
  trigger++;
  const body = {
    type: 'block_actions',
    user: { id: user, username: user.toLowerCase(), name: user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: '100.1', channel_id: 'C0PROD', is_ephemeral: false },
    trigger_id: `trigger-${trigger}`,
    team: { id: 'T1', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: 'C0PROD', name: 'prod' },
    message: { type: 'message', ts: '100.1', text: 'x' },
    response_url: RESPONSE_URL,
    actions: [
      {
        type: 'button',
        action_id: actionId,
        block_id: blockId,
        value,
        action_ts: '1',
        text: { type: 'plain_text', text: 'x' },
      },
    ],
  };
  let acked = false;
  const done = app.processEvent({
    body,
    ack: async () => {
      acked = true;
    },
  });
  return done.then(() => acked);
}

/** Captures every ephemeral reply posted to the response_url. */
export function captureResponses(times = 5): { texts: string[]; bodies: Record<string, unknown>[] } {
  const out = { texts: [] as string[], bodies: [] as Record<string, unknown>[] };
  nock('https://hooks.slack.com')
    .post('/actions/T1/1/abc', (b: Record<string, unknown>) => {
      out.bodies.push(b);
      out.texts.push(String(b.text));
      return true;
    })
    .times(times)
    .reply(200, 'ok');
  return out;
}

/** The newest payload queued in the outbox for one message key. */
export function lastPayload(db: Db, key: string): { op: string; payload: SlackMessage } | undefined {
  const row = db.prepare('SELECT op, payload FROM outbox WHERE message_key = ? ORDER BY id DESC LIMIT 1').get(key) as
    | { op: string; payload: string }
    | undefined;
  return row ? { op: row.op, payload: JSON.parse(row.payload) as SlackMessage } : undefined;
}

const XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';
export function cfnAction(b: unknown): string | null {
  return typeof b === 'string' ? new URLSearchParams(b).get('Action') : ((b as Record<string, string>).Action ?? null);
}

/** nock for CloudFormation's awsQuery protocol: form body in, XML out. Records the bodies it saw. */
export function cfn(region: string, status: string, then: { op: string; body?: string }[] = []) {
  const seen: Record<string, string>[] = [];
  const scope = nock(`https://cloudformation.${region}.amazonaws.com`);
  const matches = (b: unknown, op: string) => {
    if (cfnAction(b) !== op) return false;
    seen.push(typeof b === 'string' ? Object.fromEntries(new URLSearchParams(b)) : (b as Record<string, string>));
    return true;
  };
  scope
    .post('/', (b) => matches(b, 'DescribeStacks'))
    .reply(
      200,
      `<DescribeStacksResponse xmlns="${XMLNS}"><DescribeStacksResult><Stacks><member><StackName>api-production</StackName><StackId>arn:aws:cloudformation:${region}:123456789012:stack/api-production/1</StackId><StackStatus>${status}</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      { 'content-type': 'text/xml' },
    );
  for (const t of then) {
    scope
      .post('/', (b) => matches(b, t.op))
      .reply(
        200,
        t.body ??
          `<${t.op}Response xmlns="${XMLNS}"><${t.op}Result/><ResponseMetadata><RequestId>r2</RequestId></ResponseMetadata></${t.op}Response>`,
        {
          'content-type': 'text/xml',
        },
      );
  }
  return { scope, seen };
}
