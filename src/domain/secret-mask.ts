/**
 * Log lines that look like they carry a secret. Build logs echo environment and commands; a line that names a
 * password, token or key, or holds something shaped like an AWS key id, a Slack or GitHub token, a JWT or a private
 * key, is replaced as a whole: a partial mask would still leak a secret's length or a suffix.
 */
const SECRET_LINE = [
  /(pass(word|wd)?|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization|credential|bearer)\s*[:=]/i,
  /\bAKIA[0-9A-Z]{16}\b/,
  /\bxox[abposr]-[0-9A-Za-z-]{10,}/,
  /\bgh[pousr]_[0-9A-Za-z]{20,}/,
  /\beyJ[0-9A-Za-z_-]{10,}\.[0-9A-Za-z_-]{10,}\./,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i,
];

export const MASKED_LINE = '•••• (line hidden: it looks like it holds a secret)';

export function looksSecret(line: string): boolean {
  return SECRET_LINE.some((re) => re.test(line));
}

export function maskSecretLines(lines: readonly string[]): string[] {
  return lines.map((l) => (looksSecret(l) ? MASKED_LINE : l));
}
