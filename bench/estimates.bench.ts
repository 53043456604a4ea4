// Estimate accuracy on a replayed synthetic history (bench/history-generator.ts), in time order: for each deployment,
// the FIRST estimate made at its start — from the history finished before it, without its change set (not created
// yet) — against its actual duration. Only successful deployments are scored (a failed one has no comparable
// duration), but failed ones are part of the history like in production. Baseline: the target's last successful
// duration (the model's default when there is none). Targets: median |error| ≤ 15%, share inside [low, high] ≥ 80%.
import type { Clock } from '../src/app/clock.js';
import { type EstimateBasis, phasesFor } from '../src/domain/estimates.js';
import { median, quantile } from '../src/domain/stats.js';
import { Estimator } from '../src/estimates/estimator.js';
import { openDb } from '../src/store/db.js';
import { buildRepos } from '../src/store/repos.js';
import { type ColdScore, coldStart } from './cold-start.js';
import { type GeneratedDeployment, generateHistory, insertDeployment } from './history-generator.js';

interface Score {
  ape: number;
  baselineApe: number;
  inside: boolean;
  width: number;
  basis: EstimateBasis;
  /** The stack update's own basis: where the resource-type fallback shows (the total takes the weakest phase's). */
  stackBasis: EstimateBasis;
}

class ReplayClock implements Clock {
  t = 0;
  now(): number {
    return this.t;
  }
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

export function replay(history: readonly GeneratedDeployment[]): { scores: Score[]; estimateMicros: number[] } {
  const db = openDb(':memory:');
  const clock = new ReplayClock();
  // No cache: every estimate sees exactly the history finished before it.
  const estimator = new Estimator({ repos: buildRepos(db), clock, cacheMs: 0 });
  const byFinish = [...history].sort((a, b) => a.finishedAt - b.finishedAt);
  const lastOk = new Map<string, number>();
  const scores: Score[] = [];
  const estimateMicros: number[] = [];
  let written = 0;
  for (const d of history) {
    while (written < byFinish.length && byFinish[written]!.finishedAt <= d.startedAt) {
      const done = byFinish[written++]!;
      insertDeployment(db, done);
      if (done.state === 'succeeded') lastOk.set(done.targetKey, done.finishedAt - done.startedAt);
    }
    clock.t = d.startedAt;
    const t0 = process.hrtime.bigint();
    const { total: est, phases } = estimator.deployment(d.targetKey, phasesFor(d.hasBuild));
    estimateMicros.push(Number(process.hrtime.bigint() - t0) / 1000);
    if (d.state !== 'succeeded') continue;
    const actual = d.finishedAt - d.startedAt;
    const baseline = lastOk.get(d.targetKey) ?? est.expectedMs;
    scores.push({
      ape: Math.abs(est.expectedMs - actual) / actual,
      baselineApe: Math.abs(baseline - actual) / actual,
      inside: est.lowMs <= actual && actual <= est.highMs,
      width: est.highMs / Math.max(est.lowMs, 1),
      basis: est.basis,
      stackBasis: phases.stack_update!.basis,
    });
  }
  db.close();
  return { scores, estimateMicros };
}

function line(label: string, s: readonly Score[]): string {
  if (s.length === 0) return `${label.padEnd(16)} n=0`;
  const inside = s.filter((x) => x.inside).length / s.length;
  return `${label.padEnd(16)} n=${String(s.length).padStart(5)}  median |err| ${pct(median(s.map((x) => x.ape))).padStart(6)}  inside range ${pct(inside).padStart(6)}  baseline |err| ${pct(median(s.map((x) => x.baselineApe))).padStart(6)}  median high/low ${median(s.map((x) => x.width)).toFixed(2)}×`;
}

export default async function (): Promise<void> {
  const seeds = [42, 7, 2026];
  const all: Score[] = [];
  const cold: ColdScore[] = [];
  const micros: number[] = [];
  for (const seed of seeds) {
    const history = generateHistory({ seed });
    cold.push(...coldStart(history));
    const { scores, estimateMicros } = replay(history);
    all.push(...scores);
    micros.push(...estimateMicros);
    console.log(line(`seed ${seed}`, scores));
  }
  const bases = ['target-history', 'aws-history', 'resource-types', 'default'] as const;
  console.log('--- all seeds, by basis of the whole first estimate (the weakest of its phases)');
  for (const basis of bases)
    console.log(
      line(
        basis,
        all.filter((s) => s.basis === basis),
      ),
    );
  console.log('--- all seeds, by basis of its stack-update part');
  for (const basis of bases)
    console.log(
      line(
        basis,
        all.filter((s) => s.stackBasis === basis),
      ),
    );
  const ape = median(all.map((s) => s.ape));
  const inside = all.filter((s) => s.inside).length / all.length;
  const baseline = median(all.map((s) => s.baselineApe));
  console.log('--- summary');
  console.log(line('all', all));
  console.log(
    `median absolute % error of the first estimate: ${pct(ape)} (target ≤ 15%) ${ape <= 0.15 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `share of actual durations inside [low, high]: ${pct(inside)} (target ≥ 80%) ${inside >= 0.8 ? 'OK' : 'MISSED'}`,
  );
  console.log(`naive "last duration" baseline median absolute % error: ${pct(baseline)}`);
  const coldApe = median(cold.map((s) => s.ape));
  const coldInside = cold.filter((s) => s.inside).length / cold.length;
  console.log('--- cold start: first estimate of a target with no Coxswain history, from AWS history only');
  console.log(
    `cold start       n=${String(cold.length).padStart(5)}  median |err| ${pct(coldApe).padStart(6)}  inside range ${pct(coldInside).padStart(6)}  median high/low ${median(cold.map((s) => s.width)).toFixed(2)}×  (warm: ${pct(ape)}, ${pct(inside)})`,
  );
  console.log(
    `cold start median absolute % error: ${pct(coldApe)} (target ≤ 25%) ${coldApe <= 0.25 ? 'OK' : 'MISSED'}; inside range: ${pct(coldInside)} (target ≥ 80%) ${coldInside >= 0.8 ? 'OK' : 'MISSED'}`,
  );
  console.log(
    `estimate cost without cache (3 phase queries + resource types when needed): p50 ${quantile(micros, 0.5).toFixed(0)} µs, p99 ${quantile(micros, 0.99).toFixed(0)} µs`,
  );
}
