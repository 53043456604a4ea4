import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { silentLogger } from '../../src/app/logger.js';
import { doctorContext } from '../../src/doctor/runner.js';
import { REQUIRED_SCOPES } from '../../src/doctor/slack-checks.js';
import { SlackDoctor } from '../../src/doctor/slack-doctor.js';
import { register } from '../../src/slack/commands/index.js';
import { commandFixture } from '../commands/fixture.js';
import { exampleConfig } from '../helpers/config.js';
import { captureReplies, replyText, testApp } from '../helpers/slack-kit.js';
import { useDoctorWorld } from './doctor-run.js';
import { GITHUB_URL, SLACK_URL } from './doctor-world.js';

const world = useDoctorWorld();

// Every environment restricted to U01: anyone else is not a deployer anywhere.
const config = exampleConfig((raw) => {
  raw.services.api.environments.staging = { deployers: ['U01'] } as never;
  raw.services.api.environments.production.deployers = ['U01'];
  (raw.services.web.environments.staging as Record<string, unknown>).deployers = ['U01'];
  return raw;
});

function app() {
  const f = commandFixture({ config });
  const doctor = new SlackDoctor(config, () =>
    doctorContext({
      config,
      slackToken: 'xoxb-doctor-test',
      slackApiUrl: SLACK_URL,
      githubToken: 'ghp_x',
      githubApiUrl: GITHUB_URL,
      defaultRegion: 'us-east-1',
      logger: silentLogger,
      aws: world.aws,
    }),
  );
  return testApp((a) =>
    register(a, {
      config,
      requests: {
        request: async () => {
          throw new Error('not used');
        },
      },
      status: { build: () => ({ ok: true, message: { text: 'x' } }) },
      digests: f.digests,
      locks: f.locks,
      rollbacks: f.rollbacks,
      logger: silentLogger,
      doctor,
    }),
  );
}

describe('/deploy-status doctor', () => {
  it('answers a deployer ephemerally with one section per area, ✓/⚠/✗ and the fixes', async () => {
    world.w.stacks.set('api-staging@us-east-1', 'UPDATE_ROLLBACK_FAILED');
    const replies = captureReplies();
    const t = app();
    expect((await t.send('/deploy-status', 'doctor', { user: 'U01' })).acked).toBe(true);
    const reply = replies[0]!;
    expect(reply.response_type).toBe('ephemeral');
    expect(reply.text).toMatch(/^Coxswain doctor: \d+ ok, \d+ warning\(s\), 1 failure\(s\)/);
    const blocks = reply.blocks as { type: string; text?: { text: string } }[];
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: 'Coxswain doctor: problems found' } });
    const sections = blocks.filter((b) => b.type === 'section').map((b) => b.text!.text);
    expect(sections.map((s) => s.split('\n')[0])).toEqual(['*slack*', '*aws*', '*codebuild*', '*iam*', '*github*']);
    const awsSection = sections[1]!;
    expect(awsSection).toContain('✗ stack api-staging (us-east-1) of api/staging: UPDATE_ROLLBACK_FAILED');
    expect(awsSection).toContain('_fix:_ continue the rollback');
    for (const s of sections) expect(s.length).toBeLessThanOrEqual(3000);
    expect(blocks.length).toBeLessThanOrEqual(50);
  });

  it('refuses someone who may deploy nowhere, and asks no service anything', async () => {
    const replies = captureReplies();
    const t = app();
    await t.send('/deploy-status', 'doctor', { user: 'U09' });
    expect(replyText(replies[0]!)).toContain('Only deployers may run the doctor');
    expect(world.w.calls).toEqual([]);
  });
});

describe('the scopes the doctor requires', () => {
  it('are exactly the bot scopes manifest.yml asks for', () => {
    const manifest = parse(readFileSync('manifest.yml', 'utf8')) as { oauth_config: { scopes: { bot: string[] } } };
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(Object.keys(REQUIRED_SCOPES).sort());
  });
});
