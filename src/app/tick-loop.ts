import { observedTick, type TickObserver } from '../metrics/instrument.js';
import { logError } from './log-error.js';
import type { Logger } from './logger.js';

export interface TickLoopOptions {
  /** The pause after a tick ends, before the next one starts. */
  intervalMs: number;
  logger: Logger;
  /** The log message of a tick that threw (the loop goes on). */
  failed: string;
  /** Told after every tick of the production loop (metrics and /readyz liveness). */
  onTick?: TickObserver | undefined;
}

/**
 * The production loop of a background worker (the outbox, the GitHub statuses), which extends it with its one pass
 * of work (`runTick`): `tick()` for tests and the loop, ticks never overlap, an error is logged and the next tick
 * still comes, `stop()` waits for the tick in progress.
 */
export abstract class TickLoop {
  // ES private fields: the workers extending this class keep their own names.
  #current: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = false;
  readonly #o: TickLoopOptions;

  constructor(o: TickLoopOptions) {
    this.#o = o;
  }

  /** One pass of the work; the loop never runs two at once. */
  protected abstract runTick(): Promise<void>;

  tick(): Promise<void> {
    this.#current ??= this.runTick().finally(() => {
      this.#current = undefined;
    });
    return this.#current;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const loop = async (): Promise<void> => {
      try {
        await observedTick(this.#o.onTick, () => this.tick());
      } catch (err) {
        logError(this.#o.logger, err, {}, this.#o.failed);
      }
      if (this.#running) this.#timer = setTimeout(loop, this.#o.intervalMs);
    };
    this.#timer = setTimeout(loop, 0);
  }

  /** Stops the loop and waits for the tick in progress, so nothing is left half-recorded. */
  async stop(): Promise<void> {
    this.#running = false;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#current;
  }
}
