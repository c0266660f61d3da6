import Database from 'better-sqlite3';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteWorkspace } from '../../storage/sqlite/sqlite-workspace';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { noneProtector } from '../keys/key-protector';
import { ProtectedKeyStore } from '../keys/key-store';
import { LedgerSigner } from '../signing/ledger-signer';
import { verifyProvenance } from '../verify/verify-provenance';
import { SqliteRecordSignatureSink } from './sqlite-provenance-stores';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const wf = new WorkflowSpec({
  workflowId: 'w',
  entryNode: 'a',
  nodes: {
    a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { q: 'é' } }, nextNode: 'b' }),
    b: () => ({ nodeId: 'b', completeOutput: { done: true } }),
  },
});

describe('SQLite provenance stores', () => {
  it('sign a SQLite workspace run: keys and checkpoints in tables, per-record signatures in the ledger column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'prov-sqlite-'));
    dirs.push(dir);
    const path = join(dir, 'ws.sqlite');
    const ws = SqliteWorkspace.open(path);
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: () => EffectOutcome.completed({ ok: 1.5 }) } });
    const runId = await runtime.start({ workflow: wf });
    // The workspace's own stores (migration 2 made the tables); a second connection checks the triggers below.
    const db = new Database(path);
    const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: noneProtector() });
    const host = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'host' })).keyId);
    const checkpoints = ws.chainCheckpoints;
    const signer = new LedgerSigner({ key: host, checkpoints, ledger: ws.ledger, recordSignatures: ws.recordSignatures });
    signer.attach(runtime);
    await runtime.tick({ workflow: wf, runId });
    await signer.close();
    expect(signer.errors).toEqual([]);
    const records = await ws.ledger.list(runId);
    expect(records.every((r) => r.signature?.startsWith('ed25519:'))).toBe(true);
    const report = verifyProvenance({ records, checkpoints: await checkpoints.list(runId), keys: await keys.publicKeys(), trustedKeys: await keys.publicKeys() });
    expect(report.findings).toEqual([]);
    expect(() => db.prepare('DELETE FROM chain_checkpoints').run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE actor_keys SET record = '{}'").run()).toThrow(/cannot be changed/);
    await expect(checkpoints.append(runId, (await checkpoints.list(runId))[0]!)).rejects.toMatchObject({ reason: 'CHECKPOINT_CONFLICT' });
    await new SqliteRecordSignatureSink(db).putSignature(runId, 0, records[0]!.recordHash!, 'ed25519:other'); // already signed: kept as is
    expect((await ws.ledger.list(runId))[0]!.signature).toBe(records[0]!.signature);
    await expect(new SqliteRecordSignatureSink(db).putSignature(runId, 99, records[0]!.recordHash!, 'x')).rejects.toMatchObject({ reason: 'LEDGER_DOES_NOT_VERIFY' });
    db.close();
    ws.close();
  });
});
