/**
 * What the runner hands its poll observers (the progress hook, estimates) after every advance. Lives here, not in
 * runner/, so an observer never imports the runner.
 */
import type { Deployment } from '../domain/deployment.js';
import type { DeploymentStack } from '../store/stacks-repo.js';

/** A runner step's result: something changed, nothing changed yet, or the deployment left the runner's states. */
export type StepOutcome = 'progressed' | 'waiting' | 'done';

export interface PollContext {
  deployment: Deployment;
  stacks: DeploymentStack[];
  now: number;
  outcome: StepOutcome | 'transient_error';
}
