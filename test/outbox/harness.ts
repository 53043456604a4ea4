import { createDeliveryWebClient, SlackWebDelivery } from '../../src/adapters/slack-web.js';
import { createLogger } from '../../src/app/logger.js';
import { OutboxWorker, type OutboxWorkerOptions } from '../../src/outbox/worker.js';
import type { Db } from '../../src/store/db.js';
import { OutboxDeliveryRepo } from '../../src/store/outbox-delivery-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import type { SlackMessage } from '../../src/views/slack-message.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';
import { FakeSlack, SLACK_API_URL } from './fake-slack.js';

export interface LogLine {
  level: number;
  msg: string;
  [k: string]: unknown;
}

/** A message with blocks, so tests can check that text and blocks both reach Slack. */
export function msg(text: string): SlackMessage {
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${text}*` } }] };
}

export interface Harness {
  db: Db;
  clock: FakeClock;
  outbox: OutboxRepo;
  slack: FakeSlack;
  logs: LogLine[];
  worker: OutboxWorker;
  newWorker(options?: OutboxWorkerOptions): OutboxWorker;
  /** Ticks, advancing the clock by `stepMs` between ticks, `times` times. */
  run(times: number, stepMs?: number): Promise<void>;
  entry(id: number): Record<string, unknown>;
  ts(key: string): string | null;
}

/** Real SQLite, fake clock, nock Slack, and a worker with no jitter (random = 0 → nominal backoff). */
export function harness(options: OutboxWorkerOptions = {}, db: Db = testDb()): Harness {
  const clock = new FakeClock();
  const slack = new FakeSlack(() => clock.now()).install();
  const logs: LogLine[] = [];
  const logger = createLogger('info', { write: (s: string) => logs.push(JSON.parse(s) as LogLine) });
  const delivery = new SlackWebDelivery(
    createDeliveryWebClient({ token: 'xoxb-secret-test-token', slackApiUrl: SLACK_API_URL, timeoutMs: 2_000 }),
  );
  const newWorker = (o: OutboxWorkerOptions = options) =>
    new OutboxWorker({
      outbox: new OutboxDeliveryRepo(db),
      clock,
      logger,
      slack: delivery,
      options: { random: () => 0, ...o },
    });
  const worker = newWorker();
  return {
    db,
    clock,
    outbox: new OutboxRepo(db),
    slack,
    logs,
    worker,
    newWorker,
    async run(times, stepMs = 1_000) {
      for (let i = 0; i < times; i++) {
        await worker.tick();
        clock.advance(stepMs);
      }
    },
    entry: (id) => db.prepare('SELECT * FROM outbox WHERE id = ?').get(id) as Record<string, unknown>,
    ts: (key) => (db.prepare('SELECT ts FROM slack_messages WHERE key = ?').get(key) as { ts: string | null }).ts,
  };
}
