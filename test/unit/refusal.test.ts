import { describe, expect, it } from 'vitest';
import { type Refusal, type Result, refuse, refuseWith } from '../../src/domain/refusal.js';

describe('refusal helpers', () => {
  it('refuse builds the one refusal shape: a machine code and the user-facing text', () => {
    expect(refuse('not_found', 'There is no deployment #9.')).toStrictEqual({
      ok: false,
      reason: 'not_found',
      message: 'There is no deployment #9.',
    });
  });

  it('refuseWith keeps the rich reply and takes its plain text as the message', () => {
    const reply = { text: 'locked by @ana', blocks: [{ type: 'section' }] };
    const r = refuseWith('already_locked', reply);
    expect(r).toStrictEqual({ ok: false, reason: 'already_locked', message: 'locked by @ana', reply });
    expect(r.reply).toBe(reply);
  });

  it('a Result narrows on ok: a caller replies r.message on a refusal without knowing which service refused', () => {
    const pick = (n: number): Result<{ value: number }> =>
      n > 0 ? { ok: true, value: n } : refuse('not_positive', `${n} is not positive.`);
    const say = (r: Result<{ value: number }>) => (r.ok ? `got ${r.value}` : r.message);
    expect(say(pick(3))).toBe('got 3');
    expect(say(pick(-1))).toBe('-1 is not positive.');
    const refused: Refusal = refuse('x', 'y');
    expect(refused.ok).toBe(false);
  });
});
