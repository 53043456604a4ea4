import type { DeploymentState } from '../domain/deployment-state.js';
import type { Db } from './db.js';
import type { Deployment } from './deployment-row.js';

/**
 * Called inside the transaction of every deployment state change (from = null: a new deployment). It may only
 * write to the same database (e.g. queue a GitHub status), so its write exists if and only if the change does.
 */
export type TransitionObserver = (d: Deployment, from: DeploymentState | null, to: DeploymentState) => void;

// Keyed by connection: repositories are created in many places, the observers belong to the database.
const observers = new WeakMap<Db, TransitionObserver[]>();

/** Registers an observer on a database connection; returns the function that removes it. */
export function observeTransitions(db: Db, fn: TransitionObserver): () => void {
  const list = observers.get(db) ?? [];
  list.push(fn);
  observers.set(db, list);
  return () => {
    const now = observers.get(db) ?? [];
    observers.set(
      db,
      now.filter((f) => f !== fn),
    );
  };
}

export function notifyTransition(db: Db, d: Deployment, from: DeploymentState | null, to: DeploymentState): void {
  for (const fn of observers.get(db) ?? []) fn(d, from, to);
}
