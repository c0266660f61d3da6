import AxeBuilder from '@axe-core/playwright';
import { type Page } from '@playwright/test';
import { expect, ledgerRow, openRunId, shot, startRun, test } from './support/fixtures';

const row = (page: Page, runId: string) => page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);

/** Forks the open run at one of its records from the timeline; returns the fork's id (the fork is opened). */
async function forkAt(page: Page, parentId: string, seq: number, opts: { alreadyOpen?: boolean } = {}): Promise<string> {
  if (!opts.alreadyOpen) await row(page, parentId).locator('.run-row-main').click();
  await expect(page.locator('.run-title')).toContainText(parentId.slice(0, 8));
  await ledgerRow(page, seq).click();
  await page.getByTestId('fork-button').click();
  await expect(page.getByTestId('fork-origin')).toContainText(`at record ${seq}`);
  const forkId = await openRunId(page);
  expect(forkId).not.toBe(parentId);
  return forkId;
}

test('forks nest under their parent: "2 forks", expanded by keyboard and pointer, indented; a fork opened from there keeps its deep link', async ({ app: page }) => {
  const parent = await startRun(page, 'hello_world', { paused: false });
  await expect(row(page, parent)).toHaveAttribute('data-status', 'completed');
  const a = await forkAt(page, parent, 0);
  const b = await forkAt(page, parent, 0);

  // The forks are not top-level rows: the parent says how many it has.
  await expect(row(page, parent).getByTestId('fork-count')).toHaveText('2 forks');
  await expect(row(page, a)).toHaveCount(0);
  await expect(row(page, b)).toHaveCount(0);
  const toggle = row(page, parent).getByRole('button', { name: `Show the 2 forks of ${parent}` });
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');

  // Keyboard: Right opens, Left closes, Enter toggles (the toggle is a button).
  await toggle.focus();
  await page.keyboard.press('ArrowRight');
  await expect(row(page, parent).getByTestId('row-toggle')).toHaveAttribute('aria-expanded', 'true');
  for (const id of [a, b]) {
    await expect(row(page, id)).toBeVisible();
    await expect(row(page, id)).toHaveClass(/\bfork\b/);
  }
  // Indented beneath the parent, in the order they were made.
  const boxes = await Promise.all([parent, a, b].map(async (id) => (await row(page, id).locator('.run-wf').boundingBox())!));
  expect(boxes[1]!.y).toBeGreaterThan(boxes[0]!.y);
  expect(boxes[2]!.y).toBeGreaterThan(boxes[1]!.y);
  expect(boxes[1]!.x).toBeGreaterThan(boxes[0]!.x);
  await shot(page, '40-forks-nested');
  // The nested rows pass axe's serious and critical checks (names, states, contrast).
  const { violations } = await new AxeBuilder({ page }).include('.sidebar-section.runs').withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  await page.keyboard.press('ArrowLeft');
  await expect(row(page, parent).getByTestId('row-toggle')).toHaveAttribute('aria-expanded', 'false');
  await expect(row(page, a)).toHaveCount(0);
  await page.keyboard.press('Enter');
  await expect(row(page, parent).getByTestId('row-toggle')).toHaveAttribute('aria-expanded', 'true');

  // Select one fork: it opens, and its address opens it again in a fresh page.
  await row(page, b).locator('.run-row-main').click();
  await expect(page.getByTestId('fork-origin')).toContainText('at record 0');
  await expect(row(page, b)).toHaveClass(/\bselected\b/);
  expect(page.url()).toContain(`#/run/${b}`);
  await page.reload();
  await expect(page.locator('.run-title')).toContainText('hello_world');
  expect(await openRunId(page)).toBe(b);
  await expect(page.getByTestId('fork-origin')).toContainText(parent.slice(0, 8));

  // A fork of a fork (made from the fork open now) nests one level deeper, under its own disclosure.
  await row(page, parent).getByRole('button', { name: `Show the 2 forks of ${parent}` }).click();
  await expect(row(page, b)).toBeVisible();
  const c = await forkAt(page, b, 0, { alreadyOpen: true });
  await expect(row(page, b).getByTestId('fork-count')).toHaveText('1 fork');
  await expect(row(page, c)).toHaveCount(0);
  await row(page, b).getByRole('button', { name: `Show the 1 fork of ${b}` }).click();
  await expect(row(page, c)).toBeVisible();
  const [bx, cx] = await Promise.all([b, c].map(async (id) => (await row(page, id).locator('.run-wf').boundingBox())!.x));
  expect(cx).toBeGreaterThan(bx!);

  // `fork:<parent>` lists the forks flat, and is kept in the address.
  await page.getByLabel('Search runs').fill(`fork:${parent}`);
  await expect(row(page, a)).toBeVisible();
  await expect(row(page, b)).toBeVisible();
  await expect(row(page, parent)).toHaveCount(0);
  await expect(page).toHaveURL(new RegExp(`q=fork%3A${parent}`));
});
