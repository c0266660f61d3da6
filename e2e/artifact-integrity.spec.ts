import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './global-setup';
import { expect, test } from './support/fixtures';

// Issue 13 item 4: an offloaded value whose artifact is missing or damaged is shown as such
// wherever its `{"$artifact": id}` reference appears, not as a plain link.

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'python-abstractruntime-0.4.28');
const RUN = (JSON.parse(readFileSync(join(FIXTURE, 'manifest.json'), 'utf8')) as Record<string, Record<string, string>>)['folder_unchained']!['offloaded']!;
const PROMPT = '6627de0d6b6d16058520735bb7ccd81c';
const DIGEST = '66dfafd6d11153a371fc980d0767467b';

test('a missing blob and a changed blob are flagged on their links, in the list and in the preview', async ({ app: page, studio }) => {
  const folder = join(studio.dataDir, 'py04-damaged');
  cpSync(join(FIXTURE, 'folder'), folder, { recursive: true });
  const blobs = join(folder, 'artifacts', 'blobs');
  rmSync(join(blobs, 'e765e2eebad2bafe0230f29569ff9ce3c0d431913cbc489232c0329042477ca9.bin'));
  writeFileSync(join(blobs, 'dddf790b5543bc24d97d0db6f0a69098e126b2737cc4098be99c7f30f53ca703.bin'), 'digest: changed');

  await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
  await page.getByRole('menuitem', { name: /Python data folder/ }).click();
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await page.locator(`[data-testid="run-row"][data-run-id="${RUN}"] .run-row-main`).click();
  await page.getByTestId('inspector-tab-state').click();

  const link = page.getByRole('button', { name: `Open artifact ${PROMPT}` }).first();
  const vars = page.getByRole('tree', { name: 'Run vars' });
  for (let depth = 0; depth < 10 && !(await link.isVisible()); depth++) await vars.getByRole('button', { name: /^Expand / }).first().click();
  await expect(link).toHaveAttribute('data-integrity', 'blob missing');
  await expect(link).toContainText('blob missing');
  await link.click();
  await expect(page.getByTestId('artifact-integrity-warning')).toContainText('Blob missing');

  // The record detail: the llm_call's offloaded result names the changed blob.
  await page.locator('[data-testid="ledger-row"][data-seq="1"]').click();
  await page.getByTestId('inspector-tab-record').click();
  const resultLink = page.locator('.record-panel').getByRole('button', { name: `Open artifact ${DIGEST}` }).first();
  await expect(resultLink).toHaveAttribute('data-integrity', 'sha256 mismatch');

  await page.getByTestId('inspector-tab-artifacts').click();
  const digest = page.locator(`[data-testid="artifact-item"][data-artifact-id="${DIGEST}"]`);
  await expect(digest.getByTestId('artifact-integrity')).toHaveText('⚠ sha256 mismatch');
  await digest.click();
  await expect(page.getByTestId('artifact-integrity-warning')).toContainText('not what was stored');
});

test('a Python 0.4 SQLite store says it keeps no artifacts or snapshots, rather than showing empty lists', async ({ app: page, studio }) => {
  const file = join(studio.dataDir, 'py04.sqlite3');
  cpSync(join(FIXTURE, 'runtime.sqlite3'), file);
  await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
  await page.getByRole('menuitem', { name: /Python data folder/ }).click();
  await page.getByLabel('Folder path').fill(file);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await expect(page.getByTestId('workspace-layout')).toHaveText('Python AbstractRuntime 0.4 SQLite store');
  await page.getByTestId('view-artifacts').click();
  await expect(page.getByTestId('artifact-list')).toContainText('A Python 0.4 SQLite store keeps no artifacts');
  await page.getByTestId('view-snapshots').click();
  await expect(page.getByText('A Python 0.4 SQLite store keeps no snapshots')).toBeVisible();
});
