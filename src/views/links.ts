/** URLs built only from validated config and AWS/GitHub identifiers, never from free user text. */

/** github.com, or the web host of a GitHub Enterprise API URL (https://HOST/api/v3 → https://HOST). */
export function githubWebBase(apiUrl: string | undefined): string {
  if (!apiUrl) return 'https://github.com';
  const u = new URL(apiUrl);
  if (u.hostname === 'api.github.com') return 'https://github.com';
  return `${u.protocol}//${u.host}`;
}

export interface RepoRef {
  owner: string;
  name: string;
}

export function commitUrl(web: string, repo: RepoRef, sha: string): string {
  return `${web}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/commit/${encodeURIComponent(sha)}`;
}

export function compareUrl(web: string, repo: RepoRef, base: string, head: string): string {
  return `${web}/${encodeURIComponent(repo.owner)}/${encodeURIComponent(repo.name)}/compare/${encodeURIComponent(base)}...${encodeURIComponent(head)}`;
}

export function cfnStackUrl(region: string, stackIdOrName: string, tab: 'events' | 'stackinfo' = 'events'): string {
  const r = encodeURIComponent(region);
  return `https://${r}.console.aws.amazon.com/cloudformation/home?region=${r}#/stacks/${tab}?stackId=${encodeURIComponent(stackIdOrName)}`;
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}
