import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { githubChecks } from '../gates/github-checks.js';
import { exampleConfig } from '../helpers/config.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { Integration } from './harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SITE = 'https://web-staging.example.com';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

describe('integration: gates and verification through the real composition', () => {
  it('pending checks wait, the gate watcher releases the deployment, the worker deploys and verifies it', async () => {
    t = new Integration({
      config: exampleConfig((r) => {
        r.services.web.environments.staging = {
          gates: { checks: 'required' },
          verify: { url: `${SITE}/version`, timeoutSeconds: 30 },
        } as never;
        return r;
      }),
    });
    nock(GITHUB_API)
      .get('/repos/acme/web/commits/main')
      .query(true)
      .reply(200, { sha: SHA, commit: { message: 'Ship it', committer: { date: '2026-12-01T10:00:00Z' } } });
    githubChecks('acme/web', SHA, { runs: [{ name: 'test', status: 'in_progress' }] });

    const reply = await t.send('/deploy', 'web staging');
    expect(reply.text).toContain('waiting for checks: test (in progress)');
    await t.rt.workers.deploy.tick();
    expect(t.get(1).state).toBe('waiting_checks');
    expect(t.cfn.count('CreateChangeSet')).toBe(0);

    githubChecks('acme/web', SHA, { runs: [{ name: 'test' }] });
    await t.rt.workers.gateWatcher.tick();
    expect(t.get(1).state).toBe('queued');

    await t.work(() => t!.cfn.changeSets.has('coxswain-1-1'));
    t.cfn.readyChangeSet('coxswain-1-1', []);
    t.cfn.completesOnExecute(() => t!.clock.now());
    nock(SITE).get('/version').times(10).reply(200, `{"sha":"${SHA}"}`);
    await t.work(() => t!.get(1).state === 'succeeded');
    expect(t.get(1).summary).toBe(`serving a1b2c3d at ${SITE}/version`);

    await t.deliver();
    expect(t.shown(t.posted('d1:result'))).toContain(`serving a1b2c3d at ${SITE}/version`);
  });
});
