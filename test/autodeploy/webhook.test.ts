import type { IncomingHttpHeaders } from 'node:http';
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/app/logger.js';
import { GitHubWebhook, githubWebhookRoute, signatureValid } from '../../src/autodeploy/github-webhook.js';
import { type App, createApp } from '../../src/slack/bolt-app.js';
import { AutoDeployRepo } from '../../src/store/auto-deploy-repo.js';
import { githubSignature } from '../helpers/github-nock.js';
import { botIds, listen, testEnv } from '../helpers/slack-kit.js';
import { Integration } from '../integration/harness.js';
import { branchHead, cdConfig, compare, SHA_A, SHA_B, seedSucceeded } from './helpers.js';

const SECRET = 'webhook-secret-0123456789';

/**
 * A push delivery as GitHub sends it (docs.github.com/en/webhooks/webhook-events-and-payloads#push): headers
 * X-GitHub-Event, X-GitHub-Delivery (a GUID) and X-Hub-Signature-256 = "sha256=" + HMAC-SHA256(secret, raw body)
 * (docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries).
 */
function pushPayload(o: { after?: string; timestamp: string; branch?: string }) {
  const after = o.after ?? SHA_B;
  return {
    ref: `refs/heads/${o.branch ?? 'main'}`,
    before: SHA_A,
    after,
    created: false,
    deleted: false,
    forced: false,
    base_ref: null,
    compare: `https://github.com/acme/api/compare/${SHA_A.slice(0, 12)}...${after.slice(0, 12)}`,
    commits: [
      {
        id: after,
        tree_id: 'f'.repeat(40),
        distinct: true,
        message: 'Add metrics',
        timestamp: o.timestamp,
        url: `https://github.com/acme/api/commit/${after}`,
        author: { name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' },
        committer: { name: 'Octo Cat', email: 'octocat@example.com', username: 'octocat' },
        added: [],
        removed: [],
        modified: ['src/metrics.ts'],
      },
    ],
    head_commit: { id: after, message: 'Add metrics', timestamp: o.timestamp },
    repository: { id: 1, name: 'api', full_name: 'acme/api', owner: { login: 'acme' } },
    pusher: { name: 'octocat', email: 'octocat@example.com' },
    sender: { login: 'octocat', id: 1, type: 'User' },
  };
}

function sign(body: string | Buffer, secret = SECRET): string {
  return githubSignature(secret, body);
}

function headers(body: string, o: { delivery?: string; signature?: string | null; event?: string } = {}) {
  const h: IncomingHttpHeaders = {
    'x-github-event': o.event ?? 'push',
    'x-github-delivery': o.delivery ?? '72d3162e-cc78-11e3-81ab-4c9367dc0958',
    'content-type': 'application/json',
  };
  if (o.signature !== null) h['x-hub-signature-256'] = o.signature ?? sign(body);
  return h;
}

let t: Integration | undefined;
let app: App | undefined;
afterEach(async () => {
  t?.close();
  t = undefined;
  await app?.stop();
  app = undefined;
});

function setup() {
  t = new Integration({ config: cdConfig(), env: { GITHUB_WEBHOOK_SECRET: SECRET } });
  const webhook = new GitHubWebhook({
    secret: SECRET,
    clock: t.clock,
    logger: silentLogger,
    autoDeploys: new AutoDeployRepo(t.db),
  });
  return { i: t, webhook };
}

function deployments(i: Integration): number {
  return (i.db.prepare('SELECT COUNT(*) AS n FROM deployments').get() as { n: number }).n;
}

describe('GitHub push webhook', () => {
  it("verifies the signature the way GitHub's documentation shows (test vector)", () => {
    // docs.github.com/en/webhooks/using-webhooks/validating-webhook-deliveries#testing-the-webhook-payload-validation
    const vector = 'sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17';
    expect(signatureValid("It's a Secret to Everybody", Buffer.from('Hello, World!'), vector)).toBe(true);
    expect(signatureValid("It's a Secret to Everybody", Buffer.from('Hello, World?'), vector)).toBe(false);
    expect(signatureValid("It's a Secret to Everybody", Buffer.from('Hello, World!'), vector.slice(0, -1))).toBe(false);
    expect(signatureValid("It's a Secret to Everybody", Buffer.from('Hello, World!'), undefined)).toBe(false);
  });

  it('a valid push reads the branch now (no ETag) and queues exactly its head, pushed by the mapped user', async () => {
    const { i, webhook } = setup();
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    // A poll first: the watch now holds an ETag for the head it saw.
    branchHead('acme/api', 'main', { sha: SHA_A, etag: 'W/"a"' });
    await i.rt.workers.autoDeploy.tick();
    const body = JSON.stringify(pushPayload({ timestamp: new Date(i.clock.now() - 60_000).toISOString() }));
    const answer = webhook.receive(headers(body), Buffer.from(body));
    expect(answer).toMatchObject({
      status: 202,
      push: { repo: 'acme/api', branch: 'main', after: SHA_B, pusher: 'octocat' },
    });

    branchHead('acme/api', 'main', { sha: SHA_B }, { noEtag: true });
    compare('acme/api', SHA_A, SHA_B, ['Add metrics']);
    expect(await i.rt.workers.autoDeploy.pushed(answer.push!)).toEqual(['queued']);
    const d = i.db.prepare('SELECT id, sha, state FROM deployments WHERE id = 2').get();
    expect(d).toEqual({ id: 2, sha: SHA_B, state: 'queued' });
    expect(i.db.prepare('SELECT source, pusher FROM auto_deploys').get()).toEqual({
      source: 'webhook',
      pusher: 'octocat',
    });
    await i.deliver();
    expect(i.shown(i.posted('d2:auto-deploy'))).toContain('|1 commit>: Add metrics)');
    expect(i.shown(i.posted('d2:auto-deploy'))).toContain('pushed by <@U07>');
  });

  it('a tampered body, a missing signature or one made with another secret is refused with 401, and nothing happens', () => {
    const { i, webhook } = setup();
    const body = JSON.stringify(pushPayload({ timestamp: new Date(i.clock.now()).toISOString() }));
    const tampered = body.replace(SHA_B, 'e'.repeat(40));
    expect(webhook.receive(headers(body), Buffer.from(tampered)).status).toBe(401);
    expect(webhook.receive(headers(body, { signature: null }), Buffer.from(body)).status).toBe(401);
    expect(
      webhook.receive(headers(body, { signature: sign(body, 'another-secret-000') }), Buffer.from(body)).status,
    ).toBe(401);
    expect(webhook.receive(headers(body, { signature: 'sha1=abc' }), Buffer.from(body)).status).toBe(401);
    // Refused deliveries are not even remembered, and no GitHub or AWS call was made.
    expect(i.db.prepare('SELECT COUNT(*) AS n FROM webhook_deliveries').get()).toEqual({ n: 0 });
    expect(deployments(i)).toBe(0);
    expect(nock.pendingMocks().filter((m) => m.includes('api.github.test'))).toEqual([]);
  });

  it('stale deliveries are refused: a replayed delivery id, and a push whose head commit is over an hour old', () => {
    const { i, webhook } = setup();
    const body = JSON.stringify(pushPayload({ timestamp: new Date(i.clock.now() - 5 * 60_000).toISOString() }));
    expect(webhook.receive(headers(body), Buffer.from(body)).status).toBe(202);
    const replay = webhook.receive(headers(body), Buffer.from(body));
    expect(replay).toMatchObject({ status: 409, message: expect.stringContaining('already received') });
    expect(replay.push).toBeUndefined();

    const old = JSON.stringify(pushPayload({ timestamp: new Date(i.clock.now() - 2 * 3_600_000).toISOString() }));
    const stale = webhook.receive(headers(old, { delivery: 'a0b1c2d3-0000-0000-0000-000000000001' }), Buffer.from(old));
    expect(stale).toMatchObject({ status: 409, message: expect.stringContaining('older than an hour') });
    expect(stale.push).toBeUndefined();
    expect(deployments(i)).toBe(0);
  });

  it('ping, other events, tag pushes and branch deletions are answered without deploying', () => {
    const { i, webhook } = setup();
    const ping = JSON.stringify({ zen: 'Keep it logically awesome.', hook_id: 1 });
    expect(webhook.receive(headers(ping, { event: 'ping', delivery: 'p1' }), Buffer.from(ping)).status).toBe(200);
    const issue = JSON.stringify({ action: 'opened' });
    expect(webhook.receive(headers(issue, { event: 'issues', delivery: 'p2' }), Buffer.from(issue))).toMatchObject({
      status: 202,
    });
    const ts = new Date(i.clock.now()).toISOString();
    const tag = JSON.stringify({ ...pushPayload({ timestamp: ts }), ref: 'refs/tags/v1.0.0' });
    expect(webhook.receive(headers(tag, { delivery: 'p3' }), Buffer.from(tag)).push).toBeUndefined();
    const deleted = JSON.stringify({ ...pushPayload({ timestamp: ts }), deleted: true, head_commit: null });
    expect(webhook.receive(headers(deleted, { delivery: 'p4' }), Buffer.from(deleted)).push).toBeUndefined();
    const junk = 'not json';
    expect(webhook.receive(headers(junk, { delivery: 'p5' }), Buffer.from(junk)).status).toBe(400);
    expect(deployments(i)).toBe(0);
  });

  it('is served at POST /github/webhook on the HTTP receiver, next to /healthz, over the raw body', async () => {
    const { i, webhook } = setup();
    const pushes: string[] = [];
    app = createApp({
      env: testEnv,
      logger: silentLogger,
      botIds,
      clientOptions: { retryConfig: { retries: 0 } },
      routes: [
        githubWebhookRoute(
          webhook,
          async (p) => {
            pushes.push(p.after);
          },
          silentLogger,
        ),
      ],
    });
    const port = await listen(app);
    const body = JSON.stringify(pushPayload({ timestamp: new Date(i.clock.now()).toISOString() }));
    const url = `http://127.0.0.1:${port}/github/webhook`;
    const unsigned = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'x-github-event': 'push', 'x-github-delivery': 'h1' },
    });
    expect(unsigned.status).toBe(401);
    const signed = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'x-github-event': 'push', 'x-github-delivery': 'h2', 'x-hub-signature-256': sign(body) },
    });
    expect(signed.status).toBe(202);
    expect(await signed.json()).toEqual({ ok: true, message: 'accepted' });
    for (let n = 0; n < 100 && pushes.length === 0; n++) await new Promise((r) => setTimeout(r, 10));
    expect(pushes).toEqual([SHA_B]);
    expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
  });
});
