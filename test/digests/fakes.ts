import { expect } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { DriftDetector, StackDriftCheck, StackRef } from '../../src/adapters/cloudformation-drift.js';
import { CloudFormationDrift } from '../../src/adapters/cloudformation-drift.js';
import { createOctokit, OctokitGitHub } from '../../src/adapters/github.js';
import { type Config, parseConfig } from '../../src/app/config.js';
import { silentLogger } from '../../src/app/logger.js';
import { HealthDigestJob } from '../../src/digests/health-job.js';
import type { ResourceDrift } from '../../src/domain/drift-diff.js';
import type { Db } from '../../src/store/db.js';
import { DigestRunsRepo } from '../../src/store/digest-runs-repo.js';
import { HealthRepo } from '../../src/store/health-repo.js';
import { LIMITS, type SlackMessage } from '../../src/views/slack-message.js';
import { testBudget } from '../helpers/aws-budget.js';
import type { FakeClock } from '../helpers/clock.js';
import { exampleConfigRaw } from '../helpers/config.js';

/** A detector answering from a script keyed by stack name; a function may throw to simulate a crash. */
export class ScriptedDetector implements DriftDetector {
  calls: string[] = [];
  constructor(public script: Record<string, StackDriftCheck | (() => StackDriftCheck)>) {}
  async check(stack: StackRef): Promise<StackDriftCheck> {
    this.calls.push(stack.name);
    const s = this.script[stack.name];
    if (!s) return { status: 'IN_SYNC', stackId: null };
    return typeof s === 'function' ? s() : s;
  }
}

export function modified(logicalId: string, path: string, expected: string, actual: string): ResourceDrift {
  return {
    logicalId,
    physicalId: null,
    resourceType: 'AWS::Lambda::Function',
    driftStatus: 'MODIFIED',
    differences: [{ path: `/Properties/${path}`, expected, actual, type: 'NOT_EQUAL' }],
  };
}

/** services s00…s19 with environments e0…e9: 200 targets and stacks. */
export function bigConfig(): Config {
  const raw = structuredClone(exampleConfigRaw) as Record<string, unknown>;
  const services: Record<string, unknown> = {};
  for (let s = 0; s < 20; s++) {
    const environments: Record<string, unknown> = {};
    for (let e = 0; e < 10; e++) environments[`e${e}`] = {};
    services[`s${String(s).padStart(2, '0')}`] = {
      repo: 'acme/mono',
      stack: { name: '{service}-{env}-platform-stack-with-a-long-name' },
      environments,
    };
  }
  raw.services = services;
  return parseConfig(raw, 'big.yml');
}

/** Every Slack Block Kit limit the digests must respect. */
export function expectWithinLimits(messages: SlackMessage[]): void {
  for (const m of messages) {
    expect(m.text.length).toBeGreaterThan(0);
    expect(m.text.length).toBeLessThanOrEqual(LIMITS.fallbackText);
    const blocks = m.blocks ?? [];
    expect(blocks.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    for (const b of blocks) {
      if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.header);
      if (b.type === 'section') {
        if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
        expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields);
        for (const f of b.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(LIMITS.sectionField);
      }
      if (b.type === 'context') {
        expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements);
        for (const e of b.elements) if ('text' in e) expect(e.text.length).toBeLessThanOrEqual(LIMITS.sectionText);
      }
    }
  }
}

/** The health digest as the runtime wires it: real SQLite, CloudFormation and GitHub through nock, retries off. */
export function healthJob(db: Db, config: Config, clock: FakeClock): HealthDigestJob {
  return new HealthDigestJob({
    config,
    health: new HealthRepo(db),
    runs: new DigestRunsRepo(db),
    stacks: new CloudFormationDrift(new AwsClients({ maxAttempts: 1 }), { clock, budget: testBudget(clock) }),
    github: new OctokitGitHub(createOctokit({ logger: silentLogger, retries: false })),
    clock,
    logger: silentLogger,
    githubWeb: 'https://github.com',
  });
}
