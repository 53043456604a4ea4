import { describe, expect, it } from 'vitest';
import { outside, sourceLinesMatching } from '../helpers/source-scan.js';

/** `file:line: code` lines of src/ that import from another folder, as [importing folder, imported folder, line]. */
function crossImports(): [string, string, string][] {
  return sourceLinesMatching(/from '\.\.\/[a-z-]+\//).map((l) => {
    const from = l.split('/')[0]!;
    const to = /from '\.\.\/([a-z-]+)\//.exec(l)![1]!;
    return [from, to, l];
  });
}

const offending = (rule: (from: string, to: string, line: string) => boolean) =>
  crossImports()
    .filter(([from, to, line]) => rule(from, to, line))
    .map(([, , line]) => line);

describe('the layers the folders promise', () => {
  it('views depend only on the domain (and the config type help lists commands from)', () => {
    expect(crossImports().some(([from, to]) => from === 'views' && to === 'domain')).toBe(true);
    expect(
      offending((from, to, line) => from === 'views' && to !== 'domain' && !/from '\.\.\/app\/config\.js'/.test(line)),
    ).toEqual([]);
  });

  it('the store never imports an adapter, and no adapter imports the store', () => {
    expect(offending((from, to) => from === 'store' && to === 'adapters')).toEqual([]);
    expect(offending((from, to) => from === 'adapters' && to === 'store')).toEqual([]);
  });

  it('only the runner and the composition root import from the runner', () => {
    expect(crossImports().some(([from, to]) => from === 'app' && to === 'runner')).toBe(true);
    expect(offending((from, to) => to === 'runner' && from !== 'runner' && from !== 'app')).toEqual([]);
  });

  it('no module re-exports another: a name is imported from the file that holds it', () => {
    expect(sourceLinesMatching(/^export (type )?\{[^}]*\} from '/)).toEqual([]);
    expect(sourceLinesMatching(/^export \* from '/)).toEqual([]);
    // `export type { X };` of an imported X is a re-export too; app/logger.ts is the one facade (over pino's Logger).
    expect(outside(sourceLinesMatching(/^export (type )?\{[^}]*\};/), [/^app\/logger\.ts$/])).toEqual([]);
  });

  it('would catch a view reading a store row or a re-export (the checks themselves can fail)', () => {
    const line = "views/status.ts:3: import type { Deployment } from '../store/deployment-row.js';";
    expect(/from '\.\.\/([a-z-]+)\//.exec(line)![1]).toBe('store');
    expect(/^export (type )?\{[^}]*\} from '/.test("export { ThreadParent } from './thread-parent.js';")).toBe(true);
    expect(/^export (type )?\{[^}]*\} from '/.test('export { ThreadParent };')).toBe(false);
    expect(/^export (type )?\{[^}]*\};/.test('export type { PollContext };')).toBe(true);
  });
});
