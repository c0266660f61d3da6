/**
 * A Studio on a workspace where another live process holds runs (an app with a RunOwner) leaves
 * those runs to it: Continue and Step are refused with RUN_LOCKED, and the scheduler does not try
 * to wake a due run it cannot take (which it counted as a failed run, with an error shown).
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApprovalToolExecutor, defineTool, EffectType, makeToolCallsHandler, ManualClock, MappingToolExecutor, parseIsoTimestamp, RunOwner, Runtime, WorkflowRegistry, WorkflowSpec } from '../../runtime/index';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { startHarness, type Harness } from '../testing/studio-harness';

const UNTIL = '2020-01-01T00:00:00.000000+00:00';
const later = new WorkflowSpec({
  workflowId: 'held_later',
  entryNode: 'wait',
  nodes: {
    wait: () => ({ nodeId: 'wait', effect: { type: EffectType.WAIT_UNTIL, payload: { until: UNTIL } }, nextNode: 'done' }),
    done: () => ({ nodeId: 'done', completeOutput: { ok: true } }),
  },
});

let h: Harness | null = null;
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await h?.close();
  h = null;
});

describe('runs another live process holds', () => {
  it('are not moved by the Studio: Continue and Step say who holds them, and the scheduler leaves a due one alone', async () => {
    h = await startHarness();
    const path = join(h.dir, 'held.studio.sqlite');
    await h.call('workspace.create', { path });
    // The app's clock stands in 2001, so its run waits for 2020, which is long past for the Studio.
    const app = SqliteWorkspace.open(path);
    const rt = new Runtime({ runStore: app.runs, ledgerStore: app.ledger, clock: new ManualClock(parseIsoTimestamp('2001-01-01T00:00:00+00:00')!) });
    const owner = new RunOwner({ runtime: rt, requests: app.requests });
    cleanups.push(() => app.close(), () => owner.close());
    const running = await rt.start({ workflow: later });
    await owner.hold(running);
    const due = await rt.start({ workflow: later });
    await owner.hold(due);
    expect((await rt.tick({ workflow: later, runId: due })).status).toBe('waiting');

    await expect(h.call('runs.continue', { runId: running })).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    await expect(h.call('runs.step', { runId: running })).rejects.toMatchObject({ code: 'RUN_LOCKED' });
    expect(await h.call('runs.get', { runId: running })).toMatchObject({ status: 'running', paused: false, ledgerCount: 0 });

    // Two poll cycles after the run came due (the first may have started before): nothing tried, nothing failed.
    const start = (await h.call('scheduler.status', {})).pollCycles;
    for (let i = 0; i < 400 && (await h.call('scheduler.status', {})).pollCycles < start + 2; i++) await new Promise((r) => setTimeout(r, 25));
    const status = await h.call('scheduler.status', {});
    expect(status.pollCycles).toBeGreaterThanOrEqual(start + 2);
    expect(status).toMatchObject({ runsFailed: 0, lastError: null });
    expect((await h.call('runs.get', { runId: due })).status).toBe('waiting');
  });

  it("sends an approval's decisions to the process holding the run, which runs the approved tool calls with its own tools", async () => {
    h = await startHarness();
    const path = join(h.dir, 'approve.studio.sqlite');
    await h.call('workspace.create', { path });
    const ran: string[] = [];
    const deleteFile = defineTool({ name: 'delete_file' }, ({ path: p }) => {
      ran.push(String(p));
      return `deleted ${String(p)}`;
    });
    const executor = new ApprovalToolExecutor({ inner: MappingToolExecutor.fromTools([deleteFile]), requiresApproval: () => true });
    const tools = new WorkflowSpec({
      workflowId: 'held_tools',
      entryNode: 'act',
      nodes: {
        act: () => ({ nodeId: 'act', effect: { type: EffectType.TOOL_CALLS, payload: { tool_calls: [{ name: 'delete_file', arguments: { path: '/tmp/x' }, call_id: 'c1' }] }, resultKey: 'r' }, nextNode: 'done' }),
        done: (run) => ({ nodeId: 'done', completeOutput: { r: run.vars['r'] ?? null } }),
      },
    });
    const registry = new WorkflowRegistry();
    registry.register(tools);
    const app = SqliteWorkspace.open(path);
    const rt = new Runtime({ runStore: app.runs, ledgerStore: app.ledger, workflowRegistry: registry, effectHandlers: { tool_calls: makeToolCallsHandler(executor) } });
    const owner = new RunOwner({ runtime: rt, requests: app.requests, toolExecutor: executor, name: 'the app' });
    cleanups.push(() => app.close(), () => owner.close());
    const runId = await rt.start({ workflow: tools });
    await owner.hold(runId);
    const waiting = await rt.tick({ workflow: tools, runId });
    expect(waiting.waiting?.details).toMatchObject({ mode: 'approval' });
    owner.start();

    await h.call('prompts.answer', { runId, waitKey: waiting.waiting!.waitKey, payloadJson: '{"decisions": {"c1": {"approved": true}}}' });
    expect(ran).toEqual(['/tmp/x']); // run once, by the app's own tool
    const done = await owner.finished(runId);
    expect(done.output).toMatchObject({ r: { mode: 'executed', results: [{ name: 'delete_file', success: true, output: 'deleted /tmp/x' }] } });
  });
});
