import { describe, expect, it } from 'vitest';
import { LIMITS, type SlackMessage } from '../../src/views/slack-message.js';
import { changeSetReply, resultReply, rootCauseReply } from '../../src/views/thread-replies.js';

function section(m: SlackMessage): string {
  const block = m.blocks?.[0];
  if (block?.type !== 'section' || !block.text) throw new Error('expected a section block');
  return block.text.text;
}

describe('thread replies', () => {
  it('flags a stateful replacement louder than a stateless one', () => {
    const m = changeSetReply(
      'api-prod',
      {
        total: 2,
        add: 0,
        modify: 2,
        remove: 0,
        replacements: [
          { logicalId: 'Db', type: 'AWS::RDS::DBInstance', conditional: false },
          { logicalId: 'Task', type: 'AWS::ECS::TaskDefinition', conditional: false },
        ],
      },
      'https://example.invalid/stack',
    );
    expect(section(m)).toContain(':rotating_light: *stateful* replaces `Db` (AWS::RDS::DBInstance)');
    expect(section(m)).toContain(':warning: replaces `Task`');
    expect(m.text).toBe('Change set for api-prod: 2 resource changes (0 add, 2 modify, 0 remove)');
  });

  it('escapes AWS text and clips it to Block Kit limits', () => {
    const reason = `<script>&${'x'.repeat(5000)}`;
    const m = rootCauseReply(
      {
        eventId: 'e',
        logicalId: 'Db',
        resourceType: 'AWS::RDS::DBInstance',
        status: 'UPDATE_FAILED',
        reason,
        timestamp: 0,
      },
      'api',
      'https://example.invalid/events',
    );
    expect(section(m).length).toBeLessThanOrEqual(LIMITS.sectionText);
    expect(section(m)).toContain('&lt;script&gt;&amp;');
    expect(section(m)).not.toContain('<script>');
  });

  it('says what failed, in which phase, with links, and counts cascades', () => {
    const m = resultReply({
      outcome: 'failed',
      durationMs: 125_000,
      failure: {
        phase: 'stack_update',
        reason: 'boom',
        logicalId: 'Queue',
        resourceType: 'AWS::SQS::Queue',
        link: 'https://example.invalid/ev',
      },
      cascadeCount: 4,
      logUrl: 'https://example.invalid/logs',
    });
    expect(section(m)).toContain(':x: *Failed* in stack update in 2m 05s: `Queue` (AWS::SQS::Queue)');
    expect(section(m)).toContain('+ 4 resources cancelled or failed as a consequence');
    expect(section(m)).toContain(
      '<https://example.invalid/logs|build logs> · <https://example.invalid/ev|stack events>',
    );
  });
});
