import { expect, ledgerRow, shot, startRun, test } from './support/fixtures';

test('drive a run from the keyboard, read the shortcuts, switch to the dark theme', async ({ app: page }) => {
  await startRun(page, 'ask_user_demo', { paused: true });
  await page.locator('body').click({ position: { x: 5, y: 900 } });

  // s steps; j/k walk the ledger newest first.
  await page.keyboard.press('s');
  await expect(page.getByTestId('prompt-card')).toBeVisible();
  await expect(ledgerRow(page, 1)).toBeVisible();
  await page.keyboard.press('j');
  await expect(ledgerRow(page, 1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('j');
  await expect(ledgerRow(page, 0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('k');
  await expect(ledgerRow(page, 1)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('state-diff')).toBeVisible();

  // / focuses the runs search; typing there is text, not shortcuts.
  await page.keyboard.press('/');
  await expect(page.getByLabel('Search runs')).toBeFocused();
  await page.keyboard.type('sj');
  await expect(page.getByLabel('Search runs')).toHaveValue('sj');
  await page.keyboard.press('Escape');

  // ? shows every shortcut.
  await page.locator('body').click({ position: { x: 5, y: 900 } });
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Step one node');
  await shot(page, '12-help');
  await page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  // Every button says what it does (an accessible name), so a screen reader can drive the Studio.
  const unnamed = await page.locator('button').evaluateAll((buttons) =>
    buttons.filter((b) => !(b.getAttribute('aria-label') || b.getAttribute('title') || b.textContent?.trim())).map((b) => b.outerHTML.slice(0, 120)),
  );
  expect(unnamed).toEqual([]);

  // The dark theme, chosen explicitly (the default follows the system).
  await page.getByRole('button', { name: /^Theme/ }).click();
  await page.getByRole('menuitemradio', { name: 'Dark' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await page.keyboard.press('j');
  await shot(page, '13-dark-theme');

  // Following the system, the colours change with it; a choice made in the Studio wins over it.
  const body = page.locator('body');
  const DARK_BG = 'rgb(14, 16, 20)';
  const LIGHT_BG = 'rgb(246, 247, 249)';
  await expect(body).toHaveCSS('background-color', DARK_BG);
  const choose = async (name: string): Promise<void> => {
    await page.getByRole('button', { name: /^Theme/ }).click();
    await page.getByRole('menuitemradio', { name }).click();
  };
  await choose('Follow system');
  await expect(page.locator('html')).not.toHaveAttribute('data-theme', /./);
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(body).toHaveCSS('background-color', DARK_BG);
  await page.emulateMedia({ colorScheme: 'light' });
  await expect(body).toHaveCSS('background-color', LIGHT_BG);
  await page.emulateMedia({ colorScheme: 'dark' });
  await choose('Light');
  await expect(body).toHaveCSS('background-color', LIGHT_BG);
});
