/**
 * `/deploy` with no arguments: a form. Pure: the choices (what the user may deploy, recent branches) come in, a modal
 * view goes out; `readDeployForm` turns a submission back into the text of a typed `/deploy`, so the submit takes the
 * same path (same parser, same validation, same replies) as the command.
 */
import type { KnownBlock, ModalView, PlainTextOption, StaticSelect } from '@slack/types';
import { clip } from './slack-message.js';

export const DEPLOY_MODAL_CALLBACK = 'deploy_modal';
/** The service select re-draws the form (environments, default ref and branches of that service). */
export const DEPLOY_MODAL_SERVICE_ACTION = 'deploy_modal_service';
export const MODAL_MAX_BLOCKS = 100;
const MAX_OPTIONS = 100;
const OPTION_TEXT = 75;

export interface FormService {
  name: string;
  /** Only the environments this user may deploy to. */
  environments: string[];
  defaultRef: string;
  /** Recent branches of the service's repository (may be empty when GitHub did not answer in time). */
  branches: string[];
}

export interface DeployModalInput {
  services: FormService[];
  /** The service shown selected (its environments and branches are offered); defaults to the first. */
  selected?: string;
  /** Where the typed command was run: the reply goes there, as the command's would. */
  channel: string;
}

export const BLOCK = { service: 'service', environment: 'environment', ref: 'ref', branch: 'branch' } as const;
const VALUE = 'value';

const option = (v: string): PlainTextOption => ({ text: { type: 'plain_text', text: clip(v, OPTION_TEXT) }, value: v });

/** A static select of at most MAX_OPTIONS values (Slack's limit), optionally with one chosen. */
function select(actionId: string, values: readonly string[], initial?: string): StaticSelect {
  return {
    type: 'static_select',
    action_id: actionId,
    options: values.slice(0, MAX_OPTIONS).map(option),
    ...(initial !== undefined ? { initial_option: option(initial) } : {}),
  };
}

export function deployModal(input: DeployModalInput): ModalView {
  const meta = JSON.stringify({ channel: input.channel });
  if (input.services.length === 0) {
    return modal(meta, { close: 'Close' }, [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: 'You may not deploy any service: no environment lists you in its `deployers`. Ask the platform team.',
        },
      },
    ]);
  }
  const svc = input.services.find((s) => s.name === input.selected) ?? (input.services[0] as FormService);
  const blocks: KnownBlock[] = [
    {
      type: 'input',
      block_id: BLOCK.service,
      label: { type: 'plain_text', text: 'Service' },
      dispatch_action: true,
      element: select(
        DEPLOY_MODAL_SERVICE_ACTION,
        input.services.map((s) => s.name),
        svc.name,
      ),
    },
    {
      type: 'input',
      // Keyed by service so a redraw for another service resets the fields (Slack keeps state per block id).
      block_id: `${BLOCK.environment}:${svc.name}`,
      label: { type: 'plain_text', text: 'Environment' },
      element: select(VALUE, svc.environments, svc.environments.length === 1 ? svc.environments[0] : undefined),
    },
    {
      type: 'input',
      block_id: `${BLOCK.ref}:${svc.name}`,
      label: { type: 'plain_text', text: 'Branch, tag or commit' },
      hint: { type: 'plain_text', text: `Default: ${clip(svc.defaultRef, 60)}. A recent branch picked below wins.` },
      optional: true,
      element: { type: 'plain_text_input', action_id: VALUE, initial_value: svc.defaultRef, max_length: 255 },
    },
  ];
  if (svc.branches.length > 0) {
    blocks.push({
      type: 'input',
      block_id: `${BLOCK.branch}:${svc.name}`,
      label: { type: 'plain_text', text: 'Or a recent branch' },
      optional: true,
      element: select(VALUE, svc.branches),
    });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: 'Same as typing `/deploy <service> <environment> [ref]`.' }],
  });
  return modal(meta, { submit: 'Deploy', close: 'Cancel' }, blocks);
}

/** The form's modal around its blocks: the button labels are the only difference between its two faces. */
function modal(meta: string, buttons: { submit?: string; close: string }, blocks: KnownBlock[]): ModalView {
  return {
    type: 'modal',
    callback_id: DEPLOY_MODAL_CALLBACK,
    private_metadata: meta,
    title: { type: 'plain_text', text: 'Deploy' },
    ...(buttons.submit ? { submit: { type: 'plain_text', text: buttons.submit } } : {}),
    close: { type: 'plain_text', text: buttons.close },
    blocks,
  };
}

/** What Slack sends back in view.state.values (only the parts read here). */
export type ViewStateValues = Record<
  string,
  Record<string, { type: string; value?: string | null; selected_option?: { value: string } | null }>
>;

export interface DeployForm {
  service: string | undefined;
  environment: string | undefined;
  ref: string | undefined;
  /** Block ids as drawn, for inline errors (`response_action: errors`). */
  blocks: { service: string; environment: string; ref: string };
}

function field(values: ViewStateValues, prefix: string): { blockId: string; value: string | undefined } {
  const blockId = Object.keys(values).find((k) => k === prefix || k.startsWith(`${prefix}:`)) ?? prefix;
  const v = Object.values(values[blockId] ?? {})[0];
  const raw = v?.selected_option?.value ?? v?.value ?? undefined;
  const trimmed = raw?.trim();
  return { blockId, value: trimmed ? trimmed : undefined };
}

export function readDeployForm(values: ViewStateValues): DeployForm {
  const service = field(values, BLOCK.service);
  const environment = field(values, BLOCK.environment);
  const ref = field(values, BLOCK.ref);
  const branch = field(values, BLOCK.branch);
  return {
    service: service.value,
    environment: environment.value,
    ref: branch.value ?? ref.value,
    blocks: { service: service.blockId, environment: environment.blockId, ref: ref.blockId },
  };
}

/** The typed command this submission stands for: `<service> <environment> [ref]`. */
export function formCommandText(form: DeployForm): string {
  return [form.service, form.environment, form.ref].filter((p): p is string => p !== undefined).join(' ');
}

export function channelFromMetadata(meta: string | undefined): string | undefined {
  try {
    const parsed = JSON.parse(meta ?? '') as { channel?: unknown };
    return typeof parsed.channel === 'string' && /^[CGD][A-Z0-9]{2,}$/.test(parsed.channel)
      ? parsed.channel
      : undefined;
  } catch {
    return undefined;
  }
}
