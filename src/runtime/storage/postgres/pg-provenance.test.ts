import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { noneProtector } from '../../provenance/keys/key-protector';
import { ProtectedKeyStore } from '../../provenance/keys/key-store';
import { LedgerSigner } from '../../provenance/signing/ledger-signer';
import { verifyProvenance } from '../../provenance/verify/verify-provenance';
import { usePgServer } from './test-support/pg-workspaces';

const server = usePgServer();

const wf = new WorkflowSpec({
  workflowId: 'w',
  entryNode: 'a',
  nodes: {
    a: () => ({ nodeId: 'a', effect: { type: 'llm_call', payload: { q: 'é' } }, nextNode: 'b' }),
    b: () => ({ nodeId: 'b', completeOutput: { done: true } }),
  },
});

describe('PostgreSQL provenance stores', () => {
  it('sign a run: keys and checkpoints in tables, per-record signatures in the ledger column, all append-only', async () => {
    const ws = await server.open();
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: () => EffectOutcome.completed({ ok: 1.5 }) } });
    const runId = await runtime.start({ workflow: wf });
    const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: noneProtector() });
    const host = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'host' })).keyId);
    const signer = new LedgerSigner({ key: host, checkpoints: ws.chainCheckpoints, ledger: ws.ledger, recordSignatures: ws.recordSignatures });
    signer.attach(runtime);
    await runtime.tick({ workflow: wf, runId });
    await signer.close();
    expect(signer.errors).toEqual([]);
    const records = await ws.ledger.list(runId);
    expect(records.every((r) => r.signature?.startsWith('ed25519:'))).toBe(true);
    const checkpoints = await ws.chainCheckpoints.list(runId);
    expect(checkpoints.length).toBeGreaterThan(0);
    const report = verifyProvenance({ records, checkpoints, keys: await keys.publicKeys(), trustedKeys: await keys.publicKeys() });
    expect(report.findings).toEqual([]);
    expect(await ws.uncheckpointedHeads()).toEqual([]);

    await expect(ws.chainCheckpoints.append(runId, checkpoints[0]!)).rejects.toMatchObject({ reason: 'CHECKPOINT_CONFLICT' });
    await ws.recordSignatures.putSignature(runId, 0, records[0]!.recordHash!, 'ed25519:other'); // already signed: kept as is
    expect((await ws.ledger.list(runId))[0]!.signature).toBe(records[0]!.signature);
    await expect(ws.recordSignatures.putSignature(runId, 99, records[0]!.recordHash!, 'x')).rejects.toMatchObject({ reason: 'LEDGER_DOES_NOT_VERIFY' });
    // Our private key went in sealed; the key is the same after a reopen, and cannot be replaced.
    expect((await ws.actorKeys.get(host.key.keyId))?.privateKey?.protection).toBe('none');
    await expect(ws.actorKeys.put({ key: { ...host.key, actorId: 'someone-else' }, privateKey: null })).rejects.toMatchObject({ reason: 'KEY_CONFLICT' });

    const c = new pg.Client({ connectionString: server.server().url });
    await c.connect();
    try {
      await expect(c.query(`DELETE FROM "${ws.schema}".chain_checkpoints`)).rejects.toThrow(/append-only/);
      await expect(c.query(`UPDATE "${ws.schema}".actor_keys SET record = '{}'`)).rejects.toThrow(/cannot be changed/);
      await expect(c.query(`DELETE FROM "${ws.schema}".actor_keys`)).rejects.toThrow(/cannot be deleted/);
    } finally {
      await c.end();
    }
  });

  it('keeps one chain of checkpoints when two signers race on a run', async () => {
    const ws = await server.open();
    const runtime = new Runtime({ runStore: ws.runs, ledgerStore: ws.ledger, effectHandlers: { llm_call: () => EffectOutcome.completed({ ok: 1 }) } });
    const runId = await runtime.start({ workflow: wf });
    await runtime.tick({ workflow: wf, runId });
    const keys = new ProtectedKeyStore({ records: ws.actorKeys, protector: noneProtector() });
    const a = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'a' })).keyId);
    const b = await keys.signingKey((await keys.createKey({ kind: 'service', displayName: 'b' })).keyId);
    const signers = [a, b].map((key) => new LedgerSigner({ key, checkpoints: ws.chainCheckpoints, ledger: ws.ledger }));
    await Promise.all(signers.map(async (s) => s.checkpointNow(runId).catch(() => undefined)));
    const stored = await ws.chainCheckpoints.list(runId);
    expect(stored).toHaveLength(1);
    const report = verifyProvenance({ records: await ws.ledger.list(runId), checkpoints: stored, keys: await keys.publicKeys() });
    expect(report.chain.ok).toBe(true);
    expect(report.checkpoints.every((c) => c.status === 'valid')).toBe(true);
  });
});
