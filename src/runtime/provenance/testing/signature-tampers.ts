/** Tamperings of the signatures: checkpoints edited, forged, dropped, reordered or re-signed; keys replaced, re-described or removed. */
import { type ActorKey } from '../keys/actor-key';
import { checkpointStatement, signCheckpoint, type CheckpointClaim, type SignedCheckpoint } from '../checkpoints/checkpoint';
import { sha256Hex, toBase64, utf8 } from '../encoding';
import { addKey, claims, clone, hashAt, randomHash, type Op } from './tamper-kit';

export const editCheckpoint: Op = (c, x) => {
  const idx = x.rng.int(c.checkpoints.length);
  const cl = { ...(claims(c)[idx] as CheckpointClaim) };
  const t = clone(c);
  const other = c.keys.find((k) => k.keyId !== cl.keyId);
  const field = x.rng.pick(['seq', 'head', 'signedAt', 'actor', 'keyId', 'runId', 'n', 'prev', 'raw'] as const);
  if (field === 'raw') {
    t.checkpoints[idx] = { ...t.checkpoints[idx]!, statement: (t.checkpoints[idx]!.statement).replace('{', '{ ') };
    return { detail: `checkpoint ${idx}: statement re-spaced`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
  }
  if (field === 'seq') cl.seq = x.rng.chance(0.5) ? cl.seq + 1 + x.rng.int(5) : Math.max(0, cl.seq - 1 - x.rng.int(3));
  if (field === 'head') cl.headHash = randomHash(x);
  if (field === 'signedAt') cl.signedAt = cl.signedAt.replace(/\d(?=\+00:00$)/, (d) => String((Number(d) + 1) % 10));
  if (field === 'actor') cl.actorId = other?.actorId ?? 'ar_someone_else';
  if (field === 'keyId') cl.keyId = other?.keyId ?? '0'.repeat(32);
  if (field === 'runId') cl.runId = `${cl.runId}-other`;
  if (field === 'n') cl.n += 1;
  if (field === 'prev') cl.prev = randomHash(x);
  const before = t.checkpoints[idx]!.statement;
  t.checkpoints[idx] = { ...t.checkpoints[idx]!, statement: checkpointStatement(cl) };
  if (t.checkpoints[idx]!.statement === before) return null;
  return { detail: `checkpoint ${idx}: ${field} edited`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
};

export const flipSignature: Op = (c, x) => {
  const idx = x.rng.int(c.checkpoints.length);
  const t = clone(c);
  const cp = t.checkpoints[idx]!;
  const flip = (text: string, at: number): string => text.slice(0, at) + (text[at] === 'a' ? 'b' : 'a') + text.slice(at + 1);
  if (!cp.batch) {
    const at = x.rng.int(cp.signature!.length);
    t.checkpoints[idx] = { ...cp, signature: flip(cp.signature!, at) };
    return { detail: `checkpoint ${idx}: signature character ${at} changed`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
  }
  const part = x.rng.pick(['signature', 'proof', 'root'] as const);
  const b = { ...cp.batch, proof: [...cp.batch.proof] };
  if (part === 'signature') b.signature = flip(b.signature, x.rng.int(b.signature.length));
  else if (part === 'proof' && b.proof.length > 0) {
    const i = x.rng.int(b.proof.length);
    b.proof[i] = x.rng.chance(0.3) ? `${b.proof[i]![0] === 'l' ? 'r' : 'l'}${b.proof[i]!.slice(1)}` : flip(b.proof[i]!, 2 + x.rng.int(64));
  } else b.statement = b.statement.replace(/"root":"([0-9a-f])/, (_m, ch: string) => `"root":"${ch === 'a' ? 'b' : 'a'}`);
  t.checkpoints[idx] = { ...cp, batch: b };
  return { detail: `checkpoint ${idx}: batch ${part} changed`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
};

export const dropCheckpoint: Op = (c, x) => {
  const idx = x.rng.int(c.checkpoints.length);
  const t = clone(c);
  t.checkpoints.splice(idx, 1);
  const all = claims(c);
  if (idx < c.checkpoints.length - 1) return { detail: `checkpoint ${idx} dropped`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
  const from = idx > 0 ? (all[idx - 1] as CheckpointClaim).seq + 1 : 0;
  return { detail: `last checkpoint (${idx}) dropped`, copy: t, expect: [{ at: 'unsigned', from }] };
};

export const forgeCheckpoint: Op = (c, x) => {
  const p = x.rng.int(c.checkpoints.length + 1);
  const seq = x.rng.int(c.lines.length + 3);
  const headHash = seq < c.lines.length && x.rng.chance(0.5) ? hashAt(c, seq) : randomHash(x);
  const base = { runId: c.runId, seq, headHash, signedAt: '2030-01-01T00:00:00+00:00', n: p, prev: p > 0 ? sha256Hex(c.checkpoints[p - 1]!.statement) : null };
  const attacker = x.rng.pick(x.attackers);
  const t = clone(c);
  const variant = x.rng.pick(['unknown', 'untrusted', 'posing'] as const);
  let forged: SignedCheckpoint;
  if (variant === 'posing') {
    const host = c.keys[0] as ActorKey;
    const statement = checkpointStatement({ ...base, actorId: host.actorId, keyId: host.keyId });
    forged = { statement, signature: toBase64(attacker.sign(utf8(statement))) };
  } else {
    const cp = signCheckpoint(attacker, base);
    forged = { statement: cp.statement, signature: cp.signature };
    if (variant === 'untrusted') addKey(t, attacker.key);
  }
  t.checkpoints.splice(p, 0, forged);
  return { detail: `forged checkpoint (${variant}) inserted at ${p}, seq ${seq}`, copy: t, expect: [{ at: 'checkpoint', index: p }] };
};

export const resignCheckpoint: Op = (c, x) => {
  const idx = x.rng.int(c.checkpoints.length);
  const attacker = x.rng.pick(x.attackers);
  const t = clone(c);
  if (x.rng.chance(0.6)) addKey(t, attacker.key);
  const cl = claims(c)[idx] as CheckpointClaim;
  const cp = signCheckpoint(attacker, { runId: cl.runId, seq: cl.seq, headHash: cl.headHash, signedAt: cl.signedAt, n: cl.n, prev: cl.prev });
  t.checkpoints[idx] = { statement: cp.statement, signature: cp.signature };
  return { detail: `checkpoint ${idx} re-signed by ${attacker.key.actorId}`, copy: t, expect: [{ at: 'checkpoint', index: idx }] };
};

export const reorderCheckpoints: Op = (c, x) => {
  if (c.checkpoints.length < 2) return null;
  const i = x.rng.int(c.checkpoints.length - 1);
  const j = i + 1 + x.rng.int(c.checkpoints.length - i - 1);
  const t = clone(c);
  [t.checkpoints[i], t.checkpoints[j]] = [c.checkpoints[j]!, c.checkpoints[i]!];
  return { detail: `checkpoints ${i} and ${j} swapped`, copy: t, expect: [{ at: 'checkpoint', index: i }] };
};

export const replaceKey: Op = (c, x) => {
  const j = x.rng.int(c.keys.length);
  const attacker = x.rng.pick(x.attackers);
  const t = clone(c);
  const keepId = x.rng.chance(0.5);
  t.keys[j] = { ...c.keys[j]!, publicKey: attacker.key.publicKey, keyId: keepId ? c.keys[j]!.keyId : attacker.key.keyId };
  return { detail: `key ${j}'s public key replaced (${keepId ? 'key id kept' : 'key id recomputed'})`, copy: t, expect: [{ at: 'key', index: j }] };
};

export const editKeyDescription: Op = (c, x) => {
  const j = x.rng.int(c.keys.length);
  const t = clone(c);
  const k = c.keys[j]!;
  t.keys[j] = x.rng.chance(0.5) ? { ...k, displayName: `${k.displayName ?? ''} (admin)` } : { ...k, kind: k.kind === 'human' ? 'service' : 'human' };
  return { detail: `key ${j}'s description edited`, copy: t, expect: [{ at: 'key', index: j }] };
};

export const dropKey: Op = (c, x) => {
  const j = x.rng.int(c.keys.length);
  const first = claims(c).findIndex((cl) => cl.keyId === c.keys[j]!.keyId);
  if (first < 0) return null; // a key that signs nothing here: dropping it changes nothing proven
  const t = clone(c);
  t.keys.splice(j, 1);
  return { detail: `key ${j} removed`, copy: t, expect: [{ at: 'checkpoint', index: first }] };
};

