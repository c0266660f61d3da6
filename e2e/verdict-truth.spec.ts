import { completeAskUserDemo, expect, ledgerRow, test } from './support/fixtures';
import { tamperBundleRecord } from './support/tamper-bundle';

// A verdict belongs to what was checked (issue 12 item 2): the source and the head it verified,
// never the run id alone.

test('a tampered bundle of a run verified before in the workspace shows broken on exactly the edited record', async ({ app: page }) => {
  const { runId, records } = await completeAskUserDemo(page, 'Ada');
  const summary = page.getByTestId('chain-summary');
  await page.getByTestId('verify-button').click();
  await expect(summary).toHaveAttribute('data-ok', 'true');

  await page.getByTestId('export-bundle-button').click();
  const dialog = page.getByTestId('bundle-dialog');
  await expect(dialog.getByTestId('bundle-verdict')).toHaveAttribute('data-verified', 'true');
  const label = await dialog.getByRole('button', { name: /^Copy bundle path: / }).getAttribute('aria-label');
  const path = (label ?? '').replace(/^Copy bundle path: /, '');
  await dialog.getByRole('button', { name: 'Done' }).click();

  const target = records - 2;
  tamperBundleRecord(path, target);
  await page.getByTestId('inspector-tab-provenance').click();
  await page.getByTestId('open-bundle').click();
  await page.getByLabel('Bundle path').fill(path);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await expect(page.locator('.workspace-name')).toContainText('audit bundle');
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"] .run-row-main`).click();
  await expect(page.getByTestId('ledger-row')).toHaveCount(records);

  // No click on Verify: the workspace's green verdict must not be shown for the bundle.
  await expect(summary).toHaveAttribute('data-ok', 'false');
  await expect(summary).toContainText(`Record ${target}`);
  await expect(page.locator('[data-testid="ledger-row"][data-chain="broken"]')).toHaveCount(1);
  await expect(ledgerRow(page, target)).toHaveAttribute('data-chain', 'broken');
  await expect(ledgerRow(page, target - 1)).toHaveAttribute('data-chain', 'verified');
});
