import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/app/config.js';
import { cdConfig } from './helpers.js';

function issues(edit: Parameters<typeof cdConfig>[0]): string[] {
  try {
    cdConfig(edit);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}

type Envs = Record<string, Record<string, unknown>>;

describe('continuous delivery configuration', () => {
  it('defaults: watchSeconds 30, soakMinutes 30, no user map', () => {
    const c = cdConfig((raw) => {
      delete (raw as Record<string, unknown>).github;
      raw.timing = { pollSeconds: 5, stallMinutes: 10, approvalTimeoutMinutes: 60 };
      const envs = raw.services.api.environments as Envs;
      delete envs.production!.soakMinutes;
    });
    expect(c.timing.watchSeconds).toBe(30);
    expect(c.services.api!.environments.production!.soakMinutes).toBe(30);
    expect(c.services.api!.environments.staging!.autoDeploy).toEqual({ branch: 'main' });
    expect(c.github.users).toEqual({});
  });

  it('promoteFrom must name another environment of the same service', () => {
    expect(
      issues((raw) => {
        (raw.services.api.environments as Envs).production!.promoteFrom = 'qa';
      }),
    ).toEqual([
      'services.api.environments.production.promoteFrom: `qa` is not an environment of this service (staging, production)',
    ]);
    expect(
      issues((raw) => {
        (raw.services.api.environments as Envs).production!.promoteFrom = 'production';
      }),
    ).toEqual(['services.api.environments.production.promoteFrom: an environment cannot promote from itself']);
  });

  it('an environment either auto-deploys a branch or promotes, not both; branch names and user maps are checked', () => {
    const both = issues((raw) => {
      (raw.services.api.environments as Envs).production!.autoDeploy = { branch: 'main' };
    });
    expect(both[0]).toContain('give either `autoDeploy`');
    expect(
      issues((raw) => {
        (raw.services.api.environments as Envs).staging = { autoDeploy: { branch: '../etc' } };
      })[0],
    ).toContain('autoDeploy.branch: a branch name such as main');
    expect(
      issues((raw) => {
        (raw as Record<string, unknown>).github = { users: { octocat: 'not-a-slack-id' } };
      })[0],
    ).toContain('github.users.octocat: a Slack user id');
  });
});
