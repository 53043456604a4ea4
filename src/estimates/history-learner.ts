import { isNotFoundAwsError } from '../adapters/aws-errors.js';
import type { CloudFormationAdapter } from '../adapters/cloudformation.js';
import type { CodeBuildAdapter } from '../adapters/codebuild.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import { learnFromBuilds, learnFromStackEvents } from '../domain/aws-history.js';
import { allTargets, type Target } from '../domain/targets.js';
import type { LearnedHistoryRepo } from '../store/learned-history-repo.js';

const DAY = 24 * 3_600_000;
/** DescribeStackEvents keeps 90 days of events. */
const STACK_HISTORY_MS = 90 * DAY;
const CHECK_EVERY_MS = 3_600_000;

export interface HistoryLearnerDeps {
  learnedHistory: LearnedHistoryRepo;
  config: Config;
  clock: Clock;
  logger: Logger;
  cfn: CloudFormationAdapter;
  codebuild: CodeBuildAdapter;
}

/**
 * Learns what AWS already knows about each target — its stacks' event history and its CodeBuild project's recent
 * builds — when Coxswain first meets it, and at most daily after, so the first estimate and the stall rule work
 * on day one. A failure is logged and retried on the next hourly check; it never blocks a deploy.
 */
export class HistoryLearner {
  private readonly repo: LearnedHistoryRepo;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> | undefined;

  constructor(private readonly deps: HistoryLearnerDeps) {
    this.repo = deps.learnedHistory;
  }

  /** Learns every target not learned in the last day. */
  async learnDue(): Promise<void> {
    for (const t of allTargets(this.deps.config)) {
      const at = this.repo.learnedAt(t.key);
      if (at !== undefined && this.deps.clock.now() - at < DAY) continue;
      await this.learn(t);
    }
  }

  async learn(t: Target): Promise<void> {
    const now = this.deps.clock.now();
    try {
      let added = 0;
      for (const s of t.stacks) {
        const events = await this.stackEvents(t, s.name, now);
        const learned = learnFromStackEvents(s.name, events);
        // A stack_update phase spans all of a target's stacks: one stack's operations only stand for it alone.
        const rows = t.stacks.length === 1 ? learned : learned.filter((l) => l.phase === null);
        added += this.repo.record(t.key, 'cloudformation-events', rows, now);
      }
      if (t.build?.project) {
        const builds = await this.deps.codebuild.recentBuilds(t.region, t.build.project);
        added += this.repo.record(t.key, 'codebuild-builds', learnFromBuilds(builds), now);
      }
      this.deps.logger.info({ target: t.key, added }, 'learned durations from AWS history');
    } catch (err) {
      logError(this.deps.logger, err, { target: t.key }, 'could not learn from AWS history; retrying later', 'warn');
    }
  }

  /** The stack's events of the last 90 days; none for a stack that does not exist yet. */
  private async stackEvents(t: Target, stackName: string, now: number) {
    try {
      return (await this.deps.cfn.tailEvents(t.region, stackName, null, now - STACK_HISTORY_MS)).events;
    } catch (err) {
      if (isNotFoundAwsError(err)) return [];
      throw err;
    }
  }

  start(): void {
    if (this.timer) return;
    const run = () => {
      this.current ??= this.learnDue().finally(() => {
        this.current = undefined;
      });
    };
    run();
    this.timer = setInterval(run, CHECK_EVERY_MS);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.current;
  }
}
