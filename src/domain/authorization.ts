import type { Target } from './targets.js';

export type Permission = { ok: true } | { ok: false; message: string };

/** Who may /deploy (and later /rollback) to a target: its `deployers`, or anyone when the list is omitted. */
export function canDeploy(target: Target, userId: string): Permission {
  const deployers = target.env.deployers;
  if (deployers === undefined || deployers.includes(userId)) return { ok: true };
  const where = `\`${target.service}\` → \`${target.environment}\``;
  if (deployers.length === 0) {
    return { ok: false, message: `Nobody may deploy to ${where}: its \`deployers\` list is empty in the config.` };
  }
  const who = deployers.map((u) => `<@${u}>`).join(', ');
  return {
    ok: false,
    message: `You are not allowed to deploy to ${where}. Only ${who} may deploy there; ask one of them, or the platform team to add you to \`deployers\`.`,
  };
}
