/**
 * Time left: of a running deployment (what is left of its current phase + the phases to come) and of a queued one
 * (when it starts and finishes behind the active deployment and those ahead). Pure, on top of the model in
 * estimates.ts.
 */
import { combine, defaultEstimate, type Estimate, type EstimateBasis, type Phase } from './estimates.js';

export interface Remaining {
  expectedMs: number;
  lowMs: number;
  highMs: number;
  /** The current phase already ran past its high estimate: say so instead of showing a negative range. */
  longerThanUsual: boolean;
  basis: EstimateBasis;
  samples: number;
}

export interface RemainingInput {
  /** Phases of this deployment, in order. */
  phases: readonly Phase[];
  current: Phase;
  /** Time spent in the current phase so far. */
  currentElapsedMs: number;
  estimates: Partial<Record<Phase, Estimate>>;
}

/** Remaining time = what is left of the current phase (never negative) + the phases still to come. */
export function remainingTime(input: RemainingInput): Remaining {
  const idx = input.phases.indexOf(input.current);
  const est = (p: Phase) => input.estimates[p] ?? defaultEstimate(p);
  const cur = est(input.current);
  const elapsed = Math.max(0, input.currentElapsedMs);
  const longer = elapsed > cur.highMs;
  const left: Estimate = {
    ...cur,
    expectedMs: longer ? 0 : Math.max(0, cur.expectedMs - elapsed),
    lowMs: longer ? 0 : Math.max(0, cur.lowMs - elapsed),
    highMs: longer ? 0 : cur.highMs - elapsed,
  };
  const toCome = (idx < 0 ? [] : input.phases.slice(idx + 1)).map(est);
  const total = combine([left, ...toCome]);
  return {
    expectedMs: total.expectedMs,
    lowMs: total.lowMs,
    highMs: total.highMs,
    longerThanUsual: longer,
    basis: total.basis,
    samples: total.samples,
  };
}

export interface Span {
  expectedMs: number;
  lowMs: number;
  highMs: number;
}

export interface QueueEta {
  startIn: Span;
  finishIn: Span;
  /** The active deployment is past its usual duration: the start time is a lower bound. */
  activeOverdue: boolean;
  basis: EstimateBasis;
  samples: number;
}

/** Time to start = remaining of the active one + full estimates of those ahead; to finish = that + its own. */
export function queueEta(input: {
  active?: Remaining | undefined;
  ahead: readonly Estimate[];
  own: Estimate;
}): QueueEta {
  const active: Estimate[] = input.active ? [{ ...input.active }] : [];
  const start = combine([...active, ...input.ahead]);
  const finish = combine([...active, ...input.ahead, input.own]);
  return {
    startIn: span(start),
    finishIn: span(finish),
    activeOverdue: input.active?.longerThanUsual ?? false,
    basis: finish.basis,
    samples: finish.samples,
  };
}

function span(e: Estimate): Span {
  return { expectedMs: e.expectedMs, lowMs: e.lowMs, highMs: e.highMs };
}
