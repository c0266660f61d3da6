import { expect, graphNode, startRun, test } from './support/fixtures';

test('a breakpoint holds the run before its node; cancelling stops it for good', async ({ app: page }) => {
  const runId = await startRun(page, 'ask_user_demo', { paused: true });

  await graphNode(page, 'greet').getByRole('button', { name: 'Set breakpoint on greet' }).click();
  await expect(graphNode(page, 'greet')).toHaveAttribute('data-state', 'breakpoint');

  // Continue runs until the question; the answer lets it go on, and the breakpoint stops it at greet.
  await page.getByTestId('continue-button').click();
  const card = page.getByTestId('prompt-card');
  await card.getByLabel(/Answer to/).fill('Barbara');
  await card.getByTestId('prompt-answer').click();
  await expect(graphNode(page, 'greet')).toHaveAttribute('data-state', 'current');
  await expect(page.getByTestId('current-node')).toHaveText('greet');
  await expect(page.getByTestId('continue-button')).toBeEnabled();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'running');

  // Cancel, with a reason that the ledger keeps.
  await page.getByTestId('cancel-button').click();
  const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
  await dialog.getByLabel('Reason for cancelling').fill('testing cancel');
  await dialog.getByRole('button', { name: 'Cancel run' }).click();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('step-button')).toBeDisabled();
});
