import { afterEach, describe, expect, it } from 'vitest';
import { resourceChange } from '../helpers/cfn-nock.js';
import { githubCommit } from '../helpers/github-nock.js';
import { buttonsOf } from '../helpers/slack-kit.js';
import { Integration } from '../integration/harness.js';
import { cdConfig, SHA_A, SHA_B, SHA_C, seedSucceeded } from './helpers.js';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

const MIN = 60_000;

function count(i: Integration, where = '1 = 1'): number {
  return (i.db.prepare(`SELECT COUNT(*) AS n FROM deployments WHERE ${where}`).get() as { n: number }).n;
}

describe('promotion: production takes only what staging proved', () => {
  it('refuses a SHA that never succeeded in staging, saying why and what staging runs; nothing is queued', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3 * 60 * MIN);
    githubCommit('acme/api', SHA_C, SHA_C);
    const reply = await i.send('/deploy', `api production ${SHA_C}`, 'U01');
    expect(reply.text).toContain('Not promotable to production');
    expect(reply.text).toContain('`ccccccc` has not succeeded in staging');
    expect(reply.text).toContain('staging runs `aaaaaaa` now');
    expect(count(i)).toBe(1);
    expect(i.undelivered()).toBe(0);
  });

  it('refuses a SHA still soaking with the time it becomes promotable; allows it after soakMinutes; approvals still apply', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/staging', SHA_B, i.clock.now() - 10 * MIN);
    githubCommit('acme/api', SHA_B, SHA_B);
    const early = await i.send('/deploy', `api production ${SHA_B}`, 'U01');
    expect(early.text).toContain('succeeded in staging only 10 min ago');
    expect(early.text).toContain('30-min soak');
    expect(early.text).toContain('09:20 UTC');
    expect(count(i, "environment = 'production'")).toBe(0);

    i.clock.advance(21 * MIN);
    githubCommit('acme/api', SHA_B, SHA_B);
    const later = await i.send('/deploy', `api production ${SHA_B}`, 'U01');
    expect(later.text).toContain('needs approval');
    const d = i.db.prepare("SELECT sha, state FROM deployments WHERE environment = 'production'").get();
    expect(d).toEqual({ sha: SHA_B, state: 'pending_approval' });
  });

  it('/deploy api production with no ref means what staging runs now (not the branch head)', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 5 * 60 * MIN);
    seedSucceeded(i.db, 'api/staging', SHA_B, i.clock.now() - 60 * MIN);
    githubCommit('acme/api', SHA_B, SHA_B);
    const reply = await i.send('/deploy', 'api production', 'U02');
    expect(reply.text).toContain('Requested #3 api → production');
    expect(i.db.prepare('SELECT sha, ref FROM deployments WHERE id = 3').get()).toEqual({ sha: SHA_B, ref: SHA_B });
  });

  it('with no ref and nothing deployed in staging, says there is nothing to promote', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    const reply = await i.send('/deploy', 'api production', 'U01');
    expect(reply.text).toContain('Nothing to promote to production: staging has no successful deployment yet');
    expect(count(i)).toBe(0);
  });

  it('rollbacks are exempt: production goes back to a SHA staging never ran', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/production', SHA_A, i.clock.now() - 48 * 60 * MIN, 'C0PROD');
    seedSucceeded(i.db, 'api/production', SHA_C, i.clock.now() - 24 * 60 * MIN, 'C0PROD');
    const reply = await i.send('/rollback', 'api production', 'U01');
    expect(reply.text).not.toContain('Not promotable');
    expect(i.db.prepare("SELECT sha FROM deployments WHERE kind = 'rollback'").get()).toEqual({ sha: SHA_A });
  });

  it("staging's success thread offers Promote to production; the click re-checks soak, rights and approvals, then the button is replaced", async () => {
    const i = new Integration({
      config: cdConfig((raw) => {
        // Mode parameters without a build: the staging deploy is one change set, run by the real worker below.
        delete (raw.services.api as { build?: unknown }).build;
      }),
    });
    t = i;
    githubCommit('acme/api', 'main', SHA_B);
    await i.send('/deploy', 'api staging', 'U05');
    await i.work(() => i.cfn.changeSets.has('coxswain-1-1'));
    i.cfn.readyChangeSet('coxswain-1-1', [resourceChange('Svc', 'AWS::ECS::Service')]);
    i.cfn.completesOnExecute(() => i.clock.now());
    await i.work(() => i.get(1).state === 'succeeded');
    await i.deliver();

    const offer = i.posted('d1:promote-production');
    expect(offer?.threadTs).toBe(i.posted('d1:parent')?.ts);
    expect(i.shown(offer)).toContain('Promote `bbbbbbb` to production after the 30-min soak');
    const button = buttonsOf(offer).find((b) => b.action_id === 'deploy_promote')!;
    expect(button).toMatchObject({ value: '1', block_id: 'promote:production' });

    // Too early: refused to the clicker with the reason; nothing queued, the button stays.
    githubCommit('acme/api', SHA_B, SHA_B);
    const early = await i.click('deploy_promote', 'U01', button.value, button.block_id);
    expect(early?.text).toContain('Not promotable to production');
    expect(count(i, "environment = 'production'")).toBe(0);

    i.clock.advance(31 * MIN);
    // Someone who may not deploy to production: refused at click time.
    githubCommit('acme/api', SHA_B, SHA_B);
    const outsider = await i.click('deploy_promote', 'U09', button.value, button.block_id);
    expect(outsider?.text).toMatch(/not allowed|can't deploy|cannot deploy|may deploy/i);
    expect(count(i, "environment = 'production'")).toBe(0);

    githubCommit('acme/api', SHA_B, SHA_B);
    const ok = await i.click('deploy_promote', 'U01', button.value, button.block_id);
    expect(ok?.text).toContain('needs approval');
    const prod = i.db
      .prepare("SELECT id, sha, state, requested_by AS by FROM deployments WHERE environment = 'production'")
      .get();
    expect(prod).toEqual({ id: 2, sha: SHA_B, state: 'pending_approval', by: 'U01' });
    await i.deliver();
    const replaced = i.slack.messages.find((m) => m.ts === offer!.ts)!;
    expect(i.shown(replaced)).toContain('promoted to production by <@U01>: deployment #2');
    expect(buttonsOf(replaced)).toEqual([]);
    // Production's approval request is in production's own thread.
    expect(i.posted('d2:approval')?.channel).toBe('C0PROD');
  });
});
