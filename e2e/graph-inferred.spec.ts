import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from '@playwright/test';
import { expect, graphNode, shot, startRun, test } from './support/fixtures';
import { writeBenchWorkflows } from '../bench/ui/bench-workflows';
import { writeFirstWorkflow } from './support/first-workflow';

// Graphs without hand-written metadata (issue 17 item 2): the README's module declares no graph;
// its runs say what each node is and where it went. The pane is resizable and remembers its size.

const { dir } = writeFirstWorkflow(mkdtempSync(join(tmpdir(), 'studio-e2e-first-workflow-')));
test.use({ hostOptions: { workflowDirs: [dir] }, viewport: { width: 1280, height: 720 } });

const edge = (page: Page, from: string, to: string) => page.locator(`.react-flow__edge[data-id="${from}\u2192${to}"]`);
const kindOf = (page: Page, id: string) => graphNode(page, id).locator('.gnode-kind');

async function answer(page: Page, choice: 'slow' | 'crash'): Promise<void> {
  await startRun(page, 'triage', { paused: false });
  await page.getByTestId('prompt-card').first().getByTestId('prompt-answer').filter({ hasText: choice }).click();
}

test('node kinds from the first effect each node produced, edges from the transitions runs took, dashed as not declared', async ({ app: page }) => {
  const item = page.locator('.workflow-item', { hasText: 'triage' });
  await item.hover();
  await item.getByTestId('show-workflow-graph').click();
  // Before any run: every node, nothing known of it but its name, no edges.
  await expect(kindOf(page, 'ask')).toHaveText('step');
  await expect(page.locator('.react-flow__edge')).toHaveCount(0);

  await answer(page, 'slow');
  await expect(page.locator('.run-title')).toContainText('completed');
  await answer(page, 'crash');
  await expect(page.getByTestId('current-node')).toHaveText('escalate');

  await expect(kindOf(page, 'intake')).toHaveText('start');
  await expect(kindOf(page, 'ask')).toHaveText('ask_user');
  await expect(kindOf(page, 'search')).toHaveText('tool_calls');
  await expect(kindOf(page, 'decide')).toHaveText('step');
  await expect(kindOf(page, 'escalate')).toHaveText('wait_event');
  await expect(kindOf(page, 'reply')).toHaveText('terminal');
  // This run's path is drawn taken; the branch only the first run took is there, not taken.
  for (const [from, to] of [['intake', 'ask'], ['ask', 'search'], ['search', 'decide'], ['decide', 'escalate']] as const) {
    await expect(edge(page, from, to)).toHaveClass(/taken/);
  }
  await expect(edge(page, 'decide', 'reply')).toHaveClass(/undeclared/);
  await expect(edge(page, 'decide', 'reply')).not.toHaveClass(/taken/);
  await expect(page.locator('.graph-legend')).toContainText('not declared: seen in runs');

  // The same graph before opening a run: the preview says where it comes from.
  await item.hover();
  await item.getByTestId('show-workflow-graph').click();
  await expect(page.getByTestId('workflow-preview')).toContainText('kinds and edges from its 2 runs');
  await expect(page.locator('.react-flow__edge')).toHaveCount(5);
  await expect(page.locator('.react-flow__edge.taken')).toHaveCount(0);
  // The README's picture: this graph, drawn from runs alone.
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.waitForTimeout(500);
  await shot(page, 'graph-inferred');
});

test('the graph pane is resized with its splitter, keeps its size across a reload, and labels do not overlap', async ({ app: page }) => {
  // A waiting run's prompt card takes its own room above the split; a finished run shows the split alone.
  await answer(page, 'crash');
  await expect(page.getByTestId('current-node')).toHaveText('escalate');
  await answer(page, 'slow');
  await expect(page.locator('.run-title')).toContainText('completed');
  const graph = page.getByTestId('workflow-graph');
  const before = (await graph.boundingBox())!.height;
  const handle = page.getByRole('separator', { name: 'Resize the graph and the ledger' });
  const box = (await handle.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width / 2, box.y + 160, { steps: 8 });
  await page.mouse.up();
  const after = (await graph.boundingBox())!.height;
  expect(after).toBeGreaterThan(before + 120);
  expect(after).toBeGreaterThan(300); // readable at 1280×720, not the old ~180 px

  await page.reload();
  await expect(page.getByTestId('workflow-graph')).toBeVisible();
  await expect.poll(async () => Math.round((await page.getByTestId('workflow-graph').boundingBox())!.height)).toBeGreaterThan(after - 4);

  // Every node on screen, none overlapping another or an edge label.
  const boxes = await page.locator('[data-testid="graph-node"], .gedge-label').evaluateAll((els) =>
    els.map((e) => {
      const r = e.getBoundingClientRect(); // (runs in the page: plain numbers back)
      return { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
    }),
  );
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i]!;
      const b = boxes[j]!;
      expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top, `boxes ${i} and ${j} overlap`).toBe(true);
    }
  }
});

test.describe('a 300-node graph', () => {
  test.use({ hostOptions: { workflowDirs: [writeBenchWorkflows()] } });

  test('opens legible around its entry, and Fit shows it whole with names alone and no two labels overlapping', async ({ app: page }) => {
    const item = page.locator('.workflow-item', { hasText: 'bench_graph_300' });
    await item.hover();
    await item.getByTestId('show-workflow-graph').click();
    await expect(graphNode(page, 'n0')).toBeVisible();
    const labels = page.locator('[data-testid="graph-node"] .gnode-label');
    /** Each visible name's type size on screen (its CSS size times the zoom it is drawn at) and its box. */
    const drawn = () =>
      labels.evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          // (The e2e tsconfig has no DOM types: the page's own functions are reached through globalThis.)
          const style = (globalThis as unknown as { getComputedStyle(el: unknown): { fontSize: string } }).getComputedStyle(e);
          return { px: parseFloat(style.fontSize) * (r.height / (e as unknown as { offsetHeight: number }).offsetHeight), box: { left: r.left, right: r.right, top: r.top, bottom: r.bottom } };
        }),
      );
    // Opened: cropped at a readable zoom, starting at the entry, not centred on half a pane of nothing.
    await page.waitForTimeout(300);
    const opened = await drawn();
    expect(opened.length).toBeGreaterThanOrEqual(3);
    for (const s of opened) expect(s.px).toBeGreaterThanOrEqual(8); // 11.5 px names at the readable zoom (0.75)
    const pane = (await page.getByTestId('workflow-graph').boundingBox())!;
    expect((await graphNode(page, 'n0').boundingBox())!.x).toBeLessThan(pane.x + 60);

    await page.getByRole('button', { name: 'Fit the whole graph' }).click();
    await expect(page.getByTestId('workflow-graph')).toHaveAttribute('data-compact', 'true');
    await page.waitForTimeout(400); // the fit's 200 ms animation
    const boxes = (await drawn()).map((s) => s.box);
    expect(boxes.length).toBeGreaterThan(40); // as many as React Flow draws at its smallest zoom (0.08)
    for (let i = 0; i < boxes.length; i++) {
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        expect(a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top, `labels ${i} and ${j} overlap`).toBe(true);
      }
    }
  });
});

test('a subworkflow expands to draw its child workflow inline, and collapses back to one node', async ({ app: page }) => {
  const item = page.locator('.workflow-item', { hasText: 'everything_demo' });
  await item.hover();
  await item.getByTestId('show-workflow-graph').click();
  const nodes = page.locator('[data-testid="graph-node"]');
  await expect(nodes).toHaveCount(14);
  const expand = graphNode(page, 'sync_child').getByRole('button', { name: 'Expand the subworkflow at sync_child' });
  await expand.click();
  const inner = page.locator('[data-testid="graph-node"][data-node-id^="sync_child/"]');
  await expect(inner.first()).toBeVisible();
  const added = await inner.count();
  expect(added).toBeGreaterThan(0);
  await expect(nodes).toHaveCount(14 + added);
  await expect(edge(page, 'sync_child', `sync_child/${(await inner.first().getAttribute('data-node-id'))!.split('/')[1]}`)).toHaveCount(1);
  await graphNode(page, 'sync_child').getByRole('button', { name: 'Collapse the subworkflow at sync_child' }).click();
  await expect(nodes).toHaveCount(14);
});
