/**
 * SIMULATION. The few GitHub REST routes Coxswain calls (response shapes from GitHub's OpenAPI description as
 * typed in @octokit/openapi-types): commits by ref (422 "No commit found for SHA" when unknown, 404 for an unknown
 * repository), the repository, compare and branches.
 */
import { REPOS, type SimCommit, type SimRepo } from './world.js';

export interface JsonReply {
  status: number;
  body: unknown;
}

const COMMIT_DATE = '2026-11-30T09:15:00Z';

function commitJson(c: SimCommit) {
  return {
    sha: c.sha,
    commit: {
      message: c.message,
      author: { name: c.author, date: COMMIT_DATE },
      committer: { name: c.author, date: COMMIT_DATE },
    },
    author: { login: c.author },
  };
}

function findCommit(repo: SimRepo, ref: string): SimCommit | undefined {
  const plain = ref.replace(/^(refs\/)?(heads|tags)\//, '');
  const named = repo.refs[plain];
  if (named) return named;
  if (/^[0-9a-f]{7,40}$/.test(ref)) return Object.values(repo.refs).find((c) => c.sha.startsWith(ref));
  return undefined;
}

export function handleGitHub(path: string): JsonReply {
  const m = /^\/repos\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  const repo = m ? REPOS.find((r) => r.owner === m[1] && r.name === m[2]) : undefined;
  if (!m || !repo)
    return { status: 404, body: { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' } };
  const rest = m[3] ?? '';
  if (rest === '')
    return { status: 200, body: { full_name: `${repo.owner}/${repo.name}`, default_branch: repo.defaultBranch } };
  if (rest === '/branches') {
    return {
      status: 200,
      body: Object.entries(repo.refs)
        .filter(([name]) => !/^v\d/.test(name))
        .map(([name, c]) => ({ name, commit: { sha: c.sha }, protected: name === repo.defaultBranch })),
    };
  }
  const commitRoute = /^\/commits\/(.+)$/.exec(rest);
  if (commitRoute) {
    const ref = decodeURIComponent(commitRoute[1] as string);
    const c = findCommit(repo, ref);
    return c
      ? { status: 200, body: commitJson(c) }
      : {
          status: 422,
          body: { message: `No commit found for SHA: ${ref}`, documentation_url: 'https://docs.github.com/rest' },
        };
  }
  const compare = /^\/compare\/(.+)\.\.\.(.+)$/.exec(rest);
  if (compare) {
    const head = findCommit(repo, decodeURIComponent(compare[2] as string));
    const base = findCommit(repo, decodeURIComponent(compare[1] as string));
    const commits = head && head.sha !== base?.sha ? [commitJson(head)] : [];
    return {
      status: 200,
      body: {
        status: commits.length ? 'ahead' : 'identical',
        ahead_by: commits.length,
        behind_by: 0,
        total_commits: commits.length,
        commits,
      },
    };
  }
  return { status: 404, body: { message: 'Not Found' } };
}
