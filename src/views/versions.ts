import type { KnownBlock } from '@slack/types';
import { commitUrl, compareUrl, type RepoRef, shortSha } from './links.js';
import { clip, esc, LIMITS, link } from './slack-message.js';

/** One environment's version for /deploy-status and how far it is behind what it follows (issue 16). */
export interface EnvVersion {
  environment: string;
  repo: RepoRef;
  /** What it runs (its last successful deployment), if anything. */
  sha: string | undefined;
  /** What it follows: the environment it promotes from, or the branch it auto-deploys. */
  source?: {
    label: string;
    sha?: string | undefined;
    /** Commits the source has that this environment does not run; undefined: GitHub could not say. */
    behind: number | undefined;
  };
}

function envLine(v: EnvVersion, web: string): string {
  const running = v.sha ? link(commitUrl(web, v.repo, v.sha), shortSha(v.sha)) : 'nothing yet';
  if (!v.source) return `${esc(v.environment)} ${running}`;
  const s = v.source;
  let gap: string;
  if (!v.sha || (s.behind === undefined && !s.sha)) gap = '';
  else if (s.behind === 0) gap = ` (up to date with ${esc(s.label)})`;
  else if (s.behind === undefined) gap = ` (behind ${esc(s.label)}: unknown)`;
  else {
    const label = `${s.behind} behind ${s.label}`;
    gap = ` (${s.sha ? link(compareUrl(web, v.repo, v.sha, s.sha), label) : esc(label)})`;
  }
  return `${esc(v.environment)} ${running}${gap}`;
}

/** "*api:* staging a1b2c3d (2 behind main) · production 0f0f0f0 (3 behind staging)", one line per service. */
export function versionsBlock(services: { service: string; envs: EnvVersion[] }[], web: string): KnownBlock {
  const lines = services.map((s) => `*${esc(s.service)}:* ${s.envs.map((e) => envLine(e, web)).join(' · ')}`);
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: clip(`*Versions*\n${lines.join('\n')}`, LIMITS.sectionText) },
  };
}
