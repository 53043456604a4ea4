import { describe, expect, it } from 'vitest';
import { outside, sourceLinesMatching } from '../helpers/source-scan.js';

/** The store and the composition roots build repositories; every service gets them injected (store/repos.ts). */
const ALLOWED = [/^store\//, /^app\/runtime[a-z-]*\.ts$/, /^app\/cli[a-z-]*\.ts$/, /^deploys\/core\.ts$/];
const CONSTRUCTS = /\bnew [A-Z][A-Za-z]*Repo\(/;

describe('compose once: repositories are built by the composition roots and injected', () => {
  it('no src file outside store/, app/runtime*.ts, app/cli*.ts and deploys/core.ts constructs a repository', () => {
    const all = sourceLinesMatching(CONSTRUCTS);
    // The scan sees the constructions that are allowed (so it reads the tree at all).
    expect(all.some((c) => c.startsWith('store/repos.ts:'))).toBe(true);
    expect(outside(all, ALLOWED)).toEqual([]);
  });

  it('would catch a service that builds its own (the check itself can fail)', () => {
    expect(CONSTRUCTS.test('    this.repo = new GitHubDeploymentsRepo(deps.db);')).toBe(true);
    expect(CONSTRUCTS.test('new DeploymentsRepo(db).update(d.id, "waiting_checks", now, patch);')).toBe(true);
    expect(CONSTRUCTS.test('    this.repo = deps.repos.githubDeployments;')).toBe(false);
    expect(ALLOWED.some((re) => re.test('github/status-worker.ts'))).toBe(false);
    expect(ALLOWED.some((re) => re.test('app/runtime-services.ts'))).toBe(true);
  });
});
