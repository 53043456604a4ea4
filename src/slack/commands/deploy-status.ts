import type { Config } from '../../app/config.js';
import { logError } from '../../app/log-error.js';
import type { Logger } from '../../app/logger.js';
import type { StatusReport } from '../../deploys/status-report.js';
import type { PostOutcome } from '../../digests/digests.js';
import { parseStatus } from '../../domain/command-parser.js';
import type { Result } from '../../domain/refusal.js';
import type { VersionReport } from '../../promotion/version-report.js';
import { helpMessage, USAGE } from '../../views/help.js';
import { digestEmptyReply, digestPreview, digestQueuedReply, refusal, replyOf } from '../../views/request-replies.js';
import { LIMITS, type SlackMessage } from '../../views/slack-message.js';
import { type CommandOutcome, commandHandler } from './handle-command.js';

export type DigestKind = 'drift' | 'health';

/** Implemented by the digests job (digests/digests.ts); /deploy-status only previews or posts on demand. */
export interface Digests {
  preview(kind: DigestKind): Promise<SlackMessage[]>;
  /** Queues the digest to its channel (through the outbox), or says why not (another run is going). */
  tryPost(kind: DigestKind): Promise<PostOutcome>;
}

/** `/deploy-status doctor` (src/doctor/slack-doctor.ts): the read-only checks, for deployers. */
export interface Doctor {
  run(userId: string): Promise<Result<{ message: SlackMessage }>>;
}

export interface StatusCommandDeps {
  config: Config;
  status: Pick<StatusReport, 'build'>;
  digests: Digests;
  /** Per service, each environment's SHA and how far behind what it follows (issue 16). */
  versions?: Pick<VersionReport, 'build'>;
  logger: Logger;
  doctor?: Doctor;
}

/** The version lines go first; the status view leaves room for one more block. GitHub failing leaves them out. */
async function withVersions(
  deps: StatusCommandDeps,
  message: SlackMessage,
  filter: { service?: string; environment?: string },
): Promise<SlackMessage> {
  const block = await deps.versions?.build(filter).catch((err: unknown) => {
    logError(deps.logger, err, {}, 'version lines unavailable', 'warn');
    return undefined;
  });
  if (!block) return message;
  return { ...message, blocks: [block, ...(message.blocks ?? [])].slice(0, LIMITS.blocksPerMessage) };
}

/** `/deploy-status [service [environment]]`, `/deploy-status drift|health [post]`, `/deploy-status doctor`. */
export function deployStatusCommand(deps: StatusCommandDeps) {
  return commandHandler('/deploy-status', deps.logger, async (command): Promise<CommandOutcome> => {
    const parsed = parseStatus(command.text);
    switch (parsed.kind) {
      case 'help':
        return { reply: helpMessage(deps.config), outcome: 'help' };
      case 'invalid':
        return { reply: refusal(`${parsed.message} Usage: ${USAGE.status}.`), outcome: 'invalid' };
      case 'all':
      case 'target': {
        const filter = parsed.kind === 'target' ? { service: parsed.service, environment: parsed.environment } : {};
        const result = deps.status.build(filter, command.team_domain);
        if (!result.ok) return { reply: replyOf(result), outcome: 'unknown_target' };
        return { reply: await withVersions(deps, result.message, filter), outcome: 'status' };
      }
      case 'doctor': {
        if (!deps.doctor)
          return {
            reply: refusal('The doctor is not available here: run `coxswain doctor`.'),
            outcome: 'doctor_unavailable',
          };
        const r = await deps.doctor.run(command.user_id);
        return r.ok ? { reply: r.message, outcome: 'doctor' } : { reply: replyOf(r), outcome: 'doctor_refused' };
      }
      case 'digest': {
        if (parsed.post) {
          const posted = await deps.digests.tryPost(parsed.digest);
          if (!posted.posted) return { reply: posted.message, outcome: `${parsed.digest}_busy` };
          return { reply: digestQueuedReply(parsed.digest, posted.channel), outcome: `${parsed.digest}_posted` };
        }
        const parts = await deps.digests.preview(parsed.digest);
        return {
          reply: parts.length ? digestPreview(parts) : digestEmptyReply(parsed.digest),
          outcome: `${parsed.digest}_preview`,
        };
      }
    }
  });
}
