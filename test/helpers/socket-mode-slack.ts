import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import type { Config } from '../../src/app/config.js';
import { parseEnv } from '../../src/app/env.js';
import { silentLogger } from '../../src/app/logger.js';
import { buildRuntime, type Runtime } from '../../src/app/runtime.js';
import { testDb } from './db.js';
import { freePort, readBody } from './loopback.js';
import { AUTH_TEST_OK } from './slack-kit.js';

/**
 * A local Slack for Socket Mode on 127.0.0.1, speaking the protocol of docs.slack.dev/apis/events-api/using-socket-mode:
 * - Web API over HTTP: `apps.connections.open` (app-level token as Bearer) answers `{ ok, url }` with a WebSocket
 *   URL; `auth.test` answers the bot's identity; response_url posts are recorded.
 * - On each WebSocket: `hello` first; envelopes `{ envelope_id, type, payload, accepts_response_payload,
 *   retry_attempt, retry_reason }` that the app acks with `{ envelope_id, payload? }`; `disconnect`
 *   (`reason: refresh_requested`) asks the app to reconnect; a dropped socket ends without a close frame.
 */
export interface Ack {
  envelopeId: string;
  payload: unknown;
  atMs: number;
  connection: number;
}

export interface ApiCall {
  method: string;
  authorization: string | undefined;
  body: string;
}

export class SocketModeSlack {
  readonly apiCalls: ApiCall[] = [];
  readonly acks: Ack[] = [];
  readonly responses: { path: string; body: Record<string, unknown> }[] = [];
  /** Open sockets in connection order; `hello` was sent on each. */
  readonly sockets: { ws: WebSocket; n: number; open: boolean }[] = [];
  private readonly server: Server;
  private readonly wss: WebSocketServer;
  private seq = 0;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const path = req.url ?? '';
        if (path.startsWith('/api/')) {
          const method = path.slice('/api/'.length).split('?')[0] ?? '';
          this.apiCalls.push({ method, authorization: req.headers.authorization, body });
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify(this.answer(method)));
          return;
        }
        this.responses.push({ path, body: JSON.parse(body || '{}') as Record<string, unknown> });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('ok');
      });
    });
    this.wss = new WebSocketServer({ server: this.server, path: '/link/' });
    this.wss.on('connection', (ws) => {
      const entry = { ws, n: this.sockets.length + 1, open: true };
      this.sockets.push(entry);
      ws.on('close', () => {
        entry.open = false;
      });
      ws.on('message', (data) => {
        const msg = JSON.parse(String(data)) as { envelope_id?: string; payload?: unknown };
        if (msg.envelope_id) {
          this.acks.push({ envelopeId: msg.envelope_id, payload: msg.payload, atMs: Date.now(), connection: entry.n });
        }
      });
      ws.send(
        JSON.stringify({
          type: 'hello',
          num_connections: 1,
          debug_info: { host: 'applink-test', build_number: 1, approximate_connection_time: 18060 },
          connection_info: { app_id: 'A0APP' },
        }),
      );
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  get responseBase(): string {
    return `http://127.0.0.1:${this.port}/commands`;
  }

  /** The socket Slack delivers to: the newest open one. */
  current(): { ws: WebSocket; n: number; open: boolean } | undefined {
    return this.sockets.filter((s) => s.open).at(-1);
  }

  /** Sends an envelope on the current socket; returns its envelope_id. */
  send(type: 'slash_commands' | 'interactive', payload: Record<string, unknown>): string {
    const socket = this.current();
    if (!socket) throw new Error('no open Socket Mode connection');
    this.seq += 1;
    const envelopeId = `env-${this.seq}-0e7b`;
    socket.ws.send(
      JSON.stringify({
        envelope_id: envelopeId,
        type,
        payload,
        accepts_response_payload: type === 'slash_commands',
        retry_attempt: 0,
        retry_reason: '',
      }),
    );
    return envelopeId;
  }

  /** Slack recycling the connection: the app should open a new one. */
  refresh(): void {
    this.current()?.ws.send(
      JSON.stringify({ type: 'disconnect', reason: 'refresh_requested', debug_info: { host: 'applink-test' } }),
    );
  }

  /** The connection dies without a close frame. */
  drop(): void {
    this.current()?.ws.terminate();
  }

  connectionOpens(): number {
    return this.apiCalls.filter((c) => c.method === 'apps.connections.open').length;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.ws.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(method: string): Record<string, unknown> {
    switch (method) {
      case 'apps.connections.open':
        // docs.slack.dev/reference/methods/apps.connections.open: { ok: true, url: "wss://wss-primary.slack.com/link/?ticket=…&app_id=…" }
        return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=t${this.connectionOpens()}&app_id=A0APP` };
      case 'auth.test':
        return AUTH_TEST_OK;
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }
}

export interface SocketModeApp {
  slack: SocketModeSlack;
  rt: Runtime;
  /** The /healthz (and webhook) server's port. */
  port: number;
  stop(): Promise<void>;
}

/** The real composition (buildRuntime, as main.ts) in Socket Mode against a started local Slack. */
export async function socketModeApp(config: Config, env: Record<string, string> = {}): Promise<SocketModeApp> {
  const slack = await new SocketModeSlack().start();
  const port = await freePort();
  const parsed = parseEnv({
    SLACK_BOT_TOKEN: 'xoxb-socket-test',
    SLACK_APP_TOKEN: 'xapp-1-A0APP-socket-test',
    SLACK_API_URL: slack.apiUrl,
    PORT: String(port),
    AWS_REGION: 'us-east-1',
    ...env,
  });
  const rt = buildRuntime(parsed, { config, db: testDb(), logger: silentLogger });
  await rt.app.start();
  return {
    slack,
    rt,
    port,
    stop: async () => {
      await rt.app.stop().catch(() => {});
      rt.db.close();
      await slack.close();
    },
  };
}
