import { type Page } from '@playwright/test';
import { expect, shot, startRun, test } from './support/fixtures';

const row = (page: Page, runId: string) => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
const filter = (page: Page) => page.getByLabel('Search runs');

async function finishedHello(page: Page): Promise<string> {
  const runId = await startRun(page, 'hello_world', { paused: false });
  await expect(row(page, runId)).toHaveAttribute('data-status', 'completed');
  return runId;
}

test('the runs filter: an unknown key is a hint and the list stays; keys filter and are kept in the URL', async ({ app: page }) => {
  const done = await finishedHello(page);
  const waiting = await startRun(page, 'ask_user_demo', { paused: false });
  await expect(row(page, waiting)).toHaveAttribute('data-status', 'waiting');

  await filter(page).fill('stat:waiting');
  await expect(page.getByTestId('run-filter-hint')).toContainText('Unknown filter "stat:". Filters are status: workflow: wait: archived: sort:');
  await expect(filter(page)).toHaveAttribute('aria-invalid', 'true');
  await expect(row(page, done)).toBeVisible();

  await filter(page).fill('status:waiting workflow:ask_user_demo');
  await expect(row(page, done)).toHaveCount(0);
  await expect(row(page, waiting)).toBeVisible();
  await expect(page).toHaveURL(/q=status%3Awaiting\+workflow%3Aask_user_demo/);

  // The link opens the same filtered list in a fresh page.
  await page.reload();
  await expect(filter(page)).toHaveValue('status:waiting workflow:ask_user_demo');
  await expect(row(page, waiting)).toBeVisible();
  await expect(row(page, done)).toHaveCount(0);
});

test('bulk cancel where one run already finished: the others are cancelled and the finished one is named, with why', async ({ app: page }) => {
  const done = await finishedHello(page);
  const a = await startRun(page, 'ask_user_demo', { paused: false });
  const b = await startRun(page, 'ask_user_demo', { paused: false });
  await expect(row(page, b)).toHaveAttribute('data-status', 'waiting');
  for (const id of [done, a, b]) await row(page, id).getByRole('checkbox').check();
  const bar = page.getByRole('toolbar', { name: 'Actions on 3 selected runs' });
  await bar.getByRole('button', { name: 'Cancel', exact: true }).click();
  const report = page.getByTestId('bulk-report');
  await expect(report).toContainText('2 cancelled, 1 not');
  await expect(report.locator(`li[data-run-id="${done}"]`)).toContainText(`RUN_FINISHED Run ${done} already completed: there is nothing to cancel.`);
  await expect(row(page, a)).toHaveAttribute('data-status', 'cancelled');
  await expect(row(page, b)).toHaveAttribute('data-status', 'cancelled');
  // The one that failed stays selected, so it can be looked at or acted on again.
  await expect(row(page, done).getByRole('checkbox')).toBeChecked();
});

test('archive and delete: archived runs leave the list (archived:yes shows them); a deleted run is a tombstone and its link says who deleted it', async ({ app: page }) => {
  const archived = await finishedHello(page);
  const deleted = await finishedHello(page);
  const records = (await row(page, deleted).locator('.col-records').textContent())?.trim();

  await row(page, archived).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Archive', exact: true }).click();
  await expect(page.getByTestId('bulk-report')).toContainText('1 archived');
  await expect(row(page, archived)).toHaveCount(0);
  await page.getByRole('button', { name: 'Archived', exact: true }).click();
  await expect(filter(page)).toHaveValue('archived:yes');
  await expect(row(page, archived)).toContainText('archived');
  await page.getByRole('button', { name: 'Archived', exact: true }).click();

  await row(page, deleted).getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Delete…' }).click();
  const dialog = page.getByTestId('delete-runs-dialog');
  await expect(dialog.getByRole('button', { name: 'Delete', exact: true })).toBeFocused();
  await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByTestId('bulk-report')).toContainText('1 deleted');
  await expect(row(page, deleted)).toHaveAttribute('data-status', 'deleted');
  await expect(row(page, deleted).locator('.col-records')).toHaveText(records ?? '');

  // A deep link to the deleted run: the run view says it was deleted, by whom, and its final head hash.
  await page.goto(`${page.url().split('#')[0]}#/run/${deleted}`);
  await page.reload();
  await expect(page.getByText(`Run ${deleted} (hello_world) was deleted by`).first()).toBeVisible();
  await expect(page.getByText(/final head hash [0-9a-f]{64}/).first()).toBeVisible();
});

test('the runs table at 1920×1080, for the README', async ({ app: page }) => {
  await page.setViewportSize({ width: 1920, height: 1080 });
  await finishedHello(page);
  const waiting = await startRun(page, 'ask_user_demo', { paused: false });
  await expect(row(page, waiting)).toHaveAttribute('data-status', 'waiting');
  const multi = await startRun(page, 'multi_step_demo', { paused: false });
  await expect(row(page, multi)).not.toHaveAttribute('data-status', 'running');
  await startRun(page, 'wait_until_demo', { paused: false });
  await startRun(page, 'everything_demo', { paused: true });
  // At this size the runs pane has room for every column.
  await expect(page.locator('.run-table-head .col-actor')).toBeVisible();
  await row(page, waiting).getByRole('checkbox').check();
  await shot(page, 'runs-table');
});
