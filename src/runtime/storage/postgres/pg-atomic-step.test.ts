import { describe, expect, it } from 'vitest';
import { verifyLedgerChain } from '../../ledger/chain-verifier';
import { makeRun, sampleRecord } from '../testing/store-contract';
import { freshSchema, usePgServer } from './test-support/pg-workspaces';

const pg = usePgServer();

describe('PostgresWorkspace: atomic, unforkable steps', () => {
  it('never forks, skips or repeats a seq when several connections append to one run at once', async () => {
    const schema = freshSchema('race');
    const writers = await Promise.all(Array.from({ length: 6 }, () => pg.open(schema, { poolSize: 3 })));
    const perWriter = 40;
    await Promise.all(
      writers.map((ws, w) =>
        Promise.all(Array.from({ length: perWriter }, (_, i) => ws.ledger.append(sampleRecord('shared', w * 1000 + i, { stepId: `w${w}-s${i}` })))),
      ),
    );
    const page = await writers[0]!.ledger.readLedgerPage('shared', { limit: 10_000 });
    const total = writers.length * perWriter;
    expect(page.map((e) => e.seq)).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(new Set(page.map((e) => e.record.stepId)).size).toBe(total);
    expect(verifyLedgerChain(page.map((e) => e.record))).toMatchObject({ ok: true, count: total, firstBadIndex: null });
    expect(await writers[3]!.ledger.ledgerHead('shared')).toEqual({ seq: total - 1, recordHash: page.at(-1)!.record.recordHash });
  });

  it('chains concurrent multi-record steps of several runs without a deadlock or an interleaved fork', async () => {
    const schema = freshSchema('multi');
    const writers = await Promise.all(Array.from({ length: 4 }, () => pg.open(schema)));
    await Promise.all(
      writers.flatMap((ws, w) =>
        Array.from({ length: 15 }, (_, i) => {
          // Each step touches two runs, in opposite orders on odd writers: the head locks are taken sorted.
          const [x, y] = w % 2 ? ['run-b', 'run-a'] : ['run-a', 'run-b'];
          return ws.runs.commitStep(makeRun({ runId: x }), [sampleRecord(x, i, { stepId: `${w}-${i}-x` }), sampleRecord(y, i, { stepId: `${w}-${i}-y` })]);
        }),
      ),
    );
    for (const id of ['run-a', 'run-b']) {
      const list = await writers[0]!.ledger.list(id);
      expect(list).toHaveLength(60);
      expect(verifyLedgerChain(list).ok).toBe(true);
    }
  });

  it('commits a step all or nothing: a state that cannot be stored leaves no record, and the records keep no hashes', async () => {
    const ws = await pg.open();
    const run = makeRun();
    await ws.runs.commitStep(run, [sampleRecord(run.runId, 0)]);
    const bad = { ...run, vars: { fn: (() => 1) as unknown as string } };
    const records = [sampleRecord(run.runId, 1), sampleRecord(run.runId, 2)];
    await expect(ws.runs.commitStep(bad, records)).rejects.toMatchObject({ code: 'NOT_JSON_SERIALIZABLE' });
    expect(records.map((r) => r.recordHash)).toEqual([null, null]);
    expect(await ws.ledger.ledgerCount(run.runId)).toBe(1);
    expect(await ws.ledger.ledgerHead(run.runId)).toMatchObject({ seq: 0 });
    await ws.runs.commitStep(run, records);
    expect(verifyLedgerChain(await ws.ledger.list(run.runId))).toMatchObject({ ok: true, count: 3 });
  });

  it('says which worker wrote every record', async () => {
    const schema = freshSchema('who');
    const a = await pg.open(schema, { writer: 'worker-a@host-1' });
    const b = await pg.open(schema, { writer: 'worker-b@host-2' });
    await a.ledger.append(sampleRecord('r', 0));
    await b.ledger.append(sampleRecord('r', 1));
    expect((await a.ledger.readLedgerPage('r')).map((e) => e.writtenBy)).toEqual(['worker-a@host-1', 'worker-b@host-2']);
  });
});
