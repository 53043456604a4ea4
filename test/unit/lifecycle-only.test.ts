import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** The lifecycle applies state changes; the store implements them. Nothing else may. */
const ALLOWED = [/^deploys\/lifecycle(-[a-z-]+)?\.ts$/, /^store\//];
/**
 * A repository's transition, claim or enqueue (the GitHub mirror is their effect); `lifecycle.claim(` and
 * `lifecycle.enqueue(` are the lifecycle's own entry points.
 */
const DIRECT = /(?<!lifecycle)\.(transition|claim)\(|deployments\.enqueue\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('every deployment state change goes through the lifecycle', () => {
  it('no module but deploys/lifecycle*.ts (and the store) calls transition(, the repository claim( or enqueue(', () => {
    const files = sources(SRC).map((f) => relative(SRC, f));
    expect(files).toContain('deploys/lifecycle.ts');
    const offenders = files
      .filter((f) => !ALLOWED.some((re) => re.test(f)))
      .flatMap((f) =>
        readFileSync(join(SRC, f), 'utf8')
          .split('\n')
          .map((line, i) => ({ f, i: i + 1, line }))
          .filter(({ line }) => DIRECT.test(line)),
      )
      .map(({ f, i, line }) => `${f}:${i}: ${line.trim()}`);
    expect(offenders).toEqual([]);
  });

  it('would catch a direct call (the check itself can fail)', () => {
    expect(DIRECT.test('this.deployments.transition(d.id, "queued", "building", now)')).toBe(true);
    expect(DIRECT.test('const claimed = this.repo.claim(d.id, "building", workerId, now);')).toBe(true);
    expect(DIRECT.test('this.deps.core.lifecycle.claim(d, "building", workerId)')).toBe(false);
    expect(DIRECT.test('const r = this.deps.core.deployments.enqueue({ kind: "deploy" }, now);')).toBe(true);
    expect(DIRECT.test('const r = this.deps.core.lifecycle.enqueue({ kind: "deploy" }, now);')).toBe(false);
  });
});
