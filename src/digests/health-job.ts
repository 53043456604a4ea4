import pLimit from 'p-limit';
import type { StackStatusReader } from '../adapters/cloudformation-drift.js';
import type { GitHub, RepoId } from '../adapters/github.js';
import type { Clock } from '../app/clock.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';
import { deliveryFigures } from '../domain/delivery-metrics.js';
import { healthByTarget, healthFigures, median, stackAttention } from '../domain/health-metrics.js';
import { refuseWith } from '../domain/refusal.js';
import { allTargets, type StackTarget, type Target } from '../domain/targets.js';
import type { DeliveryRepo } from '../store/delivery-repo.js';
import type { DigestRunsRepo } from '../store/digest-runs-repo.js';
import type { DeployedVersion, HealthRepo } from '../store/health-repo.js';
import { type AutoDeployHealth, healthDigest, type StackAttention, type VersionDrift } from '../views/health-digest.js';
import { cfnStackUrl, commitUrl, compareUrl } from '../views/links.js';
import { busyMessage, type DigestRunResult } from './drift-job.js';

export interface HealthDigestDeps {
  config: Config;
  health: HealthRepo;
  runs: DigestRunsRepo;
  stacks: StackStatusReader;
  github: GitHub;
  clock: Clock;
  logger: Logger;
  /** Web base for commit links (views/links.ts githubWebBase). */
  githubWeb: string;
  defaultRegion?: string;
  /** Targets that auto-deploy a branch, and the newest candidate (issue 16): the drift line says it is closing. */
  autoDeployOf?: (t: Target) => AutoDeployHealth | undefined;
  windowDays?: number;
  concurrency?: number;
  /** Lead time and verification failures (issue 14); without it the digest leaves them out. */
  delivery?: DeliveryRepo;
}

const DAY = 86_400_000;

function errText(err: unknown): string {
  const e = err as { status?: number; message?: string };
  return e.status ? `HTTP ${e.status}` : (e.message ?? String(err)).slice(0, 160);
}

/** Computes the deployment health digest from SQLite history, CloudFormation and GitHub. */
export class HealthDigestJob {
  constructor(private readonly deps: HealthDigestDeps) {}

  async run(options: { preview?: boolean } = {}): Promise<DigestRunResult> {
    const { runs, clock } = this.deps;
    const now = clock.now();
    const started = runs.start('health', now);
    if (!started.ok) return refuseWith('busy', busyMessage('health', started.runningSince, now));
    try {
      return await this.build(started.runId, now, options);
    } catch (err) {
      // Never leave a run 'running': it would block the next one for an hour.
      runs.finish(started.runId, 'partial', `failed: ${(err as Error).message}`, clock.now());
      throw err;
    }
  }

  private async build(runId: number, now: number, options: { preview?: boolean }): Promise<DigestRunResult> {
    const { health, runs, clock, config, logger } = this.deps;
    const windowDays = this.deps.windowDays ?? 7;
    const targets = allTargets(config);
    const finished = health.finishedBetween(now - windowDays * DAY, now);
    const figures = healthByTarget(
      targets.map((t) => t.key),
      finished,
    );
    const deployed = health.deployedVersions();
    const queue = health.queueDepth();
    const notChecked: string[] = [];

    const phases = new Map<string, number[]>();
    for (const p of health.phaseDurations(now - windowDays * DAY, now)) {
      phases.set(p.phase, [...(phases.get(p.phase) ?? []), p.ms]);
    }

    const limit = pLimit(this.deps.concurrency ?? 4);
    const [versions, attention] = await Promise.all([
      this.versions(targets, deployed, limit, notChecked),
      // Every stack of every target: a multi-stack target can be stuck on any of them.
      Promise.all(targets.flatMap((t) => t.stacks.map((s) => limit(() => this.attention(t, s, notChecked))))),
    ]);

    const messages = healthDigest({
      windowDays,
      now,
      overall: healthFigures(finished),
      phaseMedians: [...phases].map(([phase, ms]) => ({ phase, medianMs: median(ms)! })),
      targets: targets.map((t) => {
        const d = deployed.get(t.key);
        return {
          targetKey: t.key,
          figures: figures.get(t.key)!,
          deployed: d
            ? { sha: d.sha, finishedAt: d.finishedAt, url: commitUrl(this.deps.githubWeb, t.repo, d.sha) }
            : null,
          version: versions.get(t.key) ?? null,
          queue: queue.get(t.key) ?? { queued: 0, pendingApproval: 0 },
          ...(this.deps.autoDeployOf?.(t) ? { autoDeploy: this.deps.autoDeployOf(t) } : {}),
        };
      }),
      attention: attention.filter((a): a is StackAttention => a !== null),
      deadLetters: health.deadLetters(),
      locks: health.locks(),
      ...(this.deps.delivery
        ? {
            delivery: deliveryFigures(
              this.deps.delivery.leadTimes(now - windowDays * DAY, now),
              targets.map((t) => t.environment),
              this.deps.delivery.verificationFailures(now - windowDays * DAY, now),
            ),
          }
        : {}),
      notChecked,
      preview: options.preview ?? false,
    });
    runs.finish(runId, notChecked.length ? 'partial' : 'completed', notChecked.join('; ') || null, clock.now());
    logger.info({ runId: runId, deployments: finished.length, notChecked: notChecked.length }, 'health digest ready');
    return { ok: true, runId: runId, messages };
  }

  /** Deployed SHA vs the default branch head, one head lookup per repository. */
  private async versions(
    targets: Target[],
    deployed: Map<string, DeployedVersion>,
    limit: ReturnType<typeof pLimit>,
    notChecked: string[],
  ): Promise<Map<string, VersionDrift>> {
    const heads = new Map<string, Promise<{ branch: string; sha: string } | { error: string }>>();
    const headOf = (repo: RepoId) => {
      const key = `${repo.owner}/${repo.name}`;
      if (!heads.has(key)) {
        heads.set(
          key,
          limit(() => this.deps.github.defaultBranchHead(repo)).then(
            (h) => h,
            (err: unknown) => {
              notChecked.push(`GitHub ${key}: default branch head (${errText(err)})`);
              return { error: errText(err) };
            },
          ),
        );
      }
      return heads.get(key)!;
    };
    const out = new Map<string, VersionDrift>();
    await Promise.all(
      targets.map(async (t) => {
        const d = deployed.get(t.key);
        if (!d) return;
        const head = await headOf(t.repo);
        if ('error' in head) {
          out.set(t.key, { ok: false, reason: `GitHub unavailable (${head.error})` });
          return;
        }
        const url = compareUrl(this.deps.githubWeb, t.repo, d.sha, head.sha);
        if (head.sha === d.sha) {
          out.set(t.key, { ok: true, branch: head.branch, behind: 0, oldestUndeployedAt: null, compareUrl: url });
          return;
        }
        try {
          const c = await limit(() => this.deps.github.compare(t.repo, d.sha, head.sha));
          // compare(base=deployed, head): commits are chronological, so the first is the oldest not deployed.
          const oldest = c.commits[0]?.date ? Date.parse(c.commits[0].date) : null;
          out.set(t.key, {
            ok: true,
            branch: head.branch,
            behind: c.aheadBy,
            oldestUndeployedAt: Number.isNaN(oldest) ? null : oldest,
            compareUrl: url,
          });
        } catch (err) {
          notChecked.push(`GitHub ${t.repo.owner}/${t.repo.name}: compare for ${t.key} (${errText(err)})`);
          out.set(t.key, { ok: false, reason: `compare failed (${errText(err)})` });
        }
      }),
    );
    return out;
  }

  private async attention(t: Target, stack: StackTarget, notChecked: string[]): Promise<StackAttention | null> {
    const s = await this.deps.stacks.stackStatus({ name: stack.name, region: t.region });
    if (!s.found) {
      notChecked.push(`stack ${stack.name} (${t.key}): ${s.reason}`);
      return null;
    }
    const kind = stackAttention(s.stackStatus);
    if (!kind) return null;
    const region = t.region ?? this.deps.config.region ?? this.deps.defaultRegion;
    const url = region ? cfnStackUrl(region, s.stackId) : null;
    return { targetKey: t.key, stackName: stack.name, stackStatus: s.stackStatus, kind, reason: s.reason, url };
  }
}
