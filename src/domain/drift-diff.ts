/**
 * Pure drift comparison: what is new, changed or resolved since the last posted digest,
 * and short expected→actual summaries of CloudFormation PropertyDifferences.
 */
export interface PropertyDifference {
  path: string;
  expected: string | null;
  actual: string | null;
  type: 'ADD' | 'REMOVE' | 'NOT_EQUAL';
}

export interface ResourceDrift {
  logicalId: string;
  physicalId: string | null;
  resourceType: string;
  /** MODIFIED or DELETED (the only statuses we ask for). */
  driftStatus: string;
  differences: PropertyDifference[];
}

export type DriftStatus = 'IN_SYNC' | 'DRIFTED' | 'UNKNOWN';

/** One stack's result in one run, as stored. */
export interface StackDriftResult {
  targetKey: string;
  stackName: string;
  region: string | null;
  stackId: string | null;
  status: DriftStatus;
  reason: string | null;
  resources: ResourceDrift[];
}

/** One stack of one target: a target may have several stacks, so the target key alone is not an identity. */
export function stackKey(targetKey: string, stackName: string): string {
  return `${targetKey}\u0000${stackName}`;
}

/** new: appeared since the last digest; changed: still drifted but differently; resolved: back in sync. */
export type Mark = 'new' | 'changed' | 'resolved' | 'same';

export interface MarkedResource extends ResourceDrift {
  mark: Exclude<Mark, 'resolved'>;
  summary: string;
}

export interface MarkedStack extends StackDriftResult {
  mark: Mark;
  marked: MarkedResource[];
  /** Logical ids drifted last time and not any more. */
  resolvedResources: string[];
}

export interface DriftComparison {
  /** False on the first run: there is nothing to compare with, so nothing is marked. */
  hasBaseline: boolean;
  stacks: MarkedStack[];
  /** Any new, changed or resolved stack? False means the digest can stay short. */
  anyChange: boolean;
}

/** A stable identity for "the same drift": status plus every difference, order-independent. */
export function fingerprint(r: Pick<ResourceDrift, 'driftStatus' | 'differences'>): string {
  const diffs = r.differences.map((d) => `${d.type}|${d.path}|${d.expected ?? ''}|${d.actual ?? ''}`).sort();
  return `${r.driftStatus}#${diffs.join('\n')}`;
}

/** "/Properties/Tags/0/Value" → "Tags.0.Value". */
export function shortPath(path: string): string {
  return (
    path
      .replace(/^\/Properties\//, '')
      .replace(/^\//, '')
      .split('/')
      .filter((p) => p.length > 0)
      .join('.') || '(resource)'
  );
}

function shortValue(v: string | null, max: number): string {
  if (v === null || v === '') return '∅';
  const oneLine = v.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1)}…`;
}

/** "Tags.0.Value: prod → dev; +Policies.1; −Description", capped at `max` characters. */
export function summarizeDifferences(diffs: readonly PropertyDifference[], max = 300, valueMax = 40): string {
  const parts = diffs.map((d) => {
    const p = shortPath(d.path);
    if (d.type === 'ADD') return `+${p}: ${shortValue(d.actual, valueMax)}`;
    if (d.type === 'REMOVE') return `−${p} (was ${shortValue(d.expected, valueMax)})`;
    return `${p}: ${shortValue(d.expected, valueMax)} → ${shortValue(d.actual, valueMax)}`;
  });
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const next = out ? `${out}; ${parts[i]}` : parts[i]!;
    if (next.length > max) return `${out || parts[i]!.slice(0, max - 12)} …+${parts.length - i} more`;
    out = next;
  }
  return out;
}

export function resourceSummary(r: ResourceDrift): string {
  if (r.driftStatus === 'DELETED') return 'deleted outside CloudFormation';
  if (r.differences.length === 0) return 'modified (no property details)';
  return summarizeDifferences(r.differences);
}

function stackMark(prev: StackDriftResult | undefined, cur: StackDriftResult, resourcesMoved: boolean): Mark {
  switch (cur.status) {
    case 'DRIFTED':
      if (prev?.status !== 'DRIFTED') return 'new';
      return resourcesMoved ? 'changed' : 'same';
    case 'IN_SYNC':
      return prev?.status === 'DRIFTED' ? 'resolved' : 'same';
    case 'UNKNOWN':
      return prev?.status === 'UNKNOWN' && prev.reason === cur.reason ? 'same' : 'new';
  }
}

/** Compares this run with the last posted one (undefined on the first run), stack by stack. */
export function compareDrift(
  current: readonly StackDriftResult[],
  previous?: readonly StackDriftResult[],
): DriftComparison {
  const prevByStack = new Map((previous ?? []).map((s) => [stackKey(s.targetKey, s.stackName), s]));
  const stacks = current.map((cur): MarkedStack => {
    const prev = prevByStack.get(stackKey(cur.targetKey, cur.stackName));
    const prevRes = new Map(
      (prev?.status === 'DRIFTED' ? prev.resources : []).map((r) => [r.logicalId, fingerprint(r)]),
    );
    let moved = false;
    const marked = cur.resources.map((r): MarkedResource => {
      const before = prevRes.get(r.logicalId);
      const mark = before === undefined ? 'new' : before === fingerprint(r) ? 'same' : 'changed';
      if (mark !== 'same') moved = true;
      return { ...r, mark: previous ? mark : 'same', summary: resourceSummary(r) };
    });
    const nowIds = new Set(cur.resources.map((r) => r.logicalId));
    // UNKNOWN says nothing about resources: never call them resolved.
    const resolvedResources =
      cur.status === 'UNKNOWN' ? [] : [...prevRes.keys()].filter((id) => !nowIds.has(id)).sort();
    if (resolvedResources.length > 0) moved = true;
    const mark = previous ? stackMark(prev, cur, moved) : 'same';
    return { ...cur, mark, marked, resolvedResources: previous ? resolvedResources : [] };
  });
  return { hasBaseline: previous !== undefined, stacks, anyChange: stacks.some((s) => s.mark !== 'same') };
}
