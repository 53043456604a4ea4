/**
 * Creates the Bolt app: Socket Mode when SLACK_APP_TOKEN is set, otherwise the HTTP receiver (Slack requests at
 * POST /slack/events, signatures verified). GET /healthz answers in both modes, for the container's HEALTHCHECK.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { App as BoltApp, type Logger as BoltLogger, type CustomRoute, LogLevel, type Receiver } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { Env } from '../app/env.js';
import { errorInfo, logError } from '../app/log-error.js';
import type { Logger } from '../app/logger.js';

export type App = BoltApp;

export const SLACK_EVENTS_PATH = '/slack/events';
export const HEALTH_PATH = '/healthz';

export interface CreateAppOptions {
  env: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_APP_TOKEN' | 'PORT' | 'SLACK_API_URL'>;
  logger: Logger;
  /** Known bot ids skip Bolt's auth.test call (tests and benchmarks). */
  botIds?: { botId: string; botUserId: string };
  /** Tests: a custom receiver driven with app.processEvent (no HTTP, no signature check). */
  receiver?: Receiver;
  /** Extra Web API client options, e.g. `retryConfig: { retries: 0 }` in tests. */
  clientOptions?: WebClientOptions;
  /** /healthz answers 503 while this returns false. */
  healthy?: () => boolean;
  /** More routes beside /healthz, in HTTP and Socket Mode alike (runtime: /metrics, /readyz, POST /github/webhook). */
  routes?: CustomRoute[];
}

/** Bolt logs through pino, so its lines are JSON like ours and pass the same redaction. */
function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ source: 'bolt' });
  let level = LogLevel.INFO;
  const join = (msg: unknown[]) => msg.map((m) => (typeof m === 'string' ? m : (errorInfo(m).message ?? ''))).join(' ');
  return {
    debug: (...msg: unknown[]) => child.debug(join(msg)),
    info: (...msg: unknown[]) => child.info(join(msg)),
    warn: (...msg: unknown[]) => child.warn(join(msg)),
    error: (...msg: unknown[]) => child.error(join(msg)),
    setLevel: (l) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

export function healthRoute(healthy: () => boolean = () => true): CustomRoute {
  return {
    path: HEALTH_PATH,
    method: ['GET'],
    handler: (_req: IncomingMessage, res: ServerResponse) => {
      const ok = healthy();
      res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok }));
    },
  };
}

export function createApp(o: CreateAppOptions): App {
  const { env, logger } = o;
  const clientOptions: WebClientOptions = {
    ...(env.SLACK_API_URL ? { slackApiUrl: env.SLACK_API_URL } : {}),
    ...o.clientOptions,
  };
  const common = {
    token: env.SLACK_BOT_TOKEN,
    logger: boltLogger(logger),
    clientOptions,
    ...(o.botIds ?? {}),
  };
  let app: App;
  if (o.receiver) {
    app = new BoltApp({ ...common, receiver: o.receiver, tokenVerificationEnabled: false });
  } else if (env.SLACK_APP_TOKEN) {
    // Socket Mode still serves customRoutes on `port`, so /healthz works in both modes.
    app = new BoltApp({
      ...common,
      appToken: env.SLACK_APP_TOKEN,
      socketMode: true,
      port: env.PORT,
      customRoutes: [healthRoute(o.healthy), ...(o.routes ?? [])],
    });
  } else {
    app = new BoltApp({
      ...common,
      signingSecret: env.SLACK_SIGNING_SECRET ?? '',
      signatureVerification: true,
      // Ack writes the HTTP response at once; the listener keeps working after it.
      processBeforeResponse: false,
      port: env.PORT,
      endpoints: SLACK_EVENTS_PATH,
      customRoutes: [healthRoute(o.healthy), ...(o.routes ?? [])],
    });
  }
  app.error(async (error) => {
    const code = (error as { code?: unknown }).code;
    // Bolt's errors can carry the request; log only what says what went wrong.
    logError(logger, error, { code: typeof code === 'string' ? code : undefined }, 'unhandled Slack error');
  });
  return app;
}
