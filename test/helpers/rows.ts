import type { Deployment } from '../../src/domain/deployment.js';
import type { NewDeployment } from '../../src/store/deployments-repo.js';

/** A finished deploy as the store returns it, for pure view tests; `over` sets what the test is about. */
export function deploymentRow(over: Partial<Deployment> = {}): Deployment {
  return {
    id: 1,
    kind: 'deploy',
    service: 'api',
    environment: 'staging',
    targetKey: 'api/staging',
    ref: 'main',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    requestedBy: 'U01',
    state: 'succeeded',
    priority: 0,
    token: 't',
    channel: 'C0DEPLOYS',
    waitReason: null,
    buildId: null,
    buildLogUrl: null,
    failure: null,
    summary: null,
    forced: false,
    rollbackOf: null,
    workerId: null,
    heartbeatAt: null,
    nextPollAt: null,
    stalledAt: null,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 60_000,
    updatedAt: 60_000,
    ...over,
  };
}

/**
 * What /deploy hands the store for `targetKey` ("service/environment"): a queued deploy of main by U05 into
 * #C0DEPLOYS unless `over` says otherwise.
 */
export function newDeployment(targetKey: string, over: Partial<NewDeployment> = {}): NewDeployment {
  const [service = '', environment = ''] = targetKey.split('/');
  return {
    kind: 'deploy',
    service,
    environment,
    targetKey,
    ref: 'main',
    sha: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    requestedBy: 'U05',
    channel: 'C0DEPLOYS',
    state: 'queued',
    ...over,
  };
}
