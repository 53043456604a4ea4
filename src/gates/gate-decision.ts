/**
 * What /deploy does with the commit-checks gate's answer: refuse (failed, or GitHub unreadable), queue it waiting
 * for checks, or let it through — past failed/pending checks only with --force where `gates.allowForce` is on.
 */
import type { CheckItem } from '../domain/commit-checks.js';
import type { Deployment } from '../domain/deployment.js';
import { type RefusalWith, refuseWith } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import type { Repos } from '../store/repos.js';
import {
  checksErrorRefusal,
  checksFailedRefusal,
  checksForcedNote,
  failedChecksText,
  waitingForChecksLine,
  waitingForChecksNote,
} from '../views/gate-replies.js';
import type { SlackMessage } from '../views/slack-message.js';
import type { GateCheck } from './commit-gate.js';

export type ChecksDecision =
  | {
      ok: true;
      /** Pending checks: the deployment waits in state waiting_checks with this line as its wait reason. */
      waiting?: string;
      notice?: SlackMessage;
      /** Overridden with --force: what was overridden, for the audit and the thread. */
      forced?: { state: 'failed' | 'pending'; items: CheckItem[]; note: SlackMessage };
    }
  | RefusalWith<SlackMessage, 'checks_failed' | 'checks_error'>;

export function checksDecision(
  target: Target,
  result: GateCheck,
  req: { forced: boolean; userId: string; sha: string },
): ChecksDecision {
  const allowForce = target.env.gates?.allowForce ?? false;
  const forceable = req.forced && allowForce;
  // --force past failed or pending checks: queued, with a note naming who forced it and what it skipped.
  const forcedPast = (state: 'failed' | 'pending', items: CheckItem[]): ChecksDecision => ({
    ok: true,
    forced: { state, items, note: checksForcedNote(req.userId, items, state) },
  });
  switch (result.state) {
    case 'passed':
      return { ok: true };
    case 'error':
      return refuseWith('checks_error', checksErrorRefusal(result.message));
    case 'failed':
      if (forceable) return forcedPast('failed', result.failed);
      return refuseWith(
        'checks_failed',
        checksFailedRefusal({ sha: req.sha, failed: result.failed, allowForce, triedForce: req.forced }),
      );
    case 'pending':
      if (forceable) return forcedPast('pending', result.pending);
      return {
        ok: true,
        waiting: waitingForChecksLine(result.pending),
        notice: waitingForChecksNote(result.pending, target.env.gates?.waitMinutes ?? 0),
      };
  }
}

/** Inside the enqueue transaction: the waiting line on the new row, and a force in the actions audit. */
export function recordChecksDecision(
  repos: Pick<Repos, 'deployments' | 'actions'>,
  d: Deployment,
  decision: Extract<ChecksDecision, { ok: true }>,
  user: string,
  now: number,
): void {
  if (decision.waiting && d.state === 'waiting_checks') {
    repos.deployments.update(d.id, 'waiting_checks', now, { waitReason: decision.waiting });
  }
  if (decision.forced) {
    const detail =
      decision.forced.state === 'failed'
        ? `failed: ${failedChecksText(decision.forced.items).replace(/ — <[^>]*>/g, '')}`
        : waitingForChecksLine(decision.forced.items);
    repos.actions.record({ deploymentId: d.id, action: 'force_checks', user, detail, at: now });
  }
}
