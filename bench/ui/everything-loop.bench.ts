import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { expect, test } from '@playwright/test';
import { startRun } from '../../e2e/support/fixtures';
import { startStudio, type StudioHost } from '../../e2e/support/studio-host';

/** One figure, one JSON line (bench/ convention), on stdout. */
function report(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  const load = Math.round(loadavg()[0]! * 100) / 100;
  process.stdout.write(`${JSON.stringify({ bench: 'studio-ui', name, value: Math.round(value * 10) / 10, unit, ...extra, load_avg_1m: load })}\n`);
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

interface Entry {
  nodeId: string;
  startedAt: string;
  endedAt: string | null;
}

/**
 * When the backend wrote the loop, by its records' own times (same machine, same clock), from
 * `t0`: its first record, and its last one. What comes after that is the screen's.
 */
async function loopWritten(host: StudioHost, runId: string, t0: number): Promise<{ loop_first_record_ms: number; loop_last_record_ms: number }> {
  const { result } = await api<{ entries: Entry[] }>(host, 'ledger.page', { runId, fromSeq: 0, limit: 5000 });
  const first = result.entries.find((e) => e.nodeId === 'loop' || e.nodeId === 'loop_effect');
  const last = result.entries.at(-1);
  return {
    loop_first_record_ms: first ? Date.parse(first.startedAt) - t0 : -1,
    loop_last_record_ms: last ? Date.parse(last.endedAt ?? last.startedAt) - t0 : -1,
  };
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

    // What the page pulls while it watches (load-independent, unlike the times): requests by
    // operation, their answers' bytes, and the bytes of the events pushed to it.
    const traffic = { requests: {} as Record<string, number>, answerBytes: 0, eventBytes: 0, on: true };
    page.on('requestfinished', (r) => {
      if (!traffic.on) return;
      const op = r.url().split('/api/')[1] ?? 'other';
      traffic.requests[op] = (traffic.requests[op] ?? 0) + 1;
      void r.sizes().then((z) => (traffic.answerBytes += z.responseBodySize));
    });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    cdp.on('Network.webSocketFrameReceived', (f) => {
      if (traffic.on) traffic.eventBytes += f.response.payloadData.length;
    });
    // BENCH_PAGE_PROFILE=<file>: the page's CPU profile over the loop, for Chrome DevTools (where the page's time goes).
    const profileTo = process.env['BENCH_PAGE_PROFILE'];
    if (profileTo) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const t0 = Date.now();
    await card.getByTestId('prompt-answer').click();
    await expect(page.locator('.run-title')).toContainText('completed', { timeout: 120_000 });
    const shownCompleted = Date.now() - t0;
    if (profileTo) writeFileSync(profileTo, JSON.stringify((await cdp.send('Profiler.stop')).profile));
    traffic.on = false;
    const { result: detail } = await api<{ ledgerCount: number }>(host, 'runs.get', { runId });
    await page.locator(`[data-testid="ledger-row"][data-seq="${detail.ledgerCount - 1}"]`).waitFor({ timeout: 120_000 });
    const shownLast = Date.now() - t0;
    report('everything_loop_watched_ms', shownCompleted, 'ms', { records: detail.ledgerCount, newest_row_shown_ms: shownLast, ...(await loopWritten(host, runId, t0)) });
    report('everything_loop_watched_page_pulls_kb', (traffic.answerBytes + traffic.eventBytes) / 1024, 'KiB', {
      answers_kb: Math.round(traffic.answerBytes / 1024),
      events_kb: Math.round(traffic.eventBytes / 1024),
      requests: traffic.requests,
    });

    const { result: page500, bytes } = await api<{ entries: unknown[] }>(host, 'ledger.page', { runId, fromSeq: Math.max(0, detail.ledgerCount - 500), limit: 500 });
    report('ledger_page_bytes_per_row', bytes / page500.entries.length, 'bytes', { rows: page500.entries.length, run: 'everything_demo' });
  } finally {
    await host.stop();
  }
});

/** The same loop with no page open, in the same session: what watching costs is the difference. */
test('the everything demo loop, not watched', async () => {
  const host = await startStudio();
  try {
    const { result: run } = await api<{ runId: string }>(host, 'runs.start', { workflowId: 'everything_demo' });
    const until = async (done: (d: { status: string; waitReason: string | null }) => boolean) => {
      for (;;) {
        const { result: d } = await api<{ status: string; waitReason: string | null; waiting: { waitKey: string | null } | null }>(host, 'runs.get', { runId: run.runId });
        if (done(d)) return d;
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const ask = await until((d) => d.waitReason === 'user');
    await api(host, 'prompts.answer', { runId: run.runId, waitKey: ask.waiting?.waitKey ?? null, payloadJson: '{"response": "Ship it"}' });
    const event = await until((d) => d.waitReason === 'event');
    await api(host, 'runs.resumeEvent', { runId: run.runId, waitKey: event.waiting?.waitKey ?? null, payloadJson: '{"approved_by": "bench"}' });
    await until((d) => d.waitReason === 'until');
    const t0 = Date.now();
    await api(host, 'runs.fastForward', { runId: run.runId });
    await until((d) => d.status === 'completed');
    report('everything_loop_unwatched_ms', Date.now() - t0, 'ms', await loopWritten(host, run.runId, t0));
  } finally {
    await host.stop();
  }
});
