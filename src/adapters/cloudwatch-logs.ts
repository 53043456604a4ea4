import { GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { AwsBudget } from './aws-budget.js';
import type { AwsClients } from './aws-clients.js';
import { awsErrorCode, classifyAwsError } from './aws-errors.js';

export interface LogWindow {
  region: string | undefined;
  group: string;
  stream: string;
  /** Epoch ms; the failed phase's start and end bound the read. */
  startTime?: number;
  endTime?: number;
}

export type LogTail =
  | { ok: true; lines: string[] }
  | { ok: false; why: 'denied' | 'missing' | 'unavailable'; code: string };

/** Events read at most: one GetLogEvents page, newest last. */
export const LOG_TAIL_LINES = 30;

/** The only code that reads CloudWatch Logs (a failed build's last lines); every call goes through the budget. */
export class CloudWatchLogsAdapter {
  constructor(
    private readonly aws: AwsClients,
    private readonly budget: AwsBudget,
  ) {}

  /** The last LOG_TAIL_LINES lines of a stream inside the window. Never throws: a missing tail is a normal answer. */
  async tail(w: LogWindow): Promise<LogTail> {
    try {
      const out = await this.budget.run(() =>
        this.aws.cloudWatchLogs(w.region).send(
          new GetLogEventsCommand({
            logGroupName: w.group,
            logStreamName: w.stream,
            startFromHead: false,
            limit: LOG_TAIL_LINES,
            ...(w.startTime !== undefined ? { startTime: w.startTime } : {}),
            ...(w.endTime !== undefined ? { endTime: w.endTime } : {}),
          }),
        ),
      );
      const lines = (out.events ?? [])
        .map((e) => e.message ?? '')
        .flatMap((m) => m.replace(/\r?\n$/, '').split(/\r?\n/))
        .slice(-LOG_TAIL_LINES);
      return { ok: true, lines };
    } catch (err) {
      const kind = classifyAwsError(err);
      const why =
        kind === 'permission' || kind === 'credentials' ? 'denied' : kind === 'not_found' ? 'missing' : 'unavailable';
      return { ok: false, why, code: awsErrorCode(err) };
    }
  }
}
