import type { Deployment } from '../../src/domain/deployment.js';
import { type DeploymentAction, DeploymentActionsRepo } from '../../src/store/deployment-actions-repo.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import type { FakeBuild } from '../helpers/codebuild-nock.js';
import { type Harness, SHA } from './harness.js';

/*
 * Steps of a deployment the pipeline tests script again and again: what CodeBuild and CloudFormation report, and
 * what a person clicks. Each is one thing the fakes are told, in the order a test would write it out.
 */

/** The first tick starts the deployment's build; CodeBuild then reports it succeeded on SHA (`extra` overrides). */
export async function finishBuild(h: Harness, d: { id: number }, extra: Partial<FakeBuild> = {}): Promise<FakeBuild> {
  await h.worker.tick();
  return Object.assign(h.build(d.id), { buildStatus: 'SUCCEEDED', resolvedSourceVersion: SHA, ...extra });
}

/** Mode build: /deploy of `service`, and its first tick starts the build now; the build, to script, and its start. */
export async function buildStarted(
  h: Harness,
  service = 'cdk',
): Promise<{ d: Deployment; build: FakeBuild; start: number }> {
  const d = h.enqueue(service, 'staging');
  await h.worker.tick();
  const build = h.build(d.id);
  const start = h.clock.now();
  build.startTime = start;
  return { d, build, start };
}

/** CodeBuild reports the build (of a mode build target) succeeded on SHA, ending at `endTime`. */
export function buildSucceeds(build: FakeBuild, endTime: number): void {
  Object.assign(build, { buildStatus: 'SUCCEEDED', resolvedSourceVersion: SHA, endTime });
}

/** The deployment's change set for its `position`th stack is created and ready to execute. */
export function changeSetReady(h: Harness, d: { id: number }, position: number, changes: unknown[] = []): void {
  h.cfn.readyChangeSet(`coxswain-${d.id}-${position}`, changes);
}

/** The stack reports `status` under `token` now (its own event), and DescribeStacks says so from now on. */
export function stackEnds(h: Harness, stack: string, status: string, token: string | undefined): void {
  h.cfn.stackReports(stack, status, token, h.clock.now());
}

/** The stack's own event: `status` under `token` at `at` (DescribeStacks is left as it was). */
export function stackEvent(
  h: Harness,
  stack: string,
  status: string,
  token: string | undefined,
  at: number,
  reason?: string,
): void {
  h.cfn.event(stack, resourceEvent(stack, 'AWS::CloudFormation::Stack', status, token, reason), at);
}

/** In the nested stack `child`, the DB instance fails its update under `token`: storage below the minimum. */
export function storageTooSmall(h: Harness, child: string, token: string | undefined, at: number): void {
  const reason = 'Storage size 10 is below the minimum';
  h.cfn.event(child, resourceEvent('Instance', 'AWS::RDS::DBInstance', 'UPDATE_FAILED', token, reason), at);
}

/** Ticks until the deployment has failed; the failure it recorded. */
export async function untilFailed(h: Harness, id: number): Promise<Deployment['failure']> {
  await h.tickUntil(() => h.get(id).state === 'failed');
  return h.get(id).failure;
}

/** A failure button pressed a minute later, recorded as src/rollbacks/ records the click; the time of the click. */
export function clickRecovery(
  h: Harness,
  deploymentId: number,
  action: DeploymentAction['action'],
  detail: string,
  stackName?: string,
): number {
  h.clock.advance(60_000);
  const at = h.clock.now();
  new DeploymentActionsRepo(h.db).record({ deploymentId, action, user: 'U01', detail, at, stackName });
  return at;
}
