/**
 * `studio copy` on a real PostgreSQL server (started by the test): a SQLite workspace with signed
 * runs, a fork, many saved states, artifacts, snapshots and keys goes to PostgreSQL and back, and
 * everything in it comes out equal and verifying; a non-empty target and a damaged source are
 * refused, leaving nothing half-copied; the password is never printed.
 */
import Database from 'better-sqlite3';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { EffectOutcome } from '../../runtime/core/outcome';
import { Runtime } from '../../runtime/core/runtime';
import { WorkflowSpec } from '../../runtime/core/spec';
import { noneProtector } from '../../runtime/provenance/keys/key-protector';
import { ProtectedKeyStore } from '../../runtime/provenance/keys/key-store';
import { LedgerSigner } from '../../runtime/provenance/signing/ledger-signer';
import { RunStatus } from '../../runtime/core/enums';
import { snapshotFromRun } from '../../runtime/snapshots/snapshot';
import { makeRun, sampleRecord } from '../../runtime/storage/testing/store-contract';
import { type CopySide, openCopySource } from '../../runtime/storage/copy/copy-endpoints';
import { freshSchema, usePgServer } from '../../runtime/storage/postgres/test-support/pg-workspaces';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/sqlite-workspace';
import { runCli } from './main';
import { TempDirs } from './test-support';

const server = usePgServer();
const temp = new TempDirs();
afterEach(() => temp.cleanup());

const chat = new WorkflowSpec({
  workflowId: 'chat',
  entryNode: 'turn',
  nodes: {
    turn: (run) => {
      const t = Array.isArray(run.vars['transcript']) ? run.vars['transcript'] : [];
      run.vars['transcript'] = [...t, { text: `tour ${t.length} ☕`, big: 12345678901234567890n }];
      return { nodeId: 'turn', effect: { type: 'llm_call', payload: { prompt: `q${t.length}` }, resultKey: 'reply' }, nextNode: t.length >= 15 ? 'ask' : 'turn' };
    },
    ask: () => ({ nodeId: 'ask', effect: { type: 'ask_user', payload: { prompt: 'OK ?' }, resultKey: 'ok' }, nextNode: 'done' }),
    done: (run) => ({ nodeId: 'done', completeOutput: { ok: run.vars['ok'] ?? null } }),
  },
});

/** A SQLite workspace with something of every kind in it. */
async function richSqlite(path: string): Promise<{ runIds: string[] }> {
  const ws = SqliteWorkspace.open(path);
  const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, artifactStore: ws.artifacts, effectHandlers: { llm_call: () => EffectOutcome.completed({ content: 'réponse', f: 1.5 }) } });
  const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: noneProtector() });
  const host = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'host' })).keyId);
  const signer = new LedgerSigner({ key: host, checkpoints: ws.chainCheckpoints, ledger: ws.ledger, recordSignatures: ws.recordSignatures, everyRecords: 5 });
  signer.attach(runtime);
  const a = await runtime.start({ workflow: chat, vars: { topic: 'café' } });
  await runtime.tick({ workflow: chat, runId: a });
  await runtime.resume({ workflow: chat, runId: a, waitKey: null, payload: { response: 'oui' } });
  const b = await runtime.start({ workflow: chat });
  await runtime.tick({ workflow: chat, runId: b, maxSteps: 4 });
  await signer.close();
  expect(signer.errors).toEqual([]);
  const fork = await ws.forkRun({ runId: a, atSeq: 6, newRunId: 'fork-of-a' });
  await ws.artifacts.storeText('a note ✓', { runId: a, tags: { kind: 'note' } });
  await ws.artifacts.store(new Uint8Array(1024 * 1024).fill(3), { runId: b });
  const snap = snapshotFromRun({ run: (await ws.runs.load(a))!, name: 'before', tags: ['x'] });
  await ws.snapshots.save(snap);
  ws.close();
  return { runIds: [a, b, fork.runId] };
}

/** Everything a workspace holds, in a form two workspaces can be compared by. */
async function contents(side: CopySide): Promise<unknown> {
  const runs = [];
  for (const runId of await side.allRunIds()) {
    runs.push({
      runId,
      state: await side.load(runId),
      ledger: await side.ledger.list(runId),
      states: await side.listCheckpoints(runId, { limit: 100_000 }),
      origin: await side.forkOrigin(runId),
      checkpoints: await side.chainCheckpoints.list(runId),
      writers: [...(await side.writersOf(runId))],
      traces: [...(await side.traceLinksOf(runId))],
      archived: await side.archivedOf(runId),
    });
  }
  const artifacts = [];
  for (const m of await side.artifacts.listAll({ limit: 1000 })) artifacts.push({ m, bytes: Buffer.from((await side.artifacts.load(m.artifactId))!.content).toString('base64') });
  return { runs, artifacts, snapshots: await side.snapshots.list({ limit: 1000 }), keys: await side.actorKeys.list(), tombstones: await side.tombstones() };
}

async function contentsOf(spec: string): Promise<unknown> {
  const side = await openCopySource(spec);
  try {
    return await contents(side);
  } finally {
    await side.close();
  }
}

async function studio(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(['copy', ...args], { packageRoot: '.', io: { out: (t) => void (out += t), err: (t) => void (err += t), errIsTty: false } });
  return { code, out, err };
}

async function schemas(prefix: string): Promise<string[]> {
  const c = new pg.Client({ connectionString: server.server().url });
  await c.connect();
  try {
    return (await c.query<{ nspname: string }>('SELECT nspname FROM pg_namespace WHERE nspname LIKE $1', [`${prefix}%`])).rows.map((r) => r.nspname);
  } finally {
    await c.end();
  }
}

/** Who wrote each record, by seq, as the workspace at `spec` says. */
async function writersAt(spec: string, runId: string): Promise<Map<number, string | null>> {
  const side = await openCopySource(spec);
  try {
    const n = (await side.ledger.list(runId)).length;
    const known = await side.writersOf(runId);
    return new Map(Array.from({ length: n }, (_, seq) => [seq, known.get(seq) ?? null]));
  } finally {
    await side.close();
  }
}

describe('studio copy', () => {
  it('carries who wrote each record (written_by), the trace links, archive marks and tombstones, SQLite -> PostgreSQL -> SQLite', async () => {
    const dir = temp.make('copy-provenance');
    const source = join(dir, 'source.sqlite');
    const { runIds } = await richSqlite(source);
    const [a, b] = runIds as [string, string];
    // A file that was itself copied from workers (their names on a's records), traced by OpenTelemetry.
    const ws = SqliteWorkspace.open(source);
    const count = (await ws.ledger.list(a)).length;
    ws.recordWriters.keepWriters(a, new Map(Array.from({ length: count }, (_, seq) => [seq, seq % 2 ? 'worker-b@host-2' : 'worker-a@host-1'])));
    ws.ledger.saveTraceLink(a, 0, { traceId: 'a'.repeat(32), spanId: '1'.repeat(16) });
    ws.ledger.saveTraceLink(b, 3, { traceId: 'b'.repeat(32), spanId: '2'.repeat(16) });
    ws.archive.setArchived(a, true, 'human:ann', '2026-12-04T05:00:00.000000+00:00');
    // And a run that was deleted: its tombstone goes with the copy, the run does not come back.
    const gone = makeRun({ runId: 'gone-run', status: RunStatus.COMPLETED });
    await ws.runs.commitStep(gone, [sampleRecord('gone-run', 0)]);
    const tomb = ws.archive.delete(gone, 'human:ann', '2026-12-04T05:01:00.000000+00:00');
    ws.close();
    const writers = await writersAt(source, a);
    expect(writers.get(1)).toBe('worker-b@host-2');

    const url = `${server.server().url}?schema=${freshSchema('prov')}`;
    expect((await studio(source, url)).code).toBe(0);
    expect(await writersAt(url, a)).toEqual(writers);
    // Records no one named a writer of stay unnamed: the copy does not sign them with its own name.
    expect([...(await writersAt(url, b)).values()].every((w) => w === null)).toBe(true);
    const back = join(dir, 'back.sqlite');
    expect((await studio(url, back)).code).toBe(0);
    expect(await writersAt(back, a)).toEqual(writers);
    const original = await contentsOf(source);
    expect(await contentsOf(url)).toEqual(original);
    expect(await contentsOf(back)).toEqual(original);
    expect(original).toMatchObject({ runs: expect.arrayContaining([expect.objectContaining({ runId: a, archived: { at: '2026-12-04T05:00:00.000000+00:00', by: 'human:ann' } })]), tombstones: [tomb] });
    expect((original as { runs: { runId: string }[] }).runs.map((r) => r.runId)).not.toContain('gone-run');
    const side = await openCopySource(back);
    try {
      expect([...(await side.traceLinksOf(b))]).toEqual([[3, { traceId: 'b'.repeat(32), spanId: '2'.repeat(16) }]]);
    } finally {
      await side.close();
    }
  });

  it('carries the writer of each record a worker committed, PostgreSQL -> SQLite', async () => {
    const dir = temp.make('copy-pg-writers');
    const schema = freshSchema('workers');
    const worker = await server.open(schema, { writer: 'worker-a@test' });
    const runtime = new Runtime({ runStore: worker.runs, ledgerStore: worker.ledger, effectHandlers: { llm_call: () => EffectOutcome.completed({ content: 'ok' }) } });
    const runId = await runtime.start({ workflow: chat });
    await runtime.tick({ workflow: chat, runId, maxSteps: 3 });
    await worker.close();
    const url = `${server.server().url}?schema=${schema}`;
    const there = await writersAt(url, runId);
    expect(new Set(there.values())).toEqual(new Set(['worker-a@test']));
    const file = join(dir, 'copy.sqlite');
    expect((await studio(url, file)).code).toBe(0);
    expect(await writersAt(file, runId)).toEqual(there);
  });

  it('copies SQLite -> PostgreSQL -> SQLite with everything equal and verifying, never printing the password', async () => {
    const dir = temp.make('copy');
    const source = join(dir, 'source.sqlite');
    await richSqlite(source);
    const schema = freshSchema('copy');
    const url = `${server.server().url}?schema=${schema}`;
    const there = await studio(source, url);
    expect(there.code, there.err).toBe(0);
    expect(there.out).toMatch(/Copied 3 runs, \d+ records, \d+ saved states, 2 artifacts, 1 snapshots, 1 keys, [1-9]\d* checkpoints/);
    expect(there.out).toContain('3 runs verify on the copy');
    const original = await contentsOf(source);
    expect(await contentsOf(url)).toEqual(original);

    const back = join(dir, 'back.sqlite');
    const home = await studio(url, back);
    expect(home.code, home.err).toBe(0);
    expect(await contentsOf(back)).toEqual(original);
    expect(readdirSync(dir).sort()).toEqual(['back.sqlite', 'source.sqlite']); // no temporary file left
    expect(await schemas(schema)).toEqual([schema]); // no temporary schema left

    // A target with data is refused, both ways, and left as it was.
    const again = await studio(source, url);
    expect(again).toMatchObject({ code: 2, err: expect.stringContaining('already holds a workspace with data') });
    const intoFile = await studio(url, back);
    expect(intoFile).toMatchObject({ code: 2, err: expect.stringContaining('already holds a workspace with data') });
    expect(await contentsOf(back)).toEqual(original);
    for (const r of [there, home, again, intoFile]) {
      expect(`${r.out}${r.err}`).not.toContain(server.server().password);
    }
    expect(there.err).toContain('***');
  });

  it('copies into an empty workspace, and refuses a missing source without creating it', async () => {
    const dir = temp.make('copy-empty');
    const source = join(dir, 'source.sqlite');
    await richSqlite(source);
    const schema = freshSchema('empty');
    const ws = await server.open(schema); // a workspace with nothing in it yet (a worker started first)
    await ws.close();
    expect((await studio(source, `${server.server().url}?schema=${schema}`)).code).toBe(0);
    const missing = freshSchema('missing');
    expect(await studio(`${server.server().url}?schema=${missing}`, join(dir, 'x.sqlite'))).toMatchObject({ code: 2, err: expect.stringContaining('there is no such schema') });
    expect(await schemas(missing)).toEqual([]);
    expect(existsSync(join(dir, 'x.sqlite'))).toBe(false);
  });

  it('refuses a damaged source with a clear error and leaves nothing at the target', async () => {
    const dir = temp.make('copy-bad');
    const source = join(dir, 'source.sqlite');
    const { runIds } = await richSqlite(source);
    // Someone edits a record's text behind the workspace's back (lifting the append-only trigger).
    const db = new Database(source);
    const triggers = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'ledger'").pluck().all() as string[];
    for (const t of triggers) db.exec(`DROP TRIGGER ${t}`);
    const key = db.prepare('SELECT run_key FROM run_keys WHERE run_id = ?').pluck().get(runIds[1]) as number;
    db.prepare("UPDATE ledger SET canonical = replace(canonical, 'q1', 'q9') WHERE id = (? << 32) + 2").run(key);
    db.close();
    const schema = freshSchema('bad');
    const r = await studio(source, `${server.server().url}?schema=${schema}`);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the ledger of run ${runIds[1]} does not verify at record 2`);
    expect(r.err).toContain('Nothing was left at the target');
    expect(await schemas(schema)).toEqual([]); // neither the target nor a temporary schema
  });
});
