import { describe, expect, it } from 'vitest';
import type { Deployment } from '../../src/domain/deployment.js';
import { appHome, HOME_MAX_BLOCKS, type HomeTarget } from '../../src/views/app-home.js';
import { deployModal, formCommandText, MODAL_MAX_BLOCKS, readDeployForm } from '../../src/views/deploy-modal.js';
import { LIMITS } from '../../src/views/slack-message.js';
import { deploymentRow } from '../helpers/rows.js';

const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

function dep(over: Partial<Deployment>): Deployment {
  return deploymentRow({ sha: SHA, ...over });
}

function target(service: string, environment: string, over: Partial<HomeTarget> = {}): HomeTarget {
  return { service, environment, repo: { owner: 'acme', name: service }, queue: [], approvals: [], ...over };
}

function texts(blocks: unknown[]): string {
  return JSON.stringify(blocks);
}

describe('App Home view', () => {
  it('shows per environment the current SHA (linked), who and when, the queue with ETAs, the lock, approvals and the last failure', () => {
    const view = appHome({
      userId: 'U03',
      now: 120_000,
      githubWeb: 'https://github.com',
      targets: [
        target('api', 'staging', {
          current: dep({ requestedBy: 'U01' }),
          active: { deployment: dep({ id: 2, state: 'deploying', requestedBy: 'U02' }), etaMs: 180_000 },
          queue: [{ deployment: dep({ id: 3, state: 'queued' }), position: 2, etaMs: 300_000 }],
          lock: { by: 'U04', reason: 'db <migration>', since: 30_000, kind: 'manual' },
        }),
        target('api', 'production', {
          queue: [{ deployment: dep({ id: 4, state: 'pending_approval', environment: 'production' }), position: 1 }],
          approvals: [dep({ id: 4, state: 'pending_approval', environment: 'production' })],
          lastFailure: dep({
            id: 5,
            state: 'failed',
            failure: { phase: 'stack_update', reason: 'DB instance quota exceeded', logicalId: 'Database' },
          }),
        }),
      ],
    });
    expect(view.type).toBe('home');
    const all = texts(view.blocks);
    expect(all).toContain(`<https://github.com/acme/api/commit/${SHA}|a1b2c3d>`);
    expect(all).toContain('by <@U01>');
    expect(all).toContain('Running: deploy #2');
    expect(all).toContain('done in ~3 min');
    expect(all).toContain('#2 in line · starts in ~5 min');
    expect(all).toContain('Locked by <@U04>');
    expect(all).toContain('db &lt;migration&gt;');
    expect(all).toContain('1 approval waiting for you');
    expect(all).toContain(`"block_id":"approval:4:${SHA}"`);
    expect(all).toContain('"action_id":"deploy_approve"');
    expect(all).toContain('"action_id":"deploy_reject"');
    expect(all).toContain('failed');
    expect(all).toContain('`Database` DB instance quota exceeded');
  });

  it('shows a rollback lock’s reason (written by Coxswain) with its mention intact', () => {
    const view = appHome({
      userId: 'U03',
      now: 0,
      githubWeb: 'https://github.com',
      targets: [
        target('billing', 'staging', {
          lock: { by: 'U01', reason: 'rolled back from abc1234 by <@U01>', since: 0, kind: 'rollback' },
        }),
      ],
    });
    expect(texts(view.blocks)).toContain('rolled back from abc1234 by <@U01>');
  });

  it('stays within 100 blocks with many services, and names those left out', () => {
    const targets = Array.from({ length: 60 }, (_, i) =>
      target(`svc-${i}`, 'staging', {
        approvals: [dep({ id: i + 1, state: 'pending_approval' })],
        lastFailure: dep({ id: 100 + i, state: 'failed', failure: { phase: 'build', reason: 'x'.repeat(5000) } }),
      }),
    );
    const view = appHome({ userId: 'U03', now: 0, githubWeb: 'https://github.com', targets });
    expect(view.blocks.length).toBeLessThanOrEqual(HOME_MAX_BLOCKS);
    const last = texts([view.blocks.at(-1)]);
    expect(last).toContain('Not shown');
    expect(last).toContain('svc-59');
    for (const b of view.blocks) {
      const text = (b as { text?: { text: string } }).text?.text;
      if (text) expect(text.length).toBeLessThanOrEqual(LIMITS.sectionText);
    }
  });
});

describe('deploy modal view', () => {
  it('offers the services and environments given, defaults the ref, and reads back to the typed command', () => {
    const view = deployModal({
      channel: 'C0WHERE',
      services: [
        { name: 'api', environments: ['staging'], defaultRef: 'main', branches: ['main', 'feature-x'] },
        { name: 'web', environments: ['staging', 'qa'], defaultRef: 'trunk', branches: [] },
      ],
      selected: 'web',
    });
    expect(view.type).toBe('modal');
    expect(view.callback_id).toBe('deploy_modal');
    const all = texts(view.blocks);
    expect(all).toContain('"initial_value":"trunk"');
    expect(all).toContain('"value":"qa"');
    expect(all).not.toContain('feature-x');
    expect(JSON.parse(view.private_metadata ?? '{}')).toEqual({ channel: 'C0WHERE' });
    const form = readDeployForm({
      service: { s: { type: 'static_select', selected_option: { value: 'web' } } },
      'environment:web': { value: { type: 'static_select', selected_option: { value: 'qa' } } },
      'ref:web': { value: { type: 'plain_text_input', value: ' trunk ' } },
    });
    expect(formCommandText(form)).toBe('web qa trunk');
    expect(form.blocks).toEqual({ service: 'service', environment: 'environment:web', ref: 'ref:web' });
  });

  it('caps options at 100 and blocks within the modal limit; says so when nothing may be deployed', () => {
    const services = Array.from({ length: 150 }, (_, i) => ({
      name: `svc-${i}`,
      environments: Array.from({ length: 120 }, (_, j) => `e${j}`),
      defaultRef: 'main',
      branches: Array.from({ length: 130 }, (_, j) => `b${j}`),
    }));
    const view = deployModal({ channel: 'C0WHERE', services });
    expect(view.blocks.length).toBeLessThanOrEqual(MODAL_MAX_BLOCKS);
    for (const b of view.blocks) {
      const options = (b as { element?: { options?: unknown[] } }).element?.options;
      if (options) expect(options.length).toBeLessThanOrEqual(100);
    }
    const none = deployModal({ channel: 'C0WHERE', services: [] });
    expect(none.submit).toBeUndefined();
    expect(texts(none.blocks)).toContain('You may not deploy any service');
  });
});
