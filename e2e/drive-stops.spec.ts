import { throwingNodeModuleDir } from './support/throwing-node-module';
import { expect, graphNode, shot, startRun, test } from './support/fixtures';

// One drive path (issue 12): every way a run moves honours breakpoints and pause, and a run that
// stands still says why in its header.

test('a timer that fires by itself stops at the breakpoint after it, says so, and Continue finishes it', async ({ app: page }) => {
  const runId = await startRun(page, 'wait_until_demo', { paused: true, varsJson: '{"seconds": 2}' });
  await graphNode(page, 'woke_up').getByRole('button', { name: 'Set breakpoint on woke_up' }).click();
  await expect(graphNode(page, 'woke_up')).toHaveAttribute('data-state', 'breakpoint');

  // Continue runs `start`, which waits ~2 s; nobody fast-forwards: the scheduler wakes the run.
  await page.getByTestId('continue-button').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(page.getByTestId('current-node')).toHaveText('woke_up', { timeout: 20_000 });
  // Held before `woke_up`, not run through it to the end.
  await expect(row).toHaveAttribute('data-status', 'running');
  const stop = page.getByTestId('run-stop');
  await expect(stop).toHaveText('paused at breakpoint woke_up');
  await expect(stop).toHaveAttribute('data-stop', 'breakpoint');
  // The timer is over: the header says no more that the run waits for it, in the same frame as the stop
  // (read once, not retried: a header that lags behind the stop is the bug).
  expect(await page.locator('.run-title').textContent()).not.toContain('waiting for');
  await shot(page, '12-timer-stopped-at-breakpoint');

  // A reload asks the backend afresh: the same stop, stated the same way.
  await page.reload();
  await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
  await expect(page.getByTestId('run-stop')).toHaveText('paused at breakpoint woke_up');
  await expect(page.getByTestId('current-node')).toHaveText('woke_up');
  await expect(page.locator('.run-title')).not.toContainText('waiting for');

  await page.getByTestId('continue-button').click();
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('run-stop')).toHaveCount(0);
});

test('a restored run says it is held after the restore, and Continue lets it go', async ({ app: page }) => {
  const runId = await startRun(page, 'hello_world', { paused: true });
  const form = page.getByTestId('snapshot-create');
  await page.keyboard.press('b');
  await form.getByLabel('Snapshot name').fill('at the start');
  await form.getByRole('button', { name: 'Save snapshot' }).click();
  const list = page.getByTestId('snapshot-list');
  await expect(list.getByTestId('snapshot-item')).toHaveCount(1);

  await page.getByTestId('continue-button').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'completed');

  await list.getByTestId('snapshot-restore').click();
  const dialog = page.getByTestId('restore-dialog');
  await dialog.getByTestId('restore-confirm').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('run-stop')).toHaveText('held after restore: press Continue');
  await expect(row).toHaveAttribute('data-status', 'running');
  await shot(page, '13-held-after-restore');

  await page.getByTestId('continue-button').click();
  await expect(row).toHaveAttribute('data-status', 'completed');
});

test.describe('a drive that fails', () => {
  test.use({ hostOptions: { workflowDirs: [throwingNodeModuleDir()] } });

  test('shows its error on that run, where the run stopped', async ({ app: page }) => {
    const runId = await startRun(page, 'throwing_node_e2e', { paused: false });
    const stop = page.getByTestId('run-stop');
    await expect(stop).toHaveAttribute('data-stop', 'error');
    await expect(stop).toHaveText('stopped by an error: explode is broken (simulated bug)');
    await expect(page.getByTestId('current-node')).toHaveText('explode');
    // Not disguised as a scheduler problem in the app header.
    await expect(page.locator('.header-status .tag', { hasText: 'error' })).toHaveCount(0);
    await page.reload();
    await page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`).click();
    await expect(page.getByTestId('run-stop')).toHaveText('stopped by an error: explode is broken (simulated bug)');
  });
});

test('a run paused while it waits for a timer can be let go: Continue is on, says what it does, and the timer then finishes it by itself', async ({ app: page }) => {
  const runId = await startRun(page, 'wait_until_demo', { paused: true, varsJson: '{"seconds": 2}' });
  // One step runs `start`, which waits ~2 s; the run stays paused (held after the step) while it waits.
  await page.getByTestId('step-button').click();
  const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
  await expect(row).toHaveAttribute('data-status', 'waiting');
  // Neither Step nor Continue was on here before: the run sat past its due time with no way on but Cancel.
  const stop = page.getByTestId('run-stop');
  await expect(stop).toContainText('waiting until');
  await expect(stop).toContainText('Continue lets it go on');
  await expect(stop).not.toContainText('Step or Continue');
  await expect(page.getByTestId('step-button')).toBeDisabled();
  await expect(page.getByTestId('continue-button')).toBeEnabled();
  await page.getByTestId('continue-button').click();
  // Nobody fast-forwards: the scheduler wakes it when the time comes, and it runs to the end.
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 20_000 });
});
