import type { KnownBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import { type Result, refuse, refuseWith } from '../../src/domain/refusal.js';
import { replyOf } from '../../src/views/request-replies.js';
import { LIMITS } from '../../src/views/slack-message.js';

const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: '*main* is red: `ci/test` failed' } }];

describe('replyOf: every handler answers a service result the same way', () => {
  it('a refusal that carries a Block Kit reply answers with that reply, blocks included', () => {
    const r = refuseWith('checks_failed', { text: 'main is red: ci/test failed', blocks });
    expect(replyOf(r)).toEqual({ text: 'main is red: ci/test failed', blocks });
  });

  it('a plain refusal answers with its message as text, without blocks', () => {
    const reply = replyOf(refuse('not_allowed', 'You may not deploy to `api/prod`.'));
    expect(reply).toEqual({ text: 'You may not deploy to `api/prod`.' });
    expect(reply).not.toHaveProperty('blocks');
  });

  it('a success with a message (a queued rollback) answers with that message; one with a reply, with the reply', () => {
    const queued: Result<{ message: string }> = { ok: true, message: 'Queued rollback #12 of `api/prod`.' };
    expect(replyOf(queued)).toEqual({ text: 'Queued rollback #12 of `api/prod`.' });
    const deployed = { ok: true as const, reply: { text: 'Queued deploy #3.', blocks } };
    expect(replyOf(deployed)).toBe(deployed.reply);
  });

  it('a message longer than a section allows is clipped to Slack’s limit, ending in an ellipsis', () => {
    const reply = replyOf(refuse('recovery_failed', 'x'.repeat(LIMITS.sectionText + 50)));
    expect(reply.text).toHaveLength(LIMITS.sectionText);
    expect(reply.text.endsWith('…')).toBe(true);
  });
});
