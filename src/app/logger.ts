import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs, one line per event. Secrets are redacted by key wherever they appear. */
export function createLogger(level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { app: 'coxswain' },
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', 'signingSecret', 'appToken'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything, for tests and benchmarks that do not assert on logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
