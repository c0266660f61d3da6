import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { completeAskUserDemo, expect, ledgerRow, openRunId, shot, startRun, test } from './support/fixtures';
import { api } from './support/studio-api';

test('fork with an edited state: bad JSON is refused in place, the fixed edit forks and its diff is in the fork\u2019s origin', async ({ app: page, studio }) => {
  const { runId, records } = await completeAskUserDemo(page, 'Ada');
  const last = records - 1;
  await ledgerRow(page, last).click();
  await page.getByTestId('fork-edit-button').click();
  const dialog = page.getByTestId('fork-dialog');
  await expect(dialog).toContainText(`Fork at record #${last}`);
  const editor = dialog.getByTestId('fork-vars');
  await expect(editor).toHaveValue(/"Ada"/);
  const original = await editor.inputValue();

  // Unhappy first: a broken edit says why, cannot be sent, and nothing is forked.
  await editor.fill(original.slice(0, -1));
  await expect(dialog.getByTestId('fork-json-error')).toContainText('Not valid JSON');
  await expect(dialog.getByTestId('fork-submit')).toBeDisabled();
  await editor.fill('[1, 2]');
  await expect(dialog.getByTestId('fork-json-error')).toContainText('must be a JSON object');

  // A real edit, with a number too big for a double: kept digit for digit.
  const edited = original.replace('"Ada"', '"Grace"').replace(/^\{/, '{\n  "budget": 12345678901234567890,');
  await editor.fill(edited);
  await expect(dialog.getByTestId('fork-json-error')).toHaveCount(0);
  await expect(dialog.getByTestId('fork-edit-summary')).toContainText('Edited');
  await expect(dialog.getByTestId('fork-submit')).toHaveText('Fork with edits');
  await expect(dialog.getByTestId('fork-edits')).toContainText('added vars.budget');
  await expect(dialog.getByTestId('fork-edits')).toContainText('changed vars.user_name.response');
  await shot(page, '21-fork-with-edit-dialog');
  await dialog.getByTestId('fork-submit').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('fork-origin')).toContainText(`at record ${last}`);
  const forkId = await openRunId(page);
  expect(forkId).not.toBe(runId);

  // The fork starts with the edit, and its genesis record says what was changed, by whom.
  const genesis = await api(studio, 'ledger.record', { runId: forkId, seq: 0 });
  const origin = (JSON.parse(genesis.resultJson!) as { forked_from: { run_id: string; seq: number; edited: { changes: Array<{ path: string[]; kind: string; before: string | null; after: string | null }> } } }).forked_from;
  expect(origin).toMatchObject({ run_id: runId, seq: last });
  expect(origin.edited.changes).toEqual(
    expect.arrayContaining([
      { path: ['vars', 'budget'], kind: 'added', before: null, after: '12345678901234567890' },
      expect.objectContaining({ kind: 'changed', before: '"Ada"', after: '"Grace"' }),
    ]),
  );
  expect(genesis.actorId).toBeTruthy();
  await page.getByTestId('inspector-tab-state').click();
  await page.getByTestId('state-show-current').or(page.getByTestId('state-current')).first().click();
  await expect(page.getByTestId('state-current')).toContainText('12345678901234567890');
  await expect(page.getByTestId('state-current')).toContainText('Grace');
});

test('the State tab follows the selected record, and a bookmark at a record keeps that record\u2019s state even after the run moved on', async ({ app: page, studio }) => {
  const runId = await startRun(page, 'ask_user_demo', { paused: false });
  await expect(page.getByTestId('prompt-card')).toBeVisible();
  await ledgerRow(page, 0).click();
  await page.getByTestId('inspector-tab-state').click();
  const atRecord = page.getByTestId('state-at-record');
  await expect(atRecord).toHaveAttribute('data-seq', '0');
  await expect(atRecord).toContainText('State after record #0');
  await expect(atRecord).not.toContainText('user_name');

  // Another window answers behind this page's back: the run moves on, the selection stays at #0.
  const prompt = (await api(studio, 'prompts.list', {})).find((p) => p.runId === runId)!;
  await api(studio, 'prompts.answer', { runId, waitKey: prompt.waitKey, payloadJson: '{"response": "Ada"}' });
  await expect(page.getByTestId('prompt-card')).toContainText('Nice to meet you, Ada');
  await expect(atRecord).toHaveAttribute('data-seq', '0');
  await expect(atRecord).not.toContainText('user_name');

  await page.getByTestId('bookmark-button').click();
  const form = page.getByTestId('snapshot-create');
  await expect(form.getByTestId('snapshot-create-at')).toContainText('#0');
  await form.getByLabel('Snapshot name').fill('before the name');
  await form.getByRole('button', { name: 'Save snapshot' }).click();
  await expect(page.getByTestId('snapshot-list').getByTestId('snapshot-item')).toHaveCount(1);
  const [snap] = await api(studio, 'snapshots.list', { runId });
  const at0 = JSON.parse((await api(studio, 'ledger.stateAt', { runId, seq: 0 })).stateJson) as { current_node: string; vars: Record<string, unknown> };
  expect(snap?.currentNode).toBe(at0.current_node);
  expect(at0.vars['user_name']).toBeUndefined();

  // A later record shows the answer; "Show the current state" leaves time travel.
  const total = (await api(studio, 'ledger.page', { runId })).total;
  await page.getByTestId('inspector-tab-state').click();
  await ledgerRow(page, total - 1).click();
  await expect(atRecord).toHaveAttribute('data-seq', String(total - 1));
  await expect(atRecord).toContainText('user_name');
  await page.getByTestId('state-show-current').click();
  await expect(page.getByTestId('state-current')).toContainText('Ada');
});

test('export saves where the user chooses: in the browser, a real download of the verified bundle', async ({ app: page }, testInfo) => {
  const { runId } = await completeAskUserDemo(page, 'Ada');
  const downloading = page.waitForEvent('download');
  await page.getByTestId('save-bundle-button').click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe(`${runId}.arbundle.jsonl`);
  const saved = join(testInfo.outputDir, download.suggestedFilename());
  await download.saveAs(saved);
  const firstLine = JSON.parse(readFileSync(saved, 'utf8').split('\n')[0]!) as Record<string, unknown>;
  expect(JSON.stringify(firstLine)).toContain(runId);
  const dialog = page.getByTestId('bundle-dialog');
  await expect(dialog.getByTestId('bundle-verdict')).toHaveAttribute('data-verified', 'true');
  await expect(dialog.getByTestId('bundle-downloaded')).toContainText(`${runId}.arbundle.jsonl`);
});
