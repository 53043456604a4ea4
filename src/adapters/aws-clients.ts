import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CodeBuildClient } from '@aws-sdk/client-codebuild';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { recordAwsCall } from '../metrics/instrument.js';

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
  private readonly sts = new Map<string, STSClient>();
  private readonly iamClients = new Map<string, IAMClient>();
  private readonly s3Clients = new Map<string, S3Client>();

  constructor(private readonly options: AwsClientOptions = {}) {}

  cloudFormation(region?: string): CloudFormationClient {
    return this.cached(this.cfn, region, (r) => instrumented(new CloudFormationClient(this.clientConfig(r))));
  }

  codeBuild(region?: string): CodeBuildClient {
    return this.cached(this.cb, region, (r) => instrumented(new CodeBuildClient(this.clientConfig(r))));
  }

  /** Doctor only: which account and role the credentials are. */
  stsClient(region?: string): STSClient {
    return this.cached(this.sts, region, (r) => instrumented(new STSClient(this.clientConfig(r))));
  }

  /** Doctor only: SimulatePrincipalPolicy (IAM is global; the region only picks the endpoint). */
  iam(region?: string): IAMClient {
    return this.cached(this.iamClients, region, (r) => instrumented(new IAMClient(this.clientConfig(r))));
  }

  cloudWatchLogs(region?: string): CloudWatchLogsClient {
    return this.cached(this.logs, region, (r) => instrumented(new CloudWatchLogsClient(this.clientConfig(r))));
  }

  /** Mode template: HeadObject on the build's template, to pin its version. The artifacts bucket is in `region`. */
  s3(region?: string): S3Client {
    return this.cached(this.s3Clients, region, (r) => instrumented(new S3Client(this.clientConfig(r))));
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
    for (const c of [
      ...this.cfn.values(),
      ...this.cb.values(),
      ...this.logs.values(),
      ...this.sts.values(),
      ...this.iamClients.values(),
      ...this.s3Clients.values(),
    ]) {
      c.destroy();
    }
  }
}

interface MiddlewareClient {
  middlewareStack: {
    add(
      mw: (
        next: (args: unknown) => Promise<unknown>,
        context: { clientName?: string; commandName?: string },
      ) => (args: unknown) => Promise<unknown>,
      options: { step: 'initialize'; name: string },
    ): void;
  };
}

/** Every AWS call and its result code is counted here, the one place all clients are made (metrics). */
function instrumented<C>(client: C): C {
  (client as unknown as MiddlewareClient).middlewareStack.add(
    (next, context) => async (args) => {
      const service = (context.clientName ?? 'aws').replace(/Client$/, '');
      const method = (context.commandName ?? 'unknown').replace(/Command$/, '');
      try {
        const out = await next(args);
        recordAwsCall(service, method);
        return out;
      } catch (err) {
        recordAwsCall(service, method, err);
        throw err;
      }
    },
    { step: 'initialize', name: 'coxswainMetrics' },
  );
  return client;
}
