import { closest, distance } from 'fastest-levenshtein';
import type { Config, EnvironmentConfig } from '../config.js';

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
  build: { project: string } | undefined;
  stack: { name: string; parameters: Record<string, string> };
  env: EnvironmentConfig;
}

export type TargetLookup =
  | { ok: true; target: Target }
  | { ok: false; reason: 'unknown_service' | 'unknown_environment'; message: string };

export function targetKey(service: string, environment: string): string {
  return `${service}/${environment}`;
}

function suggestion(input: string, candidates: string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(input, candidates);
  return distance(input, best) <= Math.max(2, Math.floor(best.length / 3)) ? ` Did you mean \`${best}\`?` : '';
}

export function substitute(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => vars[key] ?? whole);
}

export function findTarget(config: Config, service: string, environment: string): TargetLookup {
  const services = Object.keys(config.services);
  const svc = config.services[service];
  if (!svc || !Object.hasOwn(config.services, service)) {
    return {
      ok: false,
      reason: 'unknown_service',
      message: `Unknown service \`${service}\`.${suggestion(service, services)} Services: ${services.map((s) => `\`${s}\``).join(', ')}.`,
    };
  }
  const envs = Object.keys(svc.environments);
  const env = svc.environments[environment];
  if (!env || !Object.hasOwn(svc.environments, environment)) {
    return {
      ok: false,
      reason: 'unknown_environment',
      message: `\`${service}\` has no environment \`${environment}\`.${suggestion(environment, envs)} Environments of \`${service}\`: ${envs.map((e) => `\`${e}\``).join(', ')}.`,
    };
  }
  const [owner, name] = svc.repo.split('/') as [string, string];
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
      build: svc.build,
      stack: {
        name: substitute(svc.stack.name, { env: environment, service }),
        parameters: svc.stack.parameters,
      },
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
