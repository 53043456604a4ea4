/**
 * What `scripts/start.sh` starts: the sandbox when NOTHING is configured (a first look on a fresh machine), the real
 * thing as soon as anything real is (then missing pieces are errors, as always). Pure, so the rule is tested.
 */
export const REAL_SETTINGS = [
  'SLACK_BOT_TOKEN',
  'SLACK_APP_TOKEN',
  'SLACK_SIGNING_SECRET',
  'SLACK_API_URL',
  'GITHUB_TOKEN',
  'COXSWAIN_CONFIG',
] as const;

export function launchMode(
  env: Record<string, string | undefined>,
  fileExists: (path: string) => boolean,
): { mode: 'sandbox' } | { mode: 'real'; because: string } {
  const set = REAL_SETTINGS.find((k) => (env[k] ?? '').trim() !== '');
  if (set) return { mode: 'real', because: `${set} is set` };
  if (fileExists('./coxswain.yml')) return { mode: 'real', because: './coxswain.yml exists' };
  return { mode: 'sandbox' };
}
