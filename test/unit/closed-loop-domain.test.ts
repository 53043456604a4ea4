import { describe, expect, it } from 'vitest';
import { alarmCause, resourcesDone } from '../../src/domain/bake.js';
import { evaluateChecks } from '../../src/domain/commit-checks.js';
import { preflightStack } from '../../src/domain/stack-preflight.js';
import { describeServed, expectedText, smokeFailure } from '../../src/domain/verification.js';
import { exampleConfig } from '../helpers/config.js';

const run = (name: string, status: string, conclusion: string | null, id = 1) => ({
  id,
  name,
  status,
  conclusion,
  url: null,
});

describe('commit checks evaluation', () => {
  it('success, neutral and skipped pass; any other conclusion fails; statuses error/failure fail', () => {
    expect(
      evaluateChecks('required', [run('a', 'completed', 'neutral'), run('b', 'completed', 'skipped', 2)], []),
    ).toEqual({
      state: 'passed',
      checked: 2,
    });
    const r = evaluateChecks(
      'required',
      [run('a', 'completed', 'action_required')],
      [{ context: 'ci', state: 'error', url: null }],
    );
    expect(r).toMatchObject({
      state: 'failed',
      failed: [
        { name: 'a', state: 'action required' },
        { name: 'ci', state: 'error' },
      ],
    });
  });

  it('a failure wins over pending; nothing reported is pending, not green', () => {
    expect(
      evaluateChecks('required', [run('a', 'in_progress', null), run('b', 'completed', 'failure', 2)], []).state,
    ).toBe('failed');
    expect(evaluateChecks('required', [], [])).toMatchObject({
      state: 'pending',
      pending: [{ state: 'none reported yet' }],
    });
    expect(evaluateChecks(['deploy-ok'], [], [{ context: 'deploy-ok', state: 'pending', url: null }]).state).toBe(
      'pending',
    );
  });
});

describe('verification helpers', () => {
  it('substitutes {sha} and {shortSha}', () => {
    expect(expectedText('v-{shortSha} ({sha})', 'abcdef0123456789')).toBe('v-abcdef0 (abcdef0123456789)');
  });

  it('names a served SHA by its short form, else quotes the first 200 characters', () => {
    expect(describeServed('{"version":"def5678"}', ['def5678aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa'])).toBe('def5678');
    expect(describeServed(`commit ${'c'.repeat(40)}`)).toBe('ccccccc');
    expect(describeServed('x'.repeat(300))).toBe(`“${'x'.repeat(200)}…”`);
    expect(describeServed('')).toBe('an empty body');
  });

  it('a smoke check fails on status or missing text, with an excerpt', () => {
    const c = { url: 'https://x/healthz', status: 200, contains: 'ok' };
    expect(smokeFailure(c, { ok: true, status: 200, body: 'all ok' })).toBeUndefined();
    expect(smokeFailure(c, { ok: true, status: 200, body: 'degraded' })).toContain('without “ok”: degraded');
    expect(smokeFailure(c, { ok: false, error: 'no answer within 5 s' })).toContain('no answer within 5 s');
  });
});

describe('preflight and baking rules', () => {
  it('allows the statuses an update can start from', () => {
    for (const s of ['UPDATE_COMPLETE', 'CREATE_COMPLETE', 'UPDATE_ROLLBACK_COMPLETE', undefined]) {
      expect(preflightStack('x', s).ok).toBe(true);
    }
    expect(preflightStack('x', 'DELETE_FAILED')).toMatchObject({ ok: false, offer: null });
  });

  it('resources done only when every changed resource completed and none is in progress again', () => {
    const ev = (logicalId: string, status: string) => ({ logicalId, resourceType: 'AWS::X', status, reason: null });
    expect(resourcesDone([ev('A', 'UPDATE_COMPLETE')], 'stack', 2)).toBe(false);
    expect(resourcesDone([ev('A', 'UPDATE_COMPLETE'), ev('B', 'UPDATE_COMPLETE')], 'stack', 2)).toBe(true);
    expect(resourcesDone([ev('A', 'UPDATE_COMPLETE'), ev('A', 'UPDATE_IN_PROGRESS')], 'stack', 1)).toBe(false);
    expect(resourcesDone([], 'stack', 0)).toBe(false);
  });

  it('an alarm cause is matched by ARN or by name, only in reasons that speak of an alarm', () => {
    const arn = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:api-5xx';
    const ev = (reason: string) => ({
      logicalId: 's',
      resourceType: 'AWS::CloudFormation::Stack',
      status: 'UPDATE_ROLLBACK_IN_PROGRESS',
      reason,
    });
    expect(alarmCause([ev('Rollback requested by alarm api-5xx')], [arn])).toMatchObject({ name: 'api-5xx' });
    expect(alarmCause([ev('api-5xx failed')], [arn])).toBeUndefined();
  });
});

describe('closed-loop configuration', () => {
  it('accepts fractions for durations and rejects non-http verify URLs', () => {
    const ok = exampleConfig((r) => {
      r.services.web.environments.staging = {
        gates: { checks: 'required', waitMinutes: 0.5 },
        verify: { url: 'http://web.internal/version', timeoutSeconds: 12.5 },
      } as never;
      return r;
    });
    expect(ok.services.web!.environments.staging!.verify).toMatchObject({
      expect: '{sha}',
      onFailure: 'ask',
      smoke: [],
    });
    expect(() =>
      exampleConfig((r) => {
        r.services.web.environments.staging = { verify: { url: 'file:///etc/passwd' } } as never;
        return r;
      }),
    ).toThrow(/http or https URL/);
  });
});
