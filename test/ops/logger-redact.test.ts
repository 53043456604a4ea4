import { describe, expect, it } from 'vitest';
import { DeploymentCorrelation } from '../../src/app/log-correlation.js';
import { createLogger } from '../../src/app/logger.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { testDb } from '../helpers/db.js';
import { newDeployment } from '../helpers/rows.js';

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger('debug', { write: (l: string) => lines.push(l) }) };
}

describe('log redaction (pino redact)', () => {
  it('never writes tokens or secrets, wherever they sit in a log object', () => {
    const { lines, logger } = capture();
    logger.info(
      {
        token: 'xoxb-top-level',
        slack: { token: 'xoxb-nested', appToken: 'xapp-nested', signingSecret: 'abcdef0123456789' },
        req: { headers: { authorization: 'Bearer ghp_secret123', cookie: 'sid=42', 'user-agent': 'coxswain' } },
        env: { GITHUB_TOKEN: 'ghp_env', SLACK_BOT_TOKEN: 'xoxb-env', AWS_SECRET_ACCESS_KEY: 'aws-secret', PORT: 3000 },
        aws: { credentials: { accessKeyId: 'AKID', secretAccessKey: 'aws-nested', sessionToken: 'aws-session' } },
      },
      'something happened',
    );
    const all = lines.join('\n');
    for (const secret of [
      'xoxb-top-level',
      'xoxb-nested',
      'xapp-nested',
      'abcdef0123456789',
      'ghp_secret123',
      'sid=42',
      'ghp_env',
      'xoxb-env',
      'aws-secret',
      'aws-nested',
      'aws-session',
    ]) {
      expect(all).not.toContain(secret);
    }
    const line = JSON.parse(lines[0]!) as Record<string, Record<string, unknown>>;
    expect(line.token).toBe('[redacted]');
    expect(line.req).toEqual({
      headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'coxswain' },
    });
    // What is not a secret stays readable.
    expect(line.env?.PORT).toBe(3000);
    expect(line.aws).toEqual({
      credentials: { accessKeyId: 'AKID', secretAccessKey: '[redacted]', sessionToken: '[redacted]' },
    });
  });

  it('adds the correlation token of the deployment a line names (looked up in the store)', () => {
    const db = testDb();
    const d = new DeploymentsRepo(db).enqueue(
      newDeployment('api/staging', { sha: 'a'.repeat(40), requestedBy: 'U01' }),
      0,
    ).deployment;
    const correlation = new DeploymentCorrelation();
    correlation.use(new DeploymentsRepo(db));
    const lines: string[] = [];
    const logger = createLogger('info', { write: (l: string) => lines.push(l) }, (id) => correlation.tokenOf(id));
    logger.child({ job: 'deploy' }).warn({ deploymentId: d.id, stack: 'api-staging' }, 'deployment failed');
    logger.info({ deploymentId: 999 }, 'unknown deployment');
    logger.info('not about a deployment');
    logger.child({ action: 'deploy_retry', deploymentId: d.id }).info('click handled');
    const [failed, unknown, other, click] = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(click).toMatchObject({ deploymentId: d.id, correlation: d.token, msg: 'click handled' });
    expect(d.token).toMatch(/^coxswain-[0-9a-f]{12}$/);
    expect(failed).toMatchObject({ deploymentId: d.id, correlation: d.token, job: 'deploy', msg: 'deployment failed' });
    expect(unknown?.correlation).toBeUndefined();
    expect(other?.correlation).toBeUndefined();
    db.close();
  });

  it('keeps the deployment id and correlation token a child logger carries on every line', () => {
    const { lines, logger } = capture();
    const child = logger.child({ deploymentId: 7, correlation: 'coxswain-0a1b2c3d4e5f' });
    child.warn({ stack: 'api-staging' }, 'stack update slow');
    expect(JSON.parse(lines[0]!)).toMatchObject({
      deploymentId: 7,
      correlation: 'coxswain-0a1b2c3d4e5f',
      stack: 'api-staging',
      msg: 'stack update slow',
    });
  });
});
