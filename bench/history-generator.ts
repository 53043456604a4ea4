// A synthetic but realistic deployment history, written into a real SQLite (openDb) the way the runner writes it:
// deployments, deployment_phases and stack_events. Seeded, so every run of the benchmark sees the same history.
//
// The spread was chosen to look like real AWS deploys, before the model was tuned, and is never tuned to flatter it:
// - per target: a build of 1.5–10 min (log-normal across targets) with its own spread (σ 0.08–0.20) and a slow
//   upward drift (+15% over the history, code bases grow); 5% cache-miss outliers (×1.8);
// - change sets: ~20 s (σ 0.35), per-target factor;
// - stack updates = resources in dependency waves (a wave lasts as long as its slowest resource) + start and cleanup
//   overhead. Resource durations are log-normal per type (an ECS service waits for stabilisation, minutes, with a
//   per-target factor; a task definition takes seconds; an RDS create ~12 min); 3% of updates have one resource
//   2.5× slower (a service slow to stabilise);
// - 8% of deploys also change infrastructure (IAM, security groups, queues, sometimes an RDS modification);
// - deploy rates per target vary widely (log-normal), 20% of targets appear late (new stacks, created by their first
//   deploy) so they have few samples; 2% of deploys fail in the build and 3% in the stack update.
import { randomBytes } from 'node:crypto';
import { type Phase, phasesFor, type ResourceAction } from '../src/domain/estimates.js';
import type { Db } from '../src/store/db.js';

const SEC = 1000;
const MIN = 60 * SEC;
const DAY = 24 * 60 * MIN;

export interface GeneratorOptions {
  seed?: number;
  services?: number;
  days?: number;
  start?: number;
}

export interface GeneratedResource {
  logicalId: string;
  type: string;
  action: ResourceAction;
  start: number;
  end: number;
  failed?: boolean;
}

export interface GeneratedDeployment {
  service: string;
  environment: string;
  targetKey: string;
  stackName: string;
  hasBuild: boolean;
  state: 'succeeded' | 'failed';
  createdAt: number;
  startedAt: number;
  finishedAt: number;
  phases: { phase: Phase; startedAt: number; endedAt: number; outcome: 'succeeded' | 'failed' }[];
  resources: GeneratedResource[];
}

/** Global per-type duration medians (s) and log-normal σ, keyed "action:type". */
const RESOURCE_TYPES: Record<string, { median: number; sigma: number; wave: number }> = {
  'create:AWS::ECS::TaskDefinition': { median: 4, sigma: 0.4, wave: 2 },
  'update:AWS::ECS::Service': { median: 240, sigma: 0.3, wave: 3 },
  'create:AWS::ECS::Service': { median: 180, sigma: 0.3, wave: 3 },
  'create:AWS::ECS::Cluster': { median: 10, sigma: 0.3, wave: 0 },
  'update:AWS::Lambda::Function': { median: 25, sigma: 0.35, wave: 1 },
  'create:AWS::Lambda::Function': { median: 30, sigma: 0.35, wave: 1 },
  'create:AWS::Lambda::Version': { median: 4, sigma: 0.4, wave: 2 },
  'update:AWS::Lambda::Alias': { median: 3, sigma: 0.3, wave: 3 },
  'create:AWS::Lambda::Alias': { median: 3, sigma: 0.3, wave: 3 },
  'update:AWS::CloudFront::Distribution': { median: 300, sigma: 0.35, wave: 3 },
  'create:AWS::CloudFront::Distribution': { median: 420, sigma: 0.3, wave: 3 },
  'update:AWS::S3::Bucket': { median: 5, sigma: 0.4, wave: 0 },
  'create:AWS::S3::Bucket': { median: 20, sigma: 0.4, wave: 0 },
  'update:AWS::IAM::Role': { median: 18, sigma: 0.4, wave: 0 },
  'create:AWS::IAM::Role': { median: 20, sigma: 0.4, wave: 0 },
  'update:AWS::EC2::SecurityGroup': { median: 8, sigma: 0.4, wave: 0 },
  'create:AWS::EC2::SecurityGroup': { median: 10, sigma: 0.4, wave: 0 },
  'create:AWS::Logs::LogGroup': { median: 3, sigma: 0.3, wave: 0 },
  'create:AWS::SQS::Queue': { median: 60, sigma: 0.2, wave: 0 },
  'update:AWS::ElasticLoadBalancingV2::TargetGroup': { median: 10, sigma: 0.4, wave: 0 },
  'create:AWS::ElasticLoadBalancingV2::TargetGroup': { median: 15, sigma: 0.4, wave: 0 },
  'create:AWS::ElasticLoadBalancingV2::LoadBalancer': { median: 180, sigma: 0.2, wave: 1 },
  'create:AWS::ElasticLoadBalancingV2::Listener': { median: 3, sigma: 0.3, wave: 2 },
  'update:AWS::SSM::Parameter': { median: 3, sigma: 0.3, wave: 0 },
  'create:AWS::RDS::DBInstance': { median: 720, sigma: 0.25, wave: 1 },
  'update:AWS::RDS::DBInstance': { median: 360, sigma: 0.6, wave: 1 },
  'create:AWS::OpenSearchService::Domain': { median: 1080, sigma: 0.3, wave: 1 },
};

type Kind = 'ecs' | 'lambda' | 'static';
const APP_CHANGES: Record<Kind, string[]> = {
  ecs: ['create:AWS::ECS::TaskDefinition', 'update:AWS::ECS::Service'],
  lambda: ['update:AWS::Lambda::Function', 'create:AWS::Lambda::Version', 'update:AWS::Lambda::Alias'],
  static: ['update:AWS::S3::Bucket', 'update:AWS::CloudFront::Distribution'],
};
const CREATE_STACK: Record<Kind, string[]> = {
  ecs: [
    'create:AWS::IAM::Role',
    'create:AWS::EC2::SecurityGroup',
    'create:AWS::Logs::LogGroup',
    'create:AWS::ECS::Cluster',
    'create:AWS::ElasticLoadBalancingV2::TargetGroup',
    'create:AWS::ElasticLoadBalancingV2::LoadBalancer',
    'create:AWS::ElasticLoadBalancingV2::Listener',
    'create:AWS::ECS::TaskDefinition',
    'create:AWS::ECS::Service',
  ],
  lambda: [
    'create:AWS::IAM::Role',
    'create:AWS::Lambda::Function',
    'create:AWS::Lambda::Version',
    'create:AWS::Lambda::Alias',
  ],
  static: ['create:AWS::S3::Bucket', 'create:AWS::CloudFront::Distribution'],
};
const INFRA_CHANGES = [
  'update:AWS::IAM::Role',
  'update:AWS::EC2::SecurityGroup',
  'create:AWS::SQS::Queue',
  'update:AWS::ElasticLoadBalancingV2::TargetGroup',
  'update:AWS::SSM::Parameter',
  'create:AWS::Logs::LogGroup',
];

/** mulberry32: small, fast, seedable. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface TargetProfile {
  service: string;
  environment: string;
  kind: Kind;
  hasBuild: boolean;
  hasDb: boolean;
  hasSearch: boolean;
  buildMs: number;
  buildSigma: number;
  changesetFactor: number;
  serviceFactor: number;
  ratePerDay: number;
  from: number;
}

export function generateHistory(opts: GeneratorOptions = {}): GeneratedDeployment[] {
  const rand = rng(opts.seed ?? 42);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const logNormal = (median: number, sigma: number) => median * Math.exp(sigma * normal());
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
  const start = opts.start ?? Date.UTC(2026, 0, 1);
  const span = (opts.days ?? 120) * DAY;

  const targets: TargetProfile[] = [];
  for (let s = 0; s < (opts.services ?? 12); s++) {
    const r = rand();
    const kind: Kind = r < 0.6 ? 'ecs' : r < 0.9 ? 'lambda' : 'static';
    const late = rand() < 0.2;
    const base = {
      kind,
      hasBuild: kind !== 'static' || rand() < 0.5,
      hasDb: kind === 'ecs' && rand() < 0.4,
      hasSearch: kind === 'ecs' && rand() < 0.1,
      buildMs: logNormal(240 * SEC, 0.5),
      buildSigma: 0.08 + rand() * 0.12,
      changesetFactor: logNormal(1, 0.2),
      serviceFactor: logNormal(1, 0.35),
    };
    const envs = rand() < 0.3 ? ['dev', 'staging', 'production'] : ['staging', 'production'];
    for (const environment of envs) {
      targets.push({
        ...base,
        service: `svc${s + 1}`,
        environment,
        ratePerDay: logNormal(environment === 'production' ? 0.5 : 0.9, 0.9),
        from: late ? start + span * (0.7 + rand() * 0.28) : start,
      });
    }
  }

  const out: GeneratedDeployment[] = [];
  for (const t of targets) {
    const stackName = `${t.service}-${t.environment}`;
    let at = t.from;
    let first = t.from > start; // a late target's first deploy creates its stack
    for (let guard = 0; guard < 10_000; guard++) {
      at += (-Math.log(1 - rand()) / t.ratePerDay) * DAY;
      if (at >= start + span) break;
      const drift = 1 + (0.15 * (at - start)) / span;
      const fails = rand();
      const failBuild = fails < 0.02;
      const failStack = !failBuild && fails < 0.05;
      const createdAt = at - rand() * 30 * SEC;
      const phases: GeneratedDeployment['phases'] = [];
      let clock = at;
      const gap = () => rand() * 5 * SEC;
      let failed = false;
      for (const phase of phasesFor(t.hasBuild)) {
        if (phase === 'stack_update') break;
        let ms =
          phase === 'build'
            ? logNormal(t.buildMs * drift, t.buildSigma) * (rand() < 0.05 ? 1.8 : 1)
            : logNormal(20 * SEC * t.changesetFactor, 0.35);
        if (phase === 'build' && failBuild) ms *= rand();
        phases.push({
          phase,
          startedAt: clock,
          endedAt: clock + ms,
          outcome: phase === 'build' && failBuild ? 'failed' : 'succeeded',
        });
        clock += ms + gap();
        if (phase === 'build' && failBuild) {
          failed = true;
          break;
        }
      }
      const resources: GeneratedResource[] = [];
      if (!failed) {
        let keys = first ? [...CREATE_STACK[t.kind]] : [...APP_CHANGES[t.kind]];
        if (first && t.hasDb) keys.push('create:AWS::RDS::DBInstance');
        if (first && t.hasSearch) keys.push('create:AWS::OpenSearchService::Domain');
        if (!first && rand() < 0.08) {
          const extra = 1 + Math.floor(rand() * 3);
          for (let i = 0; i < extra; i++) keys.push(pick(INFRA_CHANGES));
          if (t.hasDb && rand() < 0.25) keys.push('update:AWS::RDS::DBInstance');
        }
        keys = [...new Set(keys)];
        const slowOne = rand() < 0.03 ? Math.floor(rand() * keys.length) : -1;
        const failOne = failStack ? Math.floor(rand() * keys.length) : -1;
        const stackStart = clock;
        let waveStart = stackStart + logNormal(8 * SEC, 0.3);
        for (let wave = 0; wave <= 3 && !failed; wave++) {
          let waveEnd = waveStart;
          keys.forEach((key, i) => {
            const spec = RESOURCE_TYPES[key]!;
            if (spec.wave !== wave) return;
            const [action, type] = splitKey(key);
            let ms = logNormal(spec.median * SEC, spec.sigma);
            if (type === 'AWS::ECS::Service') ms *= t.serviceFactor;
            if (i === slowOne) ms *= 2.5;
            const s0 = waveStart + rand() * 2 * SEC;
            const r: GeneratedResource = { logicalId: logicalIdOf(type, i), type, action, start: s0, end: s0 + ms };
            if (i === failOne) {
              r.end = s0 + ms * rand();
              r.failed = true;
              failed = true;
            }
            resources.push(r);
            waveEnd = Math.max(waveEnd, r.end);
          });
          waveStart = waveEnd;
        }
        const end = waveStart + (failed ? logNormal(90 * SEC, 0.4) : logNormal(first ? 5 * SEC : 15 * SEC, 0.4));
        phases.push({
          phase: 'stack_update',
          startedAt: stackStart,
          endedAt: end,
          outcome: failed ? 'failed' : 'succeeded',
        });
        clock = end;
      }
      out.push({
        service: t.service,
        environment: t.environment,
        targetKey: `${t.service}/${t.environment}`,
        stackName,
        hasBuild: t.hasBuild,
        state: failed ? 'failed' : 'succeeded',
        createdAt,
        startedAt: at,
        finishedAt: clock,
        phases,
        resources,
      });
      if (!failed && phases.some((p) => p.phase === 'stack_update')) first = false;
      at = clock;
    }
  }
  return out.sort((a, b) => a.startedAt - b.startedAt);
}

function splitKey(key: string): [ResourceAction, string] {
  const i = key.indexOf(':');
  return [key.slice(0, i) as ResourceAction, key.slice(i + 1)];
}

function logicalIdOf(type: string, i: number): string {
  return `${type.split('::').pop()}${i}`;
}

/** Writes one deployment as the runner would have recorded it; returns its id. */
export function insertDeployment(db: Db, d: GeneratedDeployment): number {
  return db.transaction(() => {
    const token = `coxswain-${randomBytes(6).toString('hex')}`;
    const id = Number(
      db
        .prepare(
          `INSERT INTO deployments (kind, service, environment, target_key, ref, sha, requested_by, state, token, channel,
             created_at, started_at, finished_at, updated_at)
           VALUES ('deploy', ?, ?, ?, 'main', ?, 'U0BENCH', ?, ?, 'C0DEPLOYS', ?, ?, ?, ?)`,
        )
        .run(
          d.service,
          d.environment,
          d.targetKey,
          randomBytes(20).toString('hex'),
          d.state,
          token,
          d.createdAt,
          d.startedAt,
          d.finishedAt,
          d.finishedAt,
        ).lastInsertRowid,
    );
    const phase = db.prepare(
      'INSERT INTO deployment_phases (deployment_id, target_key, phase, started_at, ended_at, outcome) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const p of d.phases)
      phase.run(id, d.targetKey, p.phase, Math.round(p.startedAt), Math.round(p.endedAt), p.outcome);
    const event = db.prepare(
      `INSERT INTO stack_events (event_id, deployment_id, stack_name, logical_id, resource_type, status, reason, timestamp, seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let n = 0;
    const emit = (logicalId: string, type: string, status: string, at: number, reason: string | null = null) =>
      event.run(
        `${token}-${n++}`,
        id,
        d.stackName,
        logicalId,
        type,
        status,
        reason,
        Math.round(at),
        Math.round(at) + 2000,
      );
    const stack = d.phases.find((p) => p.phase === 'stack_update');
    if (stack) emit(d.stackName, 'AWS::CloudFormation::Stack', 'UPDATE_IN_PROGRESS', stack.startedAt, 'User Initiated');
    for (const r of d.resources) {
      const verb = r.action.toUpperCase();
      emit(r.logicalId, r.type, `${verb}_IN_PROGRESS`, r.start);
      emit(
        r.logicalId,
        r.type,
        r.failed ? `${verb}_FAILED` : `${verb}_COMPLETE`,
        r.end,
        r.failed ? 'Resource handler returned message: "Internal Failure"' : null,
      );
    }
    if (stack) {
      emit(
        d.stackName,
        'AWS::CloudFormation::Stack',
        d.state === 'succeeded' ? 'UPDATE_COMPLETE' : 'UPDATE_ROLLBACK_COMPLETE',
        stack.endedAt,
      );
    }
    return id;
  })();
}

/** Generates a history and writes all of it. */
export function seedHistory(db: Db, opts: GeneratorOptions = {}): GeneratedDeployment[] {
  const history = generateHistory(opts);
  for (const d of history) insertDeployment(db, d);
  return history;
}
