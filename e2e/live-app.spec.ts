import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './global-setup';
import { expect, ledgerRow, shot, test } from './support/fixtures';

/**
 * Issue 18: an app drives a run with the runtime package on the workspace the Studio has open.
 * The run shows up live in the Studio, its record panel gives the trace and span ids the app's
 * tracing wrote, and the answer typed in the inbox is carried out by the app.
 */
const APP = join(REPO_ROOT, 'test', 'live-studio', 'app-process.ts');

function startApp(workspacePath: string): { child: ChildProcess; next: () => Promise<Record<string, unknown>> } {
  const child = spawn(process.execPath, ['--import', 'tsx', APP, workspacePath, join(REPO_ROOT, 'resources', 'demo-workflows', '02-ask-user.ts'), 'ask_user_demo'], {
    cwd: REPO_ROOT,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO_ROOT, 'test', 'live-studio', 'tsconfig.json') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.next();
    if (done) throw new Error(`the app exited (${child.exitCode ?? child.signalCode})`);
    return JSON.parse(value as string) as Record<string, unknown>;
  };
  return { child, next };
}

test('a run driven by another process shows up live, with trace ids to copy, and the answer given here is carried out there', async ({ app: page, studio, context }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const appProcess = startApp(studio.workspacePath);
  try {
    const runId = (await appProcess.next())['started'] as string;
    // No reload: the Studio notices the other process's writes and shows the run and its wait.
    const row = page.locator(`[data-testid="run-row"][data-run-id="${runId}"]`);
    await expect(row).toHaveAttribute('data-status', 'waiting');
    await row.locator('.run-row-main').click();
    await expect(page.getByTestId('ledger-row')).toHaveCount(2);

    // The waiting record was traced by the app: its ids are in the record panel, to copy.
    await ledgerRow(page, 1).click();
    const copyTrace = page.getByRole('button', { name: /^Copy trace id: [0-9a-f]{32}$/ });
    await expect(copyTrace).toBeVisible();
    await expect(page.getByRole('button', { name: /^Copy span id: [0-9a-f]{16}$/ })).toBeVisible();
    const traceId = ((await copyTrace.getAttribute('aria-label')) ?? '').replace(/^Copy trace id: /, '');
    await copyTrace.click();
    await expect(copyTrace).toContainText('copied');
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(traceId);
    await shot(page, '30-live-app-trace-ids');

    // The answer goes to the app, which carries it out and drives the run to its next question.
    const card = page.getByTestId('prompt-card');
    await card.getByLabel(/Answer to/).fill('Ada');
    await card.getByTestId('prompt-answer').click();
    expect(await appProcess.next()).toMatchObject({ request: { status: 'done', handledBy: `app process ${appProcess.child.pid}` } });
    await expect(card.getByTestId('prompt-answer').filter({ hasText: 'Share a fun fact' })).toBeVisible();
    await expect(page.getByTestId('ledger-row')).toHaveCount(5);
  } finally {
    appProcess.child.kill('SIGKILL');
  }
});
