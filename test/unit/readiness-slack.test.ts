import { describe, expect, it } from 'vitest';
import { readiness } from '../../src/metrics/http-routes.js';
import { WorkerLiveness } from '../../src/metrics/liveness.js';
import { FakeClock } from '../helpers/clock.js';
import { testDb } from '../helpers/db.js';

describe('/readyz and a rejected Slack token', () => {
  it('is not ready while Slack rejects the token, and says why', () => {
    const db = testDb();
    const liveness = new WorkerLiveness(new FakeClock());
    expect(readiness(db, liveness).ok).toBe(true);
    const r = readiness(db, liveness, { code: 'invalid_auth', since: 1_000 });
    expect(r.ok).toBe(false);
    expect(r.slack).toEqual({ ok: false, error: 'invalid_auth', sinceMs: 1_000 });
    db.close();
  });
});
