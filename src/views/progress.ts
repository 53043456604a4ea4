import type { EstimateBasis, Phase } from '../domain/estimates.js';
import type { Remaining } from '../domain/eta.js';
import { formatDuration, formatMinutes } from './format.js';
import { clip, esc, LIMITS, type SlackMessage } from './slack-message.js';

export interface ProgressInput {
  deploymentId: number;
  /** Phases of this deployment, in order, and the one running now. */
  phases: readonly Phase[];
  phase: Phase;
  /** Since the deployment started. */
  elapsedMs: number;
  /** Resources done / total in the change set, once it is known. */
  resources?: { done: number; total: number } | undefined;
  remaining: Remaining;
  /** The target, for the basis line ("api/production"). */
  targetKey?: string;
  /** What the build is doing now, e.g. a GitHub Actions job and step (views/actions-replies.ts runProgressLine). */
  detail?: string | undefined;
}

const PHASE_LABEL: Record<Phase, string> = {
  build: 'Building',
  changeset: 'Creating change set',
  stack_update: 'Updating stack',
};

const BAR_CELLS = 10;

/**
 * Share of the work done, by time: elapsed / (elapsed + expected remaining), in steps of 5% (finer would change the
 * reply on every poll for nothing). Never 100% while still running.
 */
export function progressPercent(elapsedMs: number, remaining: Remaining): number {
  const left = Math.max(0, remaining.expectedMs);
  const total = Math.max(0, elapsedMs) + left;
  if (total <= 0) return 0;
  const exact = (100 * Math.max(0, elapsedMs)) / total;
  return Math.min(95, Math.floor(exact / 5) * 5);
}

/**
 * What the bar shows. By time, unless the time estimate is weak (a default guess) and the change set's resources are
 * known: then by resources done / total. Never "0%" beside resources already done.
 */
export function honestPercent(
  elapsedMs: number,
  remaining: Remaining,
  resources?: { done: number; total: number },
): number {
  const byTime = progressPercent(elapsedMs, remaining);
  if (!resources || resources.total <= 0) return byTime;
  const byResources = Math.min(95, Math.floor((100 * resources.done) / resources.total / 5) * 5);
  if (remaining.basis === 'default') return byResources;
  return byTime === 0 && resources.done > 0 ? Math.max(5, byResources) : byTime;
}

/** `▰▰▰▰▱▱▱▱▱▱ 40%` */
export function progressBar(percent: number, cells = BAR_CELLS): string {
  const p = Math.min(100, Math.max(0, Math.round(percent)));
  const filled = Math.min(cells, Math.floor((p * cells) / 100));
  return `${'▰'.repeat(filled)}${'▱'.repeat(cells - filled)} ${p}%`;
}

/** "about 6 min left (range 4–9 min)", or "taking longer than usual" once past the high estimate. */
export function remainingText(r: Remaining): string {
  if (r.longerThanUsual) {
    return r.expectedMs > 0
      ? `taking longer than usual · then about ${formatMinutes(r.expectedMs)} for the remaining steps`
      : 'taking longer than usual';
  }
  if (r.highMs < 60_000) return 'less than a minute left';
  const about = r.expectedMs < 60_000 ? 'under a minute left' : `about ${formatMinutes(r.expectedMs)} left`;
  return `${about} (range ${rangeMinutes(r.lowMs, r.highMs)})`;
}

function rangeMinutes(lowMs: number, highMs: number): string {
  const lo = Math.floor(lowMs / 60_000);
  const hi = Math.max(lo + 1, Math.ceil(highMs / 60_000));
  return `${lo}–${hi} min`;
}

/**
 * Elapsed time in whole minutes: the reply then changes only when something visible changes (a minute, a percent,
 * a resource), so a caller can skip writing identical content every poll.
 */
export function elapsedText(ms: number): string {
  const m = Math.floor(Math.max(0, ms) / 60_000);
  if (m < 1) return 'under a minute';
  return m < 60 ? `${m} min` : formatDuration(m * 60_000);
}

/** How sure the estimate is, in words. */
export function basisText(basis: EstimateBasis, samples: number, targetKey?: string): string {
  switch (basis) {
    case 'target-history':
      return `Estimate from the last ${samples} successful deploys${targetKey ? ` of ${esc(targetKey)}` : ''} (median, p10–p90 range)`;
    case 'aws-history':
      return `No Coxswain deploys of this target yet: estimate from ${samples} past operations AWS remembers (weighed lower)`;
    case 'resource-types':
      return `Few deploys of this target yet: estimate from resource-type durations across all stacks (≥ ${samples} samples each)`;
    default:
      return 'No history yet: a default guess with a wide range';
  }
}

/** The one progress reply of a deployment, updated in place (key threadKeys.progress(id)). */
export function progressReply(input: ProgressInput): SlackMessage {
  const step = input.phases.indexOf(input.phase);
  const stepText = step >= 0 ? ` (step ${step + 1} of ${input.phases.length})` : '';
  const bar = progressBar(honestPercent(input.elapsedMs, input.remaining, input.resources));
  const left = remainingText(input.remaining);
  const res = input.resources ? ` · resources ${input.resources.done}/${input.resources.total} done` : '';
  const elapsed = `${elapsedText(input.elapsedMs)} elapsed`;
  const basis = basisText(input.remaining.basis, input.remaining.samples, input.targetKey);
  const icon = input.remaining.longerThanUsual ? ':hourglass:' : ':arrows_counterclockwise:';
  const line1 = `${icon} *${PHASE_LABEL[input.phase]}*${stepText} · ${elapsed}${res}`;
  const line2 = `\`${bar}\` ${left}${input.detail ? `\n${input.detail}` : ''}`;
  const text = `#${input.deploymentId} ${PHASE_LABEL[input.phase]}${stepText}: ${bar}, ${left}, ${elapsed}${res}`;
  return {
    text: clip(text, LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(`${line1}\n${line2}`, LIMITS.sectionText) } },
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(basis, LIMITS.sectionText) }] },
    ],
  };
}

/**
 * The progress reply once the deployment has ended: the bar no longer claims work is left ("5% · about 3 min left"
 * beside "Deployed" would be a lie); the result reply below says what happened.
 */
export function progressFinishedReply(input: {
  deploymentId: number;
  outcome: 'succeeded' | 'failed' | 'cancelled';
  elapsedMs: number;
}): SlackMessage {
  const took = formatDuration(Math.max(0, input.elapsedMs));
  const line =
    input.outcome === 'succeeded'
      ? `:white_check_mark: *Done* in ${took} \`${progressBar(100)}\``
      : `:black_square_for_stop: *Stopped* after ${took} (${input.outcome}) · see the result below`;
  return {
    text: clip(
      `#${input.deploymentId} ${input.outcome === 'succeeded' ? 'done' : 'stopped'} after ${took}`,
      LIMITS.fallbackText,
    ),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: clip(line, LIMITS.sectionText) } }],
  };
}
