import nock from 'nock';
import { GITHUB_API } from '../helpers/github-nock.js';

/**
 * GitHub's answers for one commit's checks, in the shapes GitHub documents:
 * check runs — docs.github.com/en/rest/checks/runs#list-check-runs-for-a-git-reference (total_count, check_runs[]
 * with id, name, status queued|in_progress|completed, conclusion, html_url; paginated with a Link header);
 * combined status — docs.github.com/en/rest/commits/statuses#get-the-combined-status-for-a-specific-reference
 * (state, total_count, statuses[] with context, state, target_url).
 */
export interface Run {
  name: string;
  status?: 'queued' | 'in_progress' | 'completed';
  conclusion?: string | null;
  id?: number;
}

let nextId = 1000;

export function checkRun(r: Run) {
  const id = r.id ?? nextId++;
  return {
    id,
    head_sha: 'x',
    name: r.name,
    status: r.status ?? 'completed',
    conclusion: r.status && r.status !== 'completed' ? null : (r.conclusion ?? 'success'),
    html_url: `https://github.com/acme/api/runs/${id}`,
    details_url: `https://ci.example.com/${id}`,
    started_at: '2026-12-01T10:00:00Z',
    completed_at: null,
  };
}

export function githubChecks(
  repo: string,
  sha: string,
  o: { runs?: Run[]; statuses?: { context: string; state: string }[]; times?: number; pages?: Run[][] },
) {
  const times = o.times ?? 1;
  const scope = nock(GITHUB_API);
  if (o.pages) {
    const pages = o.pages;
    for (let i = 0; i < pages.length; i++) {
      const headers: Record<string, string> = { 'Content-Type': 'application/json' };
      if (i < pages.length - 1) {
        headers.Link = `<${GITHUB_API}/repos/${repo}/commits/${sha}/check-runs?per_page=100&page=${i + 2}>; rel="next"`;
      }
      scope
        .get(`/repos/${repo}/commits/${sha}/check-runs`)
        .query((q) => (q.page ?? '1') === String(i + 1))
        .times(times)
        .reply(200, { total_count: pages.flat().length, check_runs: (pages[i] ?? []).map(checkRun) }, headers);
    }
  } else {
    scope
      .get(`/repos/${repo}/commits/${sha}/check-runs`)
      .query(true)
      .times(times)
      .reply(200, { total_count: (o.runs ?? []).length, check_runs: (o.runs ?? []).map(checkRun) });
  }
  const statuses = (o.statuses ?? []).map((s, i) => ({
    id: 500 + i,
    context: s.context,
    state: s.state,
    description: null,
    target_url: `https://ci.legacy.example.com/${s.context}`,
  }));
  const combined = statuses.some((s) => s.state === 'failure' || s.state === 'error')
    ? 'failure'
    : statuses.every((s) => s.state === 'success') && statuses.length > 0
      ? 'success'
      : 'pending';
  scope
    .get(`/repos/${repo}/commits/${sha}/status`)
    .query(true)
    .times(times)
    .reply(200, { state: combined, sha, total_count: statuses.length, statuses });
  return scope;
}
