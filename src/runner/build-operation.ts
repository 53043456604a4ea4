/**
 * Mode build: which stack events belong to the operation the build's tool started. `cdk deploy` sends a
 * ClientRequestToken (`exec…`), so its events are matched by token. `sam deploy` and `aws cloudformation deploy`
 * send none (aws/aws-cli#2907): their operation is the one whose stack-level *_IN_PROGRESS event came after the
 * build started, and its events are the untokened ones from that moment on.
 */

/** Stored as the stack's op_token when the followed operation carries no ClientRequestToken. */
export const UNTOKENED_OPERATION = 'coxswain:untokened';

export interface OperationEvent {
  token: string | null;
  timestamp: number;
}

/** Whether an event belongs to the followed untokened operation (started at `startedAt`). */
export function inUntokenedOperation(opToken: string | null, startedAt: number | null, e: OperationEvent): boolean {
  return opToken === UNTOKENED_OPERATION && e.token === null && startedAt !== null && e.timestamp >= startedAt;
}
