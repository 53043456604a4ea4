/** Verification after the stack update, pure: what the service must answer, and how to describe what it did. */

export interface SmokeCheck {
  url: string;
  status: number;
  contains?: string | undefined;
}

/** `{sha}` = the full SHA, `{shortSha}` = its first 7 characters. */
export function expectedText(expect: string, sha: string): string {
  return expect.replace(/\{sha\}/g, sha).replace(/\{shortSha\}/g, sha.slice(0, 7));
}

function excerpt(body: string, max = 200): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max)}…`;
}

/**
 * What the service served instead: a commit SHA when the body names one (then its short form), else the first
 * 200 characters. `knownShas` (the repo's SHAs Coxswain deployed) lets a 7-character match name the full commit.
 */
export function describeServed(body: string, knownShas: readonly string[] = []): string {
  const hex = body.match(/\b[0-9a-f]{7,40}\b/g) ?? [];
  for (const h of hex) {
    const known = knownShas.find((s) => s.startsWith(h) || h.startsWith(s));
    if (known || h.length === 40) return (known ?? h).slice(0, 7);
  }
  const first = hex[0];
  if (first && body.trim().length <= 64) return first.slice(0, 7);
  const text = excerpt(body);
  return text === '' ? 'an empty body' : `“${text}”`;
}

export type ProbeView = { ok: true; status: number; body: string } | { ok: false; error: string };

/** One line for the log of a verify poll: "200: v3.3.5" / "no answer within 5 s". */
export function seenLine(r: ProbeView): string {
  return r.ok ? `${r.status}: ${excerpt(r.body, 200)}` : r.error;
}

export function isServing(r: ProbeView, expected: string): boolean {
  return r.ok && r.status >= 200 && r.status < 300 && r.body.includes(expected);
}

/** Undefined when the smoke check passed, else why it did not, with its status and a body excerpt. */
export function smokeFailure(check: SmokeCheck, r: ProbeView): string | undefined {
  if (!r.ok) return `smoke check ${check.url} failed: ${r.error}`;
  if (r.status !== check.status) {
    return `smoke check ${check.url} answered ${r.status} (expected ${check.status}): ${excerpt(r.body) || 'empty body'}`;
  }
  if (check.contains !== undefined && !r.body.includes(check.contains)) {
    return `smoke check ${check.url} answered ${r.status} without “${check.contains}”: ${excerpt(r.body) || 'empty body'}`;
  }
  return undefined;
}
