import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { ApprovalService } from './approval-service.js';

/** Expires approval requests nobody answered within timing.approvalTimeoutMinutes. Tests call tick() directly. */
export class ApprovalExpiryJob {
  constructor(
    private readonly approvals: Pick<ApprovalService, 'expireDue'>,
    private readonly logger: Logger,
  ) {}

  tick(): number {
    try {
      return this.approvals.expireDue();
    } catch (err) {
      logError(this.logger, err, {}, 'approval expiry failed');
      return 0;
    }
  }

  /** Production loop: a tick every `everyMs` (default 30 s); returns a stop function. */
  start(everyMs = 30_000): () => void {
    const timer = setInterval(() => this.tick(), everyMs);
    timer.unref();
    return () => clearInterval(timer);
  }
}
