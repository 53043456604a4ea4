import type { SlackResult } from '../adapters/slack-web.js';
import type { Config } from '../app/config.js';
import type { Logger } from '../app/logger.js';

export interface ChannelJoiner {
  joinChannel(channel: string): Promise<SlackResult<{ joined: true }>>;
}

export type JoinOutcome = { channel: string; ok: true } | { channel: string; ok: false; code: string; advice: string };

/** Every channel Coxswain writes to: the default, each environment's, each digest's. */
export function configuredChannels(config: Config): string[] {
  const all = new Set<string>([config.channel]);
  for (const svc of Object.values(config.services)) {
    for (const env of Object.values(svc.environments)) if (env.channel) all.add(env.channel);
  }
  for (const d of Object.values(config.digests ?? {})) if (d?.channel) all.add(d.channel);
  return [...all];
}

/** What the operator should do when a join is refused (conversations.join error codes). */
function advice(code: string): string {
  switch (code) {
    case 'method_not_supported_for_channel_type':
      return 'a private channel cannot be joined: invite the bot there (/invite @Coxswain)';
    case 'missing_scope':
      return 'add the channels:join bot scope (manifest.yml) and reinstall the app';
    case 'is_archived':
      return 'the channel is archived: unarchive it or change the config';
    case 'channel_not_found':
      return 'no such channel visible to the bot: check the channel id in the config';
    default:
      return 'invite the bot to the channel (/invite @Coxswain)';
  }
}

/**
 * Joins the configured public channels at start. With chat:write.public the bot can post without joining, but it
 * can only read back (conversations.history / conversations.replies, the outbox's crash recovery) channels it is a
 * member of: without joining, every recovery lookup there answers not_in_channel.
 */
export class ChannelJoinJob {
  readonly name = 'channel-join';
  private running: Promise<JoinOutcome[]> | undefined;

  constructor(private readonly deps: { config: Config; slack: ChannelJoiner; logger: Logger }) {}

  /** Does not hold up the start: Slack may be slow; the outbox joins again on not_in_channel anyway. */
  start(): void {
    this.running ??= this.joinAll();
  }

  /** The outcome of the joins started by start() (tests, and stop() waits for it). */
  async done(): Promise<JoinOutcome[]> {
    return (await this.running) ?? [];
  }

  async stop(): Promise<void> {
    await this.running;
  }

  private async joinAll(): Promise<JoinOutcome[]> {
    const out: JoinOutcome[] = [];
    for (const channel of configuredChannels(this.deps.config)) {
      const res = await this.deps.slack.joinChannel(channel);
      if (res.ok) {
        out.push({ channel, ok: true });
        continue;
      }
      const o = {
        channel,
        ok: false as const,
        code: res.failure.code,
        // A network error or 5xx says nothing about membership: the outbox joins again on not_in_channel.
        advice:
          res.failure.kind === 'permanent'
            ? advice(res.failure.code)
            : 'Slack did not answer; the outbox joins the channel when a read answers not_in_channel',
      };
      out.push(o);
      this.deps.logger.warn(
        { channel, error: o.code, advice: o.advice },
        'could not join channel; crash-recovery lookups there need the bot to be a member',
      );
    }
    return out;
  }
}
