/** `coxswain history [--since 30d] [--target api/production] [--format csv|json]`: the audit trail, read-only. */
import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { AuditRepo } from '../store/audit-repo.js';
import type { Db } from '../store/db.js';
import { toCsv, toJson } from './format.js';

export const HISTORY_USAGE = `Usage: coxswain history [--since 30d] [--target api/production] [--format csv|json]

Every deployment with who requested, approved, rejected or forced it, its SHA, timings, outcome and root cause.
--since takes 12h, 30d, 8w or a date (2026-11-01); default: everything. CSV by default, on stdout.`;

export interface HistoryIo {
  out: (text: string) => void;
  err: (text: string) => void;
  now: () => number;
}

const UNIT_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** "30d" → 30 days before now; "2026-11-01" → that instant (UTC). Undefined when it is neither. */
export function parseSince(text: string, now: number): number | undefined {
  const rel = /^([1-9][0-9]{0,4})([hdw])$/.exec(text);
  if (rel) return now - Number(rel[1]) * UNIT_MS[rel[2]!]!;
  if (/^\d{4}-\d{2}-\d{2}(T[\d:.]+Z?)?$/.test(text)) {
    const t = Date.parse(text);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

type Parsed = { since?: number; target?: string; format: 'csv' | 'json' } | { error: string };

export function parseHistoryArgs(args: string[], now: number): Parsed {
  const out: { since?: number; target?: string; format: 'csv' | 'json' } = { format: 'csv' };
  for (let i = 0; i < args.length; i += 2) {
    const flag = args[i];
    const value = args[i + 1];
    if (value === undefined) return { error: `${flag} needs a value.` };
    if (flag === '--since') {
      const since = parseSince(value, now);
      if (since === undefined)
        return { error: `--since "${value.slice(0, 40)}" is not a duration (30d, 12h, 8w) or a date (2026-11-01).` };
      out.since = since;
    } else if (flag === '--target') {
      if (!/^[a-z0-9][a-z0-9-]{0,39}\/[a-z0-9][a-z0-9-]{0,39}$/.test(value)) {
        return { error: `--target "${value.slice(0, 40)}" is not service/environment (e.g. api/production).` };
      }
      out.target = value;
    } else if (flag === '--format') {
      if (value !== 'csv' && value !== 'json') return { error: '--format is csv or json.' };
      out.format = value;
    } else {
      return { error: `Unknown option "${String(flag).slice(0, 40)}".` };
    }
  }
  return out;
}

/** `auditOf`: the audit repository over the opened file (the CLI, a composition root, builds it). */
export function historyCommand(
  args: string[],
  env: Record<string, string | undefined>,
  io: HistoryIo,
  auditOf: (db: Db) => AuditRepo,
): number {
  const parsed = parseHistoryArgs(args, io.now());
  if ('error' in parsed) {
    io.err(`${parsed.error}\n\n${HISTORY_USAGE}`);
    return 2;
  }
  const file = env.COXSWAIN_DB ?? './data/coxswain.db';
  if (!existsSync(file)) {
    io.err(`No database at ${file} (COXSWAIN_DB): nothing deployed yet, or the wrong path.`);
    return 1;
  }
  // Read-only: an export never migrates or writes the bot's database.
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = auditOf(db).list({
      ...(parsed.since !== undefined ? { since: parsed.since } : {}),
      ...(parsed.target ? { targetKey: parsed.target } : {}),
    });
    io.out(parsed.format === 'json' ? toJson(rows) : toCsv(rows).replace(/\r\n$/, ''));
    return 0;
  } finally {
    db.close();
  }
}
