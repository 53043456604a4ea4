/** The few central points that record metrics: worker ticks, AWS SDK calls, Slack calls, digests, transitions. */
import { isTransientAwsError } from '../adapters/aws-errors.js';
import type { WorkerLiveness } from './liveness.js';
import { awsCallsTotal, awsThrottlesTotal, slackCallsTotal, workerTickSeconds, workerTicksTotal } from './registry.js';

/** Called by a worker loop after each tick (ok or not), with how long it took. */
export type TickObserver = (ok: boolean, seconds: number) => void;

export function tickObserver(worker: string, liveness?: WorkerLiveness): TickObserver {
  return (ok, seconds) => {
    workerTicksTotal.inc({ worker, result: ok ? 'ok' : 'error' });
    workerTickSeconds.observe({ worker }, seconds);
    liveness?.beat(worker);
  };
}

/** Runs one tick and reports it; rethrows so the loop's own error handling (logging) is unchanged. */
export async function observedTick<T>(observe: TickObserver | undefined, tick: () => Promise<T>): Promise<T> {
  const started = performance.now();
  try {
    const out = await tick();
    observe?.(true, (performance.now() - started) / 1000);
    return out;
  } catch (err) {
    observe?.(false, (performance.now() - started) / 1000);
    throw err;
  }
}

const THROTTLE_NAMES = /throttl|TooManyRequests|RequestLimitExceeded|SlowDown|Rate exceeded/i;

/** One AWS SDK call's result, recorded by the middleware every client gets in AwsClients. */
export function recordAwsCall(service: string, method: string, err?: unknown): void {
  if (err === undefined) {
    awsCallsTotal.inc({ service, method, code: 'ok' });
    return;
  }
  const e = err as { name?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  const code = e.name && e.name !== 'Error' ? e.name : isTransientAwsError(err) ? 'transient' : 'error';
  awsCallsTotal.inc({ service, method, code });
  if (THROTTLE_NAMES.test(code) || e.$metadata?.httpStatusCode === 429 || /Rate exceeded/.test(e.message ?? '')) {
    awsThrottlesTotal.inc({ service, method });
  }
}

export function recordSlackCall(method: string, code: string): void {
  slackCallsTotal.inc({ method, code });
}
