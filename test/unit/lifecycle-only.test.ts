import { describe, expect, it } from 'vitest';
import { outside, sourceFiles, sourceLinesMatching } from '../helpers/source-scan.js';

/** The lifecycle applies state changes; the store implements them. Nothing else may. */
const ALLOWED = [/^deploys\/lifecycle(-[a-z-]+)?\.ts$/, /^store\//];
/**
 * A repository's transition, claim or enqueue (the GitHub mirror is their effect); `lifecycle.claim(` and
 * `lifecycle.enqueue(` are the lifecycle's own entry points.
 */
const DIRECT = /(?<!lifecycle)\.(transition|claim)\(|deployments\.enqueue\(/;

describe('every deployment state change goes through the lifecycle', () => {
  it('no module but deploys/lifecycle*.ts (and the store) calls transition(, the repository claim( or enqueue(', () => {
    expect(sourceFiles()).toContain('deploys/lifecycle.ts');
    expect(outside(sourceLinesMatching(DIRECT), ALLOWED)).toEqual([]);
  });

  it('would catch a direct call (the check itself can fail)', () => {
    expect(DIRECT.test('this.deployments.transition(d.id, "queued", "building", now)')).toBe(true);
    expect(DIRECT.test('const claimed = this.repo.claim(d.id, "building", workerId, now);')).toBe(true);
    expect(DIRECT.test('this.deps.core.lifecycle.claim(d, "building", workerId)')).toBe(false);
    expect(DIRECT.test('const r = this.deps.core.deployments.enqueue({ kind: "deploy" }, now);')).toBe(true);
    expect(DIRECT.test('const r = this.deps.core.lifecycle.enqueue({ kind: "deploy" }, now);')).toBe(false);
  });
});
