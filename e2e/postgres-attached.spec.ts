import { hostname } from 'node:os';
import { join } from 'node:path';
import { Runtime } from '../src/runtime/core/runtime';
import { WorkflowSpec } from '../src/runtime/core/spec';
import { PostgresWorkspace } from '../src/runtime/storage/postgres/postgres-workspace';
import { startPgTestServer, type PgTestServer } from '../src/runtime/storage/postgres/test-support/pg-test-server';
import { REPO_ROOT } from './global-setup';
import { expect, ledgerRow, shot, test } from './support/fixtures';
import { startWorker, type WorkerProcess } from './support/pg-workers';

/**
 * Issue 16 item 5: the Studio attached to a PostgreSQL workspace while two `studio worker`
 * processes drive it. The Studio runs no workflow code: the run started elsewhere appears live,
 * the answers typed here are recorded as run requests, a worker carries them out, and the ledger
 * names the Studio's user as the asker and the worker that did it. The password is typed once,
 * in Open…, and shown nowhere.
 */
const DEMOS = join(REPO_ROOT, 'resources', 'demo-workflows');
// Only its id and entry node matter to start a run; the workers run the demo module's nodes.
const askUserDemo = new WorkflowSpec({ workflowId: 'ask_user_demo', entryNode: 'start', nodes: { start: () => ({ nodeId: 'start', completeOutput: {} }) } });
const helloWorld = new WorkflowSpec({ workflowId: 'hello_world', entryNode: 'start', nodes: { start: () => ({ nodeId: 'start', completeOutput: {} }) } });

let pg: PgTestServer;
test.beforeAll(async () => {
  pg = await startPgTestServer({ durable: false });
});
test.afterAll(async () => {
  await pg?.stop();
});

test('attached to PostgreSQL while two workers run: a run appears live, the answer and a restore asked here are carried out by a worker', async ({ app: page }) => {
  test.setTimeout(120_000);
  const schema = `e2e_${process.pid}`;
  const url = `${pg.url}?schema=${schema}`;
  const workers: WorkerProcess[] = [];
  // The workers create the workspace; the client that starts runs is an app of its own.
  workers.push(await startWorker(url, DEMOS, 'worker-a'));
  workers.push(await startWorker(url, DEMOS, 'worker-b'));
  const client = await PostgresWorkspace.open(url, { writer: 'e2e-app@test' });
  try {
    await page.getByRole('button', { name: 'Open a workspace, a Python data folder or an audit bundle' }).click();
    await page.getByRole('menuitem', { name: /Open workspace/ }).click();
    const dialog = page.getByRole('dialog');
    // A wrong password first: the typed error in the dialog, the password nowhere on screen.
    const wrong = 'Wr0ng-pass-e2e';
    await page.getByLabel('Folder path').fill(`${pg.urlWith({ password: wrong })}?schema=${schema}`);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(dialog.getByTestId('open-error')).toContainText('STORE_ERROR');
    await expect(dialog.getByTestId('open-error')).toContainText('password authentication failed');
    await expect(page.locator('body')).not.toContainText(wrong);
    await page.getByLabel('Folder path').fill(url);
    await dialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId('workspace-layout')).toContainText('PostgreSQL');
    await expect(page.locator('.workspace-name')).toContainText(schema);
    // The failed attempt's message went with the successful open; the header names who schedules.
    await expect(page.getByText('password authentication failed')).toHaveCount(0);
    await expect(page.getByTestId('workers-status')).toHaveAttribute('data-live', '2', { timeout: 10_000 });
    await expect(page.getByTestId('workers-status')).toContainText('2 workers live');
    await expect(page.locator('body')).not.toContainText('Scheduler stopped');
    await expect(page.getByRole('region', { name: 'Workflows' })).toContainText('The workers run the workflows here');
    await expect(page.getByRole('region', { name: 'Workflows' })).toContainText('ask_user_demo');

    // A run started by another process, driven by a worker to its first question: shown live.
    const runId = await new Runtime({ runStore: client.runs, ledgerStore: client.ledger }).start({ workflow: askUserDemo });
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await expect(row).toHaveAttribute('data-status', 'waiting', { timeout: 30_000 });
    await row.locator('.run-row-main').click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(2);
    // Nothing here drives a run: Step, Continue and Pause are off, and say why.
    for (const id of ['step-button', 'continue-button', 'pause-button']) await expect(page.getByTestId(id)).toBeDisabled();
    await page.getByTestId('pause-button').locator('..').hover();
    await expect(page.getByRole('tooltip')).toContainText('workers of this PostgreSQL workspace drive its runs');
    await page.mouse.move(0, 0);

    // Answered here, carried out there: the worker resumes the run and drives it to its next question.
    const card = page.getByTestId('prompt-card');
    await card.getByLabel(/Answer to/).fill('Ada');
    await card.getByTestId('prompt-answer').click();
    await card.getByTestId('prompt-answer').filter({ hasText: 'Say goodbye' }).click();
    await expect(page.locator('.run-title')).toContainText('completed', { timeout: 30_000 });

    // The answer's record: the Studio's user is its actor, a worker carried it out (result.via).
    const records = await client.ledger.readLedgerPage(runId, { limit: 100 });
    type Via = { carried_out_by?: string; requested_by?: string };
    const viaOf = (r: (typeof records)[number]): Via | undefined => (r.record.result as { via?: Via } | null)?.via;
    const answered = records.find((e) => viaOf(e) !== undefined);
    expect(answered, 'the answer is recorded with who carried it out').toBeTruthy();
    expect(answered!.record.actorId, 'and who asked').toBeTruthy();
    const via = viaOf(answered!);
    const names = workers.map((w) => `${w.id}@${hostname()}`);
    expect(names).toContain(via?.carried_out_by);
    expect(via?.requested_by).toMatch(/^the Studio/);
    await ledgerRow(page, answered!.seq).click();
    const panel = page.locator('.record-panel');
    await expect(panel).toContainText(answered!.record.actorId!);
    await expect(panel).toContainText(via!.carried_out_by!);
    await expect(page.getByTestId('chain-summary')).toHaveAttribute('data-ok', 'true');
    await expect(page.locator('body')).not.toContainText(pg.password);
    await shot(page, '40-postgres-attached');

    // An audit bundle of the run, from PostgreSQL as from SQLite: signed here, verified on writing (a browser download: no workspace folder).
    await page.getByTestId('export-bundle-button').click();
    const bundleDialog = page.getByTestId('bundle-dialog');
    await expect(bundleDialog.getByTestId('bundle-verdict')).toHaveAttribute('data-verified', 'true', { timeout: 30_000 });
    await expect(bundleDialog.getByTestId('bundle-downloaded')).toBeVisible();
    await bundleDialog.getByRole('button', { name: 'Done' }).click();
    await expect(bundleDialog).toBeHidden();

    // Time travel on PostgreSQL: bookmark the record of the first question (written here), then
    // restore it: a request a worker carries out, and the run is back at the question.
    const asked = records.find((e) => e.record.status === 'waiting')!;
    await ledgerRow(page, asked.seq).click();
    await page.keyboard.press('b');
    const form = page.getByTestId('snapshot-create');
    await expect(form.getByTestId('snapshot-create-at')).toContainText(String(asked.seq));
    await form.getByLabel('Snapshot name').fill('at the first question');
    await form.getByRole('button', { name: 'Save snapshot' }).click();
    const list = page.getByTestId('snapshot-list');
    await expect(list.getByTestId('snapshot-item')).toHaveCount(1);
    await list.getByTestId('snapshot-restore').click();
    const restoreDialog = page.getByTestId('restore-dialog');
    await expect(restoreDialog.getByTestId('restore-diff')).toBeVisible();
    await restoreDialog.getByTestId('restore-confirm').click();
    await expect(restoreDialog).toBeHidden();
    await expect(page.locator('.run-title')).not.toContainText('completed', { timeout: 30_000 });
    await expect(page.getByTestId('prompt-card').getByLabel(/Answer to/)).toBeVisible({ timeout: 30_000 });
    const after = await client.ledger.readLedgerPage(runId, { limit: 100 });
    const restore = after.find((e) => (e.record.result as { restored?: unknown } | null)?.restored !== undefined);
    expect(restore, 'the restore is in the ledger').toBeTruthy();
    expect(names).toContain(viaOf(restore!)?.carried_out_by);
    await ledgerRow(page, restore!.seq).click();
    await page.getByRole('tab', { name: 'Record' }).click();
    await expect(panel).toContainText(viaOf(restore!)!.carried_out_by!);
    await expect(page.getByTestId('chain-summary')).toHaveAttribute('data-ok', 'true');

    // Archive and delete, kept in the PostgreSQL workspace as on SQLite: a finished run is archived, then deleted (a tombstone).
    const done = await new Runtime({ runStore: client.runs, ledgerStore: client.ledger }).start({ workflow: helloWorld });
    const doneRow = page.locator(`[data-testid="run-row"][data-run-id="${done}"]`);
    await expect(doneRow).toHaveAttribute('data-status', 'completed', { timeout: 30_000 });
    await doneRow.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Archive', exact: true }).click();
    await expect(page.getByTestId('bulk-report')).toContainText('1 archived');
    await expect(doneRow).toHaveCount(0);
    await page.getByRole('button', { name: 'Archived', exact: true }).click();
    await doneRow.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Delete…' }).click();
    await page.getByTestId('delete-runs-dialog').getByRole('button', { name: 'Delete', exact: true }).click();
    await expect(page.getByTestId('bulk-report')).toContainText('1 deleted');
    expect(await client.archive.tombstone(done)).toMatchObject({ runId: done, finalStatus: 'completed' });
  } finally {
    await client.close();
    for (const w of workers) await w.stop();
    for (const w of workers) expect(w.output()).not.toContain(pg.password);
  }
});
