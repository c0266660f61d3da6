import { completeAskUserDemo, expect, ledgerRow, shot, test } from './support/fixtures';
import { tamperLedgerRecord } from './support/tamper';

test('verify a chain and see every badge verified; tamper with one row and see exactly that row broken', async ({ app: page, studio }) => {
  const { runId, records } = await completeAskUserDemo(page, 'Linus');

  // Every record of the finished run is on screen before it is verified.
  const rows = page.getByTestId('ledger-row');
  await expect(rows).toHaveCount(records);
  const count = records;

  await page.getByTestId('verify-button').click();
  const summary = page.getByTestId('chain-summary');
  await expect(summary).toHaveAttribute('data-ok', 'true');
  await expect(summary).toContainText(`All ${records} records verified`);
  await expect(page.locator('[data-testid="ledger-row"]:not([data-chain="verified"])')).toHaveCount(0);
  await shot(page, '05-chain-verified');

  const target = Math.floor(count / 2);
  tamperLedgerRecord(studio.workspacePath, runId, target);
  await page.getByTestId('verify-button').click();
  await expect(summary).toHaveAttribute('data-ok', 'false');
  await expect(summary).toContainText(`${target}`);
  await expect(ledgerRow(page, target)).toHaveAttribute('data-chain', 'broken');
  await expect(page.locator('[data-testid="ledger-row"][data-chain="broken"]')).toHaveCount(1);
  await expect(ledgerRow(page, target - 1)).toHaveAttribute('data-chain', 'verified');

  await page.getByTestId('jump-to-broken').click();
  await expect(ledgerRow(page, target)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.chain-error')).toContainText(`Record ${target}`);
  await page.getByTestId('inspector-tab-provenance').click();
  await expect(page.getByTestId('provenance-verdict')).toContainText('broken');
  await expect(page.getByTestId('chain-advice')).toContainText('What to do: Restore the file from a backup');
  await page.getByTestId('inspector-tab-record').click();
  await shot(page, '06-chain-broken');
});
