import type { KnownBlock } from '@slack/types';
import type { DeliveryFigures } from '../domain/delivery-metrics.js';
import type { HealthFigures } from '../domain/health-metrics.js';
import { paginate, sections } from './drift-digest.js';
import { formatDuration } from './format.js';
import { shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** How far a target's deployed commit is behind its repo's default branch. */
export type VersionDrift =
  | { ok: true; branch: string; behind: number; oldestUndeployedAt: number | null; compareUrl: string }
  | { ok: false; reason: string };

/** A target that deploys its branch head by itself, and its newest candidate (issue 16). */
export interface AutoDeployHealth {
  branch: string;
  candidate?: { id: number; sha: string; state: string } | undefined;
}

export interface TargetHealth {
  targetKey: string;
  figures: HealthFigures;
  deployed: { sha: string; finishedAt: number; url: string } | null;
  version: VersionDrift | null;
  queue: { queued: number; pendingApproval: number };
  autoDeploy?: AutoDeployHealth | undefined;
}

export interface StackAttention {
  targetKey: string;
  stackName: string;
  stackStatus: string;
  kind: 'failed' | 'in_progress';
  reason: string | null;
  url: string | null;
}

/** A human hold on a target. Rendered when the locks issue provides them; the section is absent until then. */
export interface LockLine {
  targetKey: string;
  by: string;
  reason: string;
  since: number;
}

export interface HealthDigestInput {
  windowDays: number;
  now: number;
  overall: HealthFigures;
  phaseMedians: { phase: string; medianMs: number }[];
  targets: TargetHealth[];
  attention: StackAttention[];
  deadLetters: { count: number; oldestAt: number | null };
  locks?: LockLine[];
  /** Deploy lead time (commit → verified in production) and verification failures. */
  delivery?: DeliveryFigures;
  /** Things the digest could not check (GitHub or AWS unavailable…). */
  notChecked: string[];
  preview?: boolean;
}

export function pct(r: number | null): string {
  return r === null ? '—' : `${Math.round(r * 100)}%`;
}

function dur(ms: number | null): string {
  return ms === null ? '—' : formatDuration(ms);
}

function age(now: number, at: number): string {
  const h = (now - at) / 3_600_000;
  return h < 48 ? `${Math.max(0, Math.round(h))}h` : `${Math.round(h / 24)}d`;
}

function field(label: string, value: string): { type: 'mrkdwn'; text: string } {
  return { type: 'mrkdwn', text: clip(`*${label}*\n${value}`, LIMITS.sectionField) };
}

function targetEmoji(t: TargetHealth): string {
  if (t.figures.failingSince !== null) return ':red_circle:';
  if (t.figures.failed > 0 || (t.version?.ok && t.version.behind > 0)) return ':large_yellow_circle:';
  return ':large_green_circle:';
}

function targetLine(t: TargetHealth, now: number): string {
  const f = t.figures;
  const parts = [`${targetEmoji(t)} *${esc(t.targetKey)}*`];
  if (f.deployments === 0) parts.push('no deployments');
  else {
    parts.push(`${f.deployments} deploys · ${pct(f.successRate)} ok · CFR ${pct(f.changeFailureRate)}`);
    parts.push(`p50 ${dur(f.medianDurationMs)} / p90 ${dur(f.p90DurationMs)}`);
    if (f.recoveries) parts.push(`recovery ${dur(f.medianRecoveryMs)}`);
    if (f.rollbacks) parts.push(`${f.rollbacks} rollback${f.rollbacks === 1 ? '' : 's'}`);
  }
  if (f.failingSince !== null) parts.push(`:x: failing for ${age(now, f.failingSince)}`);
  if (t.deployed) parts.push(`running ${link(t.deployed.url, shortSha(t.deployed.sha))}`);
  else parts.push('never deployed by Coxswain');
  if (t.version?.ok) {
    parts.push(
      t.version.behind === 0
        ? `up to date with ${esc(t.version.branch)}`
        : `${link(t.version.compareUrl, `${t.version.behind} behind ${t.version.branch}`)}${t.version.oldestUndeployedAt ? ` (oldest ${age(now, t.version.oldestUndeployedAt)})` : ''}`,
    );
  } else if (t.version) parts.push(`version unknown: ${esc(t.version.reason)}`);
  if (t.autoDeploy) parts.push(autoDeployPart(t.autoDeploy));
  const q = t.queue.queued + t.queue.pendingApproval;
  if (q) parts.push(`${q} waiting`);
  return parts.join(' · ');
}

/** Version drift closes by itself here: say so, and what is on its way. */
function autoDeployPart(a: AutoDeployHealth): string {
  const c = a.candidate;
  const moving = c && !['succeeded', 'failed', 'cancelled', 'rejected', 'expired', 'superseded'].includes(c.state);
  return `:robot_face: auto-deploys ${esc(a.branch)}${moving ? ` · ${shortSha(c.sha)} on its way (#${c.id} ${c.state.replace('_', ' ')})` : ''}`;
}

/** The deployment health digest: overall figures, what needs attention now, then one line per target. */
export function healthDigest(input: HealthDigestInput): SlackMessage[] {
  const o = input.overall;
  const title = `Deployment health · last ${input.windowDays} days`;
  const queued = input.targets.reduce((n, t) => n + t.queue.queued + t.queue.pendingApproval, 0);
  const behind = input.targets.filter((t) => t.version?.ok && t.version.behind > 0).length;
  const text =
    `${input.preview ? '[preview] ' : ''}${title}: ${o.deployments} deployments · ${pct(o.successRate)} succeeded · ` +
    `change failure rate ${pct(o.changeFailureRate)} · median ${dur(o.medianDurationMs)} · p90 ${dur(o.p90DurationMs)} · ` +
    `recovery ${dur(o.medianRecoveryMs)} · ${o.rollbacks} rollbacks · ${input.attention.length} stacks need attention · ` +
    `${behind} targets behind · queue ${queued} · dead letters ${input.deadLetters.count}` +
    (input.delivery
      ? ` · lead time ${dur(input.delivery.medianLeadMs)} median, ${dur(input.delivery.p90LeadMs)} p90 · ${input.delivery.verificationFailures} verification failures`
      : '');

  const head: KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(title, LIMITS.header) } },
    {
      type: 'section',
      fields: [
        field('Deployments', `${o.deployments} (${o.succeeded} ok, ${o.failed} failed, ${o.cancelled} cancelled)`),
        field('Success rate', pct(o.successRate)),
        field('Change failure rate', pct(o.changeFailureRate)),
        field('Duration p50 / p90', `${dur(o.medianDurationMs)} / ${dur(o.p90DurationMs)}`),
        field('Time to recover', o.recoveries ? `${dur(o.medianRecoveryMs)} median, ${dur(o.maxRecoveryMs)} max` : '—'),
        field('Rollbacks', String(o.rollbacks)),
        field('Queue', `${queued} waiting`),
        field('Dead letters', input.deadLetters.count ? `:warning: ${input.deadLetters.count}` : '0'),
        ...(input.delivery
          ? [
              field(
                `Lead time (commit → verified in ${input.delivery.environments.join('/') || 'production'})`,
                input.delivery.leadTimes
                  ? `${dur(input.delivery.medianLeadMs)} median, ${dur(input.delivery.p90LeadMs)} p90 (${input.delivery.leadTimes} deploys)`
                  : '—',
              ),
              field(
                'Verification failures',
                input.delivery.verificationFailures ? `:warning: ${input.delivery.verificationFailures}` : '0',
              ),
            ]
          : []),
      ],
    },
  ];
  if (input.phaseMedians.length) {
    head.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: clip(
            `Median per phase: ${input.phaseMedians.map((p) => `${esc(p.phase)} ${dur(p.medianMs)}`).join(' · ')}`,
            LIMITS.sectionText,
          ),
        },
      ],
    });
  }

  const body: KnownBlock[] = [];
  if (input.attention.length) {
    body.push(
      ...sections([
        `*Stacks that need attention now (${input.attention.length})*`,
        ...input.attention.map((a) => {
          const name = a.url ? link(a.url, a.stackName) : `*${esc(a.stackName)}*`;
          const emoji = a.kind === 'failed' ? ':x:' : ':hourglass_flowing_sand:';
          return `${emoji} ${name} (${esc(a.targetKey)}) \`${esc(a.stackStatus)}\`${a.reason ? ` — ${esc(clip(a.reason, 200))}` : ''}`;
        }),
      ]),
    );
  }
  if (input.locks?.length) {
    body.push(
      ...sections([
        `*Locked targets (${input.locks.length})*`,
        ...input.locks.map(
          (l) => `:lock: *${esc(l.targetKey)}* by <@${l.by}> for ${age(input.now, l.since)} — ${esc(l.reason)}`,
        ),
      ]),
    );
  }
  body.push(...sections(['*Per target*', ...input.targets.map((t) => targetLine(t, input.now))]));
  if (input.notChecked.length) {
    body.push(
      ...sections([
        `*Could not check (${input.notChecked.length})*`,
        ...input.notChecked.map((n) => `:grey_question: ${esc(n)}`),
      ]),
    );
  }
  body.push({
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `${input.preview ? 'Preview, not posted. ' : ''}Success rate leaves cancelled deployments out; a deploy counts as a change failure when it failed or the next deployment was a rollback.${input.deadLetters.oldestAt ? ` Oldest dead letter: ${age(input.now, input.deadLetters.oldestAt)} ago.` : ''}`,
      },
    ],
  });
  return paginate(title, text, head, body);
}
