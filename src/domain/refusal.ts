/**
 * The one refusal shape every service returns: a normal result, not an exception (Atlantis keeps
 * Failure ≠ Error the same way). `reason` is a stable machine code for callers and tests; `message` is the
 * user-facing text a Slack handler replies with as is.
 */
export interface Refusal<R extends string = string> {
  ok: false;
  reason: R;
  message: string;
}

/** A success carrying `T`, or a refusal. */
export type Result<T extends object = object, R extends string = string> = ({ ok: true } & T) | Refusal<R>;

export function refuse<R extends string>(reason: R, message: string): Refusal<R> {
  return { ok: false, reason, message };
}

/** A refusal that also carries a rich Slack reply (blocks); its `message` is the reply's plain text. */
export function refuseWith<R extends string, M extends { text: string }>(reason: R, reply: M): RefusalWith<M, R> {
  return { ok: false, reason, message: reply.text, reply };
}

export type RefusalWith<M extends { text: string }, R extends string = string> = Refusal<R> & { reply: M };
