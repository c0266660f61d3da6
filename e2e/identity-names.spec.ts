import { userInfo } from 'node:os';
import { completeAskUserDemo, expect, ledgerRow, test } from './support/fixtures';
import { ledgerSeqContaining } from './support/tamper';

// Identities with names (issue 12 item 5): who answered shows the key owner's name, not `ar_e62b…`.

test('the record of an answer names who answered, with the actor id one hover away', async ({ app: page, studio }) => {
  const { runId } = await completeAskUserDemo(page, 'Ada');
  const seq = ledgerSeqContaining(studio.workspacePath, runId, '"Ada"');
  const actor = ledgerRow(page, seq).locator('.c-actor');
  await expect(actor).toHaveText(userInfo().username);
  await expect(actor).toHaveAttribute('title', /^ar_[0-9a-f]+/);
  await ledgerRow(page, seq).click();
  await page.getByTestId('inspector-tab-record').click();
  await expect(page.locator('.record-panel .fields')).toContainText(userInfo().username);
});
