/**
 * The one way to find a deployment's target, with the one policy for a target that left the config after the
 * deployment was created (ADR 0007-i10): the deployment is history, nothing acts on it any more. A waiting one is
 * cancelled when it reaches the head of its queue, a running one fails (phase internal), clicks and commands on it
 * are refused with this message, a recovery watch on it ends, and views draw it from what its row knows.
 */
import type { Config } from '../app/config.js';
import type { Deployment } from '../domain/deployment.js';
import { type Refusal, refuse } from '../domain/refusal.js';
import { findTarget, type Target } from '../domain/targets.js';

export type DeploymentTarget = { ok: true; target: Target } | Refusal<'target_removed'>;

export type TargetOf = (d: Pick<Deployment, 'id' | 'service' | 'environment'>) => DeploymentTarget;

export function targetOfDeployment(config: Config): TargetOf {
  return (d) => {
    const found = findTarget(config, d.service, d.environment);
    if (found.ok) return found;
    return refuse(
      'target_removed',
      `\`${d.service}\` → \`${d.environment}\` is no longer in the configuration, so deploy #${d.id} cannot run or be acted on.`,
    );
  };
}
