import { describe, expect, it } from 'vitest';
import { StudioError } from '../../../shared/contract';
import { FakeClient, flush } from '../test-support/fake-client';
import { runDetail } from '../test-support/fixtures';
import { createRunControlStore } from './run-control-store';
import { createRunViewStore } from './run-view-store';
import { createRunsStore } from './runs-store';
import { createUiStore } from './ui-store';

function setup(client: FakeClient) {
  const ui = createUiStore();
  const runView = createRunViewStore(client, ui);
  const control = createRunControlStore({ client, ui, runView, runs: createRunsStore(client, ui) });
  return { ui, runView, control };
}

describe('run control store', () => {
  it('a Step names where the person saw the run; refused because it moved on, the header shows where it is now', async () => {
    let getCalls = 0;
    const seen = runDetail('r1', { currentNode: 'start', updatedAt: '2026-01-01T00:00:01Z', ledgerCount: 0 });
    const now = runDetail('r1', { currentNode: 'end', updatedAt: '2026-01-01T00:00:02Z', ledgerCount: 0 });
    const client = new FakeClient()
      .on('runs.get', () => (getCalls++ === 0 ? seen : now))
      .on('runs.visits', () => null)
      .on('runs.step', () => {
        throw new StudioError('RUN_MOVED_ON', 'Run r1 moved on since you saw it at `start`.');
      });
    const { runView, control, ui } = setup(client);
    await runView.getState().open('r1');
    await control.getState().step();
    await flush();
    expect(client.callsOf('runs.step')).toEqual([{ runId: 'r1', expect: { currentNode: 'start', updatedAt: '2026-01-01T00:00:01Z' } }]);
    expect(runView.getState().detail?.currentNode).toBe('end');
    expect(ui.getState().toasts.map((t) => t.message).join(' ')).toContain('moved on');
  });

  it('keeps a drive error pushed for a run, and Continue clears it', async () => {
    const client = new FakeClient().on('runs.get', () => runDetail('r1', { ledgerCount: 0 })).on('runs.visits', () => null).on('runs.continue', () => runDetail('r1'));
    const { runView, control } = setup(client);
    await runView.getState().open('r1');
    control.getState().applyDriveError('r1', 'node b is broken');
    expect(control.getState().driveErrors).toEqual({ r1: 'node b is broken' });
    await control.getState().continueRun();
    expect(control.getState().driveErrors).toEqual({});
  });
});
