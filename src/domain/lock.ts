/** A target's lock, as the domain and the views see it. */
export type LockKind = 'manual' | 'rollback';

export interface Lock {
  targetKey: string;
  reason: string;
  lockedBy: string;
  lockedAt: number;
  kind: LockKind;
  badSha: string | null;
  deploymentId: number | null;
}
