/**
 * The gate before a deployment: a SHA → passed | pending(checks) | failed(checks), from the commit's check runs
 * and statuses and the target's `gates` config. /deploy asks it at request time; GateWatcher asks it again for
 * deployments waiting for checks; auto-deploy and promotion (issue 16) are meant to ask it too.
 */
import type { CommitChecksReader } from '../adapters/github-checks.js';
import { evaluateChecks, type GateResult } from '../domain/commit-checks.js';
import type { Target } from '../domain/targets.js';

export type GateCheck = GateResult | { state: 'error'; message: string };

export class CommitGate {
  constructor(private readonly reader: CommitChecksReader) {}

  /** Whether the target gates on checks at all (no `gates` block: every SHA passes without a GitHub call). */
  static applies(target: Target): boolean {
    return target.env.gates !== undefined;
  }

  async check(target: Target, sha: string): Promise<GateCheck> {
    const gates = target.env.gates;
    if (!gates) return { state: 'passed', checked: 0 };
    const read = await this.reader.read(target.repo, sha);
    if (!read.ok) return { state: 'error', message: read.message };
    return evaluateChecks(gates.checks, read.runs, read.statuses);
  }
}
