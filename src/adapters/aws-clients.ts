import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';

export interface AwsClientOptions {
  /** Region used when a target does not name one; undefined lets the SDK read AWS_REGION / the profile. */
  defaultRegion?: string;
  /** SDK attempts including the first; tests pass 1 so nock sees exactly the calls the code makes. */
  maxAttempts?: number;
}

/**
 * One SDK client per service and region, created on first use. Endpoints and credentials come from the
 * SDK's own chain (AWS_ENDPOINT_URL_*, profiles, IMDS…), which also refreshes expiring credentials.
 */
export class AwsClients {
  private readonly cfn = new Map<string, CloudFormationClient>();
  private readonly cb = new Map<string, CodeBuildClient>();
  private readonly logs = new Map<string, CloudWatchLogsClient>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  cloudFormation(region?: string): CloudFormationClient {
    return this.cached(this.cfn, region, (r) => new CloudFormationClient(this.clientConfig(r)));
  }

  codeBuild(region?: string): CodeBuildClient {
    return this.cached(this.cb, region, (r) => new CodeBuildClient(this.clientConfig(r)));
  }

  cloudWatchLogs(region?: string): CloudWatchLogsClient {
    return this.cached(this.logs, region, (r) => new CloudWatchLogsClient(this.clientConfig(r)));
  }

  private clientConfig(region: string | undefined) {
    return {
      ...(region ? { region } : {}),
      ...(this.options.maxAttempts ? { maxAttempts: this.options.maxAttempts } : {}),
    };
  }

  private cached<T>(map: Map<string, T>, region: string | undefined, make: (r: string | undefined) => T): T {
    const r = region ?? this.options.defaultRegion;
    const key = r ?? '(default)';
    let client = map.get(key);
    if (!client) {
      client = make(r);
      map.set(key, client);
    }
    return client;
  }

  destroy(): void {
    for (const c of [...this.cfn.values(), ...this.cb.values(), ...this.logs.values()]) c.destroy();
  }
}
