import { expect, shot, startRun, test } from './support/fixtures';

test('open an artifact from the run and from the workspace list', async ({ app: page }) => {
  await startRun(page, 'everything_demo', { paused: false });
  // It runs until it asks whether to ship the report it saved as an artifact.
  await expect(page.getByTestId('prompt-card').filter({ hasText: 'Ship it?' })).toBeVisible({ timeout: 30_000 });

  await page.getByTestId('inspector-tab-artifacts').click();
  const item = page.getByTestId('artifact-item').first();
  await expect(item).toBeVisible();
  await item.click();
  const preview = page.getByTestId('artifact-preview');
  await expect(preview).toHaveAttribute('data-kind', 'json');
  await expect(preview).toContainText('Numbers of the day');

  // The reference in vars links to the same preview.
  await page.getByTestId('inspector-tab-state').click();
  const link = page.getByRole('button', { name: /Open artifact/ }).first();
  await expect(link).toBeVisible();
  await link.click();
  await expect(page.getByTestId('artifact-preview')).toContainText('Numbers of the day');

  await page.keyboard.press('3');
  // The page's own list: the inspector's Artifacts tab, still open beside it, has one too, and
  // until the page's list has loaded the first item on screen is the inspector's.
  const all = page.getByRole('region', { name: 'Artifacts of the workspace' }).getByTestId('artifact-list');
  await expect(all.getByTestId('artifact-item').first()).toBeVisible();
  await all.getByTestId('artifact-item').first().click();
  await expect(page.locator('.page [data-testid="artifact-preview"]')).toBeVisible();
  await shot(page, '09-artifacts');
});
