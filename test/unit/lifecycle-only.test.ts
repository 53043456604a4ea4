import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** The lifecycle applies state changes; the store implements them. Nothing else may. */
const ALLOWED = [/^deploys\/lifecycle\.ts$/, /^store\//];
/** A repository's transition or claim; `lifecycle.claim(` is the lifecycle's own entry point. */
const DIRECT = /(?<!lifecycle)\.(transition|claim)\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('every deployment state change goes through the lifecycle', () => {
  it('no module but deploys/lifecycle.ts (and the store) calls transition( or the repository claim(', () => {
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
  });
});
