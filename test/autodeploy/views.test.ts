import { describe, expect, it } from 'vitest';
import { mirroredStatus } from '../../src/domain/github-deployment-status.js';
import { autoDeployNote, heldHeadNote, supersededNote } from '../../src/views/auto-deploy.js';
import { requester, requesterFor } from '../../src/views/requester.js';
import { versionsBlock } from '../../src/views/versions.js';
import { SHA_A, SHA_B, SHA_C } from './helpers.js';

const repo = { owner: 'acme', name: 'api' };
const web = 'https://github.com';

describe('continuous delivery views', () => {
  it('the auto-deploy note lists at most three commit lines, escapes them, and links the compare', () => {
    const m = autoDeployNote({
      sha: SHA_B,
      branch: 'main',
      repo,
      githubWeb: web,
      commits: { count: 5, messages: ['Fix <script>', 'Two\nbody', 'Three', 'Four'], base: SHA_A },
      who: { slackUser: 'U07', login: 'octocat', verb: 'pushed' },
    });
    expect(m.text).toBe(
      `:robot_face: Auto-deploy of <https://github.com/acme/api/commit/${SHA_B}|bbbbbbb> ` +
        `(<https://github.com/acme/api/compare/${SHA_A}...${SHA_B}|5 commits>: Fix &lt;script&gt;; Two; Three; …) ` +
        'pushed by <@U07> — the head of `main`.',
    );
  });

  it('without a base or a login it says only what it knows', () => {
    const m = autoDeployNote({
      sha: SHA_B,
      branch: 'main',
      repo,
      githubWeb: web,
      commits: { count: undefined, messages: ['Ship'] },
      who: { login: null, verb: 'authored' },
    });
    expect(m.text).toBe(
      `:robot_face: Auto-deploy of <https://github.com/acme/api/commit/${SHA_B}|bbbbbbb> — the head of \`main\`.`,
    );
  });

  it('superseded and held notes name the SHA and the branch', () => {
    expect(supersededNote({ id: 18, sha: SHA_C }, 'main').text).toContain('Superseded by #18 (ccccccc)');
    const held = heldHeadNote({
      target: 'api/staging',
      sha: SHA_B,
      branch: 'main',
      repo,
      githubWeb: web,
      reason: 'ci failed.',
    });
    expect(held.text).toContain('Not auto-deploying <https://github.com/acme/api/commit/');
    expect(held.text).toContain('to api/staging: ci failed. The next push is tried again.');
  });

  it('a GitHub login without a Slack user is never rendered as a mention', () => {
    expect(requesterFor('octocat', { octocat: 'U07' })).toBe('U07');
    expect(requesterFor('hubot', { octocat: 'U07' })).toBe('github:hubot');
    expect(requesterFor('constructor', {})).toBe('github:constructor');
    expect(requester('github:hubot')).toBe('GitHub user `hubot`');
    expect(requester('U07')).toBe('<@U07>');
  });

  it('version lines: up to date, behind with a compare link, unknown, nothing yet', () => {
    const block = versionsBlock(
      [
        {
          service: 'api',
          envs: [
            { environment: 'staging', repo, sha: SHA_B, source: { label: 'main', sha: 'main', behind: 0 } },
            { environment: 'production', repo, sha: SHA_A, source: { label: 'staging', sha: SHA_B, behind: 3 } },
            { environment: 'qa', repo, sha: SHA_A, source: { label: 'staging', sha: SHA_B, behind: undefined } },
            { environment: 'eu', repo, sha: undefined, source: { label: 'staging', sha: SHA_B, behind: undefined } },
          ],
        },
      ],
      web,
    );
    const text = JSON.stringify(block);
    expect(text).toContain('(up to date with main)');
    expect(text).toContain(`compare/${SHA_A}...${SHA_B}|3 behind staging>`);
    expect(text).toContain('(behind staging: unknown)');
    expect(text).toContain('eu nothing yet');
  });

  it('a superseded candidate becomes inactive on GitHub (its queued deployment does not hang there)', () => {
    expect(mirroredStatus({ state: 'superseded', workflowBuild: false })).toEqual({
      state: 'inactive',
      creates: false,
    });
  });
});
