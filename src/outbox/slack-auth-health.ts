import type { Logger } from '../app/logger.js';

export interface SlackAuthProblem {
  /** Slack's error code: invalid_auth, account_inactive, token_revoked… */
  code: string;
  since: number;
}

/**
 * Whether Slack accepts the bot token, as the outbox last saw it. While it does not, the outbox keeps every message
 * and sends one probe per `probeMs` instead of dead-lettering them one by one; readiness (/readyz) reads `broken()`.
 */
export class SlackAuthHealth {
  private problem: SlackAuthProblem | undefined;
  private nextProbeAt = 0;
  private outagesMs = 0;

  constructor(
    private readonly logger: Logger,
    private readonly probeMs = 60_000,
  ) {}

  /** The current problem, or undefined while Slack accepts the token. */
  broken(): SlackAuthProblem | undefined {
    return this.problem;
  }

  /**
   * Total time the token was rejected in this process: added to the outbox's maximum age, so messages kept during
   * an outage do not expire the moment it ends.
   */
  outageMs(): number {
    return this.outagesMs;
  }

  /** True when the outbox may call Slack now: always while healthy, once per probe period while broken. */
  mayTry(now: number): boolean {
    return !this.problem || now >= this.nextProbeAt;
  }

  /** Slack rejected the token. Logged loudly once per outage, not once per message. */
  rejected(code: string, now: number): void {
    this.nextProbeAt = now + this.probeMs;
    if (this.problem) return;
    this.problem = { code, since: now };
    this.logger.fatal(
      { error: code },
      'Slack rejects the bot token: no message can be delivered until SLACK_BOT_TOKEN is fixed; messages are kept',
    );
  }

  /** Slack accepted a call: delivery resumes for everything kept. */
  accepted(now: number): void {
    if (!this.problem) return;
    const brokenMs = now - this.problem.since;
    this.logger.warn({ error: this.problem.code, brokenMs }, 'Slack accepts the bot token again');
    this.outagesMs += brokenMs;
    this.problem = undefined;
  }
}
