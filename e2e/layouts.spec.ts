import { type Page } from '@playwright/test';
import { expect, startRun, test } from './support/fixtures';

/**
 * How many lines the elements matched by `selector` take: elements are on one line when their
 * vertical centres are within a few pixels (items of different heights are centred on the line).
 */
async function lines(page: Page, selector: string): Promise<number> {
  const centres = await page.locator(selector).evaluateAll((els) =>
    els.filter((e) => e.getClientRects().length > 0 && e.getBoundingClientRect().height > 0).map((e) => {
      const r = e.getBoundingClientRect();
      return r.top + r.height / 2;
    }),
  );
  centres.sort((a, b) => a - b);
  return centres.reduce((n, c, i) => (i > 0 && c - centres[i - 1]! > 6 ? n + 1 : n), centres.length ? 1 : 0);
}

for (const [width, height] of [[1280, 720], [1920, 1080]] as const) {
  test(`at ${width}×${height} the toolbars stay on one line and every inspector tab is in view`, async ({ app: page }) => {
    await page.setViewportSize({ width, height });
    await startRun(page, 'ask_user_demo', { paused: true });
    await expect(page.getByTestId('step-button')).toBeVisible();
    expect(await lines(page, '.app-header > *')).toBe(1);
    expect(await lines(page, '.run-controls .btn')).toBe(1);
    // Nothing of the page spills past the window.
    expect(await page.locator('html').evaluate((html) => html.scrollWidth)).toBeLessThanOrEqual(width);
    const tabs = await page.locator('.inspector .tabs').boundingBox();
    for (const tab of ['record', 'state', 'snapshots', 'artifacts', 'provenance']) {
      const box = await page.getByTestId(`inspector-tab-${tab}`).boundingBox();
      expect(box, tab).not.toBeNull();
      expect(box!.x + box!.width, `${tab} is cut off`).toBeLessThanOrEqual(tabs!.x + tabs!.width + 0.5);
    }
    await page.getByTestId('inspector-tab-provenance').click();
    await expect(page.getByTestId('inspector-tab-provenance')).toHaveAttribute('aria-selected', 'true');
    // The runs table keeps its status, workflow and updated columns at any size.
    for (const col of ['col-status', 'col-workflow', 'col-updated']) await expect(page.locator(`.run-table-head .${col}`)).toBeVisible();
  });
}

test('keyboard: focus lands on the new run after Start, on the next prompt after an answer, and the inbox answer is 1 key away', async ({ app: page }) => {
  const item = page.locator('.workflow-item', { has: page.locator('[data-workflow-id="ask_user_demo"]') });
  await item.hover();
  await item.getByTestId('start-workflow').click();
  // The dialog opens on its first field, not on ✕.
  await expect(page.getByLabel('Initial vars as JSON')).toBeFocused();
  await page.getByRole('dialog').getByRole('checkbox').uncheck();
  await page.getByTestId('start-run-submit').click();
  await expect(page.locator('.run-title')).toContainText('ask_user_demo');
  await expect(page.locator('[data-testid="run-row"] .run-row-main:focus')).toHaveCount(1);

  // One key to the answer field (the run view shows its prompt; elsewhere it is the inbox's first).
  await page.getByTestId('view-artifacts').click();
  await page.locator('body').click({ position: { x: 5, y: 700 } });
  await page.keyboard.press('a');
  const answer = page.getByTestId('prompt-card').getByLabel(/Answer to/);
  await expect(answer).toBeFocused();
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  // After the answer, focus is on the next prompt's answer, not on <body>.
  await expect(page.getByTestId('prompt-card').getByTestId('prompt-answer').first()).toBeFocused();
  await expect(page.locator('body')).not.toBeFocused();
});
