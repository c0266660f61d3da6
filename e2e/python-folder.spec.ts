import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './global-setup';
import { expect, shot, test } from './support/fixtures';

test('open the shared Python fixture read-only and see its chains verify', async ({ app: page, studio }) => {
  const folder = join(studio.dataDir, 'python-data');
  cpSync(join(REPO_ROOT, 'test', 'fixtures', 'python-abstractruntime-0.2.0'), folder, { recursive: true });

  await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
  await page.getByRole('menuitem', { name: /Python data folder/ }).click();
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Open read-only' }).click();

  await expect(page.locator('.workspace-name')).toContainText('read-only');
  const rows = page.getByTestId('run-row');
  await expect(rows.first()).toBeVisible();
  expect(await rows.count()).toBeGreaterThanOrEqual(5);

  await page.locator('[data-testid="run-row"][data-run-id="00000000-0000-4000-8000-000000000005"] .run-row-main').click();
  await expect(page.getByTestId('chain-summary')).toHaveAttribute('data-ok', 'true');
  await expect(page.locator('[data-testid="ledger-row"]:not([data-chain="verified"])')).toHaveCount(0);
  await expect(page.getByTestId('step-button')).toBeDisabled();
  await page.getByTestId('inspector-tab-provenance').click();
  await expect(page.getByTestId('provenance-verdict')).toContainText('The chain verifies');
  await shot(page, '10-python-folder');

  // Settings (the `,` key): shown disabled, with the reason in one line.
  await page.keyboard.press(',');
  const settings = page.getByTestId('settings-page');
  await expect(settings.getByTestId('settings-readonly')).toContainText('Python data folder opened read-only');
  await expect(settings.getByLabel('Server URL')).toBeDisabled();
  await expect(settings.getByTestId('settings-save')).toBeDisabled();
});
