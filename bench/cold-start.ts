// Cold start (issue 13): the first estimate of a target Coxswain has never deployed, made from what AWS remembers
// (the stack's event history, the CodeBuild project's recent builds), against its actual duration. The AWS history
// is the generated deployments of that target that finished in the 90 days before (DescribeStackEvents keeps 90),
// turned into the events and builds AWS would return, learned through the production code (domain/aws-history.ts,
// LearnedHistoryRepo, Estimator). Cold starts at several points of each target's life: after 5, 15 and 40 deploys.
import type { Clock } from '../src/app/clock.js';
import { type HistoryEvent, learnFromBuilds, learnFromStackEvents } from '../src/domain/aws-history.js';
import { type EstimateBasis, phasesFor } from '../src/domain/estimates.js';
import { Estimator } from '../src/estimates/estimator.js';
import { openDb } from '../src/store/db.js';
import { LearnedHistoryRepo } from '../src/store/learned-history-repo.js';
import { buildRepos } from '../src/store/repos.js';
import type { GeneratedDeployment } from './history-generator.js';

const DAY = 24 * 3_600_000;
const CUTS = [5, 15, 40];

export interface ColdScore {
  ape: number;
  inside: boolean;
  width: number;
  basis: EstimateBasis;
}

class FixedClock implements Clock {
  constructor(private readonly t: number) {}
  now(): number {
    return this.t;
  }
}

/** The stack events AWS would list for one generated deployment's stack update. */
function stackEvents(d: GeneratedDeployment, n: number): HistoryEvent[] {
  const stack = d.phases.find((p) => p.phase === 'stack_update');
  if (!stack) return [];
  const out: HistoryEvent[] = [];
  const emit = (logicalId: string, resourceType: string, status: string, timestamp: number) =>
    out.push({ eventId: `${n}-${out.length}`, logicalId, resourceType, status, timestamp: Math.round(timestamp) });
  emit(d.stackName, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', stack.startedAt);
  for (const r of d.resources) {
    const verb = r.action.toUpperCase();
    emit(r.logicalId, r.type, `${verb}_IN_PROGRESS`, r.start);
    emit(r.logicalId, r.type, r.failed ? `${verb}_FAILED` : `${verb}_COMPLETE`, r.end);
  }
  const ok = d.state === 'succeeded' || stack.outcome === 'succeeded';
  emit(d.stackName, 'AWS::CloudFormation::Stack', ok ? 'UPDATE_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE', stack.endedAt);
  return out;
}

export function coldStart(history: readonly GeneratedDeployment[]): ColdScore[] {
  const byTarget = new Map<string, GeneratedDeployment[]>();
  for (const d of history) byTarget.set(d.targetKey, [...(byTarget.get(d.targetKey) ?? []), d]);
  const scores: ColdScore[] = [];
  for (const [targetKey, list] of byTarget) {
    const runs = [...list].sort((a, b) => a.startedAt - b.startedAt);
    for (const cut of CUTS) {
      const first = runs.slice(cut).find((d) => d.state === 'succeeded');
      if (!first) continue;
      const remembered = runs.filter(
        (d) => d.finishedAt <= first.startedAt && d.finishedAt >= first.startedAt - 90 * DAY,
      );
      const db = openDb(':memory:');
      const learned = new LearnedHistoryRepo(db);
      const events = remembered.flatMap((d, i) => stackEvents(d, i));
      learned.record(
        targetKey,
        'cloudformation-events',
        learnFromStackEvents(remembered[0]?.stackName ?? '', events),
        0,
      );
      const builds = remembered.flatMap((d, i) => {
        const b = d.phases.find((p) => p.phase === 'build');
        return b
          ? [
              {
                id: `b${i}`,
                status: b.outcome === 'succeeded' ? 'SUCCEEDED' : 'FAILED',
                startTime: b.startedAt,
                endTime: b.endedAt,
              },
            ]
          : [];
      });
      learned.record(targetKey, 'codebuild-builds', learnFromBuilds(builds), 0);
      const estimator = new Estimator({ repos: buildRepos(db), clock: new FixedClock(first.startedAt), cacheMs: 0 });
      const { total: est } = estimator.deployment(targetKey, phasesFor(first.hasBuild));
      const actual = first.finishedAt - first.startedAt;
      scores.push({
        ape: Math.abs(est.expectedMs - actual) / actual,
        inside: est.lowMs <= actual && actual <= est.highMs,
        width: est.highMs / Math.max(est.lowMs, 1),
        basis: est.basis,
      });
      db.close();
    }
  }
  return scores;
}
