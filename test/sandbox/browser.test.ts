/**
 * The sandbox in a real browser: `coxswain sandbox` as a child process (the real runtime against the simulated
 * Slack, GitHub and AWS on 127.0.0.1), driven by Debian's chromium through playwright-core. Everything stays on
 * loopback: headless, no background networking, no component updates, a fresh profile.
 * UPDATE_SCREENSHOTS=1 writes docs/sandbox-success.png, docs/sandbox-failure.png and docs/sandbox-home.png (otherwise they go to a temp dir).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SandboxChild, startSandboxChild } from './child.js';

const CHROMIUM = '/usr/bin/chromium';
const DOCS = fileURLToPath(new URL('../../docs/', import.meta.url));
// Generous: the machine running the suite may be busy (the deploys themselves take ~15 s each).
const WAIT = 120_000;

let sandbox: SandboxChild | undefined;
let browser: BrowserContext | undefined;
let page: Page;
let profile = '';
let shots = '';

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium), as .ci/run does`);
  }
  sandbox = await startSandboxChild(90_000);
  profile = mkdtempSync(join(tmpdir(), 'coxswain-chromium-'));
  shots = process.env.UPDATE_SCREENSHOTS === '1' ? DOCS : mkdtempSync(join(tmpdir(), 'coxswain-shots-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    viewport: { width: 1400, height: 900 },
    timeout: 30_000,
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.setDefaultTimeout(WAIT);
  // Loopback only: anything else the page tries is refused.
  await page.route(/^(?!http:\/\/127\.0\.0\.1[:/])/, (route) => route.abort());
  await page.goto(sandbox.url);
}, 150_000);

afterAll(async () => {
  await browser?.close();
  await sandbox?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

async function type(command: string): Promise<void> {
  await page.fill('#command', command);
  await page.press('#command', 'Enter');
}

/** The channel message (thread parent) of one deployment. */
function parent(label: string): Locator {
  return page.locator('#messages .msg:not(.ephemeral)', { hasText: label });
}

async function openThread(label: string): Promise<Locator> {
  await parent(label).locator('.replies a').click();
  return page.locator('#thread-body');
}

describe('sandbox in a browser', () => {
  it('a typed deploy updates its thread to success; a failing deploy shows the root cause; Roll back goes back', async () => {
    await expect(page.locator('.sim-banner')).toBeTruthy();
    expect(await page.locator('.sim-banner').textContent()).toContain('simulated');

    await type('/deploy api staging');
    await type('/deploy billing staging v1.4.0');
    // The ephemeral reply, then the parent updated in place until it says succeeded.
    await page.locator('.msg.ephemeral', { hasText: 'Queued #1 api → staging' }).waitFor();
    await parent('Deploy #1').filter({ hasText: 'succeeded' }).waitFor();
    const thread = await openThread('Deploy #1');
    await thread.locator('.msg', { hasText: 'Deployed in' }).waitFor();
    expect(await thread.textContent()).toContain('Build finished');
    await page.screenshot({ path: join(shots, 'sandbox-success.png') });

    await parent('Deploy #2').filter({ hasText: 'succeeded' }).waitFor();
    await type('/deploy billing staging');
    await parent('Deploy #3').filter({ hasText: 'failed' }).waitFor();
    const failed = await openThread('Deploy #3');
    const cause = failed.locator('.msg', { hasText: 'Root cause' }).first();
    await cause.waitFor();
    expect(await cause.textContent()).toContain('InvoiceReplica (AWS::RDS::DBInstance) CREATE_FAILED');
    expect(await cause.textContent()).toContain('DB instance quota exceeded');
    await failed.locator('button', { hasText: 'Roll back' }).first().waitFor();
    await failed.locator('button', { hasText: 'Roll back' }).first().scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'sandbox-failure.png') });

    // The click goes to Coxswain as a signed block_actions request; the rollback returns to v1.4.0 (#2).
    await failed.locator('button', { hasText: 'Roll back' }).first().click();
    await parent('Rollback #4').filter({ hasText: 'succeeded' }).waitFor();
    expect(await parent('Rollback #4').textContent()).toContain('billing → staging');
  }, 400_000);

  it('the Home tab shows what runs where, and /deploy alone opens the form with inline errors', async () => {
    await page.click('[data-app="coxswain"]');
    const home = page.locator('#home');
    await home.locator('.bk-header', { hasText: 'Coxswain: what runs where' }).waitFor();
    await home.locator('.bk-section', { hasText: 'staging' }).first().waitFor();
    expect(await home.textContent()).toContain('billing');
    // After the rollback in the first test, billing/staging is locked: the Home tab says by whom and why.
    await home.locator('.bk-section', { hasText: 'Locked by' }).waitFor();
    await page.screenshot({ path: join(shots, 'sandbox-home.png') });
    await page.click('[data-channel="C0DEPLOYS"]');

    await type('/deploy');
    const modal = page.locator('.modal');
    await modal.locator('.bk-label', { hasText: 'Environment' }).waitFor();
    // Another service redraws the form (views.update): its environments, default ref and branches.
    await modal.locator('select[data-block-id="service"]').selectOption('billing');
    await modal.locator('select[data-block-id="environment:billing"]').waitFor();
    expect(await modal.locator('select[data-block-id="branch:billing"]').textContent()).toContain('fix-invoices');
    await modal.locator('select[data-block-id="environment:billing"]').selectOption('staging');
    await modal.locator('input[data-block-id="ref:billing"]').fill('no-such-branch');
    await page.click('#modal-submit');
    await modal.locator('.bk-error', { hasText: 'is not a branch, tag or commit' }).waitFor();

    await modal.locator('input[data-block-id="ref:billing"]').fill('fix-invoices');
    await page.click('#modal-submit');
    await page.locator('#overlay').waitFor({ state: 'hidden' });
    await page
      .locator('.msg.ephemeral', { hasText: 'billing → staging' })
      .filter({ hasText: 'fix-invoices' })
      .waitFor();
  }, 300_000);
});
