import type { ActionsBlock, Button, ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import { describe, expect, it } from 'vitest';
import type { Remaining } from '../../src/domain/eta.js';
import type { StalledResource } from '../../src/domain/stall.js';
import {
  elapsedText,
  progressBar,
  progressFinishedReply,
  progressPercent,
  progressReply,
  remainingText,
} from '../../src/views/progress.js';
import { LIMITS } from '../../src/views/slack-message.js';
import { stallReply } from '../../src/views/stall.js';

const MIN = 60_000;
const remaining = (r: Partial<Remaining> = {}): Remaining => ({
  expectedMs: 6 * MIN,
  lowMs: 4 * MIN,
  highMs: 9 * MIN,
  longerThanUsual: false,
  basis: 'target-history',
  samples: 12,
  ...r,
});

function sectionText(blocks: KnownBlock[] | undefined): string {
  return (blocks!.find((b) => b.type === 'section') as SectionBlock).text!.text;
}

function expectWithinLimits(blocks: KnownBlock[] | undefined, text: string): void {
  expect(text.length).toBeGreaterThan(0);
  expect(text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
  expect(blocks!.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
  for (const b of blocks!) {
    if (b.type === 'section') expect(b.text!.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
      for (const e of b.elements)
        if (e.type === 'mrkdwn') expect(e.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements);
      for (const e of b.elements as Button[]) {
        expect(e.text.text.length).toBeLessThanOrEqual(LIMITS.buttonText);
        expect(e.action_id!.length).toBeLessThanOrEqual(LIMITS.actionId);
        expect(e.value!.length).toBeLessThanOrEqual(LIMITS.buttonValue);
      }
    }
  }
}

describe('progress view', () => {
  it('draws a ten-cell text bar', () => {
    expect(progressBar(40)).toBe('▰▰▰▰▱▱▱▱▱▱ 40%');
    expect(progressBar(0)).toBe('▱▱▱▱▱▱▱▱▱▱ 0%');
    expect(progressBar(100)).toBe('▰▰▰▰▰▰▰▰▰▰ 100%');
  });

  it('percent is elapsed over elapsed + expected remaining, never 100% while running', () => {
    expect(progressPercent(4 * MIN, remaining({ expectedMs: 6 * MIN }))).toBe(40);
    expect(progressPercent(20 * MIN, remaining({ expectedMs: 0, longerThanUsual: true }))).toBe(95);
    expect(progressPercent(4.9 * MIN, remaining({ expectedMs: 5.1 * MIN }))).toBe(45);
    expect(progressPercent(0, remaining({ expectedMs: 0 }))).toBe(0);
  });

  it('shows phase, step, elapsed, resources, bar, "about N min left (range A–B)" and the basis', () => {
    const m = progressReply({
      deploymentId: 42,
      phases: ['build', 'changeset', 'stack_update'],
      phase: 'stack_update',
      elapsedMs: 4 * MIN,
      resources: { done: 3, total: 7 },
      remaining: remaining(),
      targetKey: 'api/production',
    });
    const s = sectionText(m.blocks);
    expect(s).toContain('*Updating stack* (step 3 of 3)');
    expect(s).toContain('4 min elapsed');
    expect(s).toContain('resources 3/7 done');
    expect(s).toContain('`▰▰▰▰▱▱▱▱▱▱ 40%` about 6 min left (range 4–9 min)');
    const ctx = (m.blocks!.find((b) => b.type === 'context') as ContextBlock).elements[0] as { text: string };
    expect(ctx.text).toBe('Estimate from the last 12 successful deploys of api/production (median, p10–p90 range)');
    expect(m.text).toBe(
      '#42 Updating stack (step 3 of 3): ▰▰▰▰▱▱▱▱▱▱ 40%, about 6 min left (range 4–9 min), 4 min elapsed · resources 3/7 done',
    );
    expectWithinLimits(m.blocks, m.text);
  });

  it('shows elapsed time in whole minutes, so the content only changes when something visible does', () => {
    const at = (ms: number) =>
      progressReply({
        deploymentId: 1,
        phases: ['build'],
        phase: 'build',
        elapsedMs: ms,
        remaining: remaining({ expectedMs: 10 * MIN - ms }),
      }).text;
    expect(at(4 * MIN + 5_000)).toBe(at(4 * MIN + 25_000));
    expect(at(4 * MIN + 5_000)).not.toBe(at(5 * MIN + 5_000));
    expect(elapsedText(30_000)).toBe('under a minute');
    expect(elapsedText(75 * MIN)).toBe('1h 15m');
  });

  it('says "taking longer than usual" instead of a negative range', () => {
    const over = progressReply({
      deploymentId: 7,
      phases: ['changeset', 'stack_update'],
      phase: 'stack_update',
      elapsedMs: 30 * MIN,
      remaining: remaining({ expectedMs: 0, lowMs: 0, highMs: 0, longerThanUsual: true }),
    });
    expect(sectionText(over.blocks)).toContain('`▰▰▰▰▰▰▰▰▰▱ 95%` taking longer than usual');
    expect(over.text).not.toMatch(/-\d/);
    expect(over.text).not.toContain('resources');
    expect(remainingText(remaining({ longerThanUsual: true, expectedMs: 3 * MIN }))).toBe(
      'taking longer than usual · then about 3 min for the remaining steps',
    );
  });

  it('is honest about weak bases and short remainders', () => {
    expect(remainingText(remaining({ expectedMs: 20_000, lowMs: 10_000, highMs: 50_000 }))).toBe(
      'less than a minute left',
    );
    const d = progressReply({
      deploymentId: 1,
      phases: ['build', 'changeset', 'stack_update'],
      phase: 'build',
      elapsedMs: 10_000,
      remaining: remaining({ basis: 'default', samples: 0, expectedMs: 8 * MIN, lowMs: 3 * MIN, highMs: 25 * MIN }),
    });
    expect(sectionText(d.blocks)).toContain('about 8 min left (range 3–25 min)');
    expect(JSON.stringify(d.blocks)).toContain('No history yet: a default guess with a wide range');
    const r = progressReply({
      deploymentId: 1,
      phases: ['changeset', 'stack_update'],
      phase: 'stack_update',
      elapsedMs: 10_000,
      remaining: remaining({ basis: 'resource-types', samples: 4 }),
    });
    expect(JSON.stringify(r.blocks)).toContain('resource-type durations across all stacks');
  });
});

describe('stall view', () => {
  const res = (i: number, overdue = true): StalledResource => ({
    logicalId: `Task${i}`,
    resourceType: 'AWS::ECS::TaskDefinition',
    since: 0,
    elapsedMs: 12 * MIN,
    p90Ms: 8000,
    overdue,
  });

  it('lists what is in progress and for how long, with keep-waiting and roll-back buttons carrying the id', () => {
    const m = stallReply({
      deploymentId: 42,
      quietMs: 11 * MIN,
      resources: [res(1), { ...res(2, false), logicalId: 'Db', resourceType: 'AWS::RDS::DBInstance', p90Ms: 40 * MIN }],
    });
    const s = sectionText(m.blocks);
    expect(s).toContain('*Deploy #42 looks stalled*: no new event for 11m 00s');
    expect(s).toContain('• `Task1` (AWS::ECS::TaskDefinition) in progress for *12m 00s* — usually done within 8s');
    expect(s).toContain('• `Db` (AWS::RDS::DBInstance) in progress for *12m 00s*');
    expect(s).not.toContain('within 40m');
    const actions = m.blocks!.find((b) => b.type === 'actions') as ActionsBlock;
    const buttons = actions.elements as Button[];
    expect(buttons.map((b) => [b.action_id, b.value])).toEqual([
      ['deploy_keep_waiting', '42'],
      ['deploy_rollback', '42'],
    ]);
    expect(buttons[1]!.style).toBe('danger');
    expect(buttons[1]!.confirm).toBeDefined();
    expect(m.text).toBe(
      'Deploy #42 looks stalled: no new event for 11m 00s; still in progress: Task1 (AWS::ECS::TaskDefinition) 12m 00s',
    );
    expectWithinLimits(m.blocks, m.text);
  });

  it('stays short and within Block Kit limits with many or huge resources', () => {
    const many = Array.from({ length: 300 }, (_, i) => ({ ...res(i), logicalId: `${'X'.repeat(250)}${i}` }));
    const m = stallReply({ deploymentId: 9, quietMs: 10 * MIN, resources: many });
    const s = sectionText(m.blocks);
    expect(s).toContain('…and 292 more in progress');
    expectWithinLimits(m.blocks, m.text);
  });

  it('escapes mrkdwn control characters from AWS names', () => {
    const m = stallReply({ deploymentId: 3, quietMs: 10 * MIN, resources: [{ ...res(1), logicalId: 'A<b>&c' }] });
    expect(sectionText(m.blocks)).toContain('`A&lt;b&gt;&amp;c`');
  });
});

describe('progress reply once the deployment ended', () => {
  it('a success shows a full bar and the time it took; a failure says it stopped, with no time left', () => {
    const done = progressFinishedReply({ deploymentId: 7, outcome: 'succeeded', elapsedMs: 3 * MIN + 5_000 });
    expect(done.text).toBe('#7 done after 3m 05s');
    expect(JSON.stringify(done.blocks)).toContain('*Done* in 3m 05s');
    expect(JSON.stringify(done.blocks)).toContain('100%');
    const failed = progressFinishedReply({ deploymentId: 7, outcome: 'failed', elapsedMs: 2 * MIN });
    expect(JSON.stringify(failed.blocks)).toContain('*Stopped* after 2m 00s (failed)');
    expect(JSON.stringify(failed.blocks)).not.toMatch(/left|%/);
  });
});
