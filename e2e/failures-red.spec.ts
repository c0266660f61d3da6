import { badModulesDir } from './support/bad-modules';
import { failingToolModuleDir } from './support/failing-tool-module';
import { expect, startRun, test } from './support/fixtures';

// Failures are red (issue 12 item 3): a tool call that failed is not a green "completed".

test.use({ hostOptions: { workflowDirs: [failingToolModuleDir()] } });

test('a failed tool call is red in the timeline, with its error in the record panel', async ({ app: page }) => {
  const runId = await startRun(page, 'failing_tool_e2e', { paused: false });
  await expect(page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`)).toHaveAttribute('data-status', 'completed');
  const row = page.locator('[data-testid="ledger-row"]', { has: page.locator('.effect-tag', { hasText: 'tool_calls' }) }).first();
  await expect(row).toHaveAttribute('data-failed', 'true');
  await expect(row.locator('.status')).toHaveClass(/failed/);
  await expect(row.locator('.status')).toHaveText('tool failed');
  await row.click();
  await page.getByTestId('inspector-tab-record').click();
  await expect(page.locator('.record-panel .error-text')).toContainText('lookup service is down');
});

test.describe('modules that cannot be used', () => {
  test.use({ hostOptions: { workflowDirs: [badModulesDir()] } });

  test('say why in the workflow list: a module that fails to load, a workflow whose entry node does not exist', async ({ app: page }) => {
    const errors = page.getByTestId('workflow-load-error');
    await expect(errors.filter({ hasText: 'does-not-compile.ts' })).toBeVisible();
    const missing = errors.filter({ hasText: 'missing-entry.ts' });
    await expect(missing).toContainText("Workflow 'missing_entry_e2e' starts at node 'begin', which it does not define (its nodes: start)");
    // It cannot be started, so no run of it can sit "running" with no error.
    await expect(page.locator('[data-workflow-id="missing_entry_e2e"]')).toHaveCount(0);
  });
});
