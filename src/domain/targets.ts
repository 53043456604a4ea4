import { closest, distance } from 'fastest-levenshtein';
import type { BuildConfig, Config, EnvironmentConfig } from '../app/config.js';
import type { DeployMode } from '../app/config-blocks.js';
import { type Refusal, refuse } from './refusal.js';

/** One CloudFormation stack of a target, names already substituted. */
export interface StackTarget {
  name: string;
  parameters: Record<string, string>;
  /** Mode template: the template's path inside the build artifacts. */
  template?: string;
  /** Mode parameters: the template a first deploy creates the stack from. */
  templateUrl?: string;
}

/** One service in one environment: the unit of locking and queueing. */
export interface Target {
  service: string;
  environment: string;
  /** "service/environment", the key used by the store. */
  key: string;
  repo: { owner: string; name: string };
  defaultRef: string;
  channel: string;
  region: string | undefined;
  /** CodeBuild `project` or GitHub Actions `workflow` (exactly one). */
  build: BuildConfig | undefined;
  /** Mirror each deployment in GitHub's Deployments API. */
  githubDeployments: boolean;
  /** How it deploys (parameters | template | build); the environment's choice wins over the service's. */
  mode: DeployMode;
  /** The first (or only) stack: what single-stack code paths act on. */
  stack: StackTarget;
  /** Every stack, in deploy order (one entry for a `stack:` config). */
  stacks: StackTarget[];
  env: EnvironmentConfig;
}

export type TargetLookup = { ok: true; target: Target } | Refusal<'unknown_service' | 'unknown_environment'>;

export function targetKey(service: string, environment: string): string {
  return `${service}/${environment}`;
}

function suggestion(input: string, candidates: string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(input, candidates);
  return distance(input, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` Did you mean \`${best}\`?` : '';
}

const codeList = (names: string[]) => names.map((n) => `\`${n}\``).join(', ');

export function substitute(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

export function findTarget(config: Config, service: string, environment: string): TargetLookup {
  const services = Object.keys(config.services);
  const svc = config.services[service];
  if (!svc || !Object.hasOwn(config.services, service)) {
    return refuse(
      'unknown_service',
      `Unknown service \`${service}\`.${suggestion(service, services)} Services: ${codeList(services)}.`,
    );
  }
  const envs = Object.keys(svc.environments);
  const env = svc.environments[environment];
  if (!env || !Object.hasOwn(svc.environments, environment)) {
    return refuse(
      'unknown_environment',
      `\`${service}\` has no environment \`${environment}\`.${suggestion(environment, envs)} Environments of \`${service}\`: ${codeList(envs)}.`,
    );
  }
  const [owner, name] = svc.repo.split('/') as [string, string];
  const vars = { env: environment, service };
  const raw = svc.stacks ?? (svc.stack ? [svc.stack] : []);
  const template = env.template ?? svc.template;
  const stacks: StackTarget[] = raw.map((s) => {
    const artifact = s.template ?? (raw.length === 1 ? template?.artifact : undefined);
    return {
      name: substitute(s.name, vars),
      parameters: s.parameters,
      ...(artifact ? { template: substitute(artifact, vars) } : {}),
      ...(s.templateUrl ? { templateUrl: s.templateUrl } : {}),
    };
  });
  return {
    ok: true,
    target: {
      service,
      environment,
      key: targetKey(service, environment),
      repo: { owner, name },
      defaultRef: svc.defaultRef,
      channel: env.channel ?? config.channel,
      region: env.region ?? config.region,
      build: env.build ?? svc.build,
      githubDeployments: svc.github.deployments,
      mode: env.mode ?? svc.mode,
      stack: stacks[0]!,
      stacks,
      env,
    },
  };
}

export function allTargets(config: Config): Target[] {
  const out: Target[] = [];
  for (const [service, svc] of Object.entries(config.services)) {
    for (const environment of Object.keys(svc.environments)) {
      const found = findTarget(config, service, environment);
      if (found.ok) out.push(found.target);
    }
  }
  return out;
}
