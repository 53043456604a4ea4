import nock from 'nock';
import { afterEach, describe, expect, it } from 'vitest';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { GITHUB_API } from '../helpers/github-nock.js';
import { replyText } from '../helpers/slack-kit.js';
import { Integration } from '../integration/harness.js';
import { branchHead, cdConfig, compare, SHA_A, SHA_B, SHA_C, seedSucceeded } from './helpers.js';

let t: Integration | undefined;
afterEach(() => {
  t?.close();
  t = undefined;
});

/** The health digest reads the default branch (docs.github.com/en/rest/repos/repos#get-a-repository) and its head. */
function defaultBranch(repo: string, sha: string) {
  return nock(GITHUB_API)
    .get(`/repos/${repo}`)
    .reply(200, { full_name: repo, default_branch: 'main' })
    .get(`/repos/${repo}/commits/main`)
    .query(true)
    .reply(200, { sha, commit: { message: 'head', committer: { date: '2026-11-22T08:00:00Z' } } });
}

describe('versions: how far each environment is behind, and auto-deploy closing the drift', () => {
  it("/deploy-status shows per service each environment's SHA and how far behind what it follows", async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/production', SHA_C, i.clock.now() - 48 * 3_600_000, 'C0PROD');
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    compare('acme/api', SHA_A, 'main', ['One']);
    compare('acme/api', SHA_C, SHA_A, ['Two', 'Three']);
    const reply = await i.send('/deploy-status', 'api');
    const shown = replyText(reply);
    expect(shown).toContain('*Versions*');
    expect(shown).toContain('*api:* staging <https://api.github.test/acme/api/commit/');
    expect(shown).toContain('|1 behind main>');
    expect(shown).toContain('|2 behind staging>');
    expect(shown).toContain(`compare/${SHA_C}...${SHA_A}`);
    // The status of each target follows, unchanged.
    expect(shown).toContain('api → staging');
  });

  it('/deploy-status still answers when GitHub cannot compare, saying the gap is unknown', async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/production', SHA_C, i.clock.now() - 48 * 3_600_000, 'C0PROD');
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    nock(GITHUB_API)
      .get(/\/repos\/acme\/api\/compare\/.*/)
      .query(true)
      .times(2)
      .reply(500, { message: 'boom' });
    const shown = replyText(await i.send('/deploy-status', 'api'));
    expect(shown).toContain('behind main: unknown');
    expect(shown).toContain('behind staging: unknown');
  });

  it("the health digest's version drift shows auto-deploy closing it: on its way while queued, up to date once it ran", async () => {
    const i = new Integration({ config: cdConfig() });
    t = i;
    seedSucceeded(i.db, 'api/staging', SHA_A, i.clock.now() - 3_600_000);
    branchHead('acme/api', 'main', { sha: SHA_B });
    compare('acme/api', SHA_A, SHA_B, ['One']);
    await i.rt.workers.autoDeploy.tick();

    defaultBranch('acme/api', SHA_B);
    defaultBranch('acme/web', SHA_B);
    compare('acme/api', SHA_A, SHA_B, ['One']);
    const before = replyText(await i.send('/deploy-status', 'health'));
    expect(before).toContain('1 behind main');
    expect(before).toContain(':robot_face: auto-deploys main · bbbbbbb on its way (#2 queued)');

    // The candidate runs (the worker's transitions, applied to the store as it would) and succeeds.
    const repo = new DeploymentsRepo(i.db);
    i.clock.advance(60_000);
    repo.transition(2, 'queued', 'deploying', i.clock.now(), { startedAt: i.clock.now() });
    i.clock.advance(60_000);
    repo.transition(2, 'deploying', 'succeeded', i.clock.now());

    defaultBranch('acme/api', SHA_B);
    defaultBranch('acme/web', SHA_B);
    const after = replyText(await i.send('/deploy-status', 'health'));
    expect(after).toMatch(/api\/staging[^\n]*up to date with main · :robot_face: auto-deploys main/);
    expect(after).not.toContain('on its way');
  });
});
