import type { KnownBlock } from '@slack/types';
import { type ApprovalPolicy, eligibleApprovers, mention } from '../domain/approval-rules.js';
import type { CompareResult } from '../domain/compare.js';
import type { Deployment } from '../domain/deployment.js';
import { type ChangeSetSummary, statefulRisks } from '../domain/stateful-resources.js';
import { commitUrl, compareUrl, type RepoRef, shortSha } from './links.js';
import { requester } from './requester.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

export const APPROVE_ACTION = 'deploy_approve';
export const REJECT_ACTION = 'deploy_reject';
const SHOWN_COMMITS = 10;

export interface ApprovalView {
  deployment: Deployment;
  repo: RepoRef;
  githubWeb: string;
  policy: ApprovalPolicy;
  /** SHA running on the target now; undefined for a first deployment. */
  currentSha?: string | undefined;
  commits?: CompareResult | null | undefined;
  changes?: ChangeSetSummary | null | undefined;
  approvedBy: readonly string[];
  expiresAt: number;
}

export type ApprovalOutcomeView =
  | { outcome: 'approved'; by: readonly string[]; at: number }
  | { outcome: 'rejected'; by: string; at: number }
  | { outcome: 'expired'; at: number }
  | { outcome: 'cancelled'; at: number };

/** "14:02 UTC" in the fallback text; Slack shows the <!date> token in each reader's own time zone. */
export function clockTime(at: number): { mrkdwn: string; plain: string } {
  const plain = `${new Date(at).toISOString().slice(11, 16)} UTC`;
  return { mrkdwn: `<!date^${Math.floor(at / 1000)}^{time}|${plain}>`, plain };
}

/** The actions block id carries the SHA shown, so a click is bound to exactly what the approver saw. */
/** Approve / Reject for one request; the block id binds a click to the SHA shown (thread and Home tab alike). */
export function approvalActions(d: { id: number; sha: string }): KnownBlock {
  return {
    type: 'actions',
    block_id: approvalBlockId(d.id, d.sha),
    elements: [
      {
        type: 'button',
        action_id: APPROVE_ACTION,
        style: 'primary',
        text: { type: 'plain_text', text: 'Approve' },
        value: String(d.id),
      },
      {
        type: 'button',
        action_id: REJECT_ACTION,
        style: 'danger',
        text: { type: 'plain_text', text: 'Reject' },
        value: String(d.id),
      },
    ],
  };
}

export function approvalBlockId(deploymentId: number, sha: string): string {
  return `approval:${deploymentId}:${sha}`;
}

export function shaFromBlockId(blockId: string | undefined): string | undefined {
  const m = /^approval:\d+:([0-9a-f]{7,40})$/.exec(blockId ?? '');
  return m?.[1];
}

function commitLines(v: ApprovalView): string {
  const c = v.commits;
  if (!v.currentSha) return '_First deployment to this target: no previous commit to compare with._';
  if (!c) return `_Could not list the commits since ${shortSha(v.currentSha)} (GitHub did not answer)._`;
  if (c.totalCommits === 0)
    return `_No new commits since ${shortSha(v.currentSha)}${c.behindBy > 0 ? ` (this goes back ${c.behindBy} commits)` : ''}._`;
  const lines = c.commits.slice(0, SHOWN_COMMITS).map((k) => {
    const who = k.author ? ` — ${esc(k.author)}` : '';
    return `• ${link(commitUrl(v.githubWeb, v.repo, k.sha), shortSha(k.sha))} ${esc(clip(k.message, 120))}${who}`;
  });
  const more = c.totalCommits - Math.min(SHOWN_COMMITS, c.commits.length);
  const compare = link(compareUrl(v.githubWeb, v.repo, v.currentSha, v.deployment.sha), 'compare');
  const order = c.commits.length > 1 ? ', newest first' : '';
  const head = `*${c.totalCommits} commit${c.totalCommits === 1 ? '' : 's'} since ${shortSha(v.currentSha)}* (${compare}${order})`;
  return [head, ...lines, ...(more > 0 ? [`…and ${more} older`] : [])].join('\n');
}

function changeBlocks(changes: ChangeSetSummary | null | undefined): KnownBlock[] {
  if (!changes) return [];
  const blocks: KnownBlock[] = [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `Change set: ${changes.add} to add · ${changes.modify} to modify · ${changes.remove} to remove`,
        },
      ],
    },
  ];
  const risks = statefulRisks(changes);
  if (risks.length > 0) {
    const list = risks.map((r) => `• *${esc(r.logicalId)}* (${esc(r.type)}) — *${r.why}*`).join('\n');
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: clip(
          `:rotating_light: *Stateful resources at risk: their data may be lost.*\n${list}`,
          LIMITS.sectionText,
        ),
      },
    });
  }
  return blocks;
}

function header(v: ApprovalView): string {
  const d = v.deployment;
  const verb = d.kind === 'rollback' ? 'Rollback' : 'Deploy';
  const sha = link(commitUrl(v.githubWeb, v.repo, d.sha), shortSha(d.sha));
  return `*${verb} #${d.id}* ${esc(d.service)} → ${esc(d.environment)} · ${sha} · requested by ${requester(d.requestedBy)}`;
}

/** The approval request reply: what would ship, what it changes, and the two buttons. */
export function approvalRequest(v: ApprovalView): SlackMessage {
  const d = v.deployment;
  const need = v.policy.requiredApprovals;
  const eligible = eligibleApprovers(v.policy, d.requestedBy);
  const progress =
    v.approvedBy.length > 0 ? ` · approved by ${mention(v.approvedBy)} (${v.approvedBy.length} of ${need})` : '';
  const who = `:raised_hand: Needs ${need} approval${need === 1 ? '' : 's'} from ${mention(eligible)}${progress} · expires ${clockTime(v.expiresAt).mrkdwn}`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: clip(header(v), LIMITS.sectionText) } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(commitLines(v), LIMITS.sectionText) } },
    ...changeBlocks(v.changes),
    { type: 'context', elements: [{ type: 'mrkdwn', text: clip(who, LIMITS.sectionText) }] },
  ];
  if (eligible.length < need) {
    blocks.push({
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: ':warning: Not enough approvers other than the requester: this request cannot be approved.',
        },
      ],
    });
  }
  blocks.push(approvalActions(d));
  const risky = v.changes && statefulRisks(v.changes).length > 0 ? ' · WARNING: stateful resources at risk' : '';
  const text = `Approval needed: ${d.kind === 'rollback' ? 'rollback' : 'deploy'} #${d.id} ${d.service} → ${d.environment} · ${shortSha(d.sha)}${risky}`;
  return { text: clip(text, LIMITS.fallbackText), blocks };
}

export function outcomeLine(o: ApprovalOutcomeView): { mrkdwn: string; plain: string } {
  const t = clockTime(o.at);
  switch (o.outcome) {
    case 'approved': {
      const by = o.by.map((u) => `<@${u}>`).join(', ');
      return {
        mrkdwn: `:white_check_mark: Approved by ${by} at ${t.mrkdwn}`,
        plain: `Approved by ${by} at ${t.plain}`,
      };
    }
    case 'rejected':
      return {
        mrkdwn: `:no_entry: Rejected by <@${o.by}> at ${t.mrkdwn}`,
        plain: `Rejected by <@${o.by}> at ${t.plain}`,
      };
    case 'expired':
      return {
        mrkdwn: `:alarm_clock: Expired at ${t.mrkdwn}: nobody approved in time`,
        plain: `Expired at ${t.plain}`,
      };
    case 'cancelled':
      return { mrkdwn: `:no_entry_sign: Cancelled at ${t.mrkdwn}`, plain: `Cancelled at ${t.plain}` };
  }
}

/** The same reply after a decision: the buttons are gone and the outcome says who and when. */
export function approvalDecided(v: ApprovalView, o: ApprovalOutcomeView): SlackMessage {
  const line = outcomeLine(o);
  const d = v.deployment;
  return {
    text: clip(
      `${d.kind === 'rollback' ? 'Rollback' : 'Deploy'} #${d.id} ${d.service} → ${d.environment} · ${shortSha(d.sha)}: ${line.plain}`,
      LIMITS.fallbackText,
    ),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(header(v), LIMITS.sectionText) } },
      { type: 'section', text: { type: 'mrkdwn', text: clip(commitLines(v), LIMITS.sectionText) } },
      ...changeBlocks(v.changes),
      { type: 'section', text: { type: 'mrkdwn', text: clip(line.mrkdwn, LIMITS.sectionText) } },
    ],
  };
}
