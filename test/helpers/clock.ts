import type { Clock } from '../../src/app/clock.js';

/** A clock that only moves when the test says so. */
export class FakeClock implements Clock {
  constructor(private t = Date.UTC(2026, 10, 22, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(t: number): void {
    this.t = t;
  }
}
