/** Deploy lead time, pure: commit time → verified serving in production (median and p90). */
import { median, percentile } from './health-metrics.js';

export interface LeadTimeSample {
  environment: string;
  committedAt: number;
  finishedAt: number;
}

export interface DeliveryFigures {
  leadTimes: number;
  medianLeadMs: number | null;
  p90LeadMs: number | null;
  /** Which environments the lead time is measured to. */
  environments: string[];
  verificationFailures: number;
}

const PRODUCTION = /^(prod|production)$/;

/**
 * Lead time is measured to production: environments named `production` or `prod`; with none of those
 * configured, to every environment (a team with only `staging` still sees a figure, labelled as such).
 */
export function deliveryFigures(
  samples: readonly LeadTimeSample[],
  configuredEnvironments: readonly string[],
  verificationFailures: number,
): DeliveryFigures {
  const prod = [...new Set(configuredEnvironments.filter((e) => PRODUCTION.test(e)))];
  const environments = prod.length > 0 ? prod : [...new Set(configuredEnvironments)];
  const times = samples
    .filter((s) => environments.includes(s.environment))
    .map((s) => Math.max(0, s.finishedAt - s.committedAt));
  return {
    leadTimes: times.length,
    medianLeadMs: median(times),
    p90LeadMs: percentile(times, 90),
    environments,
    verificationFailures,
  };
}
