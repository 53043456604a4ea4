import { describe, expect, it } from 'vitest';
import { LOG_KEEP_BYTES, logTail, readEnd } from '../../src/adapters/github-actions.js';

function streamOf(lines: number): ReadableStream<Uint8Array> {
  let i = 0;
  const enc = new TextEncoder();
  return new ReadableStream({
    pull(c) {
      if (i >= lines) return c.close();
      c.enqueue(enc.encode(`2026-11-22T09:00:00.0000000Z line ${i++} ${'·'.repeat(40)}\n`));
    },
  });
}

describe('job log tail', () => {
  it('reads a long log keeping only its end (bounded memory), starting at a whole line', async () => {
    const text = await readEnd(streamOf(50_000), LOG_KEEP_BYTES);
    expect(new TextEncoder().encode(text).byteLength).toBeLessThanOrEqual(LOG_KEEP_BYTES);
    expect(text).toMatch(/^2026-11-22T09:00:00\.0000000Z line \d+ /);
    expect(text.trimEnd().endsWith(`line 49999 ${'·'.repeat(40)}`)).toBe(true);
    const tail = logTail(text);
    expect(tail.split('\n')).toHaveLength(25);
    expect(tail.length).toBeLessThanOrEqual(2_500);
    expect(tail).not.toContain('2026-11-22T');
  });

  it('a short log is kept whole', async () => {
    expect(await readEnd(streamOf(2), LOG_KEEP_BYTES)).toContain('line 0');
  });
});
