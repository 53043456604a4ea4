/**
 * Who asked for a deployment. Humans are Slack user ids; an auto-deploy of a push by a GitHub user with no Slack
 * mapping (config `github.users`) is stored as `github:<login>` and shown as the login, not a broken mention.
 */
export const GITHUB_REQUESTER = 'github:';

export function requesterFor(login: string | null, users: Readonly<Record<string, string>>): string {
  if (login && Object.hasOwn(users, login)) return users[login]!;
  return `${GITHUB_REQUESTER}${login ?? 'unknown'}`;
}

export function requester(requestedBy: string): string {
  return requestedBy.startsWith(GITHUB_REQUESTER)
    ? `GitHub user \`${requestedBy.slice(GITHUB_REQUESTER.length)}\``
    : `<@${requestedBy}>`;
}
