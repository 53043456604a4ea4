import type { Config } from '../app/config.js';
import { allTargets } from '../domain/targets.js';
import { type CheckResult, type DoctorCheck, type DoctorContext, errorText, fail, ok, warn } from './check.js';

const AREA = 'slack';

/** Every bot scope Coxswain uses, with what needs it (keep in step with manifest.yml). */
export const REQUIRED_SCOPES: Record<string, string> = {
  commands: 'the slash commands /deploy, /deploy-status, /rollback',
  'chat:write': 'chat.postMessage and chat.update (deployment threads)',
  'chat:write.public': 'posting to a channel the bot has not joined',
  'channels:history': 'conversations.history in public channels (the outbox checks before re-posting)',
  'groups:history': 'conversations.history / conversations.replies in private channels',
  'channels:join': 'conversations.join (joining a public channel before reading it)',
};

/** Every channel the config names, with what uses it. */
export function configuredChannels(config: Config): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const add = (id: string, use: string) => out.set(id, [...(out.get(id) ?? []), use]);
  add(config.channel, 'default channel');
  for (const t of allTargets(config)) if (t.channel !== config.channel) add(t.channel, t.key);
  for (const [kind, d] of Object.entries(config.digests ?? {})) if (d) add(d.channel, `${kind} digest`);
  return out;
}

/** auth.test: is the token valid, and do its scopes (the x-oauth-scopes response header) cover every method. */
async function authAndScopes(ctx: DoctorContext): Promise<{ results: CheckResult[]; scopes?: Set<string> }> {
  let res: Awaited<ReturnType<DoctorContext['slack']['auth']['test']>>;
  try {
    res = await ctx.slack.auth.test();
  } catch (err) {
    const code = errorText(err);
    return {
      results: [
        fail(
          AREA,
          'auth.test',
          `the bot token was refused (${code})`,
          'set SLACK_BOT_TOKEN to the app’s Bot User OAuth Token (xoxb-…), reinstalling the app if it was revoked',
        ),
      ],
    };
  }
  const results = [
    ok(
      AREA,
      'auth.test',
      `token of ${res.user ?? 'the bot'} (${res.user_id ?? '?'}) in ${res.team ?? 'the workspace'}`,
    ),
  ];
  const granted = res.response_metadata?.scopes;
  if (!granted) {
    results.push(
      warn(
        AREA,
        'scopes',
        'Slack did not report the token’s scopes (no x-oauth-scopes header)',
        `check by hand that the app has: ${Object.keys(REQUIRED_SCOPES).join(', ')}`,
      ),
    );
    return { results };
  }
  const scopes = new Set(granted);
  const missing = Object.keys(REQUIRED_SCOPES).filter((s) => !scopes.has(s));
  if (missing.length === 0)
    results.push(ok(AREA, 'scopes', `all ${Object.keys(REQUIRED_SCOPES).length} needed scopes granted`));
  for (const s of missing) {
    results.push(
      fail(
        AREA,
        `scope ${s}`,
        `missing: needed for ${REQUIRED_SCOPES[s]}`,
        `add the bot scope ${s} (api.slack.com/apps → OAuth & Permissions, or manifest.yml) and reinstall the app`,
      ),
    );
  }
  return { results, scopes };
}

/**
 * Membership without joining anything: conversations.history with limit 1 answers not_in_channel for a public
 * channel the bot has not joined and channel_not_found for a private one it was not invited to.
 */
async function channel(
  ctx: DoctorContext,
  id: string,
  uses: string[],
  scopes: Set<string> | undefined,
): Promise<CheckResult> {
  const name = `channel ${id} (${uses.join(', ')})`;
  try {
    await ctx.slack.conversations.history({ channel: id, limit: 1 });
    return ok(AREA, name, 'the bot is a member');
  } catch (err) {
    const code = errorText(err);
    if (code === 'not_in_channel') {
      const canJoin = scopes?.has('channels:join');
      return warn(
        AREA,
        name,
        `public channel; the bot is not a member${canJoin ? ' (it may join: channels:join)' : ''}`,
        `invite it: /invite @Coxswain in <#${id}>${canJoin ? '' : ', or grant channels:join'} — without membership the outbox cannot check for a message before re-posting`,
      );
    }
    if (code === 'channel_not_found') {
      return fail(
        AREA,
        name,
        'not found: a private channel the bot was not invited to, or a wrong id',
        `private channels need an invite: /invite @Coxswain in that channel; otherwise fix the channel id in the config`,
      );
    }
    if (code === 'missing_scope') {
      return warn(
        AREA,
        name,
        'could not check membership (missing_scope)',
        'grant channels:history and groups:history',
      );
    }
    return warn(
      AREA,
      name,
      `could not check membership (${code})`,
      'run the doctor again; if it persists, check the channel in Slack',
    );
  }
}

export const slackCheck: DoctorCheck = {
  area: AREA,
  async run(ctx) {
    const auth = await authAndScopes(ctx);
    if (auth.results.some((r) => r.name === 'auth.test' && r.status === 'fail')) return auth.results;
    const channels: CheckResult[] = [];
    for (const [id, uses] of configuredChannels(ctx.config)) channels.push(await channel(ctx, id, uses, auth.scopes));
    return [...auth.results, ...channels];
  },
};
