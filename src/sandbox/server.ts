/**
 * SIMULATION. One loopback HTTP server for everything the sandbox simulates: the browser page (/), its actions
 * (/sandbox/*), Slack's Web API (/slack/api/*) and response_url (/slack/response/*), GitHub (/github/*), and
 * CloudFormation + CodeBuild (/aws/cloudformation, /aws/codebuild).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoltBridge } from './bolt-bridge.js';
import type { SimCloudFormation } from './sim-cloudformation.js';
import type { SimCodeBuild } from './sim-codebuild.js';
import { handleGitHub } from './sim-github.js';
import { DM_CHANNEL, type SimSlack } from './sim-slack.js';
import { CHANNELS, SANDBOX_USER, USERS } from './world.js';

const MAX_BODY = 1_000_000;
const PAGE_FILES: Record<string, string> = {
  '/': 'index.html',
  '/app.js': 'app.js',
  '/blockkit.js': 'blockkit.js',
  '/style.css': 'style.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript', css: 'text/css' };

/** The page's files live in src/sandbox/page, served as they are (no build step), from src or from dist. */
function pageDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'src', 'sandbox', 'page');
    dir = dirname(dir);
  }
  throw new Error('sandbox: cannot find the package root (package.json) to serve the page from');
}

async function readBody(req: IncomingMessage): Promise<string> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

const JSON_FIELDS = new Set(['blocks', 'metadata', 'view', 'attachments']);
function parseSlackForm(raw: string, type: string | undefined): Record<string, unknown> {
  if (type?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) out[k] = JSON_FIELDS.has(k) ? JSON.parse(v) : v;
  return out;
}

export interface SandboxServerDeps {
  slack: SimSlack;
  cfn: SimCloudFormation;
  codebuild: SimCodeBuild;
  bridge: BoltBridge;
}

export class SandboxServer {
  private server: Server | undefined;
  private baseUrl = '';
  private readonly dir = pageDir();
  private responses = new Map<string, { channel: string; user: string }>();
  private seq = 0;

  constructor(private readonly deps: SandboxServerDeps) {}

  get url(): string {
    return this.baseUrl;
  }

  async listen(port: number): Promise<string> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((err: unknown) => send(res, 500, JSON.stringify({ error: (err as Error).message })));
    });
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject);
      this.server?.listen({ port, host: '127.0.0.1' }, () => resolve());
    });
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
    this.server?.closeAllConnections();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const { slack } = this.deps;

    if (method === 'GET' && PAGE_FILES[path]) {
      const file = PAGE_FILES[path] as string;
      return send(res, 200, readFileSync(join(this.dir, file), 'utf8'), TYPES[file.split('.').pop() as string]);
    }
    if (method === 'GET' && path === '/sandbox/state') return send(res, 200, JSON.stringify(this.state()));
    if (path.startsWith('/slack/api/') && method === 'POST') {
      const body = parseSlackForm(await readBody(req), req.headers['content-type']);
      return send(res, 200, JSON.stringify(slack.call(path.slice('/slack/api/'.length), body)));
    }
    if (path.startsWith('/slack/response/') && method === 'POST') {
      const target = this.responses.get(path.slice('/slack/response/'.length));
      if (!target) return send(res, 404, 'no_such_response_url', 'text/plain');
      const body = JSON.parse(await readBody(req)) as Record<string, unknown>;
      slack.ephemeral(target.channel, target.user, body);
      return send(res, 200, 'ok', 'text/plain');
    }
    if (path.startsWith('/github/') && method === 'GET') {
      const r = handleGitHub(path.slice('/github'.length));
      return send(res, r.status, JSON.stringify(r.body));
    }
    if ((path === '/aws/cloudformation' || path === '/aws/cloudformation/') && method === 'POST') {
      const r = this.deps.cfn.handle(new URLSearchParams(await readBody(req)));
      return send(res, r.status, r.body, r.type);
    }
    if ((path === '/aws/codebuild' || path === '/aws/codebuild/') && method === 'POST') {
      const body = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      const r = this.deps.codebuild.handle(String(req.headers['x-amz-target'] ?? ''), body);
      return send(res, r.status, r.body, r.type);
    }
    if (path.startsWith('/sandbox/') && method === 'POST') {
      const input = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      return send(res, 200, JSON.stringify(await this.pageAction(path.slice('/sandbox/'.length), input)));
    }
    if (method === 'GET') {
      // Links out (commits, consoles) land here in the sandbox: say what they would open.
      return send(
        res,
        200,
        `<!doctype html><meta charset="utf-8"><title>Simulated link</title><body style="font:15px system-ui;padding:2em"><h2>Simulated link</h2><p>In a real workspace this opens GitHub or the AWS console: <code>${path.replace(/[<>&"]/g, '')}</code></p><p><a href="/">Back to the sandbox</a></p>`,
        'text/html; charset=utf-8',
      );
    }
    return send(res, 404, JSON.stringify({ error: 'not found' }));
  }

  private state() {
    const { slack } = this.deps;
    return {
      version: slack.version,
      me: SANDBOX_USER,
      // Channel names ride along under #id, so <#C…> mentions show names.
      users: { ...USERS, ...Object.fromEntries(Object.entries(CHANNELS).map(([id, n]) => [`#${id}`, n])) },
      channels: slack.channelsForPage(),
      messages: slack.messages.filter((m) => !m.ephemeralFor || m.ephemeralFor === SANDBOX_USER),
      home: slack.homes.get(SANDBOX_USER) ?? null,
      modal: slack.modal ?? null,
    };
  }

  private responseUrl(channel: string): string {
    this.seq += 1;
    const id = `r${this.seq}`;
    this.responses.set(id, { channel, user: SANDBOX_USER });
    return `${this.baseUrl}/slack/response/${id}`;
  }

  /** What the person does on the page, turned into what Slack would send to Coxswain. */
  private async pageAction(action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    const { slack, bridge } = this.deps;
    const channel = typeof input.channel === 'string' ? input.channel : 'C0DEPLOYS';
    switch (action) {
      case 'command': {
        const typed = String(input.text ?? '').trim();
        const m = /^(\/[a-z-]+)\s*(.*)$/s.exec(typed);
        if (!m || !['/deploy', '/deploy-status', '/rollback'].includes(m[1] as string)) {
          slack.ephemeral(channel, SANDBOX_USER, {
            text: `"${typed.slice(0, 40)}" is not a command here. Try /deploy, /deploy-status or /rollback.`,
          });
          return { ok: false };
        }
        const r = await bridge.command({
          command: m[1] as string,
          text: m[2] ?? '',
          channel,
          channelName: CHANNELS[channel] ?? 'directmessage',
          triggerId: slack.issueTrigger(),
          responseUrl: this.responseUrl(channel),
        });
        return { ok: r.status === 200, status: r.status };
      }
      case 'action': {
        const viewId = typeof input.viewId === 'string' ? input.viewId : undefined;
        const act = {
          type: input.selected ? 'static_select' : 'button',
          action_id: String(input.actionId ?? ''),
          block_id: String(input.blockId ?? ''),
          action_ts: String(Date.now() / 1000),
          ...(input.selected
            ? {
                selected_option: {
                  text: { type: 'plain_text', text: String(input.selected) },
                  value: String(input.selected),
                },
              }
            : { value: String(input.value ?? ''), text: { type: 'plain_text', text: 'button' } }),
        };
        const view = viewId ? this.viewById(viewId) : undefined;
        const payload = view
          ? {
              type: 'block_actions',
              container: { type: 'view', view_id: view.id },
              view: {
                id: view.id,
                hash: view.hash,
                type: view.view.type,
                callback_id: view.view.callback_id,
                private_metadata: view.view.private_metadata ?? '',
                state: { values: input.values ?? {} },
              },
              trigger_id: slack.issueTrigger(),
              actions: [act],
            }
          : {
              type: 'block_actions',
              container: { type: 'message', message_ts: input.ts, channel_id: channel, is_ephemeral: false },
              channel: { id: channel, name: CHANNELS[channel] ?? 'directmessage' },
              message: { type: 'message', ts: input.ts, text: '' },
              response_url: this.responseUrl(channel),
              trigger_id: slack.issueTrigger(),
              actions: [act],
            };
        const r = await bridge.interaction(payload);
        return { ok: r.status === 200 };
      }
      case 'submit': {
        const modal = slack.modal;
        if (!modal) return { ok: false };
        const r = await bridge.interaction({
          type: 'view_submission',
          trigger_id: slack.issueTrigger(),
          view: {
            id: modal.id,
            hash: modal.hash,
            type: 'modal',
            callback_id: modal.view.callback_id,
            private_metadata: modal.view.private_metadata ?? '',
            state: { values: input.values ?? {} },
          },
        });
        const answer = r.body
          ? (JSON.parse(r.body) as { response_action?: string; errors?: Record<string, string> })
          : {};
        if (answer.response_action === 'errors') modal.errors = answer.errors ?? {};
        else slack.modal = undefined;
        slack.changed();
        return { ok: r.status === 200, errors: answer.errors ?? null };
      }
      case 'close':
        slack.modal = undefined;
        slack.changed();
        return { ok: true };
      case 'home': {
        const r = await bridge.event({
          type: 'app_home_opened',
          user: SANDBOX_USER,
          channel: DM_CHANNEL,
          tab: 'home',
          event_ts: String(Date.now() / 1000),
        });
        return { ok: r.status === 200 };
      }
      default:
        return { ok: false, error: `unknown page action ${action}` };
    }
  }

  private viewById(id: string) {
    const { slack } = this.deps;
    if (slack.modal?.id === id) return slack.modal;
    return [...slack.homes.values()].find((v) => v.id === id);
  }
}
