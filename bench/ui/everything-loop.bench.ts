import { expect, test } from '@playwright/test';
import { startRun } from '../../e2e/support/fixtures';
import { startStudio, type StudioHost } from '../../e2e/support/studio-host';

/** One figure, one JSON line (bench/ convention), on stdout. */
function report(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ bench: 'studio-ui', name, value: Math.round(value * 10) / 10, unit, ...extra })}\n`);
}

async function api<T>(host: StudioHost, op: string, body: unknown): Promise<{ result: T; bytes: number }> {
  const url = new URL(host.url);
  const res = await fetch(`${url.origin}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Studio-Token': url.searchParams.get('token') ?? '' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const wire = JSON.parse(text) as { ok: boolean; result: T; error?: { message: string } };
  if (!wire.ok) throw new Error(`${op}: ${wire.error?.message}`);
  return { result: wire.result, bytes: Buffer.byteLength(text) };
}

/**
 * The everything demo's long loop (1,500 turns, 3,000 records) with a browser open on the run:
 * from the click that starts the loop (fast-forwarding the timer before it) until the Studio
 * shows the run completed with its newest record in the timeline. Then what one ledger page
 * costs on the wire per row.
 */
test('the everything demo loop, watched', async ({ page }) => {
  const host = await startStudio();
  try {
    await page.goto(host.url);
    await page.getByTestId('run-list').waitFor();
    const runId = await startRun(page, 'everything_demo', { paused: false });
    const card = page.getByTestId('prompt-card');
    await card.getByTestId('prompt-answer').filter({ hasText: 'Ship it' }).click();
    await expect(card).toHaveAttribute('data-kind', 'event');
    await card.getByLabel('Event payload as JSON').fill('{"approved_by": "bench"}');
    await card.getByTestId('prompt-answer').click();
    await expect(card).toHaveAttribute('data-kind', 'timer');

    const t0 = Date.now();
    const log: string[] = [];
    if (process.env['BENCH_TRACE']) {
      page.on('websocket', (ws) => ws.on('framereceived', (f) => log.push(`${Date.now() - t0} ws ${String(f.payload).slice(0, 80)} ${String(f.payload).length}`)));
      page.on('request', (r) => log.push(`${Date.now() - t0} req ${r.url().split('/api/')[1] ?? ''} ${r.postData()?.slice(0, 60) ?? ''}`));
      page.on('requestfinished', (r) => log.push(`${Date.now() - t0} done ${r.url().split('/api/')[1] ?? ''}`));
    }
    await card.getByTestId('prompt-answer').click();
    await expect(page.locator('.run-title')).toContainText('completed', { timeout: 120_000 });
    const shownCompleted = Date.now() - t0;
    const { result: detail } = await api<{ ledgerCount: number }>(host, 'runs.get', { runId });
    await page.locator(`[data-testid="ledger-row"][data-seq="${detail.ledgerCount - 1}"]`).waitFor({ timeout: 120_000 });
    const shownLast = Date.now() - t0;
    // How long the backend took to write the loop (its records' own times): the rest is the screen's.
    const { result: tail } = await api<{ entries: Array<{ nodeId: string; startedAt: string; endedAt: string | null }> }>(host, 'ledger.page', { runId, fromSeq: 0, limit: detail.ledgerCount });
    const loop = tail.entries.filter((e) => e.nodeId === 'loop_effect' || e.nodeId === 'loop');
    const written = loop.length ? Date.parse(tail.entries.at(-1)!.endedAt ?? tail.entries.at(-1)!.startedAt) - Date.parse(loop[0]!.startedAt) : 0;
    if (process.env['BENCH_TRACE']) process.stderr.write(log.join('\n') + '\n');
    report('everything_loop_watched_ms', shownCompleted, 'ms', { records: detail.ledgerCount, newest_row_shown_ms: shownLast, backend_write_ms: written });

    const { result: page500, bytes } = await api<{ entries: unknown[] }>(host, 'ledger.page', { runId, fromSeq: Math.max(0, detail.ledgerCount - 500), limit: 500 });
    report('ledger_page_bytes_per_row', bytes / page500.entries.length, 'bytes', { rows: page500.entries.length, run: 'everything_demo' });
  } finally {
    await host.stop();
  }
});
