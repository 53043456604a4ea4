/** The domain's deployment: what a deployment is, independent of how the store keeps it. */
import type { DeploymentKind, DeploymentState } from './deployment-state.js';

export interface Failure {
  phase: 'ref' | 'preflight' | 'build' | 'changeset' | 'stack_update' | 'monitoring' | 'verify' | 'internal';
  reason: string;
  logicalId?: string;
  resourceType?: string;
  status?: string;
  stackName?: string;
  link?: string;
}

export interface Deployment {
  id: number;
  kind: DeploymentKind;
  service: string;
  environment: string;
  targetKey: string;
  ref: string;
  sha: string;
  requestedBy: string;
  state: DeploymentState;
  priority: number;
  token: string;
  channel: string;
  waitReason: string | null;
  buildId: string | null;
  buildLogUrl: string | null;
  failure: Failure | null;
  summary: string | null;
  forced: boolean;
  rollbackOf: number | null;
  workerId: string | null;
  heartbeatAt: number | null;
  nextPollAt: number | null;
  stalledAt: number | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  updatedAt: number;
}
