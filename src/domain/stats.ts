/** Small, dependency-free statistics for duration samples. Pure. */

export interface Summary {
  n: number;
  median: number;
  p10: number;
  p90: number;
  min: number;
  max: number;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) with linear interpolation between order statistics (the "type 7" definition used by
 * numpy and R's default). One sample gives that sample for every q; no samples give NaN.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0 || Number.isNaN(q)) return Number.NaN;
  return quantileSorted(sorted(values), q);
}

export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Summary of a sample, or undefined when it is empty (callers decide what "no data" means). */
export function summarize(values: readonly number[]): Summary | undefined {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return undefined;
  const s = sorted(finite);
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    p10: quantileSorted(s, 0.1),
    p90: quantileSorted(s, 0.9),
    min: s[0]!,
    max: s[s.length - 1]!,
  };
}

/**
 * Two-sided 80% Student-t quantile t(0.90, df). Used to widen a p10–p90 range estimated from few samples into a
 * prediction interval for the next one. Table values; df ≥ 30 uses the normal 1.2816.
 */
export function t90(df: number): number {
  const table = [3.078, 1.886, 1.638, 1.533, 1.476, 1.44, 1.415, 1.397, 1.383, 1.372, 1.363, 1.356, 1.35, 1.345];
  if (df < 1) return table[0]!;
  if (df <= table.length) return table[Math.floor(df) - 1]!;
  if (df < 30) return 1.345 - ((df - 14) * (1.345 - 1.31)) / 16;
  return 1.2816;
}

function sorted(values: readonly number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

function quantileSorted(s: readonly number[], q: number): number {
  const clamped = Math.min(1, Math.max(0, q));
  const pos = (s.length - 1) * clamped;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  const a = s[lo]!;
  const b = s[hi]!;
  return a + (b - a) * (pos - lo);
}
