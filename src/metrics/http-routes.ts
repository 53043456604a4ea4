/** GET /metrics (Prometheus text) and GET /readyz, served as Bolt custom routes in HTTP and Socket Mode alike. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CustomRoute } from '@slack/bolt';
import type { Registry } from 'prom-client';
import { type Db, databaseWritable } from '../store/db.js';
import type { WorkerLiveness } from './liveness.js';
import { CONTENT_TYPE } from './registry.js';
import { metricsText } from './runtime-gauges.js';

export const METRICS_PATH = '/metrics';
export const READY_PATH = '/readyz';

export function metricsRoute(runtime: Registry): CustomRoute {
  return {
    path: METRICS_PATH,
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      metricsText(runtime).then(
        (text) => {
          res.writeHead(200, { 'content-type': CONTENT_TYPE });
          res.end(text);
        },
        (err: unknown) => {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end(`metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
        },
      );
    },
  };
}

export interface Readiness {
  ok: boolean;
  database: { ok: boolean; error?: string };
  workers: { worker: string; agoMs: number; stale: boolean }[];
  /** Present while Slack rejects the bot token (invalid_auth, account_inactive…): messages are kept, not sent. */
  slack?: { ok: false; error: string; sinceMs: number };
}

export function readiness(db: Db, liveness: WorkerLiveness, slackAuth?: { code: string; since: number }): Readiness {
  const database = databaseWritable(db);
  const workers = liveness.report();
  const ok = database.ok && workers.every((w) => !w.stale) && !slackAuth;
  return {
    ok,
    database,
    workers,
    ...(slackAuth ? { slack: { ok: false as const, error: slackAuth.code, sinceMs: slackAuth.since } } : {}),
  };
}

export function readyRoute(check: () => Readiness): CustomRoute {
  return {
    path: READY_PATH,
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const r = check();
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r));
    },
  };
}
