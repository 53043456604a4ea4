/**
 * Git ref validation, stricter than `git check-ref-format`: a ref typed in Slack travels to GitHub's API and into
 * logs and messages, so only a small safe charset is accepted and every rejection names what is wrong.
 */
export const MAX_REF_LENGTH = 200;

export type RefCheck = { ok: true; ref: string } | { ok: false; message: string };

const SAFE = /^[A-Za-z0-9._/-]+$/;
const HINT = 'A ref may use letters, digits, `.`, `_`, `/` and `-`.';

/** How to name a character in a message without echoing anything that could break mrkdwn. */
function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 'a control character';
  if (/\s/u.test(ch)) return 'a space';
  if (ch === '`') return 'a backtick';
  if (/^[\x21-\x7e]$/.test(ch)) return `\`${ch}\``;
  return `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

function refuse(reason: string): RefCheck {
  return { ok: false, message: `That is not a valid git ref: ${reason}. ${HINT}` };
}

export function checkRef(ref: string): RefCheck {
  if (ref.length === 0) return refuse('it is empty');
  if (ref.length > MAX_REF_LENGTH) return refuse(`it is longer than ${MAX_REF_LENGTH} characters`);
  if (!SAFE.test(ref)) {
    const bad = [...ref].find((ch) => !SAFE.test(ch)) ?? '?';
    return refuse(`it contains ${describeChar(bad)}`);
  }
  if (ref.startsWith('-')) return refuse('it starts with `-`');
  if (ref.startsWith('/')) return refuse('it starts with `/`');
  if (ref.endsWith('/')) return refuse('it ends with `/`');
  if (ref.endsWith('.')) return refuse('it ends with `.`');
  if (ref.includes('//')) return refuse('it contains `//`');
  if (ref.includes('..')) return refuse('it contains `..`');
  for (const part of ref.split('/')) {
    if (part.startsWith('.')) return refuse('a part of it starts with `.`');
    if (part.endsWith('.lock')) return refuse('a part of it ends with `.lock`');
  }
  return { ok: true, ref };
}

/** A full or abbreviated commit SHA (what users paste from GitHub). */
export function looksLikeSha(ref: string): boolean {
  return /^[0-9a-f]{7,40}$/i.test(ref);
}
