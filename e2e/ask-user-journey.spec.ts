import { expect, graphNode, ledgerRow, shot, startRun, test } from './support/fixtures';

test('start the ask-user demo paused, step it to the prompt, answer from the inbox, see it complete', async ({ app: page }) => {
  await shot(page, '01-workspace');
  const runId = await startRun(page, 'ask_user_demo', { paused: true });

  // Paused at the entry node: nothing ran yet.
  await expect(page.locator('.run-title')).toContainText('paused');
  await expect(graphNode(page, 'start')).toHaveAttribute('data-state', 'current');
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toBeVisible();

  // One step runs the entry node, which asks a question.
  await page.getByTestId('step-button').click();
  const card = page.getByTestId('prompt-card').filter({ hasText: 'What is your name?' }).first();
  await expect(card).toBeVisible();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('ledger-row').first()).toBeVisible();
  await shot(page, '02-run-waiting-for-answer');

  // Answer from the inbox.
  await page.getByTestId('view-inbox').click();
  const inbox = page.getByTestId('prompt-inbox');
  const inboxCard = inbox.getByTestId('prompt-card').filter({ hasText: 'What is your name?' });
  await expect(inboxCard).toBeVisible();
  await inboxCard.getByLabel(/Answer to/).fill('Ada');
  await shot(page, '03-inbox');
  await inboxCard.getByTestId('prompt-answer').click();
  await expect(inboxCard).toBeHidden();

  // Back to the run: it asks the second question (choices); continue / answer until it completes.
  await page.getByTestId('view-run').click();
  const drive = async () => {
    const step = page.getByTestId('step-button');
    if (await step.isEnabled()) await page.keyboard.press('c');
  };
  await drive();
  const choice = page.getByTestId('prompt-card').getByTestId('prompt-answer').filter({ hasText: 'Say goodbye' });
  await expect(choice).toBeVisible();
  await expect(graphNode(page, 'greet')).toHaveAttribute('data-state', 'current');
  await expect(graphNode(page, 'start')).toHaveAttribute('data-state', 'visited');
  await choice.click();
  await drive();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  await expect(page.locator('.run-title')).toContainText('completed');

  // The answers are in the ledger with who gave them.
  await page.getByTestId('inspector-tab-provenance').click();
  await expect(page.locator('.answers li')).toHaveCount(2);
  const resume = page.locator('[data-testid="ledger-row"]').filter({ hasText: 'resume' }).first();
  await resume.click();
  await page.getByTestId('inspector-tab-record').click();
  await expect(page.getByTestId('state-diff')).toBeVisible();
  await expect(ledgerRow(page, 0)).toBeVisible();
  await shot(page, '04-run-completed');
});
