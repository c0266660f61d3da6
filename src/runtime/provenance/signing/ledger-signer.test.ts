import { describe, expect, it } from 'vitest';
import { type StepRecord } from '../../core/models';
import { EffectOutcome } from '../../core/outcome';
import { Runtime } from '../../core/runtime';
import { WorkflowSpec } from '../../core/spec';
import { ManualClock } from '../../json/timestamp';
import { HashChainedLedgerStore } from '../../ledger/hash-chained-ledger-store';
import { InMemoryLedgerStore } from '../../storage/memory/memory-ledger-store';
import { InMemoryRunStore } from '../../storage/memory/memory-run-store';
import { parseCheckpoint, type CheckpointClaim, type SignedCheckpoint } from '../checkpoints/checkpoint';
import { InMemoryChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { generateActorKey, signingKeyFromSeed, type SigningKey } from '../keys/key-store';
import { verifyProvenance } from '../verify/verify-provenance';
import { type RecordSignatureSink } from './record-signature';
import { LedgerSigner } from './ledger-signer';
import { checkpointUncovered } from './checkpoint-uncovered';

const keyOf = (kind: string, name: string): SigningKey => {
  const p = generateActorKey({ kind, displayName: name }, '2025-01-01T00:00:00+00:00');
  return signingKeyFromSeed(p.key, p.seed);
};
const host = keyOf('service', 'host');
const person = keyOf('human', 'Zoë');

const loop = (steps: number): WorkflowSpec =>
  new WorkflowSpec({
    workflowId: 'loop',
    entryNode: 'n',
    nodes: {
      n: (run) => {
        const i = Number(run.vars['i'] ?? 0);
        if (i >= steps) return { nodeId: 'n', completeOutput: { i } };
        run.vars['i'] = i + 1;
        return { nodeId: 'n', effect: { type: 'llm_call', payload: { i } }, nextNode: 'n' };
      },
    },
  });
const asking = new WorkflowSpec({
  workflowId: 'ask',
  entryNode: 'ask',
  nodes: {
    ask: () => ({ nodeId: 'ask', effect: { type: 'ask_user', payload: { prompt: 'ok?' }, resultKey: 'a' }, nextNode: 'done' }),
    done: () => ({ nodeId: 'done', completeOutput: { done: true } }),
  },
});

function setup(ledger = new InMemoryLedgerStore(), checkpoints = new InMemoryChainCheckpointStore()) {
  const runtime = new Runtime({
    runStore: new InMemoryRunStore(),
    ledgerStore: new HashChainedLedgerStore(ledger),
    effectHandlers: { llm_call: () => EffectOutcome.completed({ ok: true }) },
    clock: new ManualClock(1_750_000_000_000_000, 10),
  });
  return { runtime, ledger, checkpoints };
}
const claims = (cps: SignedCheckpoint[]): CheckpointClaim[] => cps.map((c) => (parseCheckpoint(c) as { ok: true; checkpoint: { claim: CheckpointClaim } }).checkpoint.claim);

describe('LedgerSigner', () => {
  it('checkpoints every N records and at every stop; an answer is attested by the person who gave it', async () => {
    const { runtime, ledger, checkpoints } = setup();
    const signer = new LedgerSigner({ key: host, checkpoints, ledger, everyRecords: 4, attest: (r) => (r.actorId === person.key.actorId ? person : null) });
    signer.attach(runtime);
    const looped = await runtime.start({ workflow: loop(5) });
    await runtime.tick({ workflow: loop(5), runId: looped });
    const asked = await runtime.start({ workflow: asking });
    await runtime.tick({ workflow: asking, runId: asked });
    await runtime.resume({ workflow: asking, runId: asked, waitKey: null, payload: { a: 'yes' }, actorId: person.key.actorId });
    await signer.close();
    expect(signer.errors).toEqual([]);
    const loopCps = claims(await checkpoints.list(looped));
    expect(loopCps.map((c) => c.seq)).toEqual([3, 7, 10]); // records 0..10; every 4th, then the completion
    const askCps = claims(await checkpoints.list(asked));
    expect(askCps.map((c) => [c.seq, c.actorId])).toEqual([
      [1, host.key.actorId], // waiting for the answer
      [2, person.key.actorId], // the answer, signed by its author
      [3, host.key.actorId], // completed
    ]);
    for (const runId of [looped, asked]) {
      const report = verifyProvenance({ records: await ledger.list(runId), checkpoints: await checkpoints.list(runId), keys: [host.key, person.key], trustedKeys: [host.key, person.key] });
      expect(report.findings).toEqual([]);
    }
    const report = verifyProvenance({ records: await ledger.list(asked), checkpoints: await checkpoints.list(asked), keys: [host.key, person.key] });
    expect(report.actors.find((a) => a.actorId === person.key.actorId)).toEqual({ actorId: person.key.actorId, records: 1, attested: [2] });
  });

  it("signs the host's checkpoints of many runs in one flush with one signature", async () => {
    const { runtime, ledger, checkpoints } = setup();
    let signatures = 0;
    const counting: SigningKey = { key: host.key, sign: (m) => (signatures++, host.sign(m)) };
    const signer = new LedgerSigner({ key: counting, checkpoints, ledger });
    signer.attach(runtime);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const id = await runtime.start({ workflow: loop(1) });
      await runtime.tick({ workflow: loop(1), runId: id });
      ids.push(id);
    }
    await signer.flush();
    expect(signatures).toBe(1);
    for (const id of ids) {
      const report = verifyProvenance({ records: await ledger.list(id), checkpoints: await checkpoints.list(id), keys: [host.key], trustedKeys: [host.key] });
      expect(report.ok).toBe(true);
      expect(report.signedThrough).toBe(report.records - 1);
    }
  });

  it('after a restart, places a run it meets mid-way from the stored ledger and continues its checkpoint chain', async () => {
    const { runtime, ledger, checkpoints } = setup();
    const first = new LedgerSigner({ key: host, checkpoints, ledger });
    const detach = first.attach(runtime);
    const id = await runtime.start({ workflow: asking });
    await runtime.tick({ workflow: asking, runId: id });
    await first.close();
    detach();
    const second = new LedgerSigner({ key: host, checkpoints, ledger }); // a new process: knows nothing of the run
    const detachSecond = second.attach(runtime);
    await runtime.resume({ workflow: asking, runId: id, waitKey: null, payload: { a: 1 } });
    await second.close();
    expect(second.errors).toEqual([]);
    const cps = claims(await checkpoints.list(id));
    expect(cps.map((c) => [c.n, c.seq])).toEqual([
      [0, 1],
      [1, 3],
    ]);
    expect(verifyProvenance({ records: await ledger.list(id), checkpoints: await checkpoints.list(id), keys: [host.key], trustedKeys: [host.key] }).ok).toBe(true);
    expect((await new LedgerSigner({ key: host, checkpoints, ledger }).checkpointNow(id))?.claim.seq).toBe(3);
    // A run left unsigned by a process that stopped early is signed at the next start-up.
    detachSecond();
    const unsigned = await runtime.start({ workflow: loop(2) });
    await runtime.tick({ workflow: loop(2), runId: unsigned });
    const third = new LedgerSigner({ key: host, checkpoints, ledger });
    const heads = [id, unsigned].map((runId) => ({ runId, seq: 0 }));
    heads[1]!.seq = (await ledger.list(unsigned)).length - 1;
    heads[0]!.seq = (await ledger.list(id)).length - 1;
    expect(await checkpointUncovered(third, checkpoints, heads)).toEqual([unsigned]);
    expect(claims(await checkpoints.list(unsigned)).map((c) => c.seq)).toEqual([heads[1]!.seq]);
  });

  it('refuses to vouch for a stored ledger that does not verify', async () => {
    const ledger = new InMemoryLedgerStore();
    const { runtime, checkpoints } = setup(ledger);
    const id = await runtime.start({ workflow: loop(2) });
    await runtime.tick({ workflow: loop(2), runId: id });
    const records = await ledger.list(id);
    const tampered: StepRecord[] = records.map((r, i) => (i === 1 ? { ...r, nodeId: 'forged' } : r));
    const signer = new LedgerSigner({ key: host, checkpoints, ledger: { list: async () => tampered } });
    await expect(signer.checkpointNow(id)).rejects.toMatchObject({ reason: 'LEDGER_DOES_NOT_VERIFY' });
    expect(await checkpoints.list(id)).toEqual([]);
  });

  it('two signers racing on one store keep one valid chain', async () => {
    const { runtime, ledger, checkpoints } = setup();
    const a = new LedgerSigner({ key: host, checkpoints, ledger });
    const b = new LedgerSigner({ key: host, checkpoints, ledger });
    a.attach(runtime);
    b.attach(runtime);
    const id = await runtime.start({ workflow: asking });
    await runtime.tick({ workflow: asking, runId: id });
    await Promise.all([a.flush(), b.flush()]);
    await runtime.resume({ workflow: asking, runId: id, waitKey: null, payload: { a: 1 } });
    await Promise.all([a.close(), b.close()]);
    await Promise.all([a.flush(), b.flush()]);
    const report = verifyProvenance({ records: await ledger.list(id), checkpoints: await checkpoints.list(id), keys: [host.key], trustedKeys: [host.key] });
    expect(report.findings).toEqual([]);
  });

  it('per-record mode hands a signature for every record; verification reads them', async () => {
    const { runtime, ledger, checkpoints } = setup();
    const sigs = new Map<number, string>();
    const sink: RecordSignatureSink = { putSignature: async (_run, seq, _hash, sig) => void sigs.set(seq, sig) };
    const signer = new LedgerSigner({ key: host, checkpoints, ledger, recordSignatures: sink });
    signer.attach(runtime);
    const id = await runtime.start({ workflow: loop(3) });
    await runtime.tick({ workflow: loop(3), runId: id });
    await signer.close();
    const records = (await ledger.list(id)).map((r, seq) => ({ ...r, signature: sigs.get(seq) ?? null }));
    expect(sigs.size).toBe(records.length);
    const report = verifyProvenance({ records, checkpoints: [], keys: [host.key], trustedKeys: [host.key] });
    expect(report.findings).toEqual([]);
    expect(report.signers[0]).toMatchObject({ records: records.length, checkpoints: 0, throughSeq: records.length - 1 });
    const bad = records.map((r, i) => (i === 2 ? { ...r, signature: records[3]!.signature } : r));
    expect(verifyProvenance({ records: bad, checkpoints: [], keys: [host.key] }).findings[0]).toMatchObject({ code: 'record_signature_invalid', location: { kind: 'record', seq: 2 } });
  });

  it('a run that neither stops nor reaches N records is checkpointed after maxDelayMs', async () => {
    const { runtime, ledger, checkpoints } = setup();
    const signer = new LedgerSigner({ key: host, checkpoints, ledger, maxDelayMs: 20 });
    signer.attach(runtime);
    const id = await runtime.start({ workflow: loop(50) });
    await runtime.tick({ workflow: loop(50), runId: id, maxSteps: 3 }); // still running
    await new Promise((r) => setTimeout(r, 80));
    await signer.flush();
    expect(claims(await checkpoints.list(id)).at(-1)?.seq).toBe((await ledger.list(id)).length - 1);
    await signer.close();
  });
});
