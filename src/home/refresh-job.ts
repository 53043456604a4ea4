/**
 * Keeps open Home tabs current. A user's Home is published when they open it, then re-published when what it shows
 * changes (checked every `intervalMs`, at most once per `minGapMs` per user, for `keepMs` after the last open, for at
 * most `maxUsers` users): views.publish is rate limited per workspace, so the rate is bounded here.
 */
import { createHash } from 'node:crypto';
import type { HomeView } from '@slack/types';
import type { SlackViews } from '../adapters/slack-views.js';
import type { Clock } from '../app/clock.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';

export interface HomeRefreshOptions {
  intervalMs?: number;
  minGapMs?: number;
  keepMs?: number;
  maxUsers?: number;
}

interface OpenHome {
  openedAt: number;
  publishedAt: number;
  hash: string | undefined;
}

export class HomeRefresher {
  private readonly open = new Map<string, OpenHome>();
  private timer: NodeJS.Timeout | undefined;
  private readonly o: Required<HomeRefreshOptions>;

  constructor(
    private readonly deps: {
      build: (userId: string) => HomeView;
      views: Pick<SlackViews, 'publishHome'>;
      clock: Clock;
      logger: Logger;
      options?: HomeRefreshOptions;
    },
  ) {
    this.o = { intervalMs: 5_000, minGapMs: 5_000, keepMs: 30 * 60_000, maxUsers: 200, ...deps.options };
  }

  /** `app_home_opened`: publish now and watch this user's Home for a while. */
  async opened(userId: string): Promise<void> {
    const now = this.deps.clock.now();
    this.open.delete(userId);
    this.open.set(userId, { openedAt: now, publishedAt: 0, hash: undefined });
    // Forget the oldest when too many are watched (Map keeps insertion order).
    while (this.open.size > this.o.maxUsers) this.open.delete(this.open.keys().next().value as string);
    await this.publish(userId, true);
  }

  /** One pass: re-publish the Homes whose content changed. */
  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    let published = 0;
    for (const [user, h] of [...this.open]) {
      if (now - h.openedAt > this.o.keepMs) {
        this.open.delete(user);
        continue;
      }
      if (now - h.publishedAt < this.o.minGapMs) continue;
      if (await this.publish(user, false)) published += 1;
    }
    return published;
  }

  watching(): string[] {
    return [...this.open.keys()];
  }

  start(): void {
    this.timer ??= setInterval(() => {
      this.tick().catch((err: unknown) => logError(this.deps.logger, err, {}, 'home refresh failed', 'warn'));
    }, this.o.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async publish(userId: string, force: boolean): Promise<boolean> {
    const h = this.open.get(userId);
    if (!h) return false;
    const view = this.deps.build(userId);
    // The "Updated <time>" line changes every pass; compare the rest.
    const hash = digest(view);
    if (!force && hash === h.hash) return false;
    try {
      await this.deps.views.publishHome(userId, view);
      h.hash = hash;
      h.publishedAt = this.deps.clock.now();
      return true;
    } catch (err) {
      logError(this.deps.logger, err, { user: userId }, 'could not publish the Home tab', 'warn');
      return false;
    }
  }
}

function digest(view: HomeView): string {
  const stable = JSON.stringify(view.blocks).replace(/Updated <!date\^\d+\^[^>]*>/g, '');
  return createHash('sha256').update(stable).digest('hex');
}
