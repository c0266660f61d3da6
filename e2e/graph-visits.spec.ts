import { expect, graphNode, startRun, test } from './support/fixtures';

// The graph shows what ran (issue 12 item 4): plain nodes write no ledger record, so the visits
// come from the per-step states the workspace keeps, not from the shortest declared path.

test('after the loop completes, the graph counts the plain node’s 5 visits', async ({ app: page }) => {
  const runId = await startRun(page, 'multi_step_demo', { paused: false });
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  await expect(graphNode(page, 'process')).toHaveAttribute('data-state', 'visited');
  await expect(graphNode(page, 'process').locator('.gnode-visits')).toHaveText('×5');
  await expect(graphNode(page, 'check').locator('.gnode-visits')).toHaveText('×6');
  await expect(graphNode(page, 'init')).toHaveAttribute('data-state', 'visited');
});
