import type { Config } from '../app/config.js';
import { canDeploy } from '../domain/authorization.js';
import { refuse } from '../domain/refusal.js';
import { allTargets } from '../domain/targets.js';
import type { Doctor } from '../slack/commands/deploy-status.js';
import type { DoctorContext } from './check.js';
import { renderSlack } from './render.js';
import { report, runChecks } from './runner.js';

/**
 * `/deploy-status doctor`: the same read-only checks as the CLI (the configuration and database are already
 * loaded by the running bot), for anyone who may deploy somewhere. Answered ephemerally.
 */
export class SlackDoctor implements Doctor {
  constructor(
    private readonly config: Config,
    private readonly context: () => DoctorContext,
  ) {}

  async run(userId: string): ReturnType<Doctor['run']> {
    if (!allTargets(this.config).some((t) => canDeploy(t, userId).ok)) {
      return refuse(
        'not_deployer',
        'Only deployers may run the doctor: you are not in the `deployers` of any target. Ask the platform team, or run `coxswain doctor`.',
      );
    }
    const r = report(await runChecks(this.context()));
    return { ok: true, message: renderSlack(r) };
  }
}
