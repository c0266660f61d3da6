import { describe, expect, it } from 'vitest';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { PgChangeNotes, QUIET_NOTES_SQL } from './pg-change-notes';
import { type RunChange } from './pg-notifications';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

const change = (runId: string, over: Partial<RunChange> = {}): RunChange => ({
  runId,
  status: 'running',
  until: null,
  headSeq: 0,
  parentRunId: null,
  leased: true,
  ...over,
});

/** A db that records what it is sent (the window is an hour: nothing goes out by the timer in a test). */
function fake(): { sent: unknown[][]; notes: PgChangeNotes } {
  const sent: unknown[][] = [];
  const db = {
    isClosed: false,
    query: (sql: string, params: readonly unknown[] = []): Promise<never[]> => {
      expect(sql).toBe(QUIET_NOTES_SQL);
      sent.push([...params]);
      return Promise.resolve([]);
    },
  };
  return { sent, notes: new PgChangeNotes(db, 'ch', 3_600_000) };
}

describe('PgChangeNotes: quiet steps announced together', () => {
  it('sends a run’s first quiet change in its commit and the newest of those after it at the end of the window', async () => {
    const { sent, notes } = fake();
    const first = notes.split([change('a', { headSeq: 0 })]);
    expect(first.later).toEqual([]);
    notes.committed(first.now, first.later);
    for (let seq = 1; seq <= 3; seq++) {
      const s = notes.split([change('a', { headSeq: seq })]);
      expect(s.now).toEqual([]);
      notes.committed(s.now, s.later);
    }
    expect(sent).toEqual([]);
    await notes.flush();
    expect(sent).toEqual([['ch', [JSON.stringify(change('a', { headSeq: 3 }))]]]);
    await notes.flush();
    expect(sent).toHaveLength(1); // nothing waits any more
  });

  it('sends every change a worker acts on in its commit, and drops the quiet one it supersedes', async () => {
    const { sent, notes } = fake();
    const first = notes.split([change('a')]);
    notes.committed(first.now, first.later);
    const quiet = notes.split([change('a', { headSeq: 1 })]);
    notes.committed(quiet.now, quiet.later);
    for (const c of [
      change('a', { headSeq: 2, status: 'waiting', until: '2030-01-01T00:00:00.000000+00:00' }),
      change('a', { headSeq: 3, status: 'completed' }),
      change('a', { headSeq: 4, leased: false }),
      change('a', { headSeq: 5, status: null }),
      change('b', { headSeq: 0 }), // a run this writer has not announced yet
    ]) {
      const s = notes.split([c]);
      expect(s).toEqual({ now: [c], later: [] });
      notes.committed(s.now, s.later);
    }
    await notes.flush();
    expect(sent).toEqual([]); // the quiet change of `a` was superseded by the newer heads sent since
  });

  it('lets a listener of a real workspace hear the last head of a burst of quiet steps, and no step is left unannounced on close', async () => {
    const schema = freshSchema('notes');
    const a = await server.open(schema);
    const b = await server.open(schema);
    const heard: RunChange[] = [];
    const off = await b.onRunChange((c) => heard.push(c));
    const run = makeRun();
    await a.runs.acquireRunLease(run.runId); // given back by close
    for (let i = 0; i < 20; i++) {
      run.vars = { ...run.vars, i };
      await a.runs.commitStep(run, [sampleRecord(run.runId, i)]);
    }
    await a.close(); // sends what waits for its window
    for (let i = 0; i < 100 && heard.at(-1)?.headSeq !== 19; i++) await new Promise((r) => setTimeout(r, 20));
    off();
    expect(heard.at(-1)).toMatchObject({ runId: run.runId, status: 'running', leased: true, headSeq: 19 });
    expect(heard.map((c) => c.headSeq)).toEqual([...heard.map((c) => c.headSeq)].sort((x, y) => x - y));
  });
});
