import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { Config } from '../../src/app/config.js';
import { parseEnv } from '../../src/app/env.js';
import { silentLogger } from '../../src/app/logger.js';
import { buildRuntime, type Runtime } from '../../src/app/runtime.js';
import type { Deployment } from '../../src/domain/deployment.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { FakeCloudFormation } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { FakeCodeBuild } from '../helpers/codebuild-nock.js';
import { exampleConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { undelivered } from '../helpers/outbox-rows.js';
import {
  botIds,
  captureReplies,
  clickBody,
  dispatch,
  listen,
  NoopReceiver,
  type Reply,
  SIGNING_SECRET,
  slashBody,
} from '../helpers/slack-kit.js';
import { FakeSlack, SLACK_API_URL, type StoredMessage } from '../outbox/fake-slack.js';

/**
 * The real composition (buildRuntime, the factory main.ts uses) over a real SQLite, a FakeClock and nock'd edges:
 * Slack Web API (FakeSlack), response_url, GitHub, CloudFormation and CodeBuild in two regions.
 */
export class Integration {
  readonly clock = new FakeClock();
  readonly db: Db = testDb();
  readonly config: Config;
  readonly slack = new FakeSlack(() => this.clock.now()).install();
  /** us-east-1: the staging stacks; eu-west-1: api/production. */
  readonly cfn = new FakeCloudFormation('us-east-1');
  readonly cfnEu = new FakeCloudFormation('eu-west-1');
  readonly cb = new FakeCodeBuild('us-east-1');
  readonly cbEu = new FakeCodeBuild('eu-west-1');
  readonly replies: Reply[] = captureReplies();
  readonly rt: Runtime;
  private listening = false;

  /**
   * `config` replaces the README example; `env` adds variables (e.g. GITHUB_WEBHOOK_SECRET); `http` keeps Bolt's
   * own HTTP receiver (signatures verified) for tests that post signed requests after `listen()`.
   */
  constructor(o: { config?: Config; env?: Record<string, string>; http?: boolean } = {}) {
    this.config = o.config ?? exampleConfig();
    for (const f of [this.cfn, this.cfnEu, this.cb, this.cbEu]) f.install();
    this.cfn.addStack('web-staging', 'UPDATE_COMPLETE', { Version: 'v1' });
    this.cfn.addStack('api-staging', 'UPDATE_COMPLETE', { ImageTag: 'old' });
    this.cfnEu.addStack('api-production', 'UPDATE_COMPLETE', { ImageTag: 'old' });
    const env = parseEnv({
      SLACK_BOT_TOKEN: 'xoxb-integration',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL,
      GITHUB_TOKEN: 'ghp_test',
      GITHUB_API_URL: GITHUB_API,
      AWS_REGION: 'us-east-1',
      ...o.env,
    });
    this.rt = buildRuntime(env, {
      config: this.config,
      db: this.db,
      logger: silentLogger,
      clock: this.clock,
      ...(o.http ? {} : { receiver: new NoopReceiver() }),
      botIds,
      slackClientOptions: { retryConfig: { retries: 0 } },
      outboxOptions: { random: () => 0 },
      aws: new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' }),
      awsSleep: async (ms) => {
        this.clock.advance(ms);
      },
      githubRetries: false,
      workerId: 'integration-worker',
      driftSleep: async () => {},
    });
  }

  /** One slash command through Bolt (ack, then the handler's reply to response_url). */
  async send(command: string, text: string, user = 'U05'): Promise<Reply> {
    const before = this.replies.length;
    const { acked } = await dispatch(this.rt.app, slashBody(command, text, { user }));
    if (!acked) throw new Error(`${command} was not acked`);
    const reply = this.replies[before];
    if (!reply) throw new Error(`${command} ${text}: no reply`);
    return reply;
  }

  /** A button click as Slack sends it; returns the ephemeral answer, if any. */
  async click(actionId: string, user: string, value: string, blockId = 'b1'): Promise<Reply | undefined> {
    const before = this.replies.length;
    const { acked } = await dispatch(this.rt.app, clickBody({ actionId, user, value, blockId }));
    if (!acked) throw new Error(`${actionId} was not acked`);
    return this.replies[before];
  }

  /** Outbox entries not yet delivered (or given up on). */
  undelivered(): number {
    return undelivered(this.db);
  }

  /** Runs the outbox worker until everything is delivered, a paced second of fake time between ticks; bounded. */
  async deliver(max = 30): Promise<void> {
    for (let i = 0; i < max; i++) {
      await this.rt.workers.outbox.tick();
      if (this.undelivered() === 0) return;
      this.clock.advance(1_000);
    }
    throw new Error(`outbox not drained after ${max} ticks: ${this.undelivered()} left`);
  }

  /** Deploy worker ticks, `stepMs` of fake time apart, until `done`; bounded. */
  async work(done: () => boolean, o: { max?: number; stepMs?: number } = {}): Promise<void> {
    const max = o.max ?? 40;
    for (let i = 0; i < max; i++) {
      await this.rt.workers.deploy.tick();
      if (done()) return;
      this.clock.advance(o.stepMs ?? 5_000);
    }
    throw new Error(`condition not reached after ${max} deploy worker ticks`);
  }

  get(id: number): Deployment {
    const d = new DeploymentsRepo(this.db).get(id);
    if (!d) throw new Error(`no deployment #${id}`);
    return d;
  }

  /** Slack messages "in Slack" whose outbox key (message metadata) matches. */
  posted(key: string): StoredMessage | undefined {
    return this.slack.messages.find((m) => m.metadata?.event_payload.key === key);
  }

  /** Everything a Slack message shows: fallback text and all block text, as JSON for substring checks. */
  shown(m: StoredMessage | undefined): string {
    return m ? `${m.text}\n${JSON.stringify(m.blocks ?? [])}` : '';
  }

  /** Starts Bolt's HTTP receiver on an ephemeral loopback port (with `http: true`); returns the port. */
  async listen(): Promise<number> {
    this.listening = true;
    return listen(this.rt.app);
  }

  close(): void {
    this.rt.aws.destroy();
    this.db.close();
  }

  /** close(), after stopping the HTTP receiver if it listens. */
  async stop(): Promise<void> {
    if (this.listening) await this.rt.app.stop();
    this.close();
  }
}
