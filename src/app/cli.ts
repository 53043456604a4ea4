#!/usr/bin/env node
// `coxswain outbox list|requeue`: the maintainer's view of Slack messages that could not be delivered.
// `coxswain doctor` and `coxswain history` (issue 12) live in src/doctor and src/history.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DOCTOR_USAGE, doctorCommand } from '../doctor/command.js';
import { HISTORY_USAGE, historyCommand } from '../history/command.js';
import { AuditRepo } from '../store/audit-repo.js';
import { openDb } from '../store/db.js';
import type { DeadLetter } from '../store/dead-letter-repo.js';
import type { OutboxDeliveryRepo } from '../store/outbox-delivery-repo.js';
import { buildRepos } from '../store/repos.js';

export const USAGE = `Usage: coxswain outbox <command>

Commands:
  sandbox [--port N]       try Coxswain in a browser against simulated Slack, GitHub and AWS (127.0.0.1 only)
  outbox list              show Slack messages in the dead letter, with the reason
  outbox requeue <id>      deliver one dead message again (and what waited on it)
  outbox requeue all       deliver every dead message again

The database is COXSWAIN_DB (default ./data/coxswain.db), the same file the bot uses.

${DOCTOR_USAGE}

${HISTORY_USAGE}`;

export interface CliIo {
  out: (line: string) => void;
  err: (line: string) => void;
  now: () => number;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  now: () => Date.now(),
};

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}

export function formatDeadLetter(d: DeadLetter): string {
  const deployment = d.deploymentId !== null ? ` deployment #${d.deploymentId}` : '';
  const when = d.deadAt !== null ? new Date(d.deadAt).toISOString() : 'unknown time';
  return [
    `#${d.id}  ${d.op} ${d.messageKey} → ${d.channel}${deployment} · ${d.attempts} attempt(s) · dead since ${when}`,
    `    reason: ${d.reason}`,
    `    text:   ${oneLine(d.text, 100)}`,
  ].join('\n');
}

/** Runs the CLI against an open repository; returns the process exit code. */
export function runOutboxCommand(repo: OutboxDeliveryRepo, args: string[], io: CliIo = defaultIo): number {
  const [sub, arg, ...rest] = args;
  if (sub === 'list' && arg === undefined) {
    const dead = repo.listDead();
    if (dead.length === 0) {
      io.out('The dead letter is empty: every Slack message was delivered or is still being retried.');
      return 0;
    }
    io.out(`${dead.length} Slack message(s) in the dead letter:`);
    for (const d of dead) io.out(formatDeadLetter(d));
    io.out('Fix the cause (e.g. invite the bot to the channel), then: coxswain outbox requeue <id>|all');
    return 0;
  }
  if (sub === 'requeue' && arg !== undefined && rest.length === 0) {
    if (arg === 'all') {
      const n = repo.requeueAll(io.now());
      io.out(n === 0 ? 'Nothing to requeue: the dead letter is empty.' : `Requeued ${n} message(s).`);
      return 0;
    }
    if (!/^[1-9][0-9]{0,15}$/.test(arg)) {
      io.err(`"${oneLine(arg, 40)}" is not an outbox id. Run "coxswain outbox list" to see the ids.`);
      return 2;
    }
    const result = repo.requeue(Number(arg), io.now());
    if (!result.ok) {
      io.err(result.message);
      return 1;
    }
    const others = result.ids.slice(1);
    io.out(
      `Requeued #${arg}${others.length ? ` and ${others.length} waiting on it (${others.map((i) => `#${i}`).join(', ')})` : ''}.`,
    );
    return 0;
  }
  io.err(USAGE);
  return 2;
}

/** Entry point: `coxswain outbox|doctor|history …` with COXSWAIN_DB (doctor: the whole environment). */
export function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  io: CliIo = defaultIo,
): number | Promise<number> {
  const [group, ...args] = argv;
  if (group === undefined || group === 'help' || group === '--help' || group === '-h') {
    io.out(USAGE);
    return group === undefined ? 2 : 0;
  }
  if (group === 'doctor') return doctorCommand(args, env, io);
  // Read-only over the file: only the audit repository is built (the others prepare writes).
  if (group === 'history') return historyCommand(args, env, io, (db) => new AuditRepo(db));
  if (group !== 'outbox') {
    io.err(`Unknown command "${oneLine(group, 40)}".\n\n${USAGE}`);
    return 2;
  }
  const db = openDb(env.COXSWAIN_DB ?? './data/coxswain.db');
  try {
    return runOutboxCommand(buildRepos(db).outboxDelivery, args, io);
  } finally {
    db.close();
  }
}

function invokedDirectly(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const argv = process.argv.slice(2);
  if (argv[0] === 'sandbox') {
    // Loaded only here: nothing else in the CLI (or the bot) imports the simulation.
    import('../sandbox/main.js')
      .then((m) => m.runSandbox(argv.slice(1)))
      .catch((err: unknown) => {
        process.stderr.write(`coxswain sandbox: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      });
  } else {
    void Promise.resolve(main(argv)).then((code) => {
      process.exitCode = code;
    });
  }
}
