/**
 * The service behind the /deploy form (modal): what this user may deploy, and a submission run through the typed
 * command's own path (parseDeploy → DeployRequests.request), with refusals mapped onto the form's fields.
 */
import type { RepoId } from '../adapters/github.js';
import type { Config } from '../app/config.js';
import { canDeploy } from '../domain/authorization.js';
import { parseDeploy } from '../domain/command-parser.js';
import { type RefusalWith, refuseWith } from '../domain/refusal.js';
import { allTargets } from '../domain/targets.js';
import {
  type DeployForm,
  type FormService,
  formCommandText,
  readDeployForm,
  type ViewStateValues,
} from '../views/deploy-modal.js';
import { usageMessage } from '../views/help.js';
import { clip, type SlackMessage } from '../views/slack-message.js';
import type { DeployRequestResult, DeployRequests } from './requests.js';

export interface DeployFormDeps {
  config: Config;
  requests: Pick<DeployRequests, 'request'>;
  branches: { list(repo: RepoId): Promise<string[]> };
  /** How long the form waits for GitHub's branch list before opening without it (trigger_id lives 3 s). */
  branchWaitMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export type SubmitResult =
  | { ok: true; reply: SlackMessage; deploymentId: number }
  | (RefusalWith<SlackMessage> & { errors: Record<string, string> });

/** Slack shows inline errors as plain text under the field. */
const ERROR_CHARS = 300;
const plain = (m: SlackMessage) => clip(m.text.replace(/[`*]/g, ''), ERROR_CHARS);

export class DeployFormService {
  constructor(private readonly deps: DeployFormDeps) {}

  /** Services with the environments `userId` may deploy to (none listed: not offered); branches of `selected`. */
  async choices(userId: string, selected?: string): Promise<FormService[]> {
    const byService = new Map<string, FormService & { repo: RepoId }>();
    for (const t of allTargets(this.deps.config)) {
      if (!canDeploy(t, userId).ok) continue;
      const s = byService.get(t.service) ?? {
        name: t.service,
        environments: [],
        defaultRef: t.defaultRef,
        branches: [],
        repo: t.repo,
      };
      s.environments.push(t.environment);
      byService.set(t.service, s);
    }
    const services = [...byService.values()];
    const shown = services.find((s) => s.name === selected) ?? services[0];
    if (shown) shown.branches = await this.branchesOf(shown.repo);
    return services.map(({ repo: _repo, ...s }) => s);
  }

  /** A submission: the typed command's path; refusals become errors on the field they are about. */
  async submit(userId: string, values: ViewStateValues, requestId: string | undefined): Promise<SubmitResult> {
    const form = readDeployForm(values);
    if (!form.service) return this.fieldError(form, 'service', 'no_service', { text: 'Pick a service.' });
    if (!form.environment)
      return this.fieldError(form, 'environment', 'no_environment', { text: 'Pick an environment.' });
    const parsed = parseDeploy(formCommandText(form));
    if (parsed.kind === 'usage') return this.fieldError(form, 'ref', 'usage', usageMessage('deploy', parsed.problem));
    if (parsed.kind === 'invalid') return this.fieldError(form, 'ref', 'invalid_ref', { text: parsed.message });
    if (parsed.kind !== 'deploy') {
      // "help"/"lock" words cannot come from the selects; a ref field reading like them is still a ref problem.
      return this.fieldError(form, 'ref', 'invalid_ref', { text: 'Give a branch, tag or commit.' });
    }
    const result = await this.deps.requests.request({ ...parsed.args, userId, requestId });
    if (result.ok) return { ok: true, reply: result.reply, deploymentId: result.deployment.id };
    return this.fieldError(form, fieldOf(result), result.reason, result.reply);
  }

  private fieldError(
    form: DeployForm,
    f: keyof DeployForm['blocks'],
    reason: string,
    reply: SlackMessage,
  ): SubmitResult {
    return { ...refuseWith(reason, reply), errors: { [form.blocks[f]]: plain(reply) } };
  }

  private async branchesOf(repo: RepoId): Promise<string[]> {
    const wait = this.deps.branchWaitMs ?? 1000;
    const sleep = this.deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref()));
    return Promise.race([this.deps.branches.list(repo), sleep(wait).then(() => [] as string[])]);
  }
}

function fieldOf(result: Extract<DeployRequestResult, { ok: false }>): keyof DeployForm['blocks'] {
  switch (result.reason) {
    case 'unknown_target':
      return result.message.startsWith('Unknown service') ? 'service' : 'environment';
    case 'not_allowed':
      return 'environment';
    default:
      return 'ref';
  }
}
