/**
 * One flush of the LedgerSigner: for every run with something to sign, plan its next checkpoints
 * (each statement chained to the one before), sign the host's checkpoints of all runs with one
 * signature (a Merkle batch), sign attestations with their actors' keys, then store them run by
 * run, in order. A run whose store refuses (another signer got there first, a full disk) keeps
 * its wishes for the next flush.
 */
import { checkpointStatement, parseCheckpoint, signCheckpoints, type CheckpointClaim, type ParsedCheckpoint } from '../checkpoints/checkpoint';
import { type ChainCheckpointStore } from '../checkpoints/checkpoint-store';
import { sha256Hex } from '../encoding';
import { type SigningKey } from '../keys/key-store';
import { ProvenanceError } from '../provenance-errors';
import { type RunSigningState, type Wish } from './signer-state';

export interface FlushContext {
  host: SigningKey;
  store: ChainCheckpointStore;
  signedAt: string;
  report(error: Error, runId: string): void;
}

interface Planned {
  runId: string;
  s: RunSigningState;
  items: { claim: CheckpointClaim; statement: string; key: SigningKey; wish: Wish; cp?: ParsedCheckpoint }[];
}

export async function loadLast(store: ChainCheckpointStore, runId: string): Promise<ParsedCheckpoint | null> {
  const stored = await store.last(runId);
  if (!stored) return null;
  const parsed = parseCheckpoint(stored);
  if (!parsed.ok) throw new ProvenanceError('CHECKPOINT_INVALID', `The last stored checkpoint of run ${runId} is malformed (${parsed.reason}); signing stopped for this run.`);
  return parsed.checkpoint;
}

/** Plans, signs and stores the checkpoints of `runs` (each already prepared: placed and its last checkpoint loaded). */
export async function signAndStore(ctx: FlushContext, runs: readonly [string, RunSigningState][]): Promise<void> {
  const plans = runs.map(([runId, s]) => plan(ctx, runId, s)).filter((p) => p.items.length > 0);
  const byKey = new Map<SigningKey, Planned['items']>();
  for (const p of plans) {
    for (const item of p.items) {
      const list = byKey.get(item.key);
      if (list) list.push(item);
      else byKey.set(item.key, [item]);
    }
  }
  for (const [key, items] of byKey) {
    const signed = signCheckpoints(
      key,
      items.map((i) => i.claim),
      items.map((i) => i.statement),
    );
    items.forEach((item, i) => (item.cp = signed[i]));
  }
  for (const p of plans) await store(ctx, p);
}

function plan(ctx: FlushContext, runId: string, s: RunSigningState): Planned {
  const wishes = [...s.pending];
  if (s.wantCheckpoint && s.head !== null && s.seq > Math.max(s.signedSeq, wishes.at(-1)?.seq ?? -1)) wishes.push({ seq: s.seq, head: s.head, key: ctx.host });
  s.pending = [];
  s.wantCheckpoint = false;
  let last: { n: number; seq: number; hash: string } | null = s.last ? { n: s.last.claim.n, seq: s.last.claim.seq, hash: s.last.hash } : null;
  const items: Planned['items'] = [];
  for (const wish of wishes) {
    if (last && last.seq >= wish.seq) {
      if (wish.key !== ctx.host) ctx.report(new ProvenanceError('CHECKPOINT_CONFLICT', `Record ${wish.seq} of run ${runId} could not be attested by ${wish.key.key.actorId}: a checkpoint already covers it.`), runId);
      continue;
    }
    const claim: CheckpointClaim = { runId, seq: wish.seq, headHash: wish.head, actorId: wish.key.key.actorId, keyId: wish.key.key.keyId, signedAt: ctx.signedAt, n: last ? last.n + 1 : 0, prev: last?.hash ?? null };
    const statement = checkpointStatement(claim);
    items.push({ claim, statement, key: wish.key, wish });
    last = { n: claim.n, seq: claim.seq, hash: sha256Hex(statement) };
  }
  return { runId, s, items };
}

async function store(ctx: FlushContext, p: Planned): Promise<void> {
  for (const [i, item] of p.items.entries()) {
    const cp = item.cp as ParsedCheckpoint;
    try {
      await ctx.store.append(p.runId, cp);
    } catch (err) {
      // Keep what is left for the next flush; a conflict means another signer moved on: reload its last.
      p.s.pending.unshift(...p.items.slice(i).map((x) => x.wish));
      if (err instanceof ProvenanceError && err.reason === 'CHECKPOINT_CONFLICT') p.s.last = undefined;
      ctx.report(err instanceof Error ? err : new Error(String(err)), p.runId);
      return;
    }
    p.s.last = cp;
    p.s.signedSeq = Math.max(p.s.signedSeq, cp.claim.seq);
  }
}
