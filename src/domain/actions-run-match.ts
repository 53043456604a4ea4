/** What run discovery needs of a workflow run (REST "List workflow runs for a repository": workflow_runs[]). */
export interface RunCandidate {
  id: number;
  path: string;
  headSha: string;
  event: string;
  createdAt: string;
  displayTitle: string;
}

export interface MatchInput {
  runs: RunCandidate[];
  /** .github/workflows/<file> */
  workflowPath: string;
  sha: string;
  /** GitHub's deployment id and created_at: our run was created by it, so not before it. */
  githubId: number;
  githubCreated: string;
  /** Runs another Coxswain deployment already owns. */
  claimed: ReadonlySet<number>;
  /** Other Coxswain deployments of the same repo, SHA and workflow still looking for their run. */
  othersAwaiting: number;
}

export type RunMatch =
  | { kind: 'found'; runId: number; by: 'deployment-id' | 'only-candidate' }
  | { kind: 'none' }
  | { kind: 'ambiguous'; candidates: number };

/** `.github/workflows/deploy.yml` also matches `owner/repo/.github/workflows/deploy.yml@ref` (reusable form). */
function samePath(path: string, workflowPath: string): boolean {
  const p = path.replace(/@[^@]*$/, '');
  return p === workflowPath || p.endsWith(`/${workflowPath}`);
}

function namesDeployment(title: string, githubId: number): boolean {
  return new RegExp(`(^|[^0-9])${githubId}([^0-9]|$)`).test(title);
}

/**
 * The run a GitHub deployment started (docs/adr/0009-i15-github-actions-builds.md). GitHub does not link a run to
 * the deployment that triggered it, so: candidates are `deployment` runs of that workflow file at that SHA created
 * no earlier than the deployment (second resolution). A candidate whose title (the workflow's `run-name`) names the
 * GitHub deployment id is ours, for certain. Otherwise only an unambiguous case is accepted: exactly one candidate no
 * other Coxswain deployment owns, and no other Coxswain deployment of this SHA and workflow is looking for its run.
 * Anything else is ambiguous: never guess which run built what.
 */
export function matchRun(i: MatchInput): RunMatch {
  const since = Math.floor(Date.parse(i.githubCreated) / 1000) * 1000;
  const candidates = i.runs.filter(
    (r) =>
      r.event === 'deployment' &&
      r.headSha === i.sha &&
      samePath(r.path, i.workflowPath) &&
      Date.parse(r.createdAt) >= since &&
      !i.claimed.has(r.id),
  );
  const named = candidates.filter((r) => namesDeployment(r.displayTitle, i.githubId));
  if (named.length === 1) return { kind: 'found', runId: named[0]!.id, by: 'deployment-id' };
  if (named.length > 1) return { kind: 'ambiguous', candidates: named.length };
  if (candidates.length === 0) return { kind: 'none' };
  if (candidates.length === 1 && i.othersAwaiting === 0) {
    return { kind: 'found', runId: candidates[0]!.id, by: 'only-candidate' };
  }
  return { kind: 'ambiguous', candidates: candidates.length };
}
