import { describe, expect, it } from 'vitest';
import { ActorFingerprint } from '../identity/actor-fingerprint';
import { Snapshot } from '../snapshots/snapshot';
import { InMemoryRunStore } from '../storage/memory/memory-run-store';
import { RunState, WaitState } from './models';

describe('the reference constructors in camelCase', () => {
  it('RunState.new builds a running run at the entry node with Python timestamps', async () => {
    const run = RunState.new({ workflowId: 'wf', entryNode: 'start', vars: { a: 1 }, actorId: 'ar_x' });
    expect(run).toMatchObject({ workflowId: 'wf', status: 'running', currentNode: 'start', vars: { a: 1 }, waiting: null, actorId: 'ar_x', parentRunId: null });
    expect(run.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(run.createdAt).toMatch(/\+00:00$/);
    // As in the reference's query tests: a hand-set wait, saved and queried.
    run.status = 'waiting';
    run.waiting = WaitState.create({ reason: 'until', until: '2000-01-01T00:00:00+00:00' });
    const store = new InMemoryRunStore();
    await store.save(run);
    expect((await store.listDueWaitUntil({ nowIso: '2001-01-01T00:00:00+00:00' })).map((r) => r.runId)).toEqual([run.runId]);
  });

  it('Snapshot.fromRun and ActorFingerprint.fromMetadata', () => {
    const run = RunState.new({ workflowId: 'wf', entryNode: 'start' });
    const snap = Snapshot.fromRun({ run, name: 'first', tags: ['t'] });
    expect(snap).toMatchObject({ runId: run.runId, name: 'first', tags: ['t'], runState: { workflow_id: 'wf', current_node: 'start' } });
    expect(ActorFingerprint.fromMetadata({ kind: 'agent', displayName: 'fixture-agent', metadata: { team: 'qa' } }).actorId).toBe('ar_7f705e54bbf08defdf1d5d43');
  });
});
