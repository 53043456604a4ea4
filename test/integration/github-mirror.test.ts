import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { GITHUB_API } from '../helpers/github-nock.js';
import { Integration } from './harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

describe('integration: the GitHub Deployments mirror in the real composition', () => {
  it('/deploy creates a GitHub deployment at the SHA whose statuses link to the Slack thread', async () => {
    t = new Integration();
    nock(GITHUB_API)
      .get(`/repos/acme/web/commits/main`)
      .query(true)
      .reply(200, { sha: SHA, commit: { message: 'Ship it' } });
    const created: Record<string, unknown>[] = [];
    const statuses: Record<string, unknown>[] = [];
    // docs.github.com/rest/deployments/deployments#create-a-deployment (201) and …/statuses (201).
    nock(GITHUB_API)
      .post('/repos/acme/web/deployments')
      .reply(201, async (req: Request) => {
        created.push((await req.json()) as Record<string, unknown>);
        return { id: 4242, sha: SHA, ref: SHA, environment: 'staging', created_at: '2026-11-22T09:00:00Z' };
      });
    nock(GITHUB_API)
      .persist()
      .post('/repos/acme/web/deployments/4242/statuses')
      .reply(201, async (req: Request) => {
        const body = (await req.json()) as Record<string, unknown>;
        statuses.push(body);
        return { id: statuses.length, state: body.state };
      });

    await t.send('/deploy', 'web staging');
    await t.deliver();
    await t.rt.workers.githubStatuses.tick();
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({ ref: SHA, environment: 'staging', auto_merge: false, required_contexts: [] });
    const parent = t.posted('d1:parent')!;
    expect(statuses).toEqual([
      expect.objectContaining({
        state: 'queued',
        log_url: `https://acme.slack.com/archives/C0DEPLOYS/p${parent.ts.replace('.', '')}`,
      }),
    ]);
    await t.work(() => t!.cfn.changeSets.has('coxswain-1-1'));
    await t.rt.workers.githubStatuses.tick();
    expect(statuses.map((s) => s.state)).toEqual(['queued', 'in_progress']);
  });
});
