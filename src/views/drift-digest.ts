import type { KnownBlock } from '@slack/types';
import type { DriftComparison, MarkedStack } from '../domain/drift-diff.js';
import { cfnStackUrl } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/**
 * Splits lines into section blocks of at most 3,000 characters each (a single over-long line is clipped).
 * Shared by both digest views.
 */
export function sections(lines: readonly string[], max: number = LIMITS.sectionText): KnownBlock[] {
  const out: KnownBlock[] = [];
  let cur = '';
  const flush = () => {
    if (cur) out.push({ type: 'section', text: { type: 'mrkdwn', text: cur } });
    cur = '';
  };
  for (const raw of lines) {
    const line = clip(raw, max);
    if (cur && cur.length + 1 + line.length > max) flush();
    cur = cur ? `${cur}\n${line}` : line;
  }
  flush();
  return out;
}

/**
 * Lays a digest out as one parent message plus thread replies: the head and as much of the body as fits
 * in the parent, the rest in replies of at most 50 blocks. Returns [parent, ...replies].
 */
export function paginate(title: string, text: string, head: KnownBlock[], body: KnownBlock[]): SlackMessage[] {
  const max = LIMITS.blocksPerMessage;
  const room = max - head.length;
  if (body.length <= room) return [{ text: clip(text, LIMITS.fallbackText), blocks: [...head, ...body] }];
  const inParent = body.slice(0, room - 1);
  const rest = body.slice(room - 1);
  const chunks: KnownBlock[][] = [];
  for (let i = 0; i < rest.length; i += max) chunks.push(rest.slice(i, i + max));
  const more: KnownBlock = {
    type: 'context',
    elements: [
      {
        type: 'mrkdwn',
        text: `:thread: ${chunks.length === 1 ? 'One more part' : `${chunks.length} more parts`} in the thread.`,
      },
    ],
  };
  const parent: SlackMessage = { text: clip(text, LIMITS.fallbackText), blocks: [...head, ...inParent, more] };
  return [
    parent,
    ...chunks.map((blocks, i) => ({ text: `${title} (continued, part ${i + 2} of ${chunks.length + 1})`, blocks })),
  ];
}

export interface DriftDigestInput {
  comparison: DriftComparison;
  /** When the compared-with digest ran (ms), if there is one. */
  baselineAt?: number | null;
  /** Region for console links when a stack's target does not name one. */
  defaultRegion?: string;
  /** Set when the run stopped early: what could not be checked and why. */
  incomplete?: string | null;
  preview?: boolean;
}

const MARK_EMOJI: Record<string, string> = { new: ' :new:', changed: ' :arrows_counterclockwise:', same: '' };

function stackLabel(s: MarkedStack, defaultRegion: string | undefined): string {
  const region = s.region ?? defaultRegion;
  const name = region
    ? link(cfnStackUrl(region, s.stackId ?? s.stackName, 'stackinfo'), s.stackName)
    : `*${esc(s.stackName)}*`;
  return `${name} (${esc(s.targetKey)})`;
}

function driftedLines(s: MarkedStack, defaultRegion: string | undefined): string[] {
  const n = s.marked.length;
  const lines = [
    `:warning: ${stackLabel(s, defaultRegion)}${MARK_EMOJI[s.mark] ?? ''} · ${n} resource${n === 1 ? '' : 's'} drifted`,
  ];
  for (const r of s.marked) {
    lines.push(`• \`${esc(r.logicalId)}\` ${esc(r.resourceType)}${MARK_EMOJI[r.mark] ?? ''} — ${esc(r.summary)}`);
  }
  if (s.resolvedResources.length > 0) {
    lines.push(`• back in sync: ${s.resolvedResources.map((id) => `\`${esc(id)}\``).join(', ')}`);
  }
  return lines;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The drift digest: parent message first, thread replies after. Short when nothing changed. */
export function driftDigest(input: DriftDigestInput): SlackMessage[] {
  const { comparison: c, defaultRegion } = input;
  const inSync = c.stacks.filter((s) => s.status === 'IN_SYNC');
  const drifted = c.stacks.filter((s) => s.status === 'DRIFTED');
  const unknown = c.stacks.filter((s) => s.status === 'UNKNOWN');
  // Without an earlier digest every drift is news: show it all in full.
  const moved = c.hasBaseline ? drifted.filter((s) => s.mark !== 'same') : drifted;
  const still = c.hasBaseline ? drifted.filter((s) => s.mark === 'same') : [];
  const resolved = inSync.filter((s) => s.mark === 'resolved');
  const newCount = drifted.filter((s) => s.mark === 'new').length;
  const changedCount = drifted.filter((s) => s.mark === 'changed').length;
  const title = 'CloudFormation drift';
  const allGood = drifted.length === 0 && unknown.length === 0;

  const text =
    `${input.preview ? '[preview] ' : ''}${title}: ${plural(c.stacks.length, 'stack')} · ${inSync.length} in sync · ` +
    `${drifted.length} drifted${c.hasBaseline ? ` (${newCount} new, ${changedCount} changed)` : ''} · ${unknown.length} unknown` +
    `${resolved.length ? ` · ${resolved.length} back in sync` : ''}${input.incomplete ? ' · incomplete' : ''}`;

  const emoji =
    input.incomplete || unknown.length ? ':grey_question:' : drifted.length ? ':warning:' : ':white_check_mark:';
  const head: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(`${title} · ${plural(c.stacks.length, 'stack')}`, LIMITS.header) },
    },
  ];
  if (allGood && !c.anyChange && !input.incomplete) {
    head.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `${emoji} ${c.stacks.length === 1 ? '1 stack' : `All ${c.stacks.length} stacks`} in sync.`,
      },
    });
  } else {
    head.push({
      type: 'section',
      fields: [
        { type: 'mrkdwn', text: `*:white_check_mark: In sync*\n${inSync.length}` },
        {
          type: 'mrkdwn',
          text: `*:warning: Drifted*\n${drifted.length}${c.hasBaseline ? ` (${newCount} new, ${changedCount} changed)` : ''}`,
        },
        { type: 'mrkdwn', text: `*:grey_question: Unknown*\n${unknown.length}` },
        { type: 'mrkdwn', text: `*:sparkles: Back in sync*\n${resolved.length}` },
      ],
    });
  }
  if (input.incomplete) {
    head.push({
      type: 'section',
      text: { type: 'mrkdwn', text: clip(`:construction: ${esc(input.incomplete)}`, LIMITS.sectionText) },
    });
  }
  const since = c.hasBaseline
    ? input.baselineAt
      ? `Marks compare with the digest of ${new Date(input.baselineAt).toISOString().slice(0, 16).replace('T', ' ')} UTC.`
      : 'Marks compare with the last digest.'
    : 'First drift digest: nothing to compare with yet.';
  head.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `${input.preview ? 'Preview, not posted. ' : ''}${since}` }],
  });

  const body: KnownBlock[] = [];
  for (const s of moved) body.push(...sections(driftedLines(s, defaultRegion)));
  if (unknown.length) {
    body.push(
      ...sections([
        `*Could not check (${unknown.length})*`,
        ...unknown.map(
          (s) =>
            `:grey_question: ${stackLabel(s, defaultRegion)}${MARK_EMOJI[s.mark] ?? ''} — ${esc(s.reason ?? 'unknown')}`,
        ),
      ]),
    );
  }
  if (still.length) {
    body.push(
      ...sections([
        `*Still drifted, unchanged (${still.length})*`,
        ...still.map((s) => `• ${stackLabel(s, defaultRegion)} · ${plural(s.marked.length, 'resource')}`),
      ]),
    );
  }
  if (resolved.length) {
    body.push(
      ...sections([
        `*:sparkles: Back in sync (${resolved.length})*`,
        ...resolved.map((s) => `• ${stackLabel(s, defaultRegion)}`),
      ]),
    );
  }
  return paginate(title, text, head, body);
}
