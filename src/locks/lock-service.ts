/**
 * Target locks: a human hold on a target. A locked target still accepts requests into its queue but runs nothing
 * (the worker's claim skips it); unlocking lets the queue move again. Rollback locks also remember the bad SHA,
 * which is refused on redeploy unless forced. Every lock, unlock and force is recorded in lock_history.
 */
import type { Clock } from '../app/clock.js';
import type { Logger } from '../app/logger.js';
import { checkDeployer } from '../domain/approval-rules.js';
import type { Lock } from '../domain/lock.js';
import { type Refusal, type RefusalWith, refuse, refuseWith } from '../domain/refusal.js';
import type { Target } from '../domain/targets.js';
import type { Db } from '../store/db.js';
import type { BadSha } from '../store/locks-repo.js';
import type { Repos } from '../store/repos.js';
import {
  alreadyLocked,
  badShaRefusal,
  lockConfirmation,
  lockRefusal,
  lockStatusLine,
  notLocked,
  rollbackLockReason,
  unlockConfirmation,
} from '../views/lock.js';
import type { SlackMessage } from '../views/slack-message.js';

export interface LockDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** The shared repositories (the core's). */
  repos: Pick<Repos, 'locks' | 'deployments'>;
}

export type LockResult = { ok: true; lock: Lock; reply: SlackMessage } | RefusalWith<SlackMessage>;

/** What /deploy must do about locks before queueing: refuse a rolled-back SHA, or warn that it will wait. */
export type DeployGate =
  | { ok: true; lock: Lock | undefined; forcedPast: BadSha | undefined }
  | RefusalWith<SlackMessage, 'bad_sha'>;

const MAX_REASON = 300;
const LOCK_WAIT_PREFIX = 'locked by ';

function cleanReason(raw: string): { ok: true; reason: string } | Refusal {
  const reason = raw.replace(/\s+/g, ' ').trim();
  if (reason === '')
    return refuse('no_reason', 'Say why you lock it: `/deploy lock <service> <environment> <reason>`.');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(reason)) return refuse('bad_reason', 'The reason contains control characters.');
  if (reason.length > MAX_REASON)
    return refuse('reason_too_long', `The reason is too long (max ${MAX_REASON} characters).`);
  return { ok: true, reason };
}

export class LockService {
  private readonly locks: Repos['locks'];
  private readonly deployments: Repos['deployments'];

  constructor(private readonly deps: LockDeps) {
    this.locks = deps.repos.locks;
    this.deployments = deps.repos.deployments;
  }

  get(targetKey: string): Lock | undefined {
    return this.locks.get(targetKey);
  }

  /** For /deploy-status: "locked by @x since …: reason", or undefined when unlocked. */
  statusLine(targetKey: string): string | undefined {
    const lock = this.locks.get(targetKey);
    return lock ? lockStatusLine(lock, this.deps.clock.now()) : undefined;
  }

  /** `/deploy lock <service> <environment> <reason>`: deployers of the target only (omitted = anyone). */
  lock(target: Target, user: string, rawReason: string): LockResult {
    const allowed = checkDeployer(target.env, user, 'lock this target');
    if (!allowed.ok) return refuseWith(allowed.reason, { text: allowed.message });
    const reason = cleanReason(rawReason);
    if (!reason.ok) return refuseWith(reason.reason, { text: reason.message });
    return this.take(target, {
      reason: reason.reason,
      lockedBy: user,
      kind: 'manual',
      badSha: null,
      deploymentId: null,
    });
  }

  /** `/deploy unlock <service> <environment>`: releases the hold; the worker picks the queue up on its next tick. */
  unlock(target: Target, user: string): LockResult {
    const allowed = checkDeployer(target.env, user, 'unlock this target');
    if (!allowed.ok) return refuseWith(allowed.reason, { text: allowed.message });
    const now = this.deps.clock.now();
    return this.deps.db
      .transaction((): LockResult => {
        const held = this.locks.unlock(target.key, user, now);
        if (!held) return refuseWith('not_locked', notLocked(target));
        const waiting = this.deployments.queueOf(target.key);
        for (const d of waiting) {
          if (d.state === 'queued' && d.waitReason?.startsWith(LOCK_WAIT_PREFIX)) {
            this.deployments.update(d.id, 'queued', now, { waitReason: null });
          }
        }
        this.deps.logger.info({ targetKey: target.key, user, lockedBy: held.lockedBy }, 'target unlocked');
        return { ok: true, lock: held, reply: unlockConfirmation(target, held, user, waiting.length) };
      })
      .immediate();
  }

  /** The lock a rollback leaves behind, and the mark that refuses the bad SHA; undefined when already locked. */
  lockForRollback(target: Target, r: { user: string; badSha: string; deploymentId: number }): Lock | undefined {
    const now = this.deps.clock.now();
    return this.deps.db.transaction((): Lock | undefined => {
      this.locks.markBad({
        targetKey: target.key,
        sha: r.badSha,
        markedBy: r.user,
        markedAt: now,
        deploymentId: r.deploymentId,
      });
      const taken = this.take(target, {
        reason: rollbackLockReason(r.badSha, r.user),
        lockedBy: r.user,
        kind: 'rollback',
        badSha: r.badSha,
        deploymentId: r.deploymentId,
      });
      return taken.ok ? taken.lock : undefined;
    })();
  }

  /**
   * Checks a deploy request against the target's locks before it is queued. A rolled-back SHA is refused unless
   * forced (and the force is recorded); a lock does not refuse, it makes the request wait (see `queuedNotice`).
   */
  gate(target: Target, sha: string, c: { user: string; forced: boolean }): DeployGate {
    const bad = this.locks.badSha(target.key, sha);
    if (bad && !c.forced) {
      return refuseWith('bad_sha', badShaRefusal(target, sha, bad.markedBy, bad.markedAt));
    }
    return { ok: true, lock: this.locks.get(target.key), forcedPast: bad };
  }

  /** Records a forced deploy of a rolled-back SHA, once its deployment exists. */
  recordForce(target: Target, c: { user: string; sha: string; deploymentId: number }): void {
    this.locks.recordForce({
      targetKey: target.key,
      ...c,
      reason: 'deployed a rolled-back SHA with --force',
      at: this.deps.clock.now(),
    });
    this.deps.logger.warn(
      { targetKey: target.key, user: c.user, sha: c.sha, deploymentId: c.deploymentId },
      'forced past a rolled-back SHA',
    );
  }

  /**
   * After a deployment was queued on a locked target: marks why it waits and returns the refusal naming who locked
   * it, when, why and how to unlock. Undefined when the target is not locked (or the lock lets it through).
   */
  queuedNotice(target: Target, deploymentId: number): SlackMessage | undefined {
    const lock = this.locks.get(target.key);
    const d = this.deployments.get(deploymentId);
    if (!lock || !d || (lock.kind === 'rollback' && d.kind === 'rollback')) return undefined;
    const now = this.deps.clock.now();
    if (d.state === 'queued')
      this.deployments.update(d.id, 'queued', now, {
        waitReason: `${LOCK_WAIT_PREFIX}<@${lock.lockedBy}>: ${lock.reason}`,
      });
    return lockRefusal(target, lock, now, deploymentId);
  }

  history(targetKey: string, limit = 20) {
    return this.locks.history(targetKey, limit);
  }

  private take(target: Target, l: Omit<Lock, 'targetKey' | 'lockedAt'>): LockResult {
    const now = this.deps.clock.now();
    return this.deps.db
      .transaction((): LockResult => {
        const res = this.locks.lock({ ...l, targetKey: target.key, lockedAt: now });
        if (!res.ok) return refuseWith('already_locked', alreadyLocked(target, res.held, now));
        for (const d of this.deployments.queueOf(target.key)) {
          if (d.state === 'queued' && !(l.kind === 'rollback' && d.kind === 'rollback')) {
            this.deployments.update(d.id, 'queued', now, {
              waitReason: `${LOCK_WAIT_PREFIX}<@${l.lockedBy}>: ${l.reason}`,
            });
          }
        }
        this.deps.logger.info({ targetKey: target.key, user: l.lockedBy, kind: l.kind }, 'target locked');
        return { ok: true, lock: res.lock, reply: lockConfirmation(target, res.lock) };
      })
      .immediate();
  }
}
