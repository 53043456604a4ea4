/**
 * The commit-checks gate, pure: GitHub's check runs and commit statuses on one SHA → passed, pending or failed,
 * each naming the checks that decided it. `required` = every check and status reported; a list = those names.
 */

/** A check run (`GET /repos/{o}/{r}/commits/{sha}/check-runs`, check_runs[]). */
export interface CheckRun {
  id: number;
  name: string;
  /** queued | in_progress | completed (also waiting, requested, pending on newer APIs). */
  status: string;
  /** Set once completed: success | neutral | skipped | failure | cancelled | timed_out | action_required | stale… */
  conclusion: string | null;
  url: string | null;
}

/** A commit status (`GET /repos/{o}/{r}/commits/{sha}/status`, statuses[], newest per context). */
export interface CommitStatus {
  context: string;
  /** error | failure | pending | success */
  state: string;
  url: string | null;
}

export interface CheckItem {
  name: string;
  /** What it says now: "in progress", "queued", "failure", "not reported yet"… */
  state: string;
  url: string | null;
}

export type GateResult =
  | { state: 'passed'; checked: number }
  | { state: 'pending'; pending: CheckItem[] }
  | { state: 'failed'; failed: CheckItem[] };

const GREEN_CONCLUSIONS = new Set(['success', 'neutral', 'skipped']);

type Verdict = 'passed' | 'pending' | 'failed';

function runItem(r: CheckRun): { item: CheckItem; verdict: Verdict } {
  if (r.status !== 'completed' || r.conclusion === null) {
    return { item: { name: r.name, state: r.status.replace(/_/g, ' '), url: r.url }, verdict: 'pending' };
  }
  const verdict = GREEN_CONCLUSIONS.has(r.conclusion) ? 'passed' : 'failed';
  return { item: { name: r.name, state: r.conclusion.replace(/_/g, ' '), url: r.url }, verdict };
}

function statusItem(s: CommitStatus): { item: CheckItem; verdict: Verdict } {
  const verdict = s.state === 'success' ? 'passed' : s.state === 'pending' ? 'pending' : 'failed';
  return { item: { name: s.context, state: s.state, url: s.url }, verdict };
}

/** A re-run adds a check run with the same name: the newest (highest id) is the one that counts. */
function newestRuns(runs: readonly CheckRun[]): CheckRun[] {
  const byName = new Map<string, CheckRun>();
  for (const r of runs) {
    const seen = byName.get(r.name);
    if (!seen || r.id > seen.id) byName.set(r.name, r);
  }
  return [...byName.values()];
}

export function evaluateChecks(
  required: 'required' | readonly string[],
  runs: readonly CheckRun[],
  statuses: readonly CommitStatus[],
): GateResult {
  const all = [...newestRuns(runs).map(runItem), ...statuses.map(statusItem)];
  let considered = all;
  if (required !== 'required') {
    considered = required.map(
      (name) =>
        all.find((c) => c.item.name === name) ?? {
          item: { name, state: 'not reported yet', url: null },
          verdict: 'pending' as const,
        },
    );
  }
  const failed = considered.filter((c) => c.verdict === 'failed').map((c) => c.item);
  if (failed.length > 0) return { state: 'failed', failed };
  // Nothing reported at all is not green: CI may not have started yet (and a gate that passes on nothing is none).
  if (considered.length === 0) {
    return { state: 'pending', pending: [{ name: 'checks', state: 'none reported yet', url: null }] };
  }
  const pending = considered.filter((c) => c.verdict === 'pending').map((c) => c.item);
  if (pending.length > 0) return { state: 'pending', pending };
  return { state: 'passed', checked: considered.length };
}

/** "build (in progress), test (queued)" */
export function checkList(items: readonly CheckItem[], max = 8): string {
  const shown = items.slice(0, max).map((c) => `${c.name} (${c.state})`);
  return items.length > max ? `${shown.join(', ')} and ${items.length - max} more` : shown.join(', ');
}
