/**
 * Pure parsing of slash-command text. Slack sends whatever the user typed, possibly with its own markup
 * (`<@U123|name>`, `<https://x|x>`), odd whitespace and any length: everything is normalised and bounded here,
 * and the result is either arguments in a safe charset or a message saying what is wrong.
 */
import { checkRef } from './git-ref.js';

export const MAX_COMMAND_LENGTH = 500;
const NAME = /^[a-z0-9][a-z0-9-]{0,39}$/;
const HELP_WORDS = new Set(['help', '-h', '--help', '?']);
const FORCE = '--force';
const ARG_CHARS = /^#?[0-9A-Za-z]{1,40}$/;

export interface DeployArgs {
  service: string;
  environment: string;
  /** Undefined: the service's defaultRef. */
  ref: string | undefined;
  /** `--force`: deploy a SHA that was rolled back on this target (recorded). */
  forced: boolean;
}

export type ParsedDeploy =
  | { kind: 'deploy'; args: DeployArgs }
  | { kind: 'lock'; service: string; environment: string; reason: string }
  | { kind: 'unlock'; service: string; environment: string }
  | { kind: 'help' }
  /** Arguments are missing: show the usage, with what was missing when known. */
  | { kind: 'usage'; problem?: string }
  | { kind: 'invalid'; message: string };

export type ParsedStatus =
  | { kind: 'all' }
  | { kind: 'target'; service: string; environment: string | undefined }
  | { kind: 'digest'; digest: 'drift' | 'health'; post: boolean }
  | { kind: 'doctor' }
  | { kind: 'help' }
  | { kind: 'invalid'; message: string };

export type ParsedRollback =
  /** `arg`: a SHA prefix or deployment id, checked by the rollback service (rollback-target.ts). */
  | { kind: 'target'; service: string; environment: string; arg?: string }
  | { kind: 'help' }
  | { kind: 'usage'; problem?: string }
  | { kind: 'invalid'; message: string };

type Tokens = { ok: true; tokens: string[] } | { ok: false; message: string };

/** Unwraps Slack markup, collapses all whitespace, splits into words; refuses over-long input. */
export function tokenize(text: string | undefined): Tokens {
  const raw = text ?? '';
  if (raw.length > MAX_COMMAND_LENGTH) {
    return { ok: false, message: `That command is too long (over ${MAX_COMMAND_LENGTH} characters).` };
  }
  const unwrapped = raw.replace(/<([^<>]*)>/g, (_whole, inner: string) => {
    // Mentions and channel links stay recognisable (and fail name checks); links become their label.
    if (/^[@#!]/.test(inner)) return `<${inner}>`;
    const bar = inner.indexOf('|');
    return bar >= 0 ? inner.slice(bar + 1) : inner;
  });
  const tokens = unwrapped
    .replace(/[\s\u00a0\u200b-\u200d\u2060\ufeff]+/gu, ' ')
    .trim()
    .split(' ')
    .filter((t) => t.length > 0);
  return { ok: true, tokens };
}

type Name = { ok: true; name: string } | { ok: false; message: string };

/** Service and environment names follow the config's rule; case is forgiven. */
function checkName(token: string, what: 'service' | 'environment'): Name {
  const name = token.toLowerCase();
  if (NAME.test(name)) return { ok: true, name };
  return {
    ok: false,
    message: `That is not a valid ${what} name: ${what} names use lowercase letters, digits and dashes (at most 40).`,
  };
}

function isHelp(tokens: string[]): boolean {
  return tokens.length >= 1 && HELP_WORDS.has(tokens[0]!.toLowerCase());
}

type Target = { ok: true; service: string; environment: string } | { ok: false; message: string };

function checkTarget(serviceToken: string, environmentToken: string): Target {
  const service = checkName(serviceToken, 'service');
  if (!service.ok) return service;
  const environment = checkName(environmentToken, 'environment');
  if (!environment.ok) return environment;
  return { ok: true, service: service.name, environment: environment.name };
}

/** `<service> <environment> [one more word]`, what /deploy and /rollback both take: the names checked, the word as is. */
function targetWithArg(
  tokens: readonly string[],
):
  | { kind: 'usage'; problem?: string }
  | { kind: 'invalid'; message: string }
  | { kind: 'target'; service: string; environment: string; arg: string | undefined } {
  if (tokens.length === 0) return { kind: 'usage' };
  if (tokens.length === 1) return { kind: 'usage', problem: 'Which environment?' };
  if (tokens.length > 3) return { kind: 'usage', problem: 'Too many arguments.' };
  const target = checkTarget(tokens[0]!, tokens[1]!);
  if (!target.ok) return { kind: 'invalid', message: target.message };
  return { kind: 'target', service: target.service, environment: target.environment, arg: tokens[2] };
}

/** `/deploy lock <service> <environment> <reason…>`, `/deploy unlock <service> <environment>` */
function parseLock(word: 'lock' | 'unlock', rest: string[]): ParsedDeploy {
  if (rest.length < 2) return { kind: 'usage', problem: `Which service and environment to ${word}?` };
  const t = checkTarget(rest[0]!, rest[1]!);
  if (!t.ok) return { kind: 'invalid', message: t.message };
  if (word === 'unlock') {
    if (rest.length > 2) return { kind: 'usage', problem: 'Too many arguments.' };
    return { kind: 'unlock', service: t.service, environment: t.environment };
  }
  // The reason is free text: the lock service bounds and cleans it; it is only ever stored and shown, escaped.
  return { kind: 'lock', service: t.service, environment: t.environment, reason: rest.slice(2).join(' ') };
}

/** `/deploy <service> <environment> [ref] [--force]`, `/deploy lock|unlock …` */
export function parseDeploy(text: string | undefined): ParsedDeploy {
  const t = tokenize(text);
  if (!t.ok) return { kind: 'invalid', message: t.message };
  const all = t.tokens;
  if (all.length === 0) return { kind: 'usage' };
  if (isHelp(all)) return { kind: 'help' };
  const first = all[0]!.toLowerCase();
  // Lock words win over a service of the same name, like the digest words of /deploy-status.
  if ((first === 'lock' || first === 'unlock') && all.length >= 2) return parseLock(first, all.slice(1));
  const forced = all.some((w) => w.toLowerCase() === FORCE);
  const tokens = all.filter((w) => w.toLowerCase() !== FORCE);
  const target = targetWithArg(tokens);
  if (target.kind !== 'target') return target;
  let ref: string | undefined;
  if (target.arg !== undefined) {
    const checked = checkRef(target.arg);
    if (!checked.ok) return { kind: 'invalid', message: checked.message };
    ref = checked.ref;
  }
  return { kind: 'deploy', args: { service: target.service, environment: target.environment, ref, forced } };
}

/** `/deploy-status [service [environment]]`, `/deploy-status drift|health [post]` */
export function parseStatus(text: string | undefined): ParsedStatus {
  const t = tokenize(text);
  if (!t.ok) return { kind: 'invalid', message: t.message };
  const { tokens } = t;
  if (tokens.length === 0) return { kind: 'all' };
  if (isHelp(tokens)) return { kind: 'help' };
  const first = tokens[0]!.toLowerCase();
  if (first === 'doctor' && tokens.length === 1) return { kind: 'doctor' };
  // Digest words win over a service of the same name: the service is still reachable with an environment.
  if ((first === 'drift' || first === 'health') && tokens.length <= 2) {
    const second = tokens[1]?.toLowerCase();
    if (second === undefined || second === 'post') return { kind: 'digest', digest: first, post: second === 'post' };
  }
  if (tokens.length > 2) return { kind: 'invalid', message: 'Too many arguments.' };
  const service = checkName(tokens[0]!, 'service');
  if (!service.ok) return { kind: 'invalid', message: service.message };
  if (tokens[1] === undefined) return { kind: 'target', service: service.name, environment: undefined };
  const environment = checkName(tokens[1], 'environment');
  if (!environment.ok) return { kind: 'invalid', message: environment.message };
  return { kind: 'target', service: service.name, environment: environment.name };
}

/** `/rollback <service> <environment> [sha | #id]` */
export function parseRollback(text: string | undefined): ParsedRollback {
  const t = tokenize(text);
  if (!t.ok) return { kind: 'invalid', message: t.message };
  const { tokens } = t;
  if (tokens.length === 0) return { kind: 'usage' };
  if (isHelp(tokens)) return { kind: 'help' };
  const target = targetWithArg(tokens);
  if (target.kind !== 'target') return target;
  const { arg } = target;
  if (arg === undefined) return { kind: 'target', service: target.service, environment: target.environment };
  if (!ARG_CHARS.test(arg)) {
    return { kind: 'invalid', message: 'Give a commit SHA (7–40 hex characters) or a deployment id such as `#17`.' };
  }
  return { kind: 'target', service: target.service, environment: target.environment, arg };
}
