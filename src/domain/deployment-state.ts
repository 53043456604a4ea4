/**
 * The deployment state machine. Pure: the store applies each transition as a guarded UPDATE,
 * and this table is the only place that says which moves are legal.
 */
export const STATES = [
  'waiting_checks',
  'pending_approval',
  'queued',
  'building',
  'deploying',
  'baking',
  'verifying',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
  'superseded',
] as const;

export type DeploymentState = (typeof STATES)[number];
export type DeploymentKind = 'deploy' | 'rollback';

const TRANSITIONS: Record<DeploymentState, readonly DeploymentState[]> = {
  // Commit checks still running on the SHA (gates): green → its turn in the queue; red or too long → rejected.
  // superseded (auto-deploy): a newer head of the branch replaced this candidate before it started.
  waiting_checks: ['queued', 'pending_approval', 'rejected', 'cancelled', 'superseded'],
  pending_approval: ['queued', 'rejected', 'expired', 'cancelled', 'superseded'],
  // rejected: the stack-state preflight found a stack no update can touch.
  queued: ['building', 'deploying', 'cancelled', 'rejected', 'superseded'],
  building: ['deploying', 'verifying', 'succeeded', 'failed', 'cancelling', 'cancelled'],
  deploying: ['baking', 'verifying', 'succeeded', 'failed', 'cancelling'],
  // Resources are done; CloudFormation watches the alarms for the monitoring window (RollbackConfiguration).
  baking: ['verifying', 'succeeded', 'failed', 'cancelling'],
  // The stack is updated; the service must serve the new SHA (verify.url) and pass its smoke checks.
  verifying: ['succeeded', 'failed', 'cancelled'],
  cancelling: ['cancelled', 'failed'],
  succeeded: [],
  failed: [],
  cancelled: [],
  rejected: [],
  expired: [],
  superseded: [],
};

/** States that hold the target: at most one deployment per target may be in one of these. */
export const ACTIVE_STATES: readonly DeploymentState[] = ['building', 'deploying', 'baking', 'verifying', 'cancelling'];
/** States waiting for their turn. */
export const WAITING_STATES: readonly DeploymentState[] = ['waiting_checks', 'pending_approval', 'queued'];
/** States with no way out of them in the table: the deployment is over. */
export const TERMINAL_STATES: readonly DeploymentState[] = STATES.filter((s) => TRANSITIONS[s].length === 0);

export function canTransition(from: DeploymentState, to: DeploymentState): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isActive(state: DeploymentState): boolean {
  return ACTIVE_STATES.includes(state);
}

export function isTerminal(state: DeploymentState): boolean {
  return TERMINAL_STATES.includes(state);
}

export class IllegalTransitionError extends Error {
  constructor(
    readonly from: DeploymentState,
    readonly to: DeploymentState,
  ) {
    super(`illegal deployment transition ${from} → ${to}`);
    this.name = 'IllegalTransitionError';
  }
}

export function assertTransition(from: DeploymentState, to: DeploymentState): void {
  if (!canTransition(from, to)) throw new IllegalTransitionError(from, to);
}

/** SQL list literal of fixed state names (never user input), for IN (...) clauses. */
export function sqlList(states: readonly DeploymentState[]): string {
  return states.map((s) => `'${s}'`).join(',');
}
