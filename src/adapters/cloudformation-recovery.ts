import {
  CancelUpdateStackCommand,
  ContinueUpdateRollbackCommand,
  DescribeStacksCommand,
  RollbackStackCommand,
} from '@aws-sdk/client-cloudformation';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';
import { isNotFoundAwsError } from './aws-errors.js';

export type RecoveryOp = 'cancel_update' | 'continue_rollback' | 'rollback_stack';

/**
 * Which recovery operation a stack status allows (CloudFormation API reference):
 * CancelUpdateStack only from UPDATE_IN_PROGRESS; ContinueUpdateRollback from UPDATE_ROLLBACK_FAILED;
 * RollbackStack from CREATE_FAILED / UPDATE_FAILED (left there by a disabled rollback).
 */
export function recoveryFor(status: string | undefined): RecoveryOp | undefined {
  switch (status) {
    case 'UPDATE_IN_PROGRESS':
      return 'cancel_update';
    case 'UPDATE_ROLLBACK_FAILED':
      return 'continue_rollback';
    case 'UPDATE_FAILED':
    case 'CREATE_FAILED':
      return 'rollback_stack';
    default:
      return undefined;
  }
}

export type RecoveryResult =
  | { ok: true; op: RecoveryOp; status: string }
  | { ok: false; status: string | undefined; message: string };

export interface StackRef {
  stackName: string;
  region: string | undefined;
  /** Idempotency token; the events of the operation carry it, so the runner can tail them. */
  token: string;
}

/** The only code that asks CloudFormation to stop or undo an operation. */
export class StackRecovery {
  constructor(
    private readonly clients: AwsClients,
    /** The shared AWS request budget (every AWS call goes through it). */
    private readonly budget: AwsBudget,
  ) {}

  async status(stack: Pick<StackRef, 'stackName' | 'region'>): Promise<string | undefined> {
    try {
      const res = await this.budget.run(() =>
        this.clients.cloudFormation(stack.region).send(new DescribeStacksCommand({ StackName: stack.stackName })),
      );
      return res.Stacks?.[0]?.StackStatus;
    } catch (err) {
      if (isNotFoundAwsError(err)) return undefined;
      throw err;
    }
  }

  /**
   * Reads the stack status, then runs the one operation it allows, if it is in `allowed`. A stack in another
   * state is a normal refusal with the status in the message. `knownStatus` skips the read when the caller just did it.
   */
  async recover(stack: StackRef, allowed: readonly RecoveryOp[], knownStatus?: string): Promise<RecoveryResult> {
    const status = knownStatus ?? (await this.status(stack));
    const op = recoveryFor(status);
    if (!status) return { ok: false, status, message: `Stack \`${stack.stackName}\` does not exist.` };
    if (!op || !allowed.includes(op)) {
      return {
        ok: false,
        status,
        message: `Stack \`${stack.stackName}\` is ${status}: there is no update to stop or undo.`,
      };
    }
    const cfn = this.clients.cloudFormation(stack.region);
    try {
      if (op === 'cancel_update') {
        await this.budget.run(() =>
          cfn.send(
            new CancelUpdateStackCommand({ StackName: stack.stackName, ClientRequestToken: `${stack.token}-cancel` }),
          ),
        );
      } else if (op === 'continue_rollback') {
        await this.budget.run(() =>
          cfn.send(
            new ContinueUpdateRollbackCommand({
              StackName: stack.stackName,
              ClientRequestToken: `${stack.token}-continue`,
            }),
          ),
        );
      } else {
        await this.budget.run(() =>
          cfn.send(
            new RollbackStackCommand({ StackName: stack.stackName, ClientRequestToken: `${stack.token}-rollback` }),
          ),
        );
      }
    } catch (err) {
      const e = err as { name?: string; message?: string };
      // The stack moved between our read and the call (e.g. the update just finished): say so, do not throw.
      return {
        ok: false,
        status,
        message: `CloudFormation refused (${e.name ?? 'error'}): ${e.message ?? String(err)}`,
      };
    }
    return { ok: true, op, status };
  }
}
