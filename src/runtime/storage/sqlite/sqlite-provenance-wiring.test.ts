/**
 * The provenance tables as part of a workspace: migration 2 upgrades a schema-1 file in place, the
 * stores work on the workspace's own connection, and they obey its read-only and closed states.
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateActorKey, noneProtector, ProtectedKeyStore, signCheckpoint } from '../../provenance/index';
import { makeRun } from '../testing/store-contract';
import { LATEST_SCHEMA_VERSION, migrate, MIGRATIONS, WORKSPACE_APPLICATION_ID } from './migrations';
import { sampleRecord } from './test-support/records';
import { TempWorkspaces } from './test-support/temp-workspace';

const temp = new TempWorkspaces();
afterEach(() => temp.cleanup());

const hostKey = () => generateActorKey({ kind: 'service', displayName: 'host' }, '2025-01-01T00:00:00+00:00');

describe('the provenance tables of a workspace', () => {
  it('upgrades a schema-1 workspace to the latest without touching its runs', async () => {
    const path = temp.newPath();
    const raw = new Database(path);
    raw.pragma(`application_id = ${WORKSPACE_APPLICATION_ID}`);
    migrate(raw, MIGRATIONS.filter((m) => m.version === 1));
    raw.close();
    const v1 = temp.open(path);
    expect(v1.schemaVersion).toBe(LATEST_SCHEMA_VERSION); // the open applied migration 2 and later
    expect(v1.migrations().map((m) => m.version)).toEqual(MIGRATIONS.map((m) => m.version));
    await v1.runs.save(makeRun({ runId: 'kept' }));
    expect(await v1.actorKeys.list()).toEqual([]);
    expect(await v1.chainCheckpoints.list('kept')).toEqual([]);
  });

  it('keeps keys and checkpoints on the workspace connection, and lists runs whose head is unsigned', async () => {
    const ws = temp.create();
    await ws.ledger.append(sampleRecord('a', 0));
    await ws.ledger.append(sampleRecord('a', 1));
    await ws.ledger.append(sampleRecord('b', 0));
    const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: noneProtector() });
    const signer = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'host' })).keyId);
    expect(ws.uncheckpointedHeads()).toEqual([{ runId: 'a', seq: 1 }, { runId: 'b', seq: 0 }]);
    const head = (await ws.ledger.ledgerHead('a'))!;
    await ws.chainCheckpoints.append('a', signCheckpoint(signer, { runId: 'a', seq: head.seq, headHash: head.recordHash!, signedAt: '2025-01-01T00:00:00+00:00', n: 0, prev: null }));
    expect(await ws.chainCheckpoints.list('a')).toHaveLength(1);
    expect(ws.uncheckpointedHeads()).toEqual([{ runId: 'b', seq: 0 }]);
    await ws.ledger.append(sampleRecord('a', 2));
    expect(ws.uncheckpointedHeads().map((h) => h.runId)).toEqual(['a', 'b']);
  });

  it('refuses provenance writes on a read-only workspace with its typed error, and every call once closed', async () => {
    const path = temp.newPath();
    const ws = temp.open(path);
    await ws.ledger.append(sampleRecord('audited', 0));
    ws.close();
    const ro = temp.open(path, { readonly: true });
    const readonlyError = expect.objectContaining({ code: 'STORE_ERROR', details: expect.objectContaining({ reason: 'readonly' }) });
    const { key, seed } = hostKey();
    await expect(ro.actorKeys.put({ key, privateKey: { protection: 'none', sealed: Buffer.from(seed).toString('base64') } })).rejects.toEqual(readonlyError);
    const record = (await ro.ledger.list('audited'))[0]!;
    await expect(ro.recordSignatures.putSignature('audited', 0, record.recordHash!, 'ed25519:x:y')).rejects.toEqual(readonlyError);
    expect(await ro.actorKeys.list()).toEqual([]);
    ro.close();
    const closed = expect.objectContaining({ code: 'WORKSPACE_CLOSED' });
    await expect(ro.chainCheckpoints.list('audited')).rejects.toEqual(closed);
    await expect(ro.actorKeys.list()).rejects.toEqual(closed);
  });
});
