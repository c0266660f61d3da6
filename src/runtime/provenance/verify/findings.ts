/**
 * What a provenance verification finds: each finding says where (a record, a stretch of records,
 * a checkpoint, a key, or the ledger as a whole), how bad (an error makes the report fail; a
 * warning is something an auditor should know), and what it means, in plain words.
 */
export type FindingCode =
  // the hash chain
  | 'record_changed'
  | 'record_hash_missing'
  | 'chain_broken'
  | 'record_inserted'
  | 'record_duplicated'
  | 'record_wrong_run'
  | 'record_unreadable'
  // per-record signatures (the `signature` field)
  | 'record_signature_invalid'
  | 'record_signature_unknown_key'
  | 'record_signature_untrusted'
  // checkpoints of the chain head
  | 'checkpoint_malformed'
  | 'checkpoint_wrong_run'
  | 'checkpoint_unknown_key'
  | 'checkpoint_actor_mismatch'
  | 'checkpoint_bad_signature'
  | 'checkpoint_untrusted_key'
  | 'checkpoint_missing'
  | 'checkpoint_chain_broken'
  | 'checkpoint_out_of_order'
  | 'checkpoint_head_mismatch'
  | 'ledger_truncated'
  | 'unsigned_records'
  // keys
  | 'key_invalid'
  | 'key_id_mismatch'
  | 'key_binding_mismatch'
  | 'key_duplicate'
  | 'key_untrusted'
  | 'no_trust_anchor';

export type FindingLocation =
  /** One record, by seq (its 0-based position); `range`: where the change must lie when it cannot be pinned down further. */
  | { kind: 'record'; seq: number; range?: readonly [number, number] }
  /** A stretch of records, both ends included (unsigned records, records cut from the end). */
  | { kind: 'records'; from: number; to: number }
  /** A checkpoint by its position in the run's checkpoint list; `seq` is the seq it claims, when readable. */
  | { kind: 'checkpoint'; index: number; seq: number | null }
  /** A key record by its position in the key list. */
  | { kind: 'key'; index: number; keyId: string | null }
  | { kind: 'ledger' };

export interface ProvenanceFinding {
  code: FindingCode;
  severity: 'error' | 'warning';
  location: FindingLocation;
  message: string;
  /** The key concerned, when there is one. */
  keyId?: string;
  /** The actor concerned, when there is one. */
  actorId?: string;
  /** The checkpoint concerned, for findings located on records. */
  checkpoint?: number;
}

/** A hash shortened for messages; anything that is not a hash string is shown as JSON (a tampered field can hold anything). */
export const short = (hash: unknown): string =>
  typeof hash === 'string' && hash ? `${hash.slice(0, 12)}…` : hash === null || hash === undefined || hash === '' ? 'none' : JSON.stringify(String(hash)).slice(0, 40);

/** Where a finding starts in the ledger (null when it is not about records). */
export function findingSeq(f: ProvenanceFinding): number | null {
  const l = f.location;
  return l.kind === 'record' ? l.seq : l.kind === 'records' ? l.from : null;
}

const KIND_ORDER = { record: 0, records: 0, checkpoint: 1, key: 2, ledger: 3 } as const;

function position(f: ProvenanceFinding): number {
  const l = f.location;
  if (l.kind === 'record') return l.seq;
  if (l.kind === 'records') return l.from;
  if (l.kind === 'checkpoint' || l.kind === 'key') return l.index;
  return 0;
}

/** Records first (by seq), then checkpoints, keys and the ledger; errors before warnings at one place. */
export function sortFindings(findings: ProvenanceFinding[]): ProvenanceFinding[] {
  return findings.sort(
    (a, b) =>
      KIND_ORDER[a.location.kind] - KIND_ORDER[b.location.kind] ||
      position(a) - position(b) ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/** The smallest position among the error findings located on `kind` (records count both record kinds). */
export function firstBad(findings: readonly ProvenanceFinding[], kind: 'record' | 'checkpoint' | 'key'): number | null {
  let best: number | null = null;
  for (const f of findings) {
    if (f.severity !== 'error') continue;
    const k = f.location.kind === 'records' ? 'record' : f.location.kind;
    if (k !== kind) continue;
    const p = position(f);
    if (best === null || p < best) best = p;
  }
  return best;
}
