import { completeAskUserDemo, expect, shot, test } from './support/fixtures';

test('export an audit bundle of a finished run, then open it read-only and see every record verified', async ({ app: page }) => {
  const { runId, records } = await completeAskUserDemo(page, 'Grace');

  // Export: the file is written, verified at once, and its path and sha256 are shown to copy.
  await page.getByTestId('export-bundle-button').click();
  const dialog = page.getByTestId('bundle-dialog');
  await expect(dialog.getByTestId('bundle-verdict')).toHaveAttribute('data-verified', 'true');
  await expect(dialog).toContainText(`${runId}.arbundle.jsonl`);
  await expect(dialog.getByTestId('bundle-sha256')).toHaveText(/^[0-9a-f]{64}$/);
  await expect(dialog.getByLabel('Verification report')).toContainText('VERIFIED: everything holds');
  const label = await dialog.getByRole('button', { name: /^Copy bundle path: / }).getAttribute('aria-label');
  const path = (label ?? '').replace(/^Copy bundle path: /, '');
  await shot(page, '14-bundle-exported');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(dialog).toBeHidden();

  // Open it read-only, from the provenance panel, and verify: the bundle's own checks, on every row.
  await page.getByTestId('inspector-tab-provenance').click();
  await page.getByTestId('open-bundle').click();
  await page.getByLabel('Bundle path').fill(path);
  await page.getByRole('button', { name: 'Open read-only' }).click();
  await expect(page.locator('.workspace-name')).toContainText('audit bundle');
  await expect(page.locator('.workspace-name')).toContainText('read-only');
  // Nothing can run a bundle: the header says so rather than "Scheduler stopped", which reads as startable.
  await expect(page.getByTestId('read-only-status')).toContainText('Nothing runs here');
  await expect(page.locator('.app-header, header').first()).not.toContainText('Scheduler');
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"] .run-row-main`).click();
  await expect(page.getByTestId('ledger-row')).toHaveCount(records);
  await page.getByTestId('verify-button').click();
  const summary = page.getByTestId('chain-summary');
  await expect(summary).toHaveAttribute('data-ok', 'true');
  await expect(summary).toContainText(`All ${records} records verified`);
  await expect(page.locator('[data-testid="ledger-row"]:not([data-chain="verified"])')).toHaveCount(0);
  await expect(page.getByTestId('step-button')).toBeDisabled();
  await expect(page.getByTestId('export-bundle-button')).toBeDisabled();
  await shot(page, '15-bundle-opened');
});
