import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './global-setup';
import { expect, ledgerRow, test } from './support/fixtures';

// Issue 13: a Python 0.4 ledger whose last line is torn (a write cut short) still shows its run.

const FOLDER = join(REPO_ROOT, 'test', 'fixtures', 'python-abstractruntime-0.4.28', 'folder');
const RUN = '7c4fa5d5-b376-47cc-8e94-b82655b9fcbd'; // chained, answered: 5 records

test('a torn last line: the run shows its complete records, verified, with a notice naming the line', async ({ app: page, studio }) => {
  const folder = join(studio.dataDir, 'torn-folder');
  cpSync(FOLDER, folder, { recursive: true });
  const ledger = join(folder, `ledger_${RUN}.jsonl`);
  const lines = readFileSync(ledger, 'utf8').split('\n');
  writeFileSync(ledger, `${lines.slice(0, 4).join('\n')}\n${lines[4]!.slice(0, 60)}`);

  await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
  await page.getByRole('menuitem', { name: /Python data folder/ }).click();
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await page.locator(`[data-testid="run-row"][data-run-id="${RUN}"] .run-row-main`).click();

  await expect(page.getByTestId('ledger-notice')).toContainText(`Line 5 of ledger_${RUN}.jsonl is torn`);
  await expect(ledgerRow(page, 3)).toBeVisible();
  await expect(ledgerRow(page, 2)).toContainText('resumed');
  await expect(ledgerRow(page, 4)).toHaveCount(0);
  await expect(page.getByTestId('chain-summary')).toHaveAttribute('data-chain', 'verified');
});
