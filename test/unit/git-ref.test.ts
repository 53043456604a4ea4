import { describe, expect, it } from 'vitest';
import { checkRef, looksLikeSha } from '../../src/domain/git-ref.js';

describe('checkRef', () => {
  it.each(['main', 'v1.4.2', 'release/2026-11', 'feature/JIRA-12_fix', 'abc1234', 'a'.repeat(200)])(
    'accepts %s',
    (ref) => {
      expect(checkRef(ref)).toEqual({ ok: true, ref });
    },
  );

  it.each([
    ['', 'it is empty'],
    ['a'.repeat(201), 'longer than 200'],
    ['a b', 'a space'],
    ['a\tb', 'a control character'],
    ['a\u0000b', 'a control character'],
    ['a\u007fb', 'a control character'],
    ['a..b', '`..`'],
    ['a@{1}', '`@`'],
    ['a\\b', '`\\`'],
    ...[';', '|', '&', '$', "'", '"', '<', '>', '(', ')', '*', '?', '[', ']', '~', '^', ':'].map(
      (c): [string, string] => [`a${c}b`, `\`${c}\``],
    ),
    ['a`b', 'a backtick'],
    ['ré', 'U+00E9'],
    ['-x', 'starts with `-`'],
    ['/x', 'starts with `/`'],
    ['x/', 'ends with `/`'],
    ['x.', 'ends with `.`'],
    ['x.lock', 'ends with `.lock`'],
    ['x.lock/y', 'ends with `.lock`'],
    ['a//b', '`//`'],
    ['a/.b', 'starts with `.`'],
  ])('rejects %j (%s)', (ref, why) => {
    const r = checkRef(ref);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.message).toContain(why);
      expect(r.message).toContain('A ref may use letters, digits');
    }
  });

  it('recognises commit SHAs', () => {
    expect(looksLikeSha('abc1234')).toBe(true);
    expect(looksLikeSha('main')).toBe(false);
  });
});
