import { describe, expect, it } from 'vitest';
import { median, quantile, summarize, t90 } from '../../src/domain/stats.js';

describe('stats', () => {
  it('median of odd and even samples, unsorted input', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('quantiles interpolate linearly between order statistics (numpy/R type 7)', () => {
    const xs = [10, 20, 30, 40, 50];
    expect(quantile(xs, 0.1)).toBeCloseTo(14, 10);
    expect(quantile(xs, 0.9)).toBeCloseTo(46, 10);
    expect(quantile(xs, 0)).toBe(10);
    expect(quantile(xs, 1)).toBe(50);
    expect(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1, 10);
  });

  it('is robust to tiny samples', () => {
    expect(quantile([], 0.5)).toBeNaN();
    expect(quantile([7], 0.1)).toBe(7);
    expect(quantile([7], 0.9)).toBe(7);
    expect(quantile([100, 200], 0.1)).toBeCloseTo(110, 10);
    expect(quantile([100, 200], 0.9)).toBeCloseTo(190, 10);
    expect(summarize([])).toBeUndefined();
  });

  it('summarizes, ignoring non-finite values', () => {
    expect(summarize([30, 10, 20, Number.NaN])).toEqual({ n: 3, median: 20, p10: 12, p90: 28, min: 10, max: 30 });
  });

  it('t(0.90) shrinks towards the normal 1.2816 as samples grow', () => {
    expect(t90(2)).toBeCloseTo(1.886, 3);
    expect(t90(19)).toBeLessThan(t90(5));
    expect(t90(19)).toBeGreaterThan(1.2816);
    expect(t90(100)).toBeCloseTo(1.2816, 4);
  });
});
