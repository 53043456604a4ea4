import type { Clock } from '../app/clock.js';

/**
 * When each worker loop last finished a tick. /readyz turns red when a started worker has not ticked for longer
 * than its allowance: a loop that hangs (a request that never returns) or died is visible without reading logs.
 */
export class WorkerLiveness {
  private readonly last = new Map<string, number>();
  private readonly allowance = new Map<string, number>();

  constructor(private readonly clock: Clock) {}

  /** A worker starts being watched; `staleMs` is how long it may go without a tick. */
  watch(worker: string, staleMs: number): void {
    this.allowance.set(worker, staleMs);
    this.last.set(worker, this.clock.now());
  }

  unwatch(worker: string): void {
    this.allowance.delete(worker);
    this.last.delete(worker);
  }

  beat(worker: string): void {
    if (this.allowance.has(worker)) this.last.set(worker, this.clock.now());
  }

  /** Watched workers and how long ago each ticked; `stale` when past its allowance. */
  report(): { worker: string; agoMs: number; stale: boolean }[] {
    const now = this.clock.now();
    return [...this.allowance].map(([worker, staleMs]) => {
      const agoMs = now - (this.last.get(worker) ?? now);
      return { worker, agoMs, stale: agoMs > staleMs };
    });
  }
}
