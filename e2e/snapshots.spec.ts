import { expect, graphNode, openRunId, shot, startRun, test } from './support/fixtures';

test('bookmark a state, restore it after seeing the diff, and fork from it', async ({ app: page }) => {
  const runId = await startRun(page, 'ask_user_demo', { paused: true });
  await page.getByTestId('step-button').click();
  await page.getByTestId('prompt-card').getByLabel(/Answer to/).fill('Grace');
  await page.getByTestId('prompt-card').getByTestId('prompt-answer').click();
  // Paused: the answer is taken and the run holds before the next node.
  await expect(page.getByTestId('current-node')).toHaveText('greet');

  // Bookmark (b focuses the form).
  await page.keyboard.press('b');
  const form = page.getByTestId('snapshot-create');
  await form.getByLabel('Snapshot name').fill('named, before the choice');
  await form.getByLabel('Snapshot description').fill('Grace answered; no choice yet');
  await form.getByLabel('Snapshot tags').fill('demo, before-choice');
  await form.getByRole('button', { name: 'Save snapshot' }).click();
  const list = page.getByTestId('snapshot-list');
  await expect(list.getByTestId('snapshot-item')).toHaveCount(1);
  await expect(list).toContainText('named, before the choice');

  // Finish the run.
  await page.getByTestId('continue-button').click();
  await page.getByTestId('prompt-card').getByTestId('prompt-answer').filter({ hasText: 'Say goodbye' }).click();
  if (await page.getByTestId('continue-button').isEnabled()) await page.getByTestId('continue-button').click();
  await expect(page.locator('.run-title')).toContainText('completed');

  // Restore: the confirmation shows what will change, as a diff.
  await list.getByTestId('snapshot-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  await expect(dialog.getByTestId('restore-diff')).toBeVisible();
  await expect(dialog.getByTestId('restore-diff')).toContainText('user_choice');
  await shot(page, '07-restore-confirmation');
  await dialog.getByTestId('restore-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('current-node')).toHaveText('greet');
  await expect(page.locator('.run-title')).not.toContainText('completed');

  // Fork from the snapshot: the fork shows its origin, the parent lists it.
  await page.getByTestId('inspector-tab-snapshots').click();
  await page.getByTestId('snapshot-list').getByTestId('snapshot-fork').click();
  await expect(page.getByTestId('fork-origin')).toBeVisible();
  const forkId = await openRunId(page);
  expect(forkId).not.toBe(runId);
  await expect(graphNode(page, 'greet')).toBeVisible();
  await shot(page, '08-fork');
  await page.getByTestId('fork-origin').getByRole('button').click();
  await expect(page.getByTestId('fork-list')).toContainText(forkId.slice(0, 8));

  // Fork from a ledger record too.
  await page.getByTestId('ledger-row').last().click();
  await page.getByTestId('fork-button').click();
  await expect(page.getByTestId('fork-origin')).toContainText('at record 0');
});
