/**
 * Metrics of deployment state changes, recorded from the ONE place every transition goes through: the lifecycle
 * module (src/deploys/lifecycle.ts), right after the guarded UPDATE.
 */

import type { Deployment } from '../domain/deployment.js';
import { isTerminal } from '../domain/deployment-state.js';
import type { PhasesRepo } from '../store/phases-repo.js';
import { deploymentSeconds, deploymentsTotal, phaseSeconds, queueWaitSeconds, transitionsTotal } from './registry.js';

export function recordTransition(phases: Pick<PhasesRepo, 'forDeployment'>, d: Deployment, from: string): void {
  const target = d.targetKey;
  transitionsTotal.inc({ from, to: d.state });
  if (from === 'queued' && d.startedAt !== null) {
    queueWaitSeconds.observe({ target }, Math.max(0, (d.startedAt - d.createdAt) / 1000));
  }
  if (!isTerminal(d.state)) return;
  const outcome = d.state;
  deploymentsTotal.inc({ outcome, target, kind: d.kind });
  if (d.startedAt !== null && d.finishedAt !== null) {
    deploymentSeconds.observe({ target, outcome }, Math.max(0, (d.finishedAt - d.startedAt) / 1000));
  }
  // Phases end just before the final transition; open ones (cut short) count until the finish.
  for (const p of phases.forDeployment(d.id)) {
    const end = p.endedAt ?? d.finishedAt;
    if (end !== null) {
      phaseSeconds.observe({ phase: p.phase, target, outcome }, Math.max(0, (end - p.startedAt) / 1000));
    }
  }
}
