import { test, type Page } from '@playwright/test';
import { startStudio, type StudioHost } from '../../e2e/support/studio-host';
import { writeBenchWorkflows } from './bench-workflows';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../e2e/global-setup';

const UI_RUNS = 100_000;

/** The 100,000 runs, written straight through the runtime's SQLite store by bench/ui/runs-100k.ts (in a tsx process). */
function writeRuns100k(path: string): number {
  const out = execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'tsx'), [join(REPO_ROOT, 'bench', 'ui', 'runs-100k.ts'), path], { cwd: REPO_ROOT, encoding: 'utf8' });
  return Number(out.trim());
}

const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 50_000);

/** One figure, one JSON line (bench/ convention), on stdout. */
function report(name: string, value: number, unit: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ bench: 'studio-ui', name, value: Math.round(value * 10) / 10, unit, ...extra })}\n`);
}

async function api<T>(host: StudioHost, op: string, body: unknown): Promise<T> {
  const url = new URL(host.url);
  const res = await fetch(`${url.origin}/api/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'X-Studio-Token': url.searchParams.get('token') ?? '' },
    body: JSON.stringify(body),
  });
  const wire = (await res.json()) as { ok: boolean; result: T; error?: { message: string } };
  if (!wire.ok) throw new Error(`${op}: ${wire.error?.message}`);
  return wire.result;
}

interface FrameProbe {
  __frames: number[];
  __stop: boolean;
  requestAnimationFrame(cb: (t: number) => void): number;
}

/** Collects requestAnimationFrame intervals while `work` runs: what a person perceives as jank. */
async function frameTimes(page: Page, work: () => Promise<void>): Promise<{ p50: number; p95: number; max: number; long: number; frames: number }> {
  // Runs in the page; typed through globalThis because the tests' tsconfig has no DOM types.
  await page.evaluate(() => {
    const w = globalThis as unknown as FrameProbe;
    w.__frames = [];
    w.__stop = false;
    let last = performance.now();
    const tick = (t: number) => {
      w.__frames.push(t - last);
      last = t;
      if (!w.__stop) w.requestAnimationFrame(tick);
    };
    w.requestAnimationFrame(tick);
  });
  await work();
  const frames = await page.evaluate(() => {
    const w = globalThis as unknown as FrameProbe;
    w.__stop = true;
    return w.__frames.slice(1);
  });
  const sorted = [...frames].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted.at(-1) ?? 0, long: frames.filter((f) => f > 50).length, frames: frames.length };
}

test('a 100,000-record run and a 300-node graph stay usable', async ({ page }) => {
  const host = await startStudio({ workflowDirs: [writeBenchWorkflows()] });
  try {
    // A workspace naming workflow folders runs their code once trusted (workspace trust): the bench trusts its own.
    await api(host, 'workspace.trust', { path: host.workspacePath, trusted: true });
    // The long run, driven by the backend alone (no page open), until it completes.
    const t0 = Date.now();
    const run = await api<{ runId: string }>(host, 'runs.start', { workflowId: 'bench_loop', varsJson: JSON.stringify({ rounds: ROUNDS }) });
    let detail = await api<{ status: string; ledgerCount: number }>(host, 'runs.get', { runId: run.runId });
    while (detail.status === 'running') {
      await new Promise((r) => setTimeout(r, 1000));
      detail = await api(host, 'runs.get', { runId: run.runId });
    }
    report('bench_loop_records', detail.ledgerCount, 'records', { seconds_to_write: (Date.now() - t0) / 1000 });

    // Time to first render: from navigation to the newest ledger rows on screen.
    await page.goto(host.url);
    await page.getByTestId('run-list').waitFor();
    const open = Date.now();
    await page.locator(`[data-testid="run-row"][data-run-id="${run.runId}"] .run-row-main`).click();
    await page.locator(`[data-testid="ledger-row"][data-seq="${detail.ledgerCount - 1}"] .c-node`).waitFor();
    report('ledger_first_rows_ms', Date.now() - open, 'ms', { records: detail.ledgerCount });

    // Scrolling the timeline: wheel through thousands of rows (pages load as they come into view).
    const timeline = page.getByTestId('ledger-timeline');
    await timeline.hover();
    const scroll = await frameTimes(page, async () => {
      for (let i = 0; i < 60; i++) {
        await page.mouse.wheel(0, 1200);
        await page.waitForTimeout(16);
      }
    });
    report('ledger_scroll_frame_p50_ms', scroll.p50, 'ms');
    report('ledger_scroll_frame_p95_ms', scroll.p95, 'ms', { max: scroll.max, long_frames: scroll.long, frames: scroll.frames });

    // A jump deep into the history (the end of the list) and the time until its rows show.
    const jump = Date.now();
    await timeline.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator('[data-testid="ledger-row"][data-seq="0"] .c-node').waitFor();
    report('ledger_jump_to_first_record_ms', Date.now() - jump, 'ms');

    // The 300-node graph: time to show it, then frame times while panning and zooming.
    const graphRun = await api<{ runId: string }>(host, 'runs.start', { workflowId: 'bench_graph_300', pausedAtEntry: true });
    const g0 = Date.now();
    await page.goto(`${host.url.split('?')[0]}#/run/${graphRun.runId}`);
    await page.locator('[data-testid="graph-node"][data-node-id="n0"]').waitFor();
    report('graph_300_first_render_ms', Date.now() - g0, 'ms', { nodes_in_dom: await page.getByTestId('graph-node').count() });
    const pane = page.getByTestId('workflow-graph');
    const box = (await pane.boundingBox())!;
    const pan = await frameTimes(page, async () => {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.down();
      for (let i = 0; i < 60; i++) await page.mouse.move(box.x + box.width / 2 - i * 12, box.y + box.height / 2 - (i % 10) * 3);
      await page.mouse.up();
      for (let i = 0; i < 20; i++) await page.mouse.wheel(0, i < 10 ? 200 : -200);
    });
    report('graph_300_pan_zoom_frame_p50_ms', pan.p50, 'ms');
    report('graph_300_pan_zoom_frame_p95_ms', pan.p95, 'ms', { max: pan.max, long_frames: pan.long, frames: pan.frames });
    // The whole graph on screen (all 300 nodes in the DOM), then one step and its highlight.
    await page.getByRole('button', { name: 'Fit the whole graph' }).click();
    await page.waitForTimeout(500);
    const step = Date.now();
    await page.getByTestId('step-button').click();
    await page.locator('[data-testid="graph-node"][data-node-id="n1"][data-state="current"]').waitFor();
    report('graph_300_step_to_highlight_ms', Date.now() - step, 'ms', { nodes_in_dom: await page.getByTestId('graph-node').count() });
  } finally {
    await host.stop();
  }
});

test('the runs table at 100,000 runs: first rows, a filter, scrolling', async ({ page }) => {
  let seconds = 0;
  const host = await startStudio({ prepareWorkspace: (path) => (seconds = writeRuns100k(path)) });
  try {
    report('runs_table_workspace_runs', UI_RUNS, 'runs', { seconds_to_write: Math.round(seconds * 10) / 10 });
    const rows = page.locator('[data-testid="run-row"][data-run-id]');
    // Time to first rows: from navigation to the newest runs on screen.
    const t0 = Date.now();
    await page.goto(host.url);
    await rows.first().waitFor();
    report('runs_table_first_rows_ms', Date.now() - t0, 'ms', { runs: UI_RUNS, rows_in_dom: await rows.count(), count: await page.locator('.runs .count').textContent() });

    // A filter typed in the field: from the keystroke to a list of waiting runs only.
    const filter = page.getByLabel('Search runs');
    const f0 = Date.now();
    await filter.fill('status:waiting');
    await page.waitForFunction(() => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
      const shown = Array.from(doc.querySelectorAll('[data-testid="run-row"][data-run-id]'));
      return shown.length > 0 && shown.every((r) => r.getAttribute('data-status') === 'waiting');
    });
    report('runs_table_filter_status_waiting_ms', Date.now() - f0, 'ms', { count: await page.locator('.runs .count').textContent() });
    await filter.fill('');
    await page.locator('.runs .count').filter({ hasText: 'top-level' }).waitFor();
    await rows.first().waitFor();

    // Scrolling the table: wheel through thousands of runs (pages load as they come into view).
    const list = page.getByTestId('run-list');
    await list.hover();
    const scroll = await frameTimes(page, async () => {
      for (let i = 0; i < 60; i++) {
        await page.mouse.wheel(0, 1200);
        await page.waitForTimeout(16);
      }
    });
    report('runs_table_scroll_frame_p50_ms', scroll.p50, 'ms');
    report('runs_table_scroll_frame_p95_ms', scroll.p95, 'ms', { max: scroll.max, long_frames: scroll.long, frames: scroll.frames });

    // A jump to the oldest runs (the end of the list) and the time until their rows show.
    const jump = Date.now();
    await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
    await page.locator(`[data-testid="run-row"][data-run-id="00000000-0000-4000-9000-000000000000"]`).waitFor();
    report('runs_table_jump_to_oldest_ms', Date.now() - jump, 'ms');
  } finally {
    await host.stop();
  }
});
