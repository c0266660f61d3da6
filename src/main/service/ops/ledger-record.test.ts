/**
 * What the timeline is sent (issue 12 item 6): ledger pages and ledger events carry summary rows,
 * the events say which seqs landed, and `ledger.record` answers one record in full, in every kind
 * of source. Through the real web host, with real files.
 */
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../../runtime/storage/sqlite/index';
import { makeRun, sampleRecord } from '../../../runtime/storage/testing/store-contract';
import { type LedgerEntry } from '../../../shared/contract/domain';
import { type EventMap } from '../../../shared/contract/events';
import { untilStatus, useHarness } from '../../testing/studio-harness';

const h = useHarness();

const JSON_TEXTS = ['effectJson', 'resultJson', 'recordJson'] as const;

/** The ask-user demo answered with `name`, run to its end in the open workspace. */
async function completedAskUserRun(name: string): Promise<string> {
  const run = await h.call('runs.start', { workflowId: 'ask_user_demo' });
  for (const answer of [name, null]) {
    await h.service.idle();
    const prompt = (await h.call('prompts.list', {})).find((p) => p.runId === run.runId)!;
    await h.call('prompts.answer', { runId: run.runId, waitKey: prompt.waitKey, payloadJson: JSON.stringify({ response: answer ?? prompt.choices![0] }) });
  }
  await h.service.idle();
  await untilStatus(h, run.runId, 'completed');
  return run.runId;
}

/** Every record of the run pages as a summary row, and comes in full, with the same facts, by ledger.record. */
async function expectSummaryPagesAndFullRecords(runId: string): Promise<void> {
  const page = await h.call('ledger.page', { runId, fromSeq: 0, limit: 5000 });
  expect(page.entries.length).toBe(page.total);
  expect(page.total).toBeGreaterThan(0);
  for (const row of page.entries) {
    for (const key of JSON_TEXTS) expect(row, `${key} of row ${row.seq}`).not.toHaveProperty(key);
    const full = await h.call('ledger.record', { runId, seq: row.seq });
    expect(full).toMatchObject({ ...row, failure: full.failure === null ? null : expect.stringContaining((row.failure ?? '').slice(0, 100)), runId });
    expect(JSON.parse(full.recordJson)).toMatchObject({ run_id: runId, node_id: row.nodeId, status: row.status });
  }
  await expect(h.call('ledger.record', { runId, seq: page.total })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  await expect(h.call('ledger.record', { runId: 'no-such-run', seq: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
}

describe('a SQLite workspace', () => {
  let runId = '';
  beforeAll(async () => {
    runId = await completedAskUserRun('Ada');
  }, 60_000);

  it('pages summary rows without the JSON texts; ledger.record has the record in full', async () => {
    await expectSummaryPagesAndFullRecords(runId);
    const resume = (await h.call('ledger.page', { runId })).entries.find((e) => e.kind === 'resume')!;
    const full = await h.call('ledger.record', { runId, seq: resume.seq });
    expect(JSON.parse(full.resultJson!)).toMatchObject({ resume: { payload: { response: 'Ada' } } });
    expect(full.stepId).toMatch(/./);
  });

  it('announces appended records by their seqs: every record once, in order, its row as the page has it', async () => {
    const page = await h.call('ledger.page', { runId, fromSeq: 0, limit: 5000 });
    const announced = h.events
      .filter((e) => e.event === 'ledger.appended')
      .map((e) => e.payload as EventMap['ledger.appended'])
      .filter((p) => p.runId === runId);
    expect(announced.length).toBeGreaterThan(0);
    const seqs: number[] = [];
    const rows: LedgerEntry[] = [];
    for (const a of announced) {
      expect(a.count).toBe(a.lastSeq - a.firstSeq + 1);
      for (let s = a.firstSeq; s <= a.lastSeq; s++) seqs.push(s);
      expect(a.entries.map((e) => e.seq)).toEqual(seqs.slice(-a.entries.length));
      rows.push(...a.entries);
    }
    expect(seqs).toEqual(page.entries.map((e) => e.seq));
    expect(rows).toEqual(page.entries);
  });

  it('pages the ledger of a run whose saved state cannot be read: a page decodes no state', async () => {
    const broken = await completedAskUserRun('Bo');
    const path = (await h.call('workspace.current', {}))!.path;
    const db = new Database(path);
    // The append-only triggers stand in the way, as they would for any editor of the file.
    for (const t of db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('ledger', 'run_states')").pluck().all() as string[]) db.exec(`DROP TRIGGER "${t}"`);
    const key = db.prepare('SELECT run_key FROM run_keys WHERE run_id = ?').pluck().get(broken) as number;
    db.prepare("UPDATE ledger SET state = 'not a state' WHERE id >= (? << 32) AND id < ((? + 1) << 32) AND state IS NOT NULL").run(key, key);
    db.prepare("UPDATE run_states SET state = 'not a state' WHERE run_key = ?").run(key);
    db.close();
    await expect(h.call('runs.get', { runId: broken })).rejects.toThrow();
    const page = await h.call('ledger.page', { runId: broken });
    expect(page.entries.length).toBe(page.total);
    expect((await h.call('ledger.record', { runId: broken, seq: page.total - 1 })).kind).toBe('completion');
  });

  it('answers an audit bundle of the run the same way', async () => {
    const exported = await h.call('runs.exportBundle', { runId });
    await h.call('workspace.openBundle', { path: exported.path });
    await expectSummaryPagesAndFullRecords(runId);
  });
});

describe('read-only sources', () => {
  it('a Python 0.2 data folder', async () => {
    await h.call('workspace.openPythonFolder', { path: join(h.dir, 'fixtures', 'python-abstractruntime-0.2.0') });
    const runs = await h.call('runs.query', { limit: 100 });
    for (const r of runs.items.slice(0, 3)) await expectSummaryPagesAndFullRecords(r.runId);
  });

  it.each(['folder', 'runtime.sqlite3'])('Python 0.4 data (%s)', async (name) => {
    await h.call('workspace.openPythonFolder', { path: join(h.dir, 'fixtures', 'python-abstractruntime-0.4.28', name) });
    const runs = await h.call('runs.query', { limit: 100 });
    for (const r of runs.items.filter((x) => x.ledgerCount > 0).slice(0, 3)) await expectSummaryPagesAndFullRecords(r.runId);
  });

  it('a workspace file opened read-only', async () => {
    const path = join(h.dir, 'read-only-ledger.studio.sqlite');
    const ws = SqliteWorkspace.open(path);
    const run = makeRun({ runId: 'ro-run' });
    await ws.runs.save(run);
    for (let i = 0; i < 5; i++) await ws.ledger.append(sampleRecord(run.runId, i));
    ws.close();
    chmodSync(path, 0o444);
    expect(await h.call('workspace.open', { path })).toMatchObject({ readOnly: true });
    await expectSummaryPagesAndFullRecords(run.runId);
    expect(JSON.parse((await h.call('ledger.record', { runId: run.runId, seq: 3 })).resultJson!)).toEqual({ content: 'answer 3' });
  });
});
