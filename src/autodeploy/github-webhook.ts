/**
 * POST /github/webhook (issue 16): GitHub `push` deliveries, accepted only when GITHUB_WEBHOOK_SECRET is set.
 * Refused: a missing or wrong `X-Hub-Signature-256` (HMAC-SHA256 of the raw body, compared in constant time —
 * docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries), a delivery without
 * `X-GitHub-Delivery`, and stale ones: a delivery id already taken (a replay), or a push whose head commit is older
 * than STALE_AFTER_MS. A stale push is never lost: the poll still reads the branch. The payload never deploys
 * anything by itself: a valid push only makes AutoDeployer read the branch head from GitHub now.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import { z } from 'zod';
import type { Clock } from '../app/clock.js';
import { logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';
import type { AutoDeployRepo } from '../store/auto-deploy-repo.js';
import type { PushHint } from './auto-deployer.js';

export const GITHUB_WEBHOOK_PATH = '/github/webhook';
/** A push whose head commit is older than this is stale (a replay of an old delivery, or very late). */
export const STALE_AFTER_MS = 60 * 60_000;
/** Delivery ids are remembered this long (GitHub's redelivery window is 3 days). */
export const DELIVERY_MEMORY_MS = 7 * 24 * 60 * 60_000;
/** GitHub caps payloads at 25 MB; a push (at most 20 commits listed) is far smaller. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const login = z.string().regex(/^[A-Za-z0-9-]{1,39}$/);
const pushSchema = z.object({
  ref: z.string().max(300),
  after: z.string().regex(/^[0-9a-f]{40}$/),
  deleted: z.boolean().optional(),
  repository: z.object({ full_name: z.string().regex(/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/) }),
  pusher: z.object({ name: z.string() }).partial().optional(),
  sender: z.object({ login: z.string() }).partial().optional(),
  head_commit: z.object({ id: z.string(), message: z.string(), timestamp: z.string() }).nullable().optional(),
  commits: z.array(z.object({ id: z.string(), message: z.string() })).default([]),
});

export type WebhookAnswer = { status: number; message: string; push?: PushHint };

export interface WebhookDeps {
  secret: string;
  clock: Clock;
  logger: Logger;
  autoDeploys: Pick<AutoDeployRepo, 'takeDelivery'>;
}

function header(h: IncomingHttpHeaders, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
}

/** `sha256=<hex>` of the raw body, compared in constant time; false for anything malformed. */
export function signatureValid(secret: string, body: Buffer, signature: string | undefined): boolean {
  if (!signature?.startsWith('sha256=')) return false;
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class GitHubWebhook {
  constructor(private readonly deps: WebhookDeps) {}

  /** Decides what a delivery gets; only a fresh, signed push for a branch comes back with `push`. */
  receive(headers: IncomingHttpHeaders, body: Buffer): WebhookAnswer {
    const log = this.deps.logger;
    if (!signatureValid(this.deps.secret, body, header(headers, 'x-hub-signature-256'))) {
      log.warn({ delivery: header(headers, 'x-github-delivery')?.slice(0, 64) }, 'github webhook: bad signature');
      return { status: 401, message: 'invalid or missing signature' };
    }
    const delivery = header(headers, 'x-github-delivery');
    if (!delivery || !/^[A-Za-z0-9-]{1,64}$/.test(delivery)) return { status: 400, message: 'no delivery id' };
    const event = header(headers, 'x-github-event');
    if (event === 'ping') return { status: 200, message: 'pong' };
    if (event !== 'push') return { status: 202, message: `ignored event ${String(event).slice(0, 40)}` };
    let parsed: z.infer<typeof pushSchema>;
    try {
      const r = pushSchema.safeParse(JSON.parse(body.toString('utf8')));
      if (!r.success) return { status: 400, message: 'not a push payload' };
      parsed = r.data;
    } catch {
      return { status: 400, message: 'not JSON' };
    }
    const now = this.deps.clock.now();
    const at = parsed.head_commit ? Date.parse(parsed.head_commit.timestamp) : Number.NaN;
    if (Number.isFinite(at) && at < now - STALE_AFTER_MS) {
      log.warn({ delivery }, 'github webhook: stale push refused');
      return { status: 409, message: 'stale delivery: the head commit is older than an hour (the poll will see it)' };
    }
    if (!this.deps.autoDeploys.takeDelivery(delivery, now, DELIVERY_MEMORY_MS)) {
      log.warn({ delivery }, 'github webhook: replayed delivery refused');
      return { status: 409, message: 'stale delivery: this delivery id was already received' };
    }
    if (parsed.deleted || !parsed.ref.startsWith('refs/heads/') || !parsed.head_commit) {
      return { status: 202, message: 'not a branch update' };
    }
    const who = [parsed.sender?.login, parsed.pusher?.name].find((l) => l !== undefined && login.safeParse(l).success);
    return {
      status: 202,
      message: 'accepted',
      push: {
        repo: parsed.repository.full_name,
        branch: parsed.ref.slice('refs/heads/'.length),
        after: parsed.after,
        pusher: who ?? null,
        commits: parsed.commits.map((c) => ({ id: c.id, message: c.message })),
      },
    };
  }
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/**
 * The route on Bolt's HTTP server (HTTP receiver and Socket Mode alike serve customRoutes on PORT). It answers at
 * once and then lets the push run: GitHub waits at most 10 s for an answer.
 */
export function githubWebhookRoute(
  webhook: GitHubWebhook,
  onPush: (push: PushHint) => Promise<unknown>,
  logger: Logger,
): CustomRoute {
  return {
    path: GITHUB_WEBHOOK_PATH,
    method: ['POST'],
    handler: (req: IncomingMessage, res: ServerResponse) => {
      void (async () => {
        const body = await readBody(req).catch(() => undefined);
        const answer = body ? webhook.receive(req.headers, body) : { status: 413, message: 'payload too large' };
        res.writeHead(answer.status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: answer.status < 300, message: answer.message }));
        if (answer.push) await onPush(answer.push);
      })().catch((err: unknown) => logError(logger, err, {}, 'github webhook handling failed'));
    },
  };
}
