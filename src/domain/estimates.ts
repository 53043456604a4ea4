import { type Summary, summarize, t90 } from './stats.js';

/**
 * The estimation model. Pure: history arrives as numbers, estimates leave as numbers. Choices (see bench/estimates):
 * - expected = median of recent successful runs (robust to the occasional outlier);
 * - range = p10–p90 widened into a prediction interval for the NEXT run: in log space around the median, by the
 *   Student-t factor for n samples (few samples → wider), with a floor that also shrinks with n;
 * - a whole deployment is the sum of its phases (sum of medians, sum of lows, sum of highs: conservative).
 */

export type Phase = 'build' | 'changeset' | 'stack_update';
export const PHASES: readonly Phase[] = ['build', 'changeset', 'stack_update'];

/** The phases a deployment of a target goes through: a build only when the target has a build project. */
export function phasesFor(hasBuild: boolean): Phase[] {
  return hasBuild ? ['build', 'changeset', 'stack_update'] : ['changeset', 'stack_update'];
}

export type EstimateBasis = 'target-history' | 'aws-history' | 'resource-types' | 'default';
export type ResourceAction = 'create' | 'update' | 'delete';

export interface Estimate {
  expectedMs: number;
  lowMs: number;
  highMs: number;
  basis: EstimateBasis;
  /** Number of past durations behind the estimate (the weakest part's, for sums). 0 for defaults. */
  samples: number;
}

export interface ResourceChange {
  type: string;
  action?: ResourceAction;
}

/** Learned per-resource-type durations, keyed by `type` and by `action:type` (see resourceKey). */
export type ResourceTypeStats = ReadonlyMap<string, Summary>;

const SEC = 1000;
const MIN = 60 * SEC;

export const MIN_TARGET_SAMPLES = 3;

export const DEFAULTS = {
  build: 5 * MIN,
  changeset: 30 * SEC,
  stackUpdate: 3 * MIN,
  perResource: 30 * SEC,
  /** Stack-level work around the resources (start, cleanup) when summing resource types. */
  stackOverhead: 20 * SEC,
  /** A guess is a guess: defaults say so with a wide range. */
  lowFactor: 0.4,
  highFactor: 3,
} as const;

/** Sums of per-type medians ignore parallelism and the unknown change set at start: widen them. */
const RESOURCE_RANGE = { low: 0.6, high: 1.5 } as const;

/**
 * Priors for resource types known to be slow, used only when history has never seen the type (so a first RDS
 * create is neither estimated at 30 s nor called a stall). Medians; a prior's p90 is PRIOR_P90_FACTOR × it.
 */
export const RESOURCE_PRIORS_MS: Readonly<Record<string, number>> = {
  'AWS::RDS::DBInstance': 15 * MIN,
  'AWS::RDS::DBCluster': 10 * MIN,
  'AWS::DocDB::DBCluster': 10 * MIN,
  'AWS::OpenSearchService::Domain': 20 * MIN,
  'AWS::Elasticsearch::Domain': 20 * MIN,
  'AWS::ElastiCache::ReplicationGroup': 12 * MIN,
  'AWS::ElastiCache::CacheCluster': 8 * MIN,
  'AWS::CloudFront::Distribution': 8 * MIN,
  'AWS::EKS::Cluster': 12 * MIN,
  'AWS::MSK::Cluster': 25 * MIN,
  'AWS::Redshift::Cluster': 15 * MIN,
  'AWS::ECS::Service': 5 * MIN,
  'AWS::CertificateManager::Certificate': 5 * MIN,
  'AWS::EC2::NatGateway': 2 * MIN,
};
export const PRIOR_P90_FACTOR = 3;

export function resourceKey(type: string, action?: ResourceAction): string {
  return action ? `${action}:${type}` : type;
}

/** The learned summary for a resource, preferring its action (an RDS create is not an RDS update) when known well. */
export function lookupResource(stats: ResourceTypeStats, type: string, action?: ResourceAction): Summary | undefined {
  const specific = action ? stats.get(resourceKey(type, action)) : undefined;
  if (specific && specific.n >= MIN_TARGET_SAMPLES) return specific;
  return stats.get(type) ?? specific;
}

/** p90 duration of one resource: learned (widened for small samples), else a prior, else the per-resource default. */
export function resourceP90(stats: ResourceTypeStats, type: string, action?: ResourceAction): number {
  const s = lookupResource(stats, type, action);
  if (s) return widen(s).highMs;
  return (RESOURCE_PRIORS_MS[type] ?? DEFAULTS.perResource) * PRIOR_P90_FACTOR;
}

/** Range around the median from p10/p90, widened for n samples; see the module comment. */
export function widen(s: Summary): { lowMs: number; highMs: number } {
  const m = s.median;
  if (!(m > 0)) return { lowMs: 0, highMs: Math.max(s.p90, 0) };
  const k = (t90(s.n - 1) * Math.sqrt(1 + 1 / s.n)) / 1.2816;
  const floor = 0.1 + 0.5 / s.n;
  const low = m * (Math.max(s.p10, 1) / m) ** k;
  const high = m * (s.p90 / m) ** k;
  return { lowMs: Math.min(low, m * (1 - floor)), highMs: Math.max(high, m * (1 + floor)) };
}

export interface PhaseInput {
  phase: Phase;
  /** Summary of this target's recent successful durations of the phase (undefined: none). */
  target?: Summary | undefined;
  /** stack_update only: the change set's resources (or, before it exists, those of the target's last update). */
  resources?: readonly ResourceChange[] | undefined;
  /** Learned per-resource-type durations across all stacks. */
  typeStats?: ResourceTypeStats | undefined;
}

/** One phase: target history → resource types (stack update) → defaults. */
export function estimatePhase(input: PhaseInput): Estimate {
  const t = input.target;
  if (t && t.n >= MIN_TARGET_SAMPLES) {
    return { expectedMs: t.median, ...widen(t), basis: 'target-history', samples: t.n };
  }
  if (input.phase === 'stack_update') {
    const fromTypes = byResourceTypes(input.resources ?? [], input.typeStats);
    if (fromTypes) return fromTypes;
  }
  return defaultEstimate(input.phase, input.resources);
}

export function defaultEstimate(phase: Phase, resources?: readonly ResourceChange[]): Estimate {
  let expected: number;
  if (phase === 'build') expected = DEFAULTS.build;
  else if (phase === 'changeset') expected = DEFAULTS.changeset;
  else
    expected =
      DEFAULTS.stackUpdate + sum((resources ?? []).map((r) => RESOURCE_PRIORS_MS[r.type] ?? DEFAULTS.perResource));
  return {
    expectedMs: expected,
    lowMs: expected * DEFAULTS.lowFactor,
    highMs: expected * DEFAULTS.highFactor,
    basis: 'default',
    samples: 0,
  };
}

function byResourceTypes(resources: readonly ResourceChange[], stats?: ResourceTypeStats): Estimate | undefined {
  if (!stats || resources.length === 0) return undefined;
  let expected = DEFAULTS.stackOverhead;
  let low = DEFAULTS.stackOverhead;
  let high = DEFAULTS.stackOverhead;
  let learned = 0;
  let weakest = Number.POSITIVE_INFINITY;
  for (const r of resources) {
    const s = lookupResource(stats, r.type, r.action);
    if (s) {
      learned++;
      weakest = Math.min(weakest, s.n);
      const w = widen(s);
      expected += s.median;
      low += w.lowMs;
      high += w.highMs;
    } else {
      const guess = RESOURCE_PRIORS_MS[r.type] ?? DEFAULTS.perResource;
      expected += guess;
      low += guess * DEFAULTS.lowFactor;
      high += guess * DEFAULTS.highFactor;
    }
  }
  if (learned === 0) return undefined;
  return {
    expectedMs: expected,
    lowMs: low * RESOURCE_RANGE.low,
    highMs: high * RESOURCE_RANGE.high,
    basis: 'resource-types',
    samples: weakest,
  };
}

const BASIS_RANK: Record<EstimateBasis, number> = {
  default: 0,
  'resource-types': 1,
  'aws-history': 2,
  'target-history': 3,
};

/** A learned AWS duration counts as this fraction of one of Coxswain's own runs (another tool, other conditions). */
export const LEARNED_WEIGHT = 0.5;

/**
 * A phase from what AWS remembers of the target (domain/aws-history.ts), blended with the few runs Coxswain has
 * of its own (fewer than MIN_TARGET_SAMPLES, or the target history would be used): the expected value is the
 * weighted mean of both medians, the range is the learned spread widened for the effective (down-weighted) n.
 */
export function estimateFromLearned(own: readonly number[], learned: readonly number[]): Estimate | undefined {
  const l = summarize(learned);
  if (!l || l.n < MIN_TARGET_SAMPLES || !(l.median > 0)) return undefined;
  const o = summarize(own);
  const nEff = (o?.n ?? 0) + LEARNED_WEIGHT * l.n;
  const expected = o ? (o.n * o.median + LEARNED_WEIGHT * l.n * l.median) / nEff : l.median;
  const scale = expected / l.median;
  const w = widen({ ...l, n: Math.max(2, Math.round(nEff)), median: expected, p10: l.p10 * scale, p90: l.p90 * scale });
  return { expectedMs: expected, ...w, basis: 'aws-history', samples: l.n };
}

/** Sum of estimates; the basis and sample count are those of the least informed part. */
export function combine(parts: readonly Estimate[]): Estimate {
  if (parts.length === 0) return { expectedMs: 0, lowMs: 0, highMs: 0, basis: 'default', samples: 0 };
  const weakest = parts.reduce((a, b) => (BASIS_RANK[b.basis] < BASIS_RANK[a.basis] ? b : a));
  const same = parts.filter((p) => p.basis === weakest.basis);
  return {
    expectedMs: sum(parts.map((p) => p.expectedMs)),
    lowMs: sum(parts.map((p) => p.lowMs)),
    highMs: sum(parts.map((p) => p.highMs)),
    basis: weakest.basis,
    samples: Math.min(...same.map((p) => p.samples)),
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
