import { afterEach, describe, expect, it } from 'vitest';
import { exampleConfig } from '../helpers/config.js';
import { Harness, SHA } from './harness.js';

// ADR 0007-i10: a deployment whose target left the config is history; nothing acts on it any more.
let h: Harness;
afterEach(() => h?.close());

/** The example config without the `web` service, as after an operator removed it and restarted. */
const withoutWeb = () =>
  exampleConfig((r) => {
    const { web: _removed, ...services } = r.services;
    return { ...r, services };
  });

const REMOVED = '`web` → `staging` is no longer in the configuration';

describe('a deployment whose target was removed from the config', () => {
  it('is cancelled when it reaches the head of its queue, says why, and touches no AWS', async () => {
    h = new Harness({ config: withoutWeb() });
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    await h.worker.tick();
    expect(h.get(d.id)).toMatchObject({ state: 'cancelled', summary: 'target removed from config' });
    expect(h.reply(d.id, 'result')?.text).toBe(
      `Cancelled: web → staging is no longer in the configuration, so deploy #${d.id} cannot run or be acted on.`,
    );
    expect(h.parent(d.id).text).toContain('cancelled');
    expect(h.cfn.calls).toEqual([]);
    expect(h.cb.calls).toEqual([]);
    // Not waiting forever: the next tick has nothing left to do for it.
    await h.worker.tick();
    expect(h.outbox(d.id).filter((r) => r.key.endsWith(':result'))).toHaveLength(1);
  });

  it('fails a running deployment (phase internal) with the same message, without calling AWS', async () => {
    h = new Harness({ config: withoutWeb() });
    const d = h.enqueue('web', 'staging', SHA, 'v2');
    // Claimed while the target still existed (store-level setup, as a previous process would have left it).
    expect(h.repo.claim(d.id, 'deploying', 'worker-1', h.clock.now())).toBeDefined();
    await h.worker.tick();
    const failed = h.get(d.id);
    expect(failed.state).toBe('failed');
    expect(failed.failure).toMatchObject({ phase: 'internal' });
    expect(failed.failure?.reason).toContain(REMOVED);
    expect(h.reply(d.id, 'result')?.blocks).toContain('no longer in the configuration');
    expect(h.cfn.calls).toEqual([]);
  });
});
