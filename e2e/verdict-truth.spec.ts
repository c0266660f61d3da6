import { completeAskUserDemo, expect, ledgerRow, test } from './support/fixtures';
import { ledgerSeqContaining, rewriteLedgerRecord } from './support/tamper';
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

test('a row changed in the file by another connection turns its badge and the record panel at once, no click', async ({ app: page, studio }) => {
  const { runId, records } = await completeAskUserDemo(page, 'Ada');
  const summary = page.getByTestId('chain-summary');
  await expect(summary).toHaveAttribute('data-ok', 'true');
  await expect(summary).toContainText(`All ${records} records verified`);

  const seq = ledgerSeqContaining(studio.workspacePath, runId, '"Ada"');
  await ledgerRow(page, seq).click();
  await page.getByTestId('inspector-tab-record').click();
  const result = page.getByRole('tree', { name: 'Result' });
  await result.getByRole('button', { name: 'Expand payload' }).click();
  await expect(result).toContainText('"Ada"');

  rewriteLedgerRecord(studio.workspacePath, runId, seq, '"Ada"', '"Eve"');

  await expect(result).toContainText('"Eve"');
  await expect(result).not.toContainText('"Ada"');
  await expect(summary).toHaveAttribute('data-ok', 'false');
  await expect(summary).toContainText(`Record ${seq}`);
  await expect(ledgerRow(page, seq)).toHaveAttribute('data-chain', 'broken');
  await expect(page.locator('[data-testid="ledger-row"][data-chain="broken"]')).toHaveCount(1);
});
