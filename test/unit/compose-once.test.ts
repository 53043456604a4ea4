import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** The store and the composition roots build repositories; every service gets them injected (store/repos.ts). */
const ALLOWED = [/^store\//, /^app\/runtime[a-z-]*\.ts$/, /^app\/cli[a-z-]*\.ts$/, /^deploys\/core\.ts$/];
const CONSTRUCTS = /\bnew [A-Z][A-Za-z]*Repo\(/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every `new …Repo(` in src/, as `file:line: code`. */
function constructions(): string[] {
  return sources(SRC).flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .map((line, i) => ({ f: relative(SRC, file), i: i + 1, line }))
      .filter(({ line }) => CONSTRUCTS.test(line))
      .map(({ f, i, line }) => `${f}:${i}: ${line.trim()}`),
  );
}

describe('compose once: repositories are built by the composition roots and injected', () => {
  it('no src file outside store/, app/runtime*.ts, app/cli*.ts and deploys/core.ts constructs a repository', () => {
    const all = constructions();
    // The scan sees the constructions that are allowed (so it reads the tree at all).
    expect(all.some((c) => c.startsWith('store/repos.ts:'))).toBe(true);
    const offenders = all.filter((c) => !ALLOWED.some((re) => re.test(c.split(':')[0]!)));
    expect(offenders).toEqual([]);
  });

  it('would catch a service that builds its own (the check itself can fail)', () => {
    expect(CONSTRUCTS.test('    this.repo = new GitHubDeploymentsRepo(deps.db);')).toBe(true);
    expect(CONSTRUCTS.test('new DeploymentsRepo(db).update(d.id, "waiting_checks", now, patch);')).toBe(true);
    expect(CONSTRUCTS.test('    this.repo = deps.repos.githubDeployments;')).toBe(false);
    expect(ALLOWED.some((re) => re.test('github/status-worker.ts'))).toBe(false);
    expect(ALLOWED.some((re) => re.test('app/runtime-services.ts'))).toBe(true);
  });
});
