import { type Config, ConfigError, parseConfig } from '../../src/app/config.js';

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

/** The example, with api split into two stacks (the app, then its worker): five stacks in all. */
export function twoStackConfig(): Config {
  return exampleConfig((r) => {
    const { stack, ...api } = r.services.api;
    return {
      ...r,
      services: {
        ...r.services,
        api: { ...api, stacks: [stack, { name: 'api-worker-{env}', parameters: { ImageTag: '{sha}' } }] },
      },
    };
  });
}

/** Services for the deploy modes (issue 7), added to the example: template from the build, build deploys, CREATE. */
export const deployModesRaw = {
  infra: {
    repo: 'acme/infra',
    mode: 'template',
    build: { project: 'infra-synth' },
    stacks: [
      { name: 'infra-network-{env}', template: 'cdk.out/Network.template.json' },
      { name: 'infra-app-{env}', parameters: { Version: '{sha}' }, template: 'cdk.out/App.template.json' },
    ],
    environments: { staging: {} },
  },
  cdk: {
    repo: 'acme/cdk',
    mode: 'build',
    build: { project: 'cdk-deploy' },
    stacks: [{ name: 'cdk-a-{env}' }, { name: 'cdk-b-{env}' }],
    environments: { staging: {} },
  },
  fresh: {
    repo: 'acme/fresh',
    stack: {
      name: 'fresh-{env}',
      parameters: { Version: '{sha}' },
      templateUrl: 'https://templates.s3.us-east-1.amazonaws.com/fresh.yml',
    },
    environments: { staging: {} },
  },
};

export function modesConfig(): Config {
  return exampleConfig((r) => ({ ...r, services: { ...r.services, ...structuredClone(deployModesRaw) } }));
}

// biome-ignore lint/suspicious/noExplicitAny: tests mutate the raw YAML shape freely, including invalid keys
export type RawConfig = Record<string, any>;

/** The errors parseConfig reports for the example configuration after `mutate`; [] when it is valid. */
export function configErrorsOf(mutate: (raw: RawConfig) => void): string[] {
  const raw = structuredClone(exampleConfigRaw) as RawConfig;
  mutate(raw);
  try {
    parseConfig(raw, 'test.yml');
  } catch (err) {
    if (err instanceof ConfigError) return err.issues;
    throw err;
  }
  return [];
}
