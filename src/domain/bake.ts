/**
 * The alarm window (RollbackConfiguration), pure: when the resources of a change set are all done, CloudFormation
 * keeps the stack UPDATE_IN_PROGRESS while it watches the alarms for MonitoringTimeInMinutes; an alarm in ALARM
 * rolls the whole update back, and the stack events' reasons name it.
 */
export interface BakeEvent {
  logicalId: string;
  resourceType: string;
  status: string;
  reason: string | null;
}

/**
 * Every resource the change set changes has reached *_COMPLETE (and nothing is in progress again): the update is in
 * its monitoring window. `stackName` is the stack's own logical id (its stack-level events are not resources).
 */
export function resourcesDone(events: readonly BakeEvent[], stackName: string, changed: number): boolean {
  if (changed <= 0) return false;
  const latest = new Map<string, string>();
  for (const e of events) {
    if (e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack') continue;
    latest.set(e.logicalId, e.status);
  }
  const statuses = [...latest.values()];
  if (statuses.some((s) => s.endsWith('_IN_PROGRESS') || s.endsWith('_FAILED'))) return false;
  return statuses.filter((s) => s.endsWith('_COMPLETE')).length >= changed;
}

/** The alarm's name from its ARN (arn:aws:cloudwatch:region:account:alarm:name). */
export function alarmName(arn: string): string {
  return arn.split(':alarm:')[1] ?? arn;
}

/**
 * The configured alarm an event's reason names (by ARN, else by name), with that reason: the cause of a rollback
 * CloudFormation started because an alarm went into ALARM.
 */
export function alarmCause(
  events: readonly BakeEvent[],
  arns: readonly string[],
): { arn: string; name: string; reason: string } | undefined {
  for (const e of events) {
    if (!e.reason || !/alarm/i.test(e.reason)) continue;
    const arn = arns.find((a) => e.reason!.includes(a)) ?? arns.find((a) => e.reason!.includes(alarmName(a)));
    if (arn) return { arn, name: alarmName(arn), reason: e.reason };
  }
  return undefined;
}

/** "4 min left" / "45s left" */
export function timeLeft(ms: number): string {
  const s = Math.max(0, Math.ceil(ms / 1000));
  if (s >= 60) return `${Math.ceil(s / 60)} min left`;
  return `${s}s left`;
}
