import { type Config, parseConfig } from '../../src/config.js';

/** The README's example configuration, as parsed at start. */
export const exampleConfigRaw = {
  channel: 'C0DEPLOYS',
  region: 'us-east-1',
  timing: { pollSeconds: 5, stallMinutes: 10, approvalTimeoutMinutes: 60 },
  services: {
    api: {
      repo: 'acme/api',
      defaultRef: 'main',
      build: { project: 'api-image' },
      stack: { name: 'api-{env}', parameters: { ImageTag: '{sha}' } },
      environments: {
        staging: {},
        production: {
          channel: 'C0PROD',
          region: 'eu-west-1',
          deployers: ['U01', 'U02'],
          approvers: ['U03'],
          requiredApprovals: 1,
        },
      },
    },
    web: {
      repo: 'acme/web',
      stack: { name: 'web-{env}', parameters: { Version: '{ref}' } },
      environments: { staging: {} },
    },
  },
  digests: {
    drift: { cron: '0 8 * * 1-5', timezone: 'Europe/Berlin', channel: 'C0OPS' },
    health: { cron: '0 9 * * 1', timezone: 'UTC', channel: 'C0OPS' },
  },
};

export function exampleConfig(overrides: (raw: typeof exampleConfigRaw) => unknown = (r) => r): Config {
  return parseConfig(overrides(structuredClone(exampleConfigRaw)), 'test.yml');
}
