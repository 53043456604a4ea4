import { describe, expect, it } from 'vitest';
import { classifyStack, isCascadeReason, isNoChangesReason, updateOutcome } from '../../src/domain/cfn-status.js';
import { type CauseEvent, findRootCause } from '../../src/domain/root-cause.js';

let n = 0;
const e = (
  logicalId: string,
  status: string,
  reason: string | null,
  timestamp: number,
  type = 'AWS::RDS::DBInstance',
): CauseEvent => ({
  eventId: `e${++n}`,
  logicalId,
  resourceType: type,
  status,
  reason,
  timestamp,
});

describe('root cause', () => {
  it('names the earliest real failure, never a cascade, whatever order events arrive in', () => {
    const events = [
      e(
        'Stack',
        'UPDATE_ROLLBACK_IN_PROGRESS',
        'The following resource(s) failed to update: [Db].',
        50,
        'AWS::CloudFormation::Stack',
      ),
      e('Search', 'CREATE_FAILED', 'Resource creation cancelled', 30),
      e('Db', 'CREATE_FAILED', 'Resource creation cancelled', 20),
      e(
        'Role',
        'CREATE_FAILED',
        'Resource handler returned message: "Access Denied (Service: Iam, Status Code: 403)"',
        25,
      ),
      e(
        'Nested',
        'UPDATE_FAILED',
        'Embedded stack arn:aws:cloudformation:... was not successfully updated. Currently in UPDATE_ROLLBACK_IN_PROGRESS',
        10,
        'AWS::CloudFormation::Stack',
      ),
      e('Later', 'UPDATE_FAILED', 'Resource update cancelled', 40),
    ];
    const { cause, cascades } = findRootCause(events);
    expect(cause?.logicalId).toBe('Role');
    expect(cascades.map((c) => c.logicalId).sort()).toEqual(['Db', 'Later', 'Nested', 'Search']);
  });

  it('has no cause while only cascades or non-failures are known', () => {
    expect(
      findRootCause([e('Db', 'CREATE_FAILED', 'Resource creation cancelled', 1), e('X', 'UPDATE_COMPLETE', null, 2)])
        .cause,
    ).toBeUndefined();
    expect(findRootCause([]).cause).toBeUndefined();
  });

  it('recognises CloudFormation cascade and no-change wording', () => {
    expect(isCascadeReason('Resource update cancelled')).toBe(true);
    expect(isCascadeReason('Resource deletion cancelled')).toBe(true);
    expect(isCascadeReason('The following resource(s) failed to create: [A, B].')).toBe(true);
    expect(isCascadeReason('Invalid request provided: DB instance class not available')).toBe(false);
    expect(isCascadeReason(null)).toBe(false);
    expect(
      isNoChangesReason(
        "The submitted information didn't contain changes. Submit different information to create a change set.",
      ),
    ).toBe(true);
    expect(isNoChangesReason('No updates are to be performed.')).toBe(true);
    expect(isNoChangesReason('Template format error')).toBe(false);
  });

  it('classifies stack statuses into terminal outcomes of our update', () => {
    expect(updateOutcome('UPDATE_COMPLETE')).toBe('succeeded');
    expect(updateOutcome('UPDATE_ROLLBACK_COMPLETE')).toBe('failed');
    expect(updateOutcome('UPDATE_ROLLBACK_FAILED')).toBe('failed');
    expect(updateOutcome('UPDATE_FAILED')).toBe('failed');
    expect(updateOutcome('UPDATE_ROLLBACK_IN_PROGRESS')).toBe('running');
    expect(updateOutcome('UPDATE_COMPLETE_CLEANUP_IN_PROGRESS')).toBe('running');
    expect(classifyStack('REVIEW_IN_PROGRESS')).toBe('in_progress');
    expect(classifyStack(undefined)).toBe('missing');
  });
});
