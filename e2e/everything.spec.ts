import { expect, graphNode, shot, startRun, test } from './support/fixtures';

test('drive the everything demo: a question, an event payload, a fast-forwarded timer, a long loop, child runs', async ({ app: page }) => {
  const runId = await startRun(page, 'everything_demo', { paused: false });
  const card = page.getByTestId('prompt-card');

  await card.getByTestId('prompt-answer').filter({ hasText: 'Ship it' }).click();

  // wait_event: a JSON payload typed by a person.
  await expect(card).toHaveAttribute('data-kind', 'event');
  const payload = card.getByLabel('Event payload as JSON');
  await payload.fill('{"approved_by": "e2e", "ratio": 1.0');
  await expect(card.locator('.field-error')).toContainText('not valid JSON');
  await payload.fill('{"approved_by": "e2e", "ratio": 1.0}');
  await card.getByTestId('prompt-answer').click();

  // wait_until: a countdown, fast-forwarded.
  await expect(card).toHaveAttribute('data-kind', 'timer');
  await expect(card.locator('.countdown')).toContainText(/in \d+s|due now/);
  await card.getByTestId('prompt-answer').click();

  // The loop of ~1,500 rounds runs to the end.
  await expect(page.locator('.run-title')).toContainText('completed', { timeout: 60_000 });
  await expect(graphNode(page, 'finish')).toHaveAttribute('data-state', 'current');
  await expect(graphNode(page, 'loop')).toHaveAttribute('data-state', 'visited');
  await expect(graphNode(page, 'loop').locator('.gnode-visits')).toContainText('×');
  const records = Number((await page.locator('.run-meta').textContent())?.match(/([\d,]+) records/)?.[1]?.replace(/,/g, ''));
  expect(records).toBeGreaterThan(3000);

  await page.keyboard.press('j');
  await shot(page, '11-everything-completed');

  // Child runs are nested under their parent in the list.
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await row.getByRole('button', { name: /child runs/ }).click();
  await expect(page.locator('.run-row.child')).toHaveCount(2);

  // Clicking a node filters the ledger to its records (fit first: the view is centred on the end).
  await page.getByRole('button', { name: 'Fit the whole graph' }).click();
  await graphNode(page, 'fetch').click();
  await expect(page.locator('.timeline-filters .chip')).toContainText('fetch');
  await expect(page.getByTestId('ledger-row').first()).toContainText('fetch');
  await page.getByRole('button', { name: 'Stop filtering by node fetch' }).click();

  // A subworkflow node opens its child run.
  await page.getByRole('button', { name: 'Fit the whole graph' }).click();
  await graphNode(page, 'sync_child').getByRole('button', { name: /Open the child run/ }).click();
  await expect(page.locator('.run-title')).toContainText('everything_child_sync');
  await expect(page.locator('.run-meta')).toContainText('child of');
});
