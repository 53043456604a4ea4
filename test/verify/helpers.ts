import type { Config } from '../../src/app/config.js';
import type { Deployment } from '../../src/domain/deployment.js';
import { exampleConfig } from '../helpers/config.js';
import type { Harness } from '../pipeline/harness.js';

export const SITE = 'https://web-staging.example.com';

/** The example config with `web staging` carrying the given environment blocks (verify, alarms…). */
export function webConfig(env: Record<string, unknown>): Config {
  return exampleConfig((r) => {
    r.services.web.environments.staging = env as never;
    return r;
  });
}

/** Drives `web staging` (no build) through its change set and a stack update that CloudFormation completes. */
export async function deployWeb(h: Harness, d: Deployment): Promise<void> {
  await h.toUpdating(d);
  const t = h.clock.now();
  const stackEvent = (ResourceStatus: string, at: number) =>
    h.cfn.event(
      'web-staging',
      {
        LogicalResourceId: 'web-staging',
        ResourceType: 'AWS::CloudFormation::Stack',
        ResourceStatus,
        ClientRequestToken: d.token,
      },
      at,
    );
  stackEvent('UPDATE_IN_PROGRESS', t);
  stackEvent('UPDATE_COMPLETE', t + 1000);
  h.cfn.stackStatus.set('web-staging', 'UPDATE_COMPLETE');
}
