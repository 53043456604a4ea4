import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { errorInfo, logError } from '../../src/app/log-error.js';
import { createLogger } from '../../src/app/logger.js';

const SRC = new URL('../../src/', import.meta.url).pathname;
/** A log line that carries an error itself instead of through logError: `err` as a field of a logger call. */
const RAW_ERR = /\.(error|warn|info)\(\s*\{[^}]*\berr\b/;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

function capture() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

describe('one way to log an error', () => {
  it('serializes name, message and code the same way for any thrown value', () => {
    const aws = Object.assign(new Error('Stack with id web does not exist'), { name: 'ValidationError', code: 'E1' });
    expect(errorInfo(aws)).toEqual({
      name: 'ValidationError',
      message: 'Stack with id web does not exist',
      code: 'E1',
    });
    expect(errorInfo('boom')).toEqual({ name: 'unknown', message: 'boom' });
    expect(errorInfo(new Error('x'.repeat(900))).message).toHaveLength(500);
  });

  it('never logs a token an error message echoes', async () => {
    const { logger, lines } = capture();
    const slack = 'xoxb-1234-5678-abcdefABCDEF';
    const github = `ghp_${'a1B2'.repeat(9)}`;
    logError(
      logger,
      new Error(`invalid_auth for ${slack} and ${github} (AKIAABCDEFGHIJKLMNOP)`),
      { deploymentId: 7 },
      'x',
    );
    logError(logger, new Error('retry'), {}, 'y', 'warn');
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines);
    expect(text).not.toContain(slack);
    expect(text).not.toContain(github);
    expect(text).not.toContain('AKIAABCDEFGHIJKLMNOP');
    expect(lines[0]).toMatchObject({
      level: 50,
      msg: 'x',
      deploymentId: 7,
      err: { name: 'Error', message: 'invalid_auth for [redacted] and [redacted] ([redacted])' },
    });
    expect(lines[1]).toMatchObject({ level: 40, msg: 'y', err: { message: 'retry' } });
  });

  it('is the only way src/ logs an error (no logger call passes err itself)', () => {
    const offenders = sources(SRC)
      .filter((f) => !f.endsWith('app/log-error.ts'))
      .flatMap((f) =>
        readFileSync(f, 'utf8')
          .split('\n')
          .map((line, i) => ({ f: relative(SRC, f), i: i + 1, line }))
          .filter(({ line }) => RAW_ERR.test(line)),
      )
      .map(({ f, i, line }) => `${f}:${i}: ${line.trim()}`);
    expect(offenders).toEqual([]);
    expect(RAW_ERR.test("logger.warn({ deploymentId: 1, err: String(err) }, 'x')")).toBe(true);
  });
});
