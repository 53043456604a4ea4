import type { Phase, ResourceAction } from './estimates.js';

/**
 * Durations learned from what AWS already remembers about a target, before Coxswain has deployed it (pure):
 * - a stack's event history (DescribeStackEvents keeps 90 days): whole successful operations (the stack's own
 *   *_IN_PROGRESS to *_COMPLETE, cleanup included, as Coxswain's stack_update phase measures it) and, inside them,
 *   each resource's *_IN_PROGRESS to *_COMPLETE per type and action; operations that rolled back teach nothing;
 * - a CodeBuild project's recent builds: the whole duration of each successful build (Coxswain's build phase).
 */
export type LearnedSource = 'cloudformation-events' | 'codebuild-builds';

export interface LearnedDuration {
  sourceId: string;
  phase: Phase | null;
  resourceType: string | null;
  action: ResourceAction | null;
  durationMs: number;
  endedAt: number;
}

export interface HistoryEvent {
  eventId: string;
  logicalId: string;
  resourceType: string;
  status: string;
  timestamp: number;
}

export interface HistoryBuild {
  id: string;
  status: string;
  startTime: number | null;
  endTime: number | null;
}

const ACTIONS: Record<string, ResourceAction> = { CREATE: 'create', UPDATE: 'update', DELETE: 'delete' };

function split(status: string): { action: ResourceAction | undefined; rest: string } {
  const i = status.indexOf('_');
  return { action: ACTIONS[status.slice(0, i)], rest: status.slice(i + 1) };
}

export function learnFromStackEvents(stackName: string, events: readonly HistoryEvent[]): LearnedDuration[] {
  const out: LearnedDuration[] = [];
  const sorted = [...events].sort((a, b) => a.timestamp - b.timestamp);
  let op: { start: number; action: ResourceAction; resources: LearnedDuration[] } | undefined;
  const started = new Map<string, { at: number; action: ResourceAction }>();
  for (const e of sorted) {
    const { action, rest } = split(e.status);
    const isStack = e.logicalId === stackName && e.resourceType === 'AWS::CloudFormation::Stack';
    if (isStack) {
      if ((action === 'update' || action === 'create') && rest === 'IN_PROGRESS') {
        op = { start: e.timestamp, action, resources: [] };
        started.clear();
      } else if (op && rest === 'COMPLETE' && action === op.action) {
        out.push({
          sourceId: `${stackName}/${e.eventId}`,
          phase: 'stack_update',
          resourceType: null,
          action: null,
          durationMs: e.timestamp - op.start,
          endedAt: e.timestamp,
        });
        out.push(...op.resources);
        op = undefined;
      } else if (/ROLLBACK|FAILED/.test(e.status)) {
        op = undefined;
      }
      continue;
    }
    if (!op || !action) continue;
    if (rest === 'IN_PROGRESS') started.set(e.logicalId, { at: e.timestamp, action });
    else if (rest === 'COMPLETE') {
      const s = started.get(e.logicalId);
      if (s && s.action === action) {
        op.resources.push({
          sourceId: `${stackName}/${e.eventId}`,
          phase: null,
          resourceType: e.resourceType,
          action,
          durationMs: e.timestamp - s.at,
          endedAt: e.timestamp,
        });
        started.delete(e.logicalId);
      }
    }
  }
  return out;
}

export function learnFromBuilds(builds: readonly HistoryBuild[]): LearnedDuration[] {
  return builds
    .filter((b) => b.status === 'SUCCEEDED' && b.startTime !== null && b.endTime !== null && b.endTime > b.startTime)
    .map((b) => ({
      sourceId: b.id,
      phase: 'build' as const,
      resourceType: null,
      action: null,
      durationMs: (b.endTime as number) - (b.startTime as number),
      endedAt: b.endTime as number,
    }));
}
