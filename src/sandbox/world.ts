/**
 * SIMULATION. The sandbox's example world: a Coxswain configuration, the people in the channel, and GitHub
 * repositories whose commits decide what the simulated AWS does with them (succeed, fail with an RDS quota, stall).
 * Nothing here is loaded by the real runtime (only by src/sandbox/main.ts).
 */
import { type Config, parseConfig } from '../app/config.js';

export type Behaviour = 'succeed' | 'fail-rds-quota' | 'stall';

export interface SimCommit {
  sha: string;
  message: string;
  author: string;
  behaviour: Behaviour;
}

export interface SimRepo {
  owner: string;
  name: string;
  defaultBranch: string;
  /** Branches and tags → commit. */
  refs: Record<string, SimCommit>;
}

export const SANDBOX_USER = 'U0YOU';
export const USERS: Record<string, string> = {
  U0YOU: 'you',
  U0ALEX: 'alex',
  U0SAM: 'sam',
  U0BOT: 'Coxswain',
};

export const CHANNELS: Record<string, string> = { C0DEPLOYS: 'deploys', C0PROD: 'deploys-prod' };

const commit = (n: number, message: string, author: string, behaviour: Behaviour = 'succeed'): SimCommit => ({
  // Stable, real-looking 40-hex SHAs.
  sha: `${(0x5a17c0de + n * 7919).toString(16).padStart(8, '0')}${'9e3779b97f4a7c15f39cc0605cedc834'}`,
  message,
  author,
  behaviour,
});

export const REPOS: SimRepo[] = [
  {
    owner: 'sandbox',
    name: 'api',
    defaultBranch: 'main',
    refs: {
      main: commit(1, 'Add rate limiting to /orders', 'alex'),
      'feature-search': commit(2, 'Search endpoint behind a flag', 'sam'),
      'v2.3.0': commit(3, 'Release 2.3.0', 'alex'),
    },
  },
  {
    owner: 'sandbox',
    name: 'billing',
    defaultBranch: 'main',
    refs: {
      main: commit(11, 'Add a read replica for invoices', 'sam', 'fail-rds-quota'),
      'v1.4.0': commit(12, 'Release 1.4.0', 'alex'),
      'fix-invoices': commit(13, 'Fix invoice rounding', 'alex'),
    },
  },
  {
    owner: 'sandbox',
    name: 'search',
    defaultBranch: 'main',
    refs: {
      main: commit(21, 'Move search to the new cluster', 'sam', 'stall'),
      'v0.9.0': commit(22, 'Release 0.9.0', 'sam'),
    },
  },
];

/** What a commit does when deployed; unknown SHAs (typed by hand) just succeed. */
export function behaviourOf(sha: string): Behaviour {
  for (const r of REPOS) for (const c of Object.values(r.refs)) if (c.sha === sha) return c.behaviour;
  return 'succeed';
}

/** A real Coxswain configuration, validated by the real schema. Fast polling so the page moves briskly. */
export function sandboxConfig(): Config {
  return parseConfig(
    {
      channel: 'C0DEPLOYS',
      region: 'eu-west-1',
      timing: { pollSeconds: 1, stallMinutes: 0.5, approvalTimeoutMinutes: 30 },
      aws: { requestsPerSecond: 50, burst: 50 },
      services: {
        api: {
          repo: 'sandbox/api',
          build: { project: 'api-image' },
          stack: { name: 'api-{env}', parameters: { ImageTag: '{sha}' } },
          environments: {
            staging: {},
            production: {
              channel: 'C0PROD',
              deployers: ['U0YOU', 'U0ALEX'],
              // You may approve your own production deploy here, so one person can try the buttons.
              approvers: ['U0YOU', 'U0SAM'],
              requiredApprovals: 1,
              allowSelfApproval: true,
            },
          },
        },
        billing: {
          repo: 'sandbox/billing',
          build: { project: 'billing-image' },
          stack: { name: 'billing-{env}', parameters: { ImageTag: '{sha}' } },
          environments: { staging: {} },
        },
        search: {
          repo: 'sandbox/search',
          stack: { name: 'search-{env}', parameters: { Version: '{sha}' } },
          environments: { staging: {} },
        },
      },
    },
    'sandbox',
  );
}
