/**
 * The process's Prometheus instruments (prom-client). Event counters and histograms live in one module-level
 * registry so adapters and workers record without threading a metrics object through every constructor; figures
 * read from the database (queue depth, outbox) are gauges created per runtime (store-gauges.ts) and merged in at
 * scrape time, so several runtimes in one test process never clash.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export const registry = new Registry();

/** Finished deployments (terminal transitions), by outcome and target. */
export const deploymentsTotal = new Counter({
  name: 'coxswain_deployments_total',
  help: 'Deployments that reached a final state, by outcome (succeeded, failed, cancelled, rejected, expired)',
  labelNames: ['outcome', 'target', 'kind'] as const,
  registers: [registry],
});

export const transitionsTotal = new Counter({
  name: 'coxswain_deployment_transitions_total',
  help: 'Deployment state changes, by from and to state',
  labelNames: ['from', 'to'] as const,
  registers: [registry],
});

// Deploys take minutes: buckets from 5 s to 2 h.
const DURATION_BUCKETS = [5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

export const phaseSeconds = new Histogram({
  name: 'coxswain_deployment_phase_seconds',
  help: 'Duration of each phase of finished deployments (build, changeset, stack_update…), by target and outcome',
  labelNames: ['phase', 'target', 'outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers: [registry],
});

export const deploymentSeconds = new Histogram({
  name: 'coxswain_deployment_duration_seconds',
  help: 'From start (claimed) to finish, by target and outcome',
  labelNames: ['target', 'outcome'] as const,
  buckets: DURATION_BUCKETS,
  registers: [registry],
});

export const queueWaitSeconds = new Histogram({
  name: 'coxswain_queue_wait_seconds',
  help: 'From request to start, per target',
  labelNames: ['target'] as const,
  buckets: [1, 5, 15, 60, 300, 900, 1800, 3600, 7200],
  registers: [registry],
});

export const slackCallsTotal = new Counter({
  name: 'coxswain_slack_calls_total',
  help: 'Slack Web API calls made by the outbox, by method and result code (ok or the Slack error)',
  labelNames: ['method', 'code'] as const,
  registers: [registry],
});

export const awsCallsTotal = new Counter({
  name: 'coxswain_aws_calls_total',
  help: 'AWS API calls, by service, operation and result code (ok or the AWS error name)',
  labelNames: ['service', 'method', 'code'] as const,
  registers: [registry],
});

export const awsThrottlesTotal = new Counter({
  name: 'coxswain_aws_throttles_total',
  help: 'AWS calls answered with a throttling error, by service and operation',
  labelNames: ['service', 'method'] as const,
  registers: [registry],
});

export const awsBudgetWaitsTotal = new Counter({
  name: 'coxswain_aws_budget_waits_total',
  help: 'AWS calls that waited for a token of the shared request budget',
  registers: [registry],
});

export const workerTicksTotal = new Counter({
  name: 'coxswain_worker_ticks_total',
  help: 'Worker loop ticks, by worker and result (ok, error)',
  labelNames: ['worker', 'result'] as const,
  registers: [registry],
});

export const workerTickSeconds = new Histogram({
  name: 'coxswain_worker_tick_seconds',
  help: 'Duration of one worker loop tick',
  labelNames: ['worker'] as const,
  buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60],
  registers: [registry],
});

export const digestRunsTotal = new Counter({
  name: 'coxswain_digest_runs_total',
  help: 'Digest runs, by kind (drift, health) and result (posted, busy, failed)',
  labelNames: ['kind', 'result'] as const,
  registers: [registry],
});

let processMetrics = false;
/** Node's process metrics (CPU, memory, event loop lag, handles), registered once per process. */
export function enableProcessMetrics(): void {
  if (processMetrics) return;
  processMetrics = true;
  collectDefaultMetrics({ register: registry, prefix: 'coxswain_' });
}

export const CONTENT_TYPE = registry.contentType;
