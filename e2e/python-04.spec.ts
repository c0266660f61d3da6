import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Page } from '@playwright/test';
import { REPO_ROOT } from './global-setup';
import { expect, ledgerRow, shot, test } from './support/fixtures';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'python-abstractruntime-0.4.28');
const MANIFEST = JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as Record<string, Record<string, string>>;

async function openPython(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
  await page.getByRole('menuitem', { name: /Python data folder/ }).click();
  await page.getByLabel('Folder path').fill(path);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await expect(page.locator('.workspace-name')).toContainText('read-only');
}

async function openRun(page: Page, runId: string): Promise<void> {
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"] .run-row-main`).click();
}

async function expectChain(page: Page, runId: string, chain: 'verified' | 'unchained'): Promise<void> {
  await openRun(page, runId);
  await expect(page.getByTestId('chain-summary')).toHaveAttribute('data-chain', chain);
  await expect(page.locator(`[data-testid="ledger-row"]:not([data-chain="${chain}"])`)).toHaveCount(0);
  if (chain === 'unchained') await expect(page.getByTestId('chain-summary')).toContainText('Not chained');
}

test('the Python 0.4.28 data folder: verified and unchained runs, the paused run, the resume and an offloaded prompt', async ({ app: page, studio }) => {
  const folder = join(studio.dataDir, 'py04-folder');
  cpSync(join(FIXTURE, 'folder'), folder, { recursive: true });
  await openPython(page, folder);
  await expect(page.getByTestId('workspace-layout')).toHaveText('Python AbstractRuntime 0.4 data folder');
  const chained = MANIFEST['folder_chained']!;
  const unchained = MANIFEST['folder_unchained']!;

  await expect(page.locator(`[data-testid="run-row"][data-run-id="${chained['paused']}"]`)).toContainText('paused');
  await expectChain(page, chained['answered']!, 'verified');
  await expect(ledgerRow(page, 2)).toContainText('resumed');
  await expect(ledgerRow(page, 2)).toContainText('"response": "deploy"');
  await expect(ledgerRow(page, 4)).toContainText('run ended: completed');

  await expectChain(page, unchained['answered']!, 'unchained');
  await shot(page, '11-python-04-unchained');

  await openRun(page, unchained['offloaded']!);
  await page.getByTestId('inspector-tab-state').click();
  // The prompt was offloaded from deep in the node traces: open the tree down to it, as a person would.
  const link = page.getByRole('button', { name: 'Open artifact 6627de0d6b6d16058520735bb7ccd81c' }).first();
  const vars = page.getByRole('tree', { name: 'Run vars' });
  for (let depth = 0; depth < 10 && !(await link.isVisible()); depth++) await vars.getByRole('button', { name: /^Expand / }).first().click();
  await link.click();
  await expect(page.getByTestId('artifact-preview')).toContainText('Digest these mails: mail mail');
});

test('the Python 0.4.28 SQLite store opens read-only with chained runs verified and unchained ones not chained', async ({ app: page, studio }) => {
  const file = join(studio.dataDir, 'py04.sqlite3');
  cpSync(join(FIXTURE, 'runtime.sqlite3'), file);
  const before = readFileSync(file);
  await openPython(page, file);
  await expect(page.getByTestId('workspace-layout')).toHaveText('Python AbstractRuntime 0.4 SQLite store');
  const chained = MANIFEST['sqlite_chained']!;
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${chained['paused']}"]`)).toContainText('paused');
  await expectChain(page, chained['answered']!, 'verified');
  await expect(ledgerRow(page, 2)).toContainText('resumed');
  await expectChain(page, MANIFEST['sqlite_unchained']!['waiting_user']!, 'unchained');
  expect(readFileSync(file).equals(before)).toBe(true);
});
