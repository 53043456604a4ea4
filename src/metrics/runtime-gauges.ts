/**
 * Gauges read at scrape time from the database and the runtime's own objects: queue depth and oldest wait per
 * target, active deployments, outbox depth / oldest undelivered / dead letters, AWS budget tokens. One registry per
 * runtime, merged with the process registry by metricsText().
 */
import { Gauge, Registry } from 'prom-client';
import type { Clock } from '../app/clock.js';
import type { GaugesRepo } from '../store/gauges-repo.js';
import { registry } from './registry.js';

export interface GaugeSources {
  gauges: GaugesRepo;
  clock: Clock;
  /** Tokens left in the shared AWS budget (AwsBudget.available). */
  awsBudgetTokens?: () => number;
}

export function runtimeGauges(src: GaugeSources): Registry {
  const reg = new Registry();
  const { gauges, clock } = src;

  new Gauge({
    name: 'coxswain_queue_depth',
    help: 'Deployments waiting per target, by state (waiting_checks, pending_approval, queued)',
    labelNames: ['target', 'state'] as const,
    registers: [reg],
    collect() {
      this.reset();
      for (const r of gauges.waiting()) this.set({ target: r.target, state: r.state }, r.n);
    },
  });
  new Gauge({
    name: 'coxswain_queue_oldest_wait_seconds',
    help: 'How long the oldest waiting deployment of each target has waited',
    labelNames: ['target', 'state'] as const,
    registers: [reg],
    collect() {
      this.reset();
      const now = clock.now();
      for (const r of gauges.waiting()) {
        this.set({ target: r.target, state: r.state }, Math.max(0, (now - r.oldest) / 1000));
      }
    },
  });
  new Gauge({
    name: 'coxswain_active_deployments',
    help: 'Deployments building, deploying or cancelling, per target',
    labelNames: ['target'] as const,
    registers: [reg],
    collect() {
      this.reset();
      for (const r of gauges.active()) this.set({ target: r.target }, r.n);
    },
  });
  const outboxRow = () => gauges.outbox();
  new Gauge({
    name: 'coxswain_outbox_depth',
    help: 'Slack messages waiting to be delivered',
    registers: [reg],
    collect() {
      this.set(outboxRow().depth);
    },
  });
  new Gauge({
    name: 'coxswain_outbox_oldest_undelivered_seconds',
    help: 'Age of the oldest Slack message not delivered yet (0 when none)',
    registers: [reg],
    collect() {
      const oldest = outboxRow().oldest;
      this.set(oldest === null ? 0 : Math.max(0, (clock.now() - oldest) / 1000));
    },
  });
  new Gauge({
    name: 'coxswain_outbox_dead_letters',
    help: 'Slack messages in the dead letter (coxswain outbox list)',
    registers: [reg],
    collect() {
      this.set(outboxRow().dead);
    },
  });
  const tokens = src.awsBudgetTokens;
  if (tokens) {
    new Gauge({
      name: 'coxswain_aws_budget_tokens',
      help: 'Tokens left in the shared AWS request budget (negative: callers are waiting for their slot)',
      registers: [reg],
      collect() {
        this.set(tokens());
      },
    });
  }
  return reg;
}

/** The whole exposition: process registry + this runtime's gauges. */
export async function metricsText(runtime: Registry): Promise<string> {
  return Registry.merge([registry, runtime]).metrics();
}
