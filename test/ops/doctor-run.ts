import { afterEach, beforeEach, expect } from 'vitest';
import { AwsClients } from '../../src/adapters/aws-clients.js';
import type { CheckResult } from '../../src/doctor/check.js';
import { doctorReport } from '../../src/doctor/command.js';
import { DoctorWorld } from './doctor-world.js';

/** Read-only APIs only: no check may change anything. */
export const READ_ONLY = [
  /^slack (auth\.test|conversations\.history)$/,
  /^aws (CloudFormation|CodeBuild|STS|IAM) (Describe|BatchGet|Get|Simulate)\w+$/,
  /^github GET /,
];

export interface DoctorTest {
  readonly w: DoctorWorld;
  readonly aws: AwsClients;
  /** The doctor's results against the world, after checking it asked only read-only APIs. */
  run(): Promise<CheckResult[]>;
}

/** A fresh nock'd world and AWS clients (no retries) for every test of the file that calls this. */
export function useDoctorWorld(): DoctorTest {
  let w: DoctorWorld;
  let aws: AwsClients;
  beforeEach(() => {
    w = new DoctorWorld();
    w.install();
    aws = new AwsClients({ maxAttempts: 1, defaultRegion: 'us-east-1' });
  });
  afterEach(() => {
    aws.destroy();
    w.close();
  });
  return {
    get w() {
      return w;
    },
    get aws() {
      return aws;
    },
    async run() {
      const r = await doctorReport(w.env(), aws);
      for (const call of w.calls)
        expect(
          READ_ONLY.some((re) => re.test(call)),
          call,
        ).toBe(true);
      return r.results;
    },
  };
}

export function find(results: CheckResult[], area: string, name: string | RegExp): CheckResult {
  const hit = results.find((r) => r.area === area && (typeof name === 'string' ? r.name === name : name.test(r.name)));
  if (!hit)
    throw new Error(`no ${area} check ${String(name)} in:\n${results.map((r) => `${r.area} ${r.name}`).join('\n')}`);
  return hit;
}
