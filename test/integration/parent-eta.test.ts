import { afterEach, describe, expect, it } from 'vitest';
import { githubCommit } from '../helpers/github-nock.js';
import { Integration } from './harness.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
const SHA2 = 'b'.repeat(40);

let current: Integration | undefined;
afterEach(() => {
  current?.close();
  current = undefined;
});

describe('integration: the thread parent keeps its ETA', () => {
  it('shows the ETA to start in the posted parent and after the queue moves, and the ETA to finish once running', async () => {
    const t = new Integration();
    current = t;
    githubCommit('acme/web', 'v1', SHA);
    githubCommit('acme/web', 'v2', SHA2);
    await t.send('/deploy', 'web staging v1');
    const queuedReply = await t.send('/deploy', 'web staging v2');
    expect(queuedReply.text).toContain('Queued #2 web → staging');

    // /deploy posts the parent with the ETA to start (behind #1).
    await t.deliver();
    const second = t.posted('d2:parent')!;
    expect(t.shown(second)).toMatch(/queued · position 2 · ETA ~\d+ min/);

    // #1 starts: its parent shows elapsed and the ETA to finish; #2's parent is redrawn and keeps its ETA.
    await t.work(() => t.get(1).state === 'deploying');
    await t.deliver();
    expect(second.text).toMatch(/ · queued · position 2 · ETA ~\d+ min$/);
    expect(t.slack.callsTo('chat.update').some((c) => c.body.ts === second.ts)).toBe(true);
    const first = t.posted('d1:parent')!;
    expect(first.text).toMatch(/ · updating stack · \S+ elapsed · ETA ~\d+ min$/);
    expect(t.shown(first)).toContain('ETA ~');
  });
});
