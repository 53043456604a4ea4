import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Keys whose values never reach a log line, at the top level or one object down (pino's `redact`, fast-redact
 * paths). Env var names are listed for lines that log an env-like object.
 */
export const REDACT_PATHS = [
  'token',
  '*.token',
  'auth',
  '*.auth',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  'signingSecret',
  '*.signingSecret',
  'appToken',
  '*.appToken',
  'SLACK_BOT_TOKEN',
  '*.SLACK_BOT_TOKEN',
  'SLACK_SIGNING_SECRET',
  '*.SLACK_SIGNING_SECRET',
  'SLACK_APP_TOKEN',
  '*.SLACK_APP_TOKEN',
  'GITHUB_TOKEN',
  '*.GITHUB_TOKEN',
  'AWS_SECRET_ACCESS_KEY',
  '*.AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  '*.AWS_SESSION_TOKEN',
  'credentials.secretAccessKey',
  'credentials.sessionToken',
  '*.credentials.secretAccessKey',
  '*.credentials.sessionToken',
];

/**
 * JSON logs, one line per event. Secrets are redacted by key wherever they appear. With `correlation`, a line that
 * names a `deploymentId` also carries that deployment's correlation token.
 */
export function createLogger(
  level = process.env.LOG_LEVEL ?? 'info',
  destination?: pino.DestinationStream,
  correlation?: (deploymentId: number) => string | undefined,
): Logger {
  return pino(
    {
      level,
      base: { app: 'coxswain' },
      ...(correlation
        ? {
            // The id may be in the line itself or in a child logger's bindings (a button click's logger).
            mixin: (merge: object, _level: number, self: Logger) => {
              const id =
                (merge as { deploymentId?: unknown }).deploymentId ??
                (self.bindings() as { deploymentId?: unknown }).deploymentId;
              const token = typeof id === 'number' ? correlation(id) : undefined;
              return token ? { correlation: token } : {};
            },
          }
        : {}),
      redact: {
        paths: REDACT_PATHS,
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** A logger that drops everything, for tests and benchmarks that do not assert on logs. */
export const silentLogger: Logger = pino({ level: 'silent' });
