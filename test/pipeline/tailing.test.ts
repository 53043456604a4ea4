import { afterEach, describe, expect, it } from 'vitest';
import { CloudFormationAdapter } from '../../src/adapters/cloudformation.js';
import { EventsRepo } from '../../src/store/events-repo.js';
import { StacksRepo } from '../../src/store/stacks-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { resourceEvent } from '../helpers/cfn-nock.js';
import { Harness } from './harness.js';

let h: Harness;
afterEach(() => h?.close());

/** A harness whose DescribeStackEvents answers `pageSize` events a page, the adapter that reads it, and the time. */
function tailer(pageSize: number): { cfn: CloudFormationAdapter; t: number } {
  h = new Harness();
  const cfn = new CloudFormationAdapter(h.aws, h.budget);
  const t = h.clock.now();
  h.cfn.pageSize = pageSize;
  return { cfn, t };
}

/** web-staging's functions `${prefix}${i}`, for i in [from, to), report UPDATE_COMPLETE under `token` at `at(i)`. */
function functionsComplete(prefix: string, from: number, to: number, token: string, at: (i: number) => number): void {
  for (let i = from; i < to; i++)
    h.cfn.event(
      'web-staging',
      resourceEvent(`${prefix}${i}`, 'AWS::Lambda::Function', 'UPDATE_COMPLETE', token),
      at(i),
    );
}

describe('event tailing', () => {
  it('pages newest-first only until the last seen event', async () => {
    const { cfn, t } = tailer(3);
    functionsComplete('Fn', 0, 10, 'tok', (i) => t + i * 1000);
    // Events are ev-1 (oldest) .. ev-10 (newest); pages hold 3 each.
    const first = await cfn.tailEvents('us-east-1', 'web-staging', null, t - 60_000);
    expect(first.events.map((e) => e.eventId)).toHaveLength(10);
    expect(first.newestId).toBe('ev-10');
    expect(first.pages).toBe(4);

    functionsComplete('Fn', 10, 14, 'tok', (i) => t + i * 1000);
    const before = h.cfn.count('DescribeStackEvents');
    const next = await cfn.tailEvents('us-east-1', 'web-staging', first.newestId, t - 60_000);
    expect(next.events.map((e) => e.eventId)).toEqual(['ev-14', 'ev-13', 'ev-12', 'ev-11']);
    expect(next.newestId).toBe('ev-14');
    // ev-10 sits on the second page: two pages read, not all five.
    expect(h.cfn.count('DescribeStackEvents') - before).toBe(2);

    const idle = await cfn.tailEvents('us-east-1', 'web-staging', 'ev-14', t - 60_000);
    expect(idle.events).toEqual([]);
    expect(idle.newestId).toBe('ev-14');
    expect(idle.pages).toBe(1);
  });

  it('stops at events older than the operation when nothing was seen yet', async () => {
    const { cfn, t } = tailer(2);
    functionsComplete('Old', 0, 6, 'x', (i) => t - 86_400_000 + i);
    h.cfn.event('web-staging', resourceEvent('New', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS', 'tok'), t);
    const out = await cfn.tailEvents('us-east-1', 'web-staging', null, t - 300_000);
    expect(out.events.map((e) => e.logicalId)).toEqual(['New']);
    expect(out.pages).toBe(1);
  });

  it('keeps only the events of this operation, stores each once and reports nothing twice', async () => {
    h = new Harness();
    h.cfn.pageSize = 2;
    const d = h.enqueue('web', 'staging');
    await h.toUpdating(d);
    const t = h.clock.now();
    h.cfn.event('web-staging', resourceEvent('Mine1', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS', d.token), t);
    h.cfn.event(
      'web-staging',
      resourceEvent('Console', 'AWS::Lambda::Function', 'UPDATE_IN_PROGRESS', 'Console-UpdateStack-1234'),
      t,
    );
    h.cfn.event('web-staging', resourceEvent('Mine1', 'AWS::Lambda::Function', 'UPDATE_COMPLETE', d.token), t + 1000);
    h.clock.advance(5000);
    await h.worker.tick();
    const events = new EventsRepo(h.db);
    expect(events.forDeployment(d.id).map((e) => `${e.logicalId}:${e.status}`)).toEqual([
      'Mine1:UPDATE_IN_PROGRESS',
      'Mine1:UPDATE_COMPLETE',
    ]);
    expect(new StacksRepo(h.db).list(d.id)[0]!.lastEventId).toBe('ev-3');

    // The same events read again (e.g. after a crash lost last_event_id) are ignored by the store.
    h.db.prepare('UPDATE deployment_stacks SET last_event_id = NULL WHERE deployment_id = ?').run(d.id);
    h.cfn.event(
      'web-staging',
      {
        ...resourceEvent('Fn', 'AWS::Lambda::Function', 'UPDATE_FAILED', d.token),
        ResourceStatusReason: 'Runtime nodejs8 is deprecated',
      },
      t + 2000,
    );
    h.clock.advance(5000);
    await h.worker.tick();
    h.clock.advance(5000);
    await h.worker.tick();
    expect(events.forDeployment(d.id)).toHaveLength(3);
    const rootCauses = h.outbox(d.id).filter((r) => r.key === threadKeys.reply(d.id, 'root-cause'));
    expect(rootCauses).toHaveLength(1);
    expect(rootCauses[0]!.blocks).toContain('Runtime nodejs8 is deprecated');
  });
});
