/**
 * App Home and the /deploy form through Bolt's real HTTP receiver with signed requests, over the real composition
 * (buildRuntime). Slack's side: FakeSlack on nock (views.* answers shaped like docs.slack.dev/reference/methods/
 * views.publish and views.open: `{ ok: true, view: {...} }`); GitHub on nock (commit 200 / 422 "No commit found").
 */
import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/app/runtime.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import type { FakeClock } from '../helpers/clock.js';
import { GITHUB_API, githubCommit } from '../helpers/github-nock.js';
import {
  captureReplies,
  clickBody,
  postEvent,
  postPayload,
  postSigned,
  slashBody,
  viewSubmissionBody,
} from '../helpers/slack-kit.js';
import { Integration } from '../integration/harness.js';
import type { FakeSlack } from '../outbox/fake-slack.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

interface Setup {
  rt: Runtime;
  port: number;
  slack: FakeSlack;
  clock: FakeClock;
  close(): Promise<void>;
}
let current: Setup | undefined;
afterEach(async () => {
  await current?.close();
  current = undefined;
});

async function setup(): Promise<Setup> {
  const t = new Integration({ http: true });
  const ok = { status: 200, body: { ok: true, view: { id: 'V0VIEW' } } };
  t.slack.on('views.publish', ...Array.from({ length: 20 }, () => ok));
  t.slack.on('views.open', ...Array.from({ length: 5 }, () => ok));
  t.slack.on('chat.postEphemeral', ...Array.from({ length: 5 }, () => ({ status: 200, body: { ok: true } })));
  const port = await t.listen();
  const s: Setup = { rt: t.rt, port, slack: t.slack, clock: t.clock, close: () => t.stop() };
  current = s;
  return s;
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type View = { type: string; blocks: { type: string; block_id?: string; elements?: unknown[]; text?: unknown }[] };
const viewOf = (body: Record<string, unknown>) => JSON.parse(String(body.view)) as View;

function submission(user: string, values: Record<string, Record<string, unknown>>): Record<string, unknown> {
  return viewSubmissionBody(user, 'deploy_modal', values, JSON.stringify({ channel: 'C0WHERE' }));
}

const sel = (v: string) => ({ value: { type: 'static_select', selected_option: { value: v } } });
const txt = (v: string) => ({ value: { type: 'plain_text_input', value: v } });

describe('App Home through signed Events API requests', () => {
  it('app_home_opened publishes the user’s Home with the approvals they may act on, within 100 blocks', async () => {
    const s = await setup();
    captureReplies();
    githubCommit('acme/api', 'main', SHA, { message: 'Ship' });
    expect((await postSigned(s.port, slashBody('/deploy', 'api production', { user: 'U01' }))).status).toBe(200);
    const repo = new DeploymentsRepo(s.rt.db);
    await until(() => repo.get(1)?.state === 'pending_approval', 'the deploy to wait for approval');

    expect(
      (await postEvent(s.port, { type: 'app_home_opened', user: 'U03', channel: 'D0HOME', tab: 'home' })).status,
    ).toBe(200);
    await until(() => s.slack.callsTo('views.publish').length === 1, 'views.publish');
    const call = s.slack.callsTo('views.publish')[0]!;
    expect(call.body.user_id).toBe('U03');
    const view = viewOf(call.body);
    expect(view.type).toBe('home');
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const json = JSON.stringify(view.blocks);
    expect(json).toContain('asks to deploy');
    expect(json).toContain('waiting for approval');
    const actions = view.blocks.find((b) => b.type === 'actions');
    expect(actions?.block_id).toBe(`approval:1:${SHA}`);

    // The requester sees the deploy waiting, but no buttons (you can't approve your own deploy).
    await postEvent(s.port, { type: 'app_home_opened', user: 'U01', channel: 'D0HOME', tab: 'home' });
    await until(() => s.slack.callsTo('views.publish').length === 2, 'second views.publish');
    const own = viewOf(s.slack.callsTo('views.publish')[1]!.body);
    expect(own.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(own.blocks)).toContain('waiting for approval');
  });

  it('Approve on the Home tab goes through the thread’s rules: a non-approver is told why by DM, an approver queues it', async () => {
    const s = await setup();
    captureReplies();
    githubCommit('acme/api', 'main', SHA, { message: 'Ship' });
    await postSigned(s.port, slashBody('/deploy', 'api production', { user: 'U01' }));
    const repo = new DeploymentsRepo(s.rt.db);
    await until(() => repo.get(1)?.state === 'pending_approval', 'pending approval');
    const click = (user: string) =>
      postPayload(
        s.port,
        clickBody({
          actionId: 'deploy_approve',
          user,
          value: '1',
          blockId: `approval:1:${SHA}`,
          triggerId: `t-${user}`,
          channel: undefined,
        }),
      );

    expect((await click('U02')).status).toBe(200);
    await until(() => s.slack.callsTo('chat.postMessage').some((c) => c.body.channel === 'U02'), 'the DM to U02');
    const dm = s.slack.callsTo('chat.postMessage').find((c) => c.body.channel === 'U02')!;
    expect(String(dm.body.text)).toContain('not an approver');
    expect(repo.get(1)?.state).toBe('pending_approval');

    await click('U03');
    await until(() => repo.get(1)?.state === 'queued', 'the approval to queue the deploy');
  });

  it('refreshes an open Home when what it shows changes, and not otherwise', async () => {
    const s = await setup();
    captureReplies();
    await postEvent(s.port, { type: 'app_home_opened', user: 'U05', channel: 'D0HOME', tab: 'home' });
    await until(() => s.slack.callsTo('views.publish').length === 1, 'views.publish');
    s.clock.advance(10_000);
    expect(await s.rt.workers.home.tick()).toBe(0);
    githubCommit('acme/api', 'main', SHA, { message: 'Ship' });
    await postSigned(s.port, slashBody('/deploy', 'api staging', { user: 'U05' }));
    await until(() => new DeploymentsRepo(s.rt.db).get(1) !== undefined, 'the deploy');
    s.clock.advance(10_000);
    expect(await s.rt.workers.home.tick()).toBe(1);
    const view = viewOf(s.slack.callsTo('views.publish')[1]!.body);
    expect(JSON.stringify(view.blocks)).toContain('#1 in line');
  });

  it('ignores app_home_opened for the Messages tab', async () => {
    const s = await setup();
    await postEvent(s.port, { type: 'app_home_opened', user: 'U05', channel: 'D0HOME', tab: 'messages' });
    await new Promise((r) => setTimeout(r, 50));
    expect(s.slack.callsTo('views.publish')).toHaveLength(0);
  });
});

describe('/deploy with no arguments: the form', () => {
  it('opens a modal with only what the user may deploy, the default ref and recent branches', async () => {
    const s = await setup();
    captureReplies();
    nock(GITHUB_API)
      .get('/repos/acme/api/branches')
      .query(true)
      .reply(200, [{ name: 'main' }, { name: 'feature-x' }]);
    const res = await postSigned(s.port, slashBody('/deploy', '', { user: 'U05', triggerId: 'trig-1' }));
    expect(res.status).toBe(200);
    await until(() => s.slack.callsTo('views.open').length === 1, 'views.open');
    const call = s.slack.callsTo('views.open')[0]!;
    expect(call.body.trigger_id).toBe('trig-1');
    const view = viewOf(call.body);
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    const json = JSON.stringify(view.blocks);
    // U05 is not in api/production's deployers: only staging is offered for api.
    expect(json).toContain('"value":"staging"');
    expect(json).not.toContain('"value":"production"');
    expect(json).toContain('"initial_value":"main"');
    expect(json).toContain('"value":"feature-x"');
  });

  it('a refused submission shows the typed command’s refusal inline, and queues nothing', async () => {
    const s = await setup();
    const res = await postPayload(
      s.port,
      submission('U05', { service: sel('api'), 'environment:api': sel('production'), 'ref:api': txt('main') }),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_action: string; errors: Record<string, string> };
    expect(body.response_action).toBe('errors');
    expect(body.errors['environment:api']).toContain('You are not allowed to deploy to api → production');
    expect(new DeploymentsRepo(s.rt.db).get(1)).toBeUndefined();
  });

  it('an unknown ref is an inline error on the ref field; GitHub is asked, nothing is queued', async () => {
    const s = await setup();
    const gh = nock(GITHUB_API)
      .get('/repos/acme/api/commits/nope')
      .query(true)
      .reply(422, { message: 'No commit found for SHA: nope' });
    const res = await postPayload(
      s.port,
      submission('U05', { service: sel('api'), 'environment:api': sel('staging'), 'ref:api': txt('nope') }),
    );
    const body = (await res.json()) as { errors: Record<string, string> };
    expect(body.errors['ref:api']).toContain('is not a branch, tag or commit of acme/api');
    expect(gh.isDone()).toBe(true);
    expect(new DeploymentsRepo(s.rt.db).get(1)).toBeUndefined();
  });

  it('a bad ref never reaches GitHub (the parser refuses it), like the typed command', async () => {
    const s = await setup();
    const res = await postPayload(
      s.port,
      submission('U05', { service: sel('api'), 'environment:api': sel('staging'), 'ref:api': txt('a;b') }),
    );
    const body = (await res.json()) as { errors: Record<string, string> };
    expect(Object.keys(body.errors)).toEqual(['ref:api']);
    expect(new DeploymentsRepo(s.rt.db).get(1)).toBeUndefined();
  });

  it('a good submission closes the form, queues the deploy and replies like the typed command', async () => {
    const s = await setup();
    githubCommit('acme/api', 'feature-x', SHA, { message: 'Ship' });
    const res = await postPayload(
      s.port,
      submission('U05', {
        service: sel('api'),
        'environment:api': sel('staging'),
        'ref:api': txt('main'),
        'branch:api': sel('feature-x'),
      }),
    );
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const d = new DeploymentsRepo(s.rt.db).get(1);
    expect(d).toMatchObject({ service: 'api', environment: 'staging', ref: 'feature-x', sha: SHA, requestedBy: 'U05' });
    await until(() => s.slack.callsTo('chat.postEphemeral').length === 1, 'the ephemeral reply');
    const reply = s.slack.callsTo('chat.postEphemeral')[0]!;
    expect(reply).toMatchObject({ body: { channel: 'C0WHERE', user: 'U05' } });
    expect(String(reply.body.text)).toContain('Queued #1 api → staging');
  });

  it('rejects an unsigned submission with 401 and queues nothing', async () => {
    const s = await setup();
    const res = await postPayload(
      s.port,
      submission('U05', { service: sel('api'), 'environment:api': sel('staging') }),
      'ffffffffffffffffffffffffffffffff',
    );
    expect(res.status).toBe(401);
    expect(new DeploymentsRepo(s.rt.db).get(1)).toBeUndefined();
  });
});
