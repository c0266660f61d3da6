import AxeBuilder from '@axe-core/playwright';
import { type Page } from '@playwright/test';
import { expect, startRun, test } from './support/fixtures';

// axe reads the whole page per check; on a busy 2-core machine a screen takes several seconds.
test.describe.configure({ timeout: 240_000 });

/**
 * Buttons that show an abbreviated id ("79412b9c…7ae0") and are named with the whole id ("Copy run
 * id: 79412b9c-…"): axe's label-in-name rule wants the abbreviation in the name, but an ellipsis
 * cannot be spoken, and a screen reader is better served by the full id. The one exception.
 */
const ABBREVIATED_ID = /\.copy-text|\.link\b/;

/** The serious and critical axe-core violations on the page as it is now, one line each. */
async function seriousViolations(page: Page, screen: string): Promise<string[]> {
  // Let the 250 ms busy delay and transitions settle: axe reads colours as they are painted.
  await page.waitForTimeout(300);
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.filter((n) => !(v.id === 'label-content-name-mismatch' && ABBREVIATED_ID.test(n.target.join(' ')))).slice(0, 5).map((n) => `${screen}: ${v.id} (${v.impact}) at ${n.target.join(' ')}: ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

function checker(page: Page): { found: string[]; check(screen: string): Promise<void> } {
  const found: string[] = [];
  return { found, check: async (screen) => void found.push(...(await seriousViolations(page, screen))) };
}

test('axe: the runs screen, the start dialog and every run view tab', async ({ app: page }) => {
  const { found, check } = checker(page);
  await check('runs (empty workspace)');
  const item = page.locator('.workflow-item', { has: page.locator('[data-workflow-id="ask_user_demo"]') });
  await item.hover();
  await item.getByTestId('start-workflow').click();
  await expect(page.getByRole('dialog')).toBeVisible();
  await check('start dialog');
  await page.keyboard.press('Escape');

  await startRun(page, 'ask_user_demo', { paused: false });
  await expect(page.getByTestId('prompt-card')).toBeVisible();
  await page.locator('[data-testid="ledger-row"]').first().click();
  for (const tab of ['record', 'state', 'snapshots', 'artifacts', 'provenance']) {
    await page.getByTestId(`inspector-tab-${tab}`).click();
    await check(`run view, ${tab} tab`);
  }
  expect(found).toEqual([]);
});

test('axe: the runs table with a selection, the delete dialog, the inbox, the libraries, settings and the shortcuts', async ({ app: page }) => {
  const { found, check } = checker(page);
  await startRun(page, 'ask_user_demo', { paused: false });
  await expect(page.getByTestId('prompt-card')).toBeVisible();
  await page.locator('[data-testid="run-row"]').first().getByRole('checkbox').check();
  await check('runs table with a selection');
  await page.getByRole('button', { name: 'Delete…' }).click();
  await check('delete dialog');
  await page.keyboard.press('Escape');
  for (const [view, name] of [['view-inbox', 'inbox'], ['view-artifacts', 'artifacts library'], ['view-snapshots', 'snapshots library']] as const) {
    await page.getByTestId(view).click();
    await check(name);
  }
  await page.getByRole('button', { name: 'Settings' }).click();
  await check('settings');
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await check('shortcuts dialog');
  expect(found).toEqual([]);
});

test('axe: the run view and the inbox in the dark theme', async ({ app: page }) => {
  const { found, check } = checker(page);
  await page.getByRole('button', { name: /^Theme/ }).click();
  await page.getByRole('menuitemradio', { name: 'Dark' }).click();
  await startRun(page, 'ask_user_demo', { paused: false });
  await expect(page.getByTestId('prompt-card')).toBeVisible();
  await check('run view, dark theme');
  await page.getByTestId('view-inbox').click();
  await check('inbox, dark theme');
  expect(found).toEqual([]);
});
