import { AwsBudget } from '../../src/adapters/aws-budget.js';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { Config } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { buildDeploymentCore } from '../../src/deploys/core.js';
import type { ParentEta } from '../../src/deploys/thread-parent.js';
import type { Deployment } from '../../src/domain/deployment.js';
import { DeployWorker, type DeployWorkerDeps } from '../../src/runner/worker.js';
import type { Db } from '../../src/store/db.js';
import { DeploymentsRepo } from '../../src/store/deployments-repo.js';
import { OutboxRepo } from '../../src/store/outbox-repo.js';
import { threadKeys } from '../../src/views/thread-keys.js';
import { FakeCloudFormation } from '../helpers/cfn-nock.js';
import { FakeClock } from '../helpers/clock.js';
import { type FakeBuild, FakeCodeBuild } from '../helpers/codebuild-nock.js';
import { exampleConfig, modesConfig } from '../helpers/config.js';
import { testDb } from '../helpers/db.js';
import { outboxEntries } from '../helpers/outbox-rows.js';
import { newDeployment } from '../helpers/rows.js';
import { FakeS3 } from '../helpers/s3-nock.js';

export const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
/** The template-mode stacks of modesConfig() (network, then app). */
export const NET = 'infra-network-staging';
export const APP = 'infra-app-staging';

export interface OutboxRow {
  key: string;
  op: 'post' | 'update';
  thread: string | null;
  text: string;
  blocks: string;
}

/** A harness over modesConfig() with the stacks of its template and build modes in place. */
export function modesHarness(): Harness {
  const h = new Harness({ config: modesConfig() });
  h.cfn.addStack(NET, 'UPDATE_COMPLETE', {});
  h.cfn.addStack(APP, 'UPDATE_COMPLETE', { Version: 'old' });
  h.cfn.addStack('cdk-a-staging', 'UPDATE_COMPLETE', {});
  h.cfn.addStack('cdk-b-staging', 'UPDATE_COMPLETE', {});
  return h;
}

/** A worker wired to nock-backed fake AWS, a real SQLite database and a FakeClock. */
export class Harness {
  readonly clock: FakeClock;
  readonly db: Db;
  readonly config: Config;
  readonly cfn = new FakeCloudFormation('us-east-1');
  readonly cb = new FakeCodeBuild('us-east-1');
  /** The template artifacts bucket: every key exists, unversioned, unless a test says otherwise. */
  readonly s3 = new FakeS3('artifacts-bucket', 'us-east-1');
  readonly aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
  readonly budget: AwsBudget;
  readonly repo: DeploymentsRepo;
  worker: DeployWorker;

  constructor(
    o: { db?: Db; clock?: FakeClock; workerId?: string; deps?: Partial<DeployWorkerDeps>; config?: Config } = {},
  ) {
    this.clock = o.clock ?? new FakeClock();
    this.db = o.db ?? testDb();
    this.config = o.config ?? exampleConfig();
    this.budget = new AwsBudget({
      clock: this.clock,
      ratePerSecond: 1000,
      burst: 1000,
      sleep: async (ms) => {
        this.clock.advance(ms);
      },
    });
    this.repo = new DeploymentsRepo(this.db);
    this.cfn.install();
    this.cb.install();
    this.s3.install();
    this.cfn.addStack('api-staging', 'UPDATE_COMPLETE', { ImageTag: 'old', DesiredCount: '2' });
    this.cfn.addStack('web-staging', 'UPDATE_COMPLETE', { Version: 'v1' });
    this.worker = this.newWorker(o.workerId ?? 'worker-1', o.deps);
  }

  /** A worker over the harness's database; `parentEta` goes into its DeploymentCore, as runtime.ts wires it. */
  newWorker(workerId: string, deps: Partial<DeployWorkerDeps> & { parentEta?: ParentEta } = {}): DeployWorker {
    const { parentEta, ...rest } = deps;
    const core = buildDeploymentCore({
      db: this.db,
      config: this.config,
      clock: this.clock,
      logger: silentLogger,
      githubWeb: 'https://github.com',
      parentEta,
    });
    return new DeployWorker({
      db: this.db,
      config: this.config,
      clock: this.clock,
      logger: silentLogger,
      aws: this.aws,
      budget: this.budget,
      workerId,
      githubWeb: 'https://github.com',
      core,
      ...rest,
    });
  }

  /** What /deploy does: enqueue and post the thread parent. */
  enqueue(service = 'api', environment = 'staging', sha = SHA, ref = 'main'): Deployment {
    const r = this.repo.enqueue(
      newDeployment(`${service}/${environment}`, { ref, sha, requestedBy: 'U0DEV' }),
      this.clock.now(),
    );
    new OutboxRepo(this.db).post(
      {
        key: threadKeys.parent(r.deployment.id),
        channel: 'C0DEPLOYS',
        deploymentId: r.deployment.id,
        message: { text: 'parent' },
      },
      this.clock.now(),
    );
    return r.deployment;
  }

  /** The CodeBuild build a deployment started. */
  build(id: number): FakeBuild {
    return this.cb.builds.get(this.get(id).buildId!)!;
  }

  get(id: number): Deployment {
    return this.repo.get(id)!;
  }

  /** Ticks (advancing fake time by stepMs between ticks) until `done` holds; bounded. */
  async tickUntil(
    done: () => boolean,
    o: { max?: number; stepMs?: number; worker?: DeployWorker } = {},
  ): Promise<number> {
    const max = o.max ?? 40;
    for (let i = 0; i < max; i++) {
      await (o.worker ?? this.worker).tick();
      if (done()) return i + 1;
      this.clock.advance(o.stepMs ?? 5000);
    }
    throw new Error(`condition not reached after ${max} ticks`);
  }

  outbox(id: number): OutboxRow[] {
    return outboxEntries(this.db, { deploymentId: id }).map((e) => ({
      key: e.key,
      op: e.op,
      thread: e.threadKey,
      text: e.message.text,
      blocks: JSON.stringify(e.message.blocks ?? []),
    }));
  }

  reply(id: number, name: string): OutboxRow | undefined {
    return this.outbox(id).find((r) => r.key === threadKeys.reply(id, name) && r.op === 'post');
  }

  /** The newest content of the thread parent. */
  parent(id: number): OutboxRow {
    return this.outbox(id)
      .filter((r) => r.key === threadKeys.parent(id))
      .at(-1)!;
  }

  /** Drives a deployment (of a target without a build) until its change set has been executed. */
  async toUpdating(d: Deployment, changes: unknown[] = []): Promise<void> {
    await this.tickUntil(() => this.cfn.changeSets.has(`coxswain-${d.id}-1`));
    this.cfn.readyChangeSet(`coxswain-${d.id}-1`, changes);
    await this.tickUntil(() => this.cfn.count('ExecuteChangeSet') > 0);
  }

  /** Drives a web/staging deployment through its change set to a completed update and `succeeded`. */
  async finishWeb(id: number): Promise<void> {
    await this.toUpdating(this.get(id));
    this.cfn.completeUpdate('web-staging', this.get(id).token, this.clock.now());
    await this.tickUntil(() => this.get(id).state === 'succeeded');
  }

  close(): void {
    this.aws.destroy();
    this.db.close();
  }
}
