import { expect, startRun, test } from './support/fixtures';

// The inbox tells the truth (issue 12): a wait the scheduler resolved by itself (a timer that
// fired) leaves the inbox, the run's card and the badge count, with nobody clicking anything.

test('a timer that fires by itself leaves the run card, the inbox and its badge', async ({ app: page }) => {
  const runId = await startRun(page, 'wait_until_demo', { paused: false, varsJson: '{"seconds": 8}' });
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'waiting');
  const card = page.getByTestId('prompt-card');
  await expect(card).toContainText('Fast-forward now');
  const badge = page.locator('.count-badge');
  await expect(badge).toHaveText('1');

  // The scheduler wakes the run when its moment comes: no Fast-forward click.
  await expect(row).not.toHaveAttribute('data-status', 'waiting', { timeout: 20_000 });
  await expect(card).toHaveCount(0);
  await expect(badge).toHaveCount(0);
  await page.getByTestId('view-inbox').click();
  await expect(page.getByTestId('prompt-inbox')).toContainText('Nothing is waiting for you');
});
