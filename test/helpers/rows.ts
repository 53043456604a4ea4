import type { Deployment } from '../../src/store/deployment-row.js';

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
