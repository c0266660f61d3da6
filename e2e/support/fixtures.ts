import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { REPO_ROOT } from '../global-setup';
import { startStudio, type HostOptions, type StudioHost } from './studio-host';

export const SCREENSHOTS = join(REPO_ROOT, 'e2e', 'screenshots');

interface Fixtures {
  hostOptions: HostOptions;
  studio: StudioHost;
  /** The Studio open in the page, workspace loaded. */
  app: Page;
}

export const test = base.extend<Fixtures>({
  hostOptions: [{}, { option: true }],
  studio: async ({ hostOptions }, use) => {
    const host = await startStudio(hostOptions);
    try {
      await use(host);
    } finally {
      await host.stop();
    }
  },
  app: async ({ page, studio, hostOptions }, use) => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    await page.goto(studio.url);
    await expect(page.getByTestId('run-list')).toBeVisible();
    // A workspace that names workflow folders runs them only once trusted: the tests that give it
    // folders are about what those modules do, so they trust it as its author would.
    if (hostOptions.workflowDirs?.length) await page.getByRole('button', { name: 'Trust and run its code' }).click();
    // The token is kept for the tab but taken out of the address bar (and so out of history).
    expect(page.url()).not.toContain('token=');
    await expect(page.locator('.workflow-item').first()).toBeVisible();
    await use(page);
    expect(problems, 'the page threw').toEqual([]);
  },
});

export { expect };

/** Saves a screenshot for the README and the report (e2e/screenshots/<name>.png). */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Let transitions and the 250 ms busy delay settle so the picture shows a resting screen.
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

/** Starts a run of a workflow from the sidebar and waits until it is open. */
export async function startRun(page: Page, workflowId: string, opts: { paused?: boolean; varsJson?: string } = {}): Promise<string> {
  const item = page.locator('.workflow-item', { has: page.locator(`[data-workflow-id="${workflowId}"]`) });
  await item.hover();
  await item.getByTestId('start-workflow').click();
  const dialog = page.getByRole('dialog');
  if (opts.varsJson !== undefined) await dialog.getByLabel('Initial vars as JSON').fill(opts.varsJson);
  const pausedBox = dialog.getByRole('checkbox');
  if ((opts.paused ?? true) !== (await pausedBox.isChecked())) await pausedBox.click();
  await dialog.getByTestId('start-run-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.locator('.run-title')).toContainText(workflowId);
  return openRunId(page);
}

/** The run's id as the run header shows it. */
export async function openRunId(page: Page): Promise<string> {
  const text = await page.locator('.run-title .copy-text').first().getAttribute('aria-label');
  return (text ?? '').replace(/^Copy run id: /, '');
}

export function ledgerRow(page: Page, seq: number): Locator {
  return page.locator(`[data-testid="ledger-row"][data-seq="${seq}"]`);
}

export function graphNode(page: Page, nodeId: string): Locator {
  return page.locator(`[data-testid="graph-node"][data-node-id="${nodeId}"]`);
}

/**
 * Starts the ask-user demo and answers both of its questions from the inbox, so the run completes.
 * Returns the run id and how many ledger records the finished run shows.
 */
export async function completeAskUserDemo(page: Page, name: string): Promise<{ runId: string; records: number }> {
  const runId = await startRun(page, 'ask_user_demo', { paused: false });
  const card = page.getByTestId('prompt-card');
  await card.getByLabel(/Answer to/).fill(name);
  await card.getByTestId('prompt-answer').click();
  await card.getByTestId('prompt-answer').filter({ hasText: 'Share a fun fact' }).click();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('.run-title')).toContainText('completed');
  const records = Number((await page.locator('.run-meta').textContent())?.match(/([\d,]+) records/)?.[1]?.replace(/,/g, ''));
  expect(records).toBeGreaterThan(2);
  return { runId, records };
}
