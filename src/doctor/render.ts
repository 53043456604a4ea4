import type { KnownBlock } from '@slack/types';
import type { SlackMessage } from '../views/slack-message.js';
import type { CheckResult, CheckStatus } from './check.js';
import type { DoctorReport } from './runner.js';

const MARK: Record<CheckStatus, string> = { ok: '✓', warn: '⚠', fail: '✗' };

function summary(r: DoctorReport): string {
  const { ok, warn, fail } = r.counts;
  return `${ok} ok, ${warn} warning(s), ${fail} failure(s)${r.ok ? '' : ' — fix the ✗ lines before deploying'}`;
}

function groups(results: CheckResult[]): Map<string, CheckResult[]> {
  const out = new Map<string, CheckResult[]>();
  for (const r of results) out.set(r.area, [...(out.get(r.area) ?? []), r]);
  return out;
}

/** Text for a terminal: one line per check, the fix indented under every ⚠ and ✗. */
export function renderText(r: DoctorReport): string {
  const lines: string[] = [];
  for (const [area, results] of groups(r.results)) {
    lines.push(area);
    for (const c of results) {
      lines.push(`  ${MARK[c.status]} ${c.name}: ${c.detail}`);
      if (c.fix && c.status !== 'ok') lines.push(`      fix: ${c.fix}`);
    }
  }
  lines.push('', summary(r));
  return lines.join('\n');
}

export function renderJson(r: DoctorReport): string {
  return JSON.stringify(r, null, 2);
}

const SECTION_MAX = 2900;

/** Slack (/deploy-status doctor): one section per area, under Block Kit's 3000-character section limit. */
export function renderSlack(r: DoctorReport): SlackMessage {
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: r.ok ? 'Coxswain doctor: ready' : 'Coxswain doctor: problems found' },
    },
  ];
  for (const [area, results] of groups(r.results)) {
    let body = `*${area}*`;
    for (const c of results) {
      const line = `\n${MARK[c.status]} ${c.name}: ${c.detail}${c.fix && c.status !== 'ok' ? `\n      _fix:_ ${c.fix}` : ''}`;
      if (body.length + line.length > SECTION_MAX) {
        body += '\n… (run `coxswain doctor` for the full list)';
        break;
      }
      body += line;
    }
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: body } });
  }
  blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: summary(r) }] });
  return { text: `Coxswain doctor: ${summary(r)}`, blocks: blocks.slice(0, 50) };
}
