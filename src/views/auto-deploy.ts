import { commitUrl, compareUrl, type RepoRef, shortSha } from './links.js';
import { clip, esc, LIMITS, link, type SlackMessage } from './slack-message.js';

/** Thread replies and channel notes of auto-deploy (issue 16). Pure: everything shown comes in as arguments. */

export interface AutoDeployNoteInput {
  sha: string;
  branch: string;
  repo: RepoRef;
  githubWeb: string;
  /** How many commits this deploy brings over what the target runs (undefined: unknown), and their first lines. */
  commits: { count: number | undefined; messages: string[]; base?: string | undefined };
  /** The Slack user the GitHub login maps to (config github.users), else the login itself. */
  who: { slackUser?: string | undefined; login: string | null; verb: 'pushed' | 'authored' };
}

const MESSAGES_SHOWN = 3;

function whoText(w: AutoDeployNoteInput['who']): string {
  if (w.slackUser) return `${w.verb} by <@${w.slackUser}>`;
  if (w.login) return `${w.verb} by GitHub user \`${w.login}\``;
  return '';
}

/** "Auto-deploy of abc1234 (3 commits: fix a; add b; …) pushed by @user". */
export function autoDeployNote(i: AutoDeployNoteInput): SlackMessage {
  const sha = link(commitUrl(i.githubWeb, i.repo, i.sha), shortSha(i.sha));
  const { count, messages, base } = i.commits;
  const shown = messages.slice(0, MESSAGES_SHOWN).map((m) => esc(clip(m.split('\n')[0] ?? '', 72)));
  const more = count !== undefined && count > shown.length ? '; …' : '';
  const label = count === undefined ? '' : `${count} commit${count === 1 ? '' : 's'}`;
  const listed = base && label ? link(compareUrl(i.githubWeb, i.repo, base, i.sha), label) : label;
  const what = listed ? ` (${listed}${shown.length ? `: ${shown.join('; ')}${more}` : ''})` : '';
  const who = whoText(i.who);
  const body = `:robot_face: Auto-deploy of ${sha}${what}${who ? ` ${who}` : ''} — the head of \`${esc(i.branch)}\`.`;
  return { text: clip(body, LIMITS.sectionText) };
}

/** In the older candidate's thread: it never started, and which newer one replaced it. */
export function supersededNote(by: { id: number; sha: string }, branch: string): SlackMessage {
  return {
    text: `:fast_forward: Superseded by #${by.id} (${shortSha(by.sha)}), a newer head of \`${esc(branch)}\`; this one never started.`,
  };
}

/** Posted once in the environment's channel (not per poll) when the branch head is red or may not deploy. */
export function heldHeadNote(i: {
  target: string;
  sha: string;
  branch: string;
  repo: RepoRef;
  githubWeb: string;
  reason: string;
}): SlackMessage {
  const sha = link(commitUrl(i.githubWeb, i.repo, i.sha), shortSha(i.sha));
  return {
    text: clip(
      `:red_circle: Not auto-deploying ${sha} (head of \`${esc(i.branch)}\`) to ${esc(i.target)}: ${i.reason} The next push is tried again.`,
      LIMITS.sectionText,
    ),
  };
}
