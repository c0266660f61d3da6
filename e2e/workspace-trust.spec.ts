import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from '@playwright/test';
import { expect, shot, test } from './support/fixtures';

// Workspace trust (issue 14 item 5): a workspace whose settings name workflow folders runs none
// of their code until the user trusts it, in a dialog that says what trusting runs.

/**
 * A folder of one workflow module that leaves a file behind when it is loaded: loading a module is
 * running it, so the file existing is the proof that the folder's code ran.
 */
function theirCode(): { dir: string; marker: string } {
  const dir = mkdtempSync(join(tmpdir(), 'studio-e2e-their-code-'));
  const marker = join(dir, 'their-code-ran');
  writeFileSync(
    join(dir, 'their-workflow.ts'),
    `import { writeFileSync } from 'node:fs';
import { WorkflowSpec } from 'abstractruntime';
writeFileSync(${JSON.stringify(marker)}, 'ran');
export const workflows = [
  new WorkflowSpec({ workflowId: 'their_code_e2e', entryNode: 'done', nodes: { done: () => ({ nodeId: 'done', completeOutput: { ok: true } }) } }),
];
`,
  );
  return { dir, marker };
}

const TRUST_BUTTON = 'Trust and run its code';

/** The page opened on the host's workspace, before anyone answered anything. */
async function openUntrusted(page: Page, url: string, folder: string): Promise<void> {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.goto(url);
  const dialog = page.getByRole('dialog', { name: 'Trust the code this workspace names?' });
  await expect(dialog).toBeVisible();
  await expect(dialog).toContainText(folder);
  await expect(dialog).toContainText('runs them as code on this computer');
  // The primary action has the focus; the header already says the workspace is read-only.
  await expect(dialog.getByRole('button', { name: TRUST_BUTTON })).toBeFocused();
  await expect(page.getByTestId('read-only-tag')).toContainText('not trusted');
  expect(problems).toEqual([]);
}

test.describe('trusting the workspace', () => {
  const code = theirCode();
  test.use({ hostOptions: { workflowDirs: [code.dir] } });

  test('loads and runs its modules only after Trust, and does not ask again', async ({ page, studio }) => {
    await openUntrusted(page, studio.url, code.dir);
    expect(existsSync(code.marker), 'a module ran before the user chose').toBe(false);
    await shot(page, '12-workspace-trust');

    await page.getByRole('button', { name: TRUST_BUTTON }).click();
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(page.locator('.workflow-item', { hasText: 'their_code_e2e' })).toBeVisible();
    expect(existsSync(code.marker)).toBe(true);
    await expect(page.getByTestId('read-only-tag')).toHaveCount(0);

    // The answer is kept: a fresh page of the same Studio opens the workspace writable, no question.
    await page.reload();
    await expect(page.locator('.workflow-item', { hasText: 'their_code_e2e' })).toBeVisible();
    await expect(page.getByRole('dialog')).toHaveCount(0);
  });
});

test.describe('not trusting the workspace', () => {
  const code = theirCode();
  test.use({ hostOptions: { workflowDirs: [code.dir] } });

  test('Escape opens it read-only, runs nothing, is remembered, and can be reconsidered from the header', async ({ page, studio }) => {
    await openUntrusted(page, studio.url, code.dir);
    await page.keyboard.press('Escape');
    await expect(page.getByRole('dialog')).toBeHidden();
    await expect(page.getByTestId('read-only-tag')).toContainText('not trusted');
    await expect(page.locator('.workflow-item', { hasText: 'their_code_e2e' })).toHaveCount(0);
    expect(existsSync(code.marker), 'a refused workspace ran its code').toBe(false);

    await page.reload();
    await expect(page.getByTestId('read-only-tag')).toContainText('not trusted');
    await expect(page.getByRole('dialog')).toHaveCount(0);

    // Reconsidering asks the same question; "Open read-only" keeps it as it is.
    await page.getByRole('button', { name: 'Trust this workspace…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Trust the code this workspace names?' });
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Open read-only' }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('read-only-tag')).toContainText('not trusted');
    expect(existsSync(code.marker)).toBe(false);

    // Changing one's mind later: Trust loads the code and opens the workspace writable.
    await page.getByRole('button', { name: 'Trust this workspace…' }).click();
    await dialog.getByRole('button', { name: TRUST_BUTTON }).click();
    await expect(page.locator('.workflow-item', { hasText: 'their_code_e2e' })).toBeVisible();
    await expect(page.getByTestId('read-only-tag')).toHaveCount(0);
    expect(existsSync(code.marker)).toBe(true);
  });
});
