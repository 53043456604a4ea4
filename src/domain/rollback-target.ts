/**
 * Which commit a rollback returns to. Pure: the caller passes the target's history, newest first.
 * A rollback always returns to a deployment that succeeded on this target, so its SHA was built and its
 * parameters are known.
 */
import type { DeploymentState } from './deployment-state.js';
import { type Refusal, refuse } from './refusal.js';

export interface HistoryItem {
  id: number;
  targetKey: string;
  sha: string;
  state: DeploymentState;
  /** Where a failed deployment stopped: only a failed stack update left the stack somewhere else. */
  failurePhase?: string | null;
}

export type RollbackArg = { kind: 'none' } | { kind: 'id'; id: number } | { kind: 'sha'; prefix: string };

export type RollbackChoice<T extends HistoryItem> =
  | { ok: true; to: T; from: T }
  | Refusal<'bad_argument' | 'not_found' | 'wrong_target' | 'not_succeeded' | 'nothing_to_return_to'>;

/** `#17` or `17` is a deployment id; 7–40 hex characters are a SHA prefix. Anything else is refused. */
export function parseRollbackArg(raw: string | undefined): RollbackArg | { kind: 'invalid' } {
  const s = raw?.trim() ?? '';
  if (s === '') return { kind: 'none' };
  const id = /^#?(\d{1,9})$/.exec(s);
  if (id && (s.startsWith('#') || s.length < 7)) return { kind: 'id', id: Number(id[1]) };
  if (/^[0-9a-f]{7,40}$/i.test(s)) return { kind: 'sha', prefix: s.toLowerCase() };
  if (id) return { kind: 'id', id: Number(id[1]) };
  return { kind: 'invalid' };
}

/** What runs on the target now: the newest success, unless a later stack update failed (that one is the bad one). */
export function currentDeployment<T extends HistoryItem>(history: readonly T[]): T | undefined {
  return history.find((d) => d.state === 'succeeded' || (d.state === 'failed' && d.failurePhase === 'stack_update'));
}

export function chooseRollbackTarget<T extends HistoryItem>(c: {
  targetKey: string;
  /** Finished deployments of this target, newest first. */
  history: readonly T[];
  /** The deployment being rolled back; defaults to what runs now. */
  from?: T;
  arg?: RollbackArg;
  /** Finds a deployment by id on any target, to say "that deployment belongs to …". */
  lookup?: (id: number) => T | undefined;
}): RollbackChoice<T> {
  const from = c.from ?? currentDeployment(c.history);
  if (!from) {
    return refuse('nothing_to_return_to', `\`${c.targetKey}\` has no deployment to roll back.`);
  }
  const arg = c.arg ?? { kind: 'none' };
  if (arg.kind === 'none') {
    const fromIndex = c.history.findIndex((d) => d.id === from.id);
    const older = fromIndex >= 0 ? c.history.slice(fromIndex + 1) : c.history.filter((d) => d.id < from.id);
    const to = older.find((d) => d.state === 'succeeded' && d.sha !== from.sha);
    if (!to) {
      return refuse(
        'nothing_to_return_to',
        `No successful deployment of \`${c.targetKey}\` before #${from.id} with another commit; nothing to roll back to.`,
      );
    }
    return { ok: true, to, from };
  }
  let to: T | undefined;
  if (arg.kind === 'id') {
    to = c.history.find((d) => d.id === arg.id) ?? c.lookup?.(arg.id);
    if (!to) return refuse('not_found', `There is no deployment #${arg.id}.`);
    if (to.targetKey !== c.targetKey) {
      return refuse('wrong_target', `Deployment #${arg.id} belongs to \`${to.targetKey}\`, not \`${c.targetKey}\`.`);
    }
    if (to.state !== 'succeeded') {
      return refuse(
        'not_succeeded',
        `Deployment #${arg.id} ${to.state.replace('_', ' ')}; only a deployment that succeeded can be returned to.`,
      );
    }
  } else {
    const matches = c.history.filter((d) => d.sha.startsWith(arg.prefix));
    const good = matches.filter((d) => d.state === 'succeeded');
    if (good.length === 0) {
      return matches.length > 0
        ? refuse(
            'not_succeeded',
            `\`${arg.prefix}\` never deployed successfully to \`${c.targetKey}\`; pick a commit that did.`,
          )
        : refuse('not_found', `\`${arg.prefix}\` was never deployed to \`${c.targetKey}\`.`);
    }
    if (new Set(good.map((d) => d.sha)).size > 1) {
      return refuse('bad_argument', `\`${arg.prefix}\` matches several commits; give more of the SHA.`);
    }
    to = good[0]!;
  }
  if (to.sha === from.sha) {
    return refuse(
      'nothing_to_return_to',
      `${to.sha.slice(0, 7)} is what #${from.id} deployed; pick an earlier deployment.`,
    );
  }
  return { ok: true, to, from };
}
