import type { DeploymentState } from './deployment-state.js';
import { classifyGitHubAnswer } from './github-answer.js';

/** GitHub deployment status states Coxswain sends (REST "Create a deployment status": `state`). */
export type GitHubStatusState = 'queued' | 'in_progress' | 'success' | 'failure' | 'error' | 'inactive';

export interface MirrorFacts {
  state: DeploymentState;
  /** The target builds with a GitHub Actions workflow: creating the GitHub deployment starts the build. */
  workflowBuild: boolean;
  /** Failure phase of a failed deployment (internal = Coxswain could not run it: `error`). */
  failurePhase?: string | undefined;
}

export interface MirroredStatus {
  state: GitHubStatusState;
  /** Whether this status may create the GitHub deployment; other statuses only follow an existing one. */
  creates: boolean;
}

/**
 * Which GitHub status a Coxswain state shows, or none. The GitHub deployment is created once the deployment may
 * run (queued, never while pending approval: creating it starts every `on: deployment` workflow of the repo); a
 * workflow-built target creates it only when its turn comes (building), because that starts its build.
 * Cancelled, rejected, expired and superseded deployments become `inactive`; GitHub marks superseded successes inactive itself
 * (`auto_inactive`).
 */
export function mirroredStatus(f: MirrorFacts): MirroredStatus | undefined {
  switch (f.state) {
    case 'queued':
      return f.workflowBuild ? undefined : { state: 'queued', creates: true };
    case 'building':
    case 'deploying':
    // Issue 14's closing steps are still "in progress" for GitHub: success only once baked and verified.
    case 'baking':
    case 'verifying':
      return { state: 'in_progress', creates: true };
    case 'succeeded':
      return { state: 'success', creates: false };
    case 'failed':
      return { state: f.failurePhase === 'internal' ? 'error' : 'failure', creates: false };
    case 'cancelled':
    case 'rejected':
    case 'expired':
    // Issue 16: a queued auto-deploy candidate replaced by a newer head never runs.
    case 'superseded':
      return { state: 'inactive', creates: false };
    default:
      return undefined;
  }
}

/** GitHub's limit for a deployment's and a status's `description`. */
export const DESCRIPTION_MAX = 140;

export function clipDescription(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length <= DESCRIPTION_MAX ? one : `${one.slice(0, DESCRIPTION_MAX - 1)}…`;
}

export type GitHubErrorClass = 'retry' | 'permission' | 'refused';

/**
 * What the status queue does after GitHub refused a write or did not answer (the answer read by
 * classifyGitHubAnswer, the one GitHub classifier): no answer, 5xx, 429 and rate-limit 403s are retried; 401, 403 and
 * 404 mean the token lacks permission or cannot see the repo; the rest (409 conflict, 422 validation) are refused for
 * good — on a write, 422 is GitHub validating the request, not a missing ref.
 */
export function classifyGitHubError(status: number | undefined, headers: Record<string, string | undefined>) {
  if (status === undefined) return 'retry' as const;
  const kind = classifyGitHubAnswer(status, headers);
  if (kind === 'transient') return 'retry' as const;
  if (kind === 'credentials' || kind === 'permission' || status === 404) return 'permission' as const;
  return 'refused' as const;
}
