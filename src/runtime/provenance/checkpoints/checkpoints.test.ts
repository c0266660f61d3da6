import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fromBase64, sha256Hex } from '../encoding';
import { ed25519PublicKey } from '../keys/ed25519';
import { generateActorKey, signingKeyFromSeed, type SigningKey } from '../keys/key-store';
import { parseCheckpoint, signCheckpoint, signCheckpoints, verifyCheckpointSignature, type CheckpointClaim, type ParsedCheckpoint } from './checkpoint';
import { merkleTree, rootFromProof } from './checkpoint-batch';
import { InMemoryChainCheckpointStore, JsonFileCheckpointStore } from './checkpoint-store';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

const pair = generateActorKey({ kind: 'service', displayName: 'host' }, '2025-01-01T00:00:00+00:00');
const key: SigningKey = signingKeyFromSeed(pair.key, pair.seed);
const pub = ed25519PublicKey(fromBase64(key.key.publicKey)!)!;
const H = (i: number): string => sha256Hex(`record ${i}`);
const claim = (runId: string, seq: number, n: number, prev: string | null): CheckpointClaim => ({ runId, seq, headHash: H(seq), actorId: key.key.actorId, keyId: key.key.keyId, signedAt: '2025-01-01T00:00:01+00:00', n, prev });
const parsed = (cp: unknown): ParsedCheckpoint => {
  const p = parseCheckpoint(cp);
  if (!p.ok) throw new Error(p.reason);
  return p.checkpoint;
};

describe('checkpoint statements', () => {
  it('are canonical JSON with exactly the v1 keys, signed over their bytes', () => {
    const cp = signCheckpoint(key, { runId: 'r-é', seq: 4, headHash: H(4), signedAt: '2025-01-01T00:00:01+00:00', n: 0, prev: null });
    expect(cp.statement).toBe(
      `{"actor_id":"${key.key.actorId}","head_hash":"${H(4)}","key_id":"${key.key.keyId}","n":0,"prev":null,"run_id":"r-é","seq":4,"signed_at":"2025-01-01T00:00:01+00:00","type":"abstractruntime.chain-checkpoint.v1"}`,
    );
    expect(verifyCheckpointSignature(parsed(cp), pub)).toBe(true);
    expect(verifyCheckpointSignature(parsed({ ...cp, statement: cp.statement.replace('"seq":4', '"seq":5') }), pub)).toBe(false);
    expect(parseCheckpoint({ ...cp, statement: cp.statement.replace('{', '{ ') })).toMatchObject({ ok: false, reason: expect.stringContaining('canonical') });
    expect(parseCheckpoint({ ...cp, statement: cp.statement.replace('"n":0', '"n":0,"x":1') })).toMatchObject({ ok: false });
    expect(parseCheckpoint({ statement: cp.statement })).toMatchObject({ ok: false });
  });

  it('many checkpoints share one signature over a Merkle root; each proof leads there', () => {
    for (let n = 1; n <= 9; n++) {
      const statements = Array.from({ length: n }, (_, i) => `s${i}`);
      const { root, proofs } = merkleTree(statements);
      statements.forEach((s, i) => expect(rootFromProof(s, proofs[i]!)).toBe(root));
      if (n > 1) expect(rootFromProof('other', proofs[0]!)).not.toBe(root);
    }
    let signs = 0;
    const counting: SigningKey = { key: key.key, sign: (m) => (signs++, key.sign(m)) };
    const batch = signCheckpoints(counting, [claim('a', 3, 0, null), claim('b', 9, 0, null), claim('c', 1, 0, null)]);
    expect(signs).toBe(1);
    for (const cp of batch) {
      expect(cp.signature).toBeNull();
      expect(verifyCheckpointSignature(parsed(cp), pub)).toBe(true);
    }
    const [first] = batch;
    expect(verifyCheckpointSignature(parsed({ ...first!, batch: { ...first!.batch!, proof: [...first!.batch!.proof].reverse() } }), pub)).toBe(false);
    expect(parseCheckpoint({ ...first!, signature: 'x' })).toMatchObject({ ok: false, reason: expect.stringContaining('both') });
    expect(signCheckpoints(key, [claim('solo', 0, 0, null)])[0]!.batch).toBeUndefined();
  });
});

describe('checkpoint stores', () => {
  it('accept only the next checkpoint of a run (n and prev), in memory and in JSONL files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cps-'));
    dirs.push(dir);
    for (const store of [new InMemoryChainCheckpointStore(), new JsonFileCheckpointStore(dir, { fsync: false })]) {
      const a = signCheckpoint(key, { ...claim('run-1', 3, 0, null) });
      await store.append('run-1', a);
      await expect(store.append('run-1', a)).rejects.toMatchObject({ reason: 'CHECKPOINT_CONFLICT' });
      await expect(store.append('run-2', a)).rejects.toMatchObject({ reason: 'CHECKPOINT_INVALID' });
      const early = signCheckpoint(key, { ...claim('run-1', 2, 1, a.hash) });
      await expect(store.append('run-1', early)).rejects.toMatchObject({ reason: 'CHECKPOINT_CONFLICT' }); // seq must grow
      const [b, c] = signCheckpoints(key, [claim('run-1', 7, 1, a.hash), claim('run-9', 0, 0, null)]);
      await store.append('run-1', b!);
      await store.append('run-9', c!);
      expect((await store.list('run-1')).map((x) => parsed(x).claim.seq)).toEqual([3, 7]);
      expect((await store.last('run-1'))?.batch?.proof).toHaveLength(1);
      expect(await store.last('nope')).toBeNull();
    }
    const reopened = new JsonFileCheckpointStore(dir);
    expect(await reopened.list('run-1')).toHaveLength(2);
    await appendFile(join(dir, 'checkpoints_run-1.jsonl'), 'garbage\n');
    await expect(reopened.list('run-1')).rejects.toMatchObject({ reason: 'CHECKPOINT_INVALID' });
    expect(() => reopened.pathFor('../x')).toThrow();
  });
});
