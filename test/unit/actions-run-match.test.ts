import { describe, expect, it } from 'vitest';
import { type MatchInput, matchRun, type RunCandidate } from '../../src/domain/actions-run-match.js';
import { classifyGitHubError, mirroredStatus } from '../../src/domain/github-deployment-status.js';

const SHA = 'a'.repeat(40);
const run = (id: number, o: Partial<RunCandidate> = {}): RunCandidate => ({
  id,
  path: '.github/workflows/deploy.yml',
  headSha: SHA,
  event: 'deployment',
  createdAt: '2026-11-22T09:00:05Z',
  displayTitle: 'Deploy',
  ...o,
});
const input = (runs: RunCandidate[], o: Partial<MatchInput> = {}): MatchInput => ({
  runs,
  workflowPath: '.github/workflows/deploy.yml',
  sha: SHA,
  githubId: 123456,
  githubCreated: '2026-11-22T09:00:04.900Z',
  claimed: new Set(),
  othersAwaiting: 0,
  ...o,
});

describe('run discovery rule', () => {
  it('takes the single candidate; the path may carry @ref; created in the same second as the deployment counts', () => {
    expect(matchRun(input([run(1, { path: 'acme/app/.github/workflows/deploy.yml@refs/heads/main' })]))).toEqual({
      kind: 'found',
      runId: 1,
      by: 'only-candidate',
    });
    expect(matchRun(input([run(1, { createdAt: '2026-11-22T09:00:04Z' })])).kind).toBe('found');
  });

  it('ignores other workflows, other events, other SHAs, older runs and runs another deployment owns', () => {
    const runs = [
      run(1, { path: '.github/workflows/ci.yml' }),
      run(2, { event: 'push' }),
      run(3, { headSha: 'b'.repeat(40) }),
      run(4, { createdAt: '2026-11-22T08:59:59Z' }),
      run(5),
    ];
    expect(matchRun(input(runs, { claimed: new Set([5]) }))).toEqual({ kind: 'none' });
  });

  it('a title naming the GitHub deployment id wins over any number of candidates; the id must be a whole number', () => {
    const runs = [run(1, { displayTitle: 'Deploy (1234567)' }), run(2, { displayTitle: 'Deploy (123456)' }), run(3)];
    expect(matchRun(input(runs))).toEqual({ kind: 'found', runId: 2, by: 'deployment-id' });
    expect(matchRun(input([run(1, { displayTitle: 'Deploy (1234567)' }), run(3)])).kind).toBe('ambiguous');
  });

  it('is ambiguous with two unnamed candidates, or one while another deployment of the SHA is looking too', () => {
    expect(matchRun(input([run(1), run(2)]))).toEqual({ kind: 'ambiguous', candidates: 2 });
    expect(matchRun(input([run(1)], { othersAwaiting: 1 }))).toEqual({ kind: 'ambiguous', candidates: 1 });
  });
});

describe('GitHub status mapping and errors', () => {
  it('maps states; never creates while pending approval; a workflow target is created when it starts building', () => {
    expect(mirroredStatus({ state: 'pending_approval', workflowBuild: false })).toBeUndefined();
    expect(mirroredStatus({ state: 'queued', workflowBuild: false })).toEqual({ state: 'queued', creates: true });
    expect(mirroredStatus({ state: 'queued', workflowBuild: true })).toBeUndefined();
    expect(mirroredStatus({ state: 'building', workflowBuild: true })).toEqual({ state: 'in_progress', creates: true });
    expect(mirroredStatus({ state: 'cancelling', workflowBuild: false })).toBeUndefined();
    expect(mirroredStatus({ state: 'waiting_checks', workflowBuild: false })).toBeUndefined();
    expect(mirroredStatus({ state: 'baking', workflowBuild: false })).toEqual({ state: 'in_progress', creates: true });
    expect(mirroredStatus({ state: 'verifying', workflowBuild: true })).toEqual({
      state: 'in_progress',
      creates: true,
    });
    expect(mirroredStatus({ state: 'failed', workflowBuild: false, failurePhase: 'internal' })?.state).toBe('error');
    expect(mirroredStatus({ state: 'expired', workflowBuild: false })).toEqual({ state: 'inactive', creates: false });
  });

  it('classifies GitHub answers: rate-limit 403s and 5xx retry, 401/403/404 are permission, 409/422 refused', () => {
    expect(classifyGitHubError(403, { 'retry-after': '60' })).toBe('retry');
    expect(classifyGitHubError(403, { 'x-ratelimit-remaining': '0' })).toBe('retry');
    expect(classifyGitHubError(403, {})).toBe('permission');
    expect(classifyGitHubError(404, {})).toBe('permission');
    expect(classifyGitHubError(502, {})).toBe('retry');
    expect(classifyGitHubError(undefined, {})).toBe('retry');
    expect(classifyGitHubError(409, {})).toBe('refused');
    expect(classifyGitHubError(422, {})).toBe('refused');
  });
});
