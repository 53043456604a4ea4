import pLimit from 'p-limit';
import type { DriftDetector } from '../adapters/cloudformation-drift.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { compareDrift, type StackDriftResult, stackKey } from '../domain/drift-diff.js';
import { type RefusalWith, refuseWith } from '../domain/refusal.js';
import { allTargets, type StackTarget, type Target } from '../domain/targets.js';
import type { DigestRunsRepo } from '../store/digest-runs-repo.js';
import type { DriftRepo } from '../store/drift-repo.js';
import { driftDigest } from '../views/drift-digest.js';
import type { SlackMessage } from '../views/slack-message.js';

/** A digest run: its messages (parent first), or a refusal to show instead. */
export type DigestRunResult = { ok: true; runId: number; messages: SlackMessage[] } | RefusalWith<SlackMessage, 'busy'>;

export function busyMessage(kind: string, since: number, now: number): SlackMessage {
  const mins = Math.max(1, Math.round((now - since) / 60_000));
  return {
    text: `A ${kind} digest is already being prepared (started ${mins} min ago). Try again when it is done.`,
  };
}

export interface DriftDigestDeps {
  config: Config;
  detector: DriftDetector;
  runs: DigestRunsRepo;
  drift: DriftRepo;
  clock: Clock;
  logger: Logger;
  /** Region for console links when neither the target nor the config names one (e.g. AWS_REGION). */
  defaultRegion?: string;
  /** Stacks checked at once; CloudFormation throttles bursts. */
  concurrency?: number;
  /** No new stack is started after this long; the rest is reported as not checked. */
  budgetMs?: number;
}

/** One stack of one target, as the digest checks it. */
interface CheckedStack {
  target: Target;
  stack: StackTarget;
}

function driftStacks(targets: readonly Target[]): CheckedStack[] {
  return targets.flatMap((t) => t.stacks.map((stack) => ({ target: t, stack })));
}

/** Checks every configured stack of every target for drift, stores the results and lays out the digest. */
export class DriftDigestJob {
  constructor(private readonly deps: DriftDigestDeps) {}

  async run(options: { preview?: boolean } = {}): Promise<DigestRunResult> {
    const { runs, clock } = this.deps;
    const started = runs.start('drift', clock.now());
    if (!started.ok) return refuseWith('busy', busyMessage('drift', started.runningSince, clock.now()));
    try {
      return await this.build(started.runId, options);
    } catch (err) {
      // Never leave a run 'running': it would block the next one for an hour.
      runs.finish(started.runId, 'partial', `failed: ${(err as Error).message}`, clock.now());
      throw err;
    }
  }

  private async build(runId: number, options: { preview?: boolean }): Promise<DigestRunResult> {
    const { runs, drift, clock, logger } = this.deps;
    const stacks = driftStacks(allTargets(this.deps.config));
    const deadline = clock.now() + (this.deps.budgetMs ?? 30 * 60_000);
    const limit = pLimit(this.deps.concurrency ?? 4);
    const results = new Map<string, StackDriftResult>();
    let stoppedBy: string | null = null;
    let storeError: string | null = null;

    const checkOne = async ({ target: t, stack }: CheckedStack): Promise<void> => {
      if (stoppedBy) return;
      if (clock.now() > deadline) {
        stoppedBy = 'the time budget ran out';
        return;
      }
      const base = { targetKey: t.key, stackName: stack.name, region: t.region ?? null };
      let r: StackDriftResult;
      try {
        const c = await this.deps.detector.check({ name: stack.name, region: t.region });
        r = {
          ...base,
          stackId: c.stackId,
          status: c.status,
          reason: c.status === 'UNKNOWN' ? c.reason : null,
          resources: c.status === 'DRIFTED' ? c.resources : [],
        };
      } catch (err) {
        r = { ...base, stackId: null, status: 'UNKNOWN', reason: (err as Error).message, resources: [] };
      }
      results.set(stackKey(t.key, stack.name), r);
      try {
        drift.saveStack(runId, r, clock.now());
      } catch (err) {
        storeError ??= (err as Error).message;
        logError(logger, err, { runId, target: t.key, stack: stack.name }, 'could not store a drift result');
      }
    };

    try {
      await Promise.all(stacks.map((s) => limit(() => checkOne(s))));
    } catch (err) {
      // Something beyond one stack broke (e.g. the database): still report what we have.
      stoppedBy = `the run stopped early (${(err as Error).message})`;
      limit.clearQueue();
      logError(logger, err, { runId }, 'drift digest run failed midway');
    }

    const notChecked = stacks.filter((s) => !results.has(stackKey(s.target.key, s.stack.name)));
    for (const { target: t, stack } of notChecked) {
      results.set(stackKey(t.key, stack.name), {
        targetKey: t.key,
        stackName: stack.name,
        region: t.region ?? null,
        stackId: null,
        status: 'UNKNOWN',
        reason: `not checked: ${stoppedBy ?? 'the run stopped early'}`,
        resources: [],
      });
    }
    const notes = [
      notChecked.length
        ? `${notChecked.length} of ${stacks.length} stacks were not checked: ${stoppedBy ?? 'the run stopped early'}.`
        : '',
      storeError ? `Some results could not be stored (${storeError}); the next digest may mark them again.` : '',
    ].filter(Boolean);
    const incomplete = notes.length ? notes.join(' ') : null;

    const baselineId = runs.lastPosted('drift', runId);
    const previous = baselineId !== undefined ? drift.results(baselineId) : undefined;
    const current = stacks.map((s) => results.get(stackKey(s.target.key, s.stack.name))!);
    const comparison = compareDrift(current, previous);
    runs.finish(runId, incomplete ? 'partial' : 'completed', incomplete, clock.now());
    logger.info(
      { runId, stacks: current.length, drifted: current.filter((s) => s.status === 'DRIFTED').length, incomplete },
      'drift digest ready',
    );
    const messages = driftDigest({
      comparison,
      baselineAt: baselineId !== undefined ? (runs.get(baselineId)?.startedAt ?? null) : null,
      defaultRegion: this.deps.config.region ?? this.deps.defaultRegion,
      incomplete,
      preview: options.preview ?? false,
    });
    return { ok: true, runId, messages };
  }
}
