import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import { digestRunsTotal } from '../metrics/registry.js';
import type { Db } from '../store/db.js';
import type { DigestKind, DigestRunsRepo } from '../store/digest-runs-repo.js';
import type { OutboxRepo } from '../store/outbox-repo.js';
import type { SlackMessage } from '../views/slack-message.js';
import type { DigestRunResult } from './drift-job.js';

/** Anything that can produce one digest run (DriftDigestJob, HealthDigestJob). */
export interface DigestJob {
  run(options?: { preview?: boolean }): Promise<DigestRunResult>;
}

export type PostOutcome =
  | { posted: true; runId: number; channel: string; parentKey: string; messages: number }
  | { posted: false; message: SlackMessage };

export interface DigestsDeps {
  config: Config;
  db: Db;
  runs: DigestRunsRepo;
  outbox: OutboxRepo;
  jobs: Record<DigestKind, DigestJob>;
  clock: Clock;
  logger: Logger;
}

/** Outbox keys of one digest: the parent, and its thread replies numbered from 1. */
export const digestKeys = {
  parent: (kind: DigestKind, runId: number) => `digest:${kind}:${runId}`,
  reply: (kind: DigestKind, runId: number, n: number) => `digest:${kind}:${runId}:${n}`,
};

/**
 * The digests, on demand and on schedule. /deploy-status calls preview() (ephemeral) and post();
 * the scheduler calls post(). Slack writes go only through the outbox.
 */
export class Digests {
  constructor(private readonly deps: DigestsDeps) {}

  /** Builds the digest without posting it; the run is stored but is not the baseline for the next digest. */
  async preview(kind: DigestKind): Promise<SlackMessage[]> {
    const r = await this.deps.jobs[kind].run({ preview: true });
    return r.ok ? r.messages : [r.reply];
  }

  /** Builds the digest and queues it to the digest channel: parent plus thread replies, in one transaction. */
  async post(kind: DigestKind): Promise<void> {
    await this.tryPost(kind);
  }

  /** post(), telling the caller what happened (a refusal when another run of this kind is going). */
  async tryPost(kind: DigestKind): Promise<PostOutcome> {
    const { db, runs, outbox, clock, logger, config } = this.deps;
    const r = await this.deps.jobs[kind].run({ preview: false }).catch((err: unknown) => {
      digestRunsTotal.inc({ kind, result: 'failed' });
      throw err;
    });
    digestRunsTotal.inc({ kind, result: r.ok ? 'posted' : 'busy' });
    if (!r.ok) {
      logger.info({ kind }, 'digest not posted: another run is in progress');
      return { posted: false, message: r.reply };
    }
    const channel = config.digests?.[kind]?.channel ?? config.channel;
    const parentKey = digestKeys.parent(kind, r.runId);
    const now = clock.now();
    const [parent, ...replies] = r.messages;
    db.transaction(() => {
      outbox.post({ key: parentKey, channel, message: parent! }, now);
      replies.forEach((message, i) => {
        outbox.post({ key: digestKeys.reply(kind, r.runId, i + 1), channel, threadKey: parentKey, message }, now);
      });
      runs.markPosted(r.runId);
    })();
    logger.info({ kind, runId: r.runId, channel, messages: r.messages.length }, 'digest queued');
    return { posted: true, runId: r.runId, channel, parentKey, messages: r.messages.length };
  }
}
