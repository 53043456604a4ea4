/**
 * The deployment state machine. Pure: the store applies each transition as a guarded UPDATE,
 * and this table is the only place that says which moves are legal.
 */
export const STATES = [
  'pending_approval',
  'queued',
  'building',
  'deploying',
  'cancelling',
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'expired',
] as const;

export type DeploymentState = (typeof STATES)[number];
export type DeploymentKind = 'deploy' | 'rollback';

const TRANSITIONS: Record<DeploymentState, readonly DeploymentState[]> = {
  pending_approval: ['queued', 'rejected', 'expired', 'cancelled'],
  queued: ['building', 'deploying', 'cancelled'],
  building: ['deploying', 'succeeded', 'failed', 'cancelling', 'cancelled'],
  deploying: ['succeeded', 'failed', 'cancelling'],
  cancelling: ['cancelled', 'failed'],
  succeeded: [],
  failed: [],
  cancelled: [],
  rejected: [],
  expired: [],
};

/** States that hold the target: at most one deployment per target may be in one of these. */
export const ACTIVE_STATES: readonly DeploymentState[] = ['building', 'deploying', 'cancelling'];
/** States waiting for their turn. */
export const WAITING_STATES: readonly DeploymentState[] = ['pending_approval', 'queued'];
export const TERMINAL_STATES: readonly DeploymentState[] = ['succeeded', 'failed', 'cancelled', 'rejected', 'expired'];

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
