/**
 * The one drive path as the Studio's clients see it, through the real web host: a drive error is
 * its own event on its run (not a fake scheduler status) and the run's stop says so; a Step aimed
 * at a state the run has left is refused with RUN_MOVED_ON.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../testing/studio-harness';

const THROWING_MODULE = `
import { WorkflowSpec } from 'abstractruntime';
export const workflows = [
  new WorkflowSpec({
    workflowId: 'throws_test',
    entryNode: 'a',
    nodes: {
      a: () => ({ nodeId: 'a', nextNode: 'b' }),
      b: () => { throw new Error('node b is broken'); },
    },
  }),
];
`;

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
  // Modules are loaded when a workspace opens: add this one, then open a fresh workspace.
  writeFileSync(join(h.dir, 'demos', 'zz-throws.ts'), THROWING_MODULE);
  const path = join(h.dir, 'drive.studio.sqlite');
  await h.call('workspace.create', { path });
  await h.waitForEvent('workspace.changed', (w) => w?.path === path);
}, 60_000);
afterAll(async () => {
  await h?.close();
});

describe('driving runs through the service', () => {
  it('a node that throws is a run.driveError on that run, and the run says it stopped on that error', async () => {
    const started = await h.call('runs.start', { workflowId: 'throws_test', varsJson: null, pausedAtEntry: false });
    const event = await h.waitForEvent('run.driveError', (e) => e.runId === started.runId);
    expect(event.message).toBe('node b is broken');
    const statuses = h.events.filter((e) => e.event === 'scheduler.status' && JSON.stringify(e.payload).includes('node b is broken'));
    expect(statuses).toEqual([]);
    const detail = await h.call('runs.get', { runId: started.runId });
    expect(detail).toMatchObject({ status: 'running', currentNode: 'b', stop: { kind: 'error', message: 'node b is broken' } });
  });

  it('a Step on a run that moved on since it was seen is refused with RUN_MOVED_ON, and nothing runs', async () => {
    const seen = await h.call('runs.start', { workflowId: 'hello_world', varsJson: null, pausedAtEntry: true });
    expect(seen.stop).toEqual({ kind: 'paused' });
    const expect0 = { currentNode: seen.currentNode, updatedAt: seen.updatedAt };
    const stepped = await h.call('runs.step', { runId: seen.runId, expect: expect0 });
    expect(stepped).toMatchObject({ currentNode: 'end', stop: { kind: 'stepped', node: 'start' } });
    // A second window still shows the run at `start`: its Step must not run `end`.
    await expect(h.call('runs.step', { runId: seen.runId, expect: expect0 })).rejects.toMatchObject({ code: 'RUN_MOVED_ON' });
    expect(await h.call('runs.get', { runId: seen.runId })).toMatchObject({ status: 'running', currentNode: 'end' });
  });
});
