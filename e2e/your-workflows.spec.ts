import { readFileSync, writeFileSync } from 'node:fs';
import { type Page } from '@playwright/test';
import { expect, graphNode, startRun, test } from './support/fixtures';
import { writeFirstWorkflow } from './support/first-workflow';

// Your workflows, first-class (issue 17 item 1): add a folder from Open…, behind the trust
// prompt; modules hot-reload; a load error shows file:line and message; a run keeps its version.

async function addFolder(page: Page, path: string): Promise<void> {
  await page.getByRole('button', { name: /^Open a workspace/ }).click();
  await page.getByRole('menuitem', { name: 'Add workflow folder…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a workflow folder' });
  await dialog.getByLabel('Folder path').fill(path);
  await dialog.getByRole('button', { name: 'Add folder' }).click();
}

test('a folder outside the allowed roots is refused with the reason, and nothing changes', async ({ app: page }) => {
  await addFolder(page, '/etc');
  await expect(page.getByText(/outside the folders the Studio may open/)).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Add a workflow folder' })).toBeVisible();
  await expect(page.getByTestId('read-only-tag')).toHaveCount(0);
});

test('the README workflow: added behind trust, its graph before a run, hot reload, a syntax error with file:line, a run that keeps its version', async ({ app: page, studio }) => {
  const { dir, file } = writeFirstWorkflow(studio.dataDir);
  await addFolder(page, dir);

  // No module code has run: the workspace reopens untrusted and asks.
  const trust = page.getByRole('dialog', { name: 'Trust the code this workspace names?' });
  await expect(trust).toContainText(dir);
  await expect(page.locator('.workflow-item', { hasText: 'triage' })).toHaveCount(0);
  await trust.getByRole('button', { name: 'Trust and run its code' }).click();
  await expect(trust).toBeHidden();
  const item = page.locator('.workflow-item', { hasText: 'triage' });
  await expect(item).toBeVisible();

  // Its graph before any run: every node of the module.
  await item.hover();
  await item.getByTestId('show-workflow-graph').click();
  const preview = page.getByTestId('workflow-preview');
  await expect(preview).toContainText('No graph: block and no runs yet');
  for (const id of ['intake', 'ask', 'search', 'decide', 'escalate', 'reply']) await expect(graphNode(page, id)).toBeVisible();
  const v1 = (await preview.locator('.tag.mono').textContent())?.replace('v ', '').trim() ?? '';
  expect(v1).toMatch(/^[0-9a-f]{8}$/);

  // A run started paused, then the module is changed under it: a new version is loaded...
  await startRun(page, 'triage', { paused: true });
  await expect(page.getByTestId('run-version')).toHaveText(`module v ${v1}`);
  writeFileSync(file, readFileSync(file, 'utf8').replace("'What broke?'", "'What is broken?'"));
  await expect(page.getByTestId('run-version')).toContainText(`module v ${v1} (its start version; v `, { timeout: 15_000 });
  // ...and the run still asks the question of the version it started with.
  await page.getByTestId('continue-button').click();
  await expect(page.getByTestId('prompt-card').first()).toContainText('What broke?');

  // A syntax error: file:line and the compiler's message in the list; the last good version stays.
  writeFileSync(file, readFileSync(file, 'utf8').replace("nodeId: 'reply', completeOutput", "nodeId: 'reply' completeOutput"));
  const error = page.getByTestId('workflow-load-error');
  await expect(error).toContainText(/triage\.ts:\d+/);
  await expect(error).toContainText('Expected "}" but found "completeOutput"');
  await expect(error).toContainText('still loaded: the previous version of triage');
  await expect(item).toBeVisible();
  const line = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes("nodeId: 'reply' completeOutput")) + 1;
  await expect(error).toContainText(`triage.ts:${line}`);

  // The run still completes with its own version.
  await page.getByTestId('prompt-card').first().getByTestId('prompt-answer').filter({ hasText: 'slow' }).click();
  await expect(page.locator('.run-title')).toContainText('completed');
});
