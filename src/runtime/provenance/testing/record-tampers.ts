/** Tamperings of the ledger records: edits at any depth, deletes, inserts, reorders, cuts, rehashes and rewrites. */
import { JsonNumber } from '../../json/json-number';
import { computeRecordHash } from '../../ledger/record-hash';
import { mutateJson } from './json-mutations';
import { addKey, claims, clone, dump, hashAt, noop, parse, randomHash, rehashFrom, resignFrom, type Expectation, type LedgerCopy, type Op, type TamperContext } from './tamper-kit';

export const editField: Op = (c, x) => {
  const i = x.rng.int(c.lines.length);
  const t = clone(c);
  t.lines[i] = dump(mutateJson(parse(c.lines[i] as string), x.rng, noop));
  return { detail: `record ${i} edited: ${t.lines[i]}\n   was: ${c.lines[i]}`, copy: t, expect: [{ at: 'record', seq: i }] };
};

export const deleteRecord: Op = (c, x) => {
  if (c.lines.length < 2) return null;
  const i = x.rng.int(c.lines.length - 1);
  const t = clone(c);
  t.lines.splice(i, 1);
  return { detail: `record ${i} deleted`, copy: t, expect: [{ at: 'record', seq: i }] };
};

export const insertForged: Op = (c, x) => {
  const i = x.rng.int(c.lines.length + 1);
  const d = parse(c.lines[x.rng.int(c.lines.length)] as string);
  d['result'] = { forged: true, amount: new JsonNumber('1000000.0') };
  d['step_id'] = `forged-${i}`;
  const prev = x.rng.chance(0.3) ? randomHash(x) : i > 0 ? hashAt(c, i - 1) : null;
  d['prev_hash'] = prev;
  d['record_hash'] = computeRecordHash(d, prev);
  d['signature'] = null;
  const t = clone(c);
  t.lines.splice(i, 0, dump(d));
  // Two records without prev_hash at the start: which one is forged cannot be told from the chain.
  const expect: Expectation = i === 0 && prev === null ? { at: 'span', seq: 0 } : { at: 'record', seq: i };
  return { detail: `forged record inserted at ${i}`, copy: t, expect: [expect] };
};

export const swap: Op = (c, x) => {
  if (c.lines.length < 2) return null;
  const i = x.rng.int(c.lines.length - 1);
  const j = i + 1 + x.rng.int(c.lines.length - i - 1);
  const t = clone(c);
  [t.lines[i], t.lines[j]] = [c.lines[j] as string, c.lines[i] as string];
  return { detail: `records ${i} and ${j} swapped`, copy: t, expect: [{ at: 'record', seq: i }] };
};

export const move: Op = (c, x) => {
  if (c.lines.length < 3) return null;
  const a = x.rng.int(c.lines.length);
  const b = x.rng.int(c.lines.length - 1);
  if (a === b) return null;
  const t = clone(c);
  const [line] = t.lines.splice(a, 1);
  t.lines.splice(b, 0, line as string);
  return { detail: `record ${a} moved to ${b}`, copy: t, expect: [{ at: 'record', seq: Math.min(a, b) }] };
};

export const truncate: Op = (c, x) => {
  const k = 1 + x.rng.int(c.lines.length);
  const t = clone(c);
  t.lines = t.lines.slice(0, c.lines.length - k);
  return { detail: `last ${k} records cut`, copy: t, expect: [{ at: 'truncated', from: c.lines.length - k }] };
};

export const duplicate: Op = (c, x) => {
  const i = x.rng.int(c.lines.length);
  const t = clone(c);
  t.lines.splice(i + 1, 0, c.lines[i] as string);
  return { detail: `record ${i} duplicated`, copy: t, expect: [{ at: 'record', seq: i + 1 }] };
};

export const otherRunRecord: Op = (c, x) => {
  const other = x.rng.pick(x.otherRuns);
  const i = x.rng.int(Math.min(c.lines.length, other.length));
  const t = clone(c);
  t.lines[i] = other[i] as string;
  return { detail: `record ${i} replaced by record ${i} of another run`, copy: t, expect: [{ at: 'record', seq: i }] };
};

/** Edits record i and fixes its hash (and, with `chain`, re-links every record after it). */
function rehashed(c: LedgerCopy, x: TamperContext, chain: boolean): { t: LedgerCopy; i: number } | null {
  const i = x.rng.int(c.lines.length);
  const t = clone(c);
  const d = mutateJson(parse(c.lines[i] as string), x.rng, noop);
  d['record_hash'] = computeRecordHash(d, (d['prev_hash'] ?? null) as string | null);
  t.lines[i] = dump(d);
  if (chain) rehashFrom(t.lines, i);
  if (noop(parse(c.lines[i] as string), parse(t.lines[i] as string))) return null; // the edit was to a hash the rehash restored
  return { t, i };
}

export const rehashEdit: Op = (c, x) => {
  const r = rehashed(c, x, false);
  return r && { detail: `record ${r.i} edited and its hash recomputed`, copy: r.t, expect: [{ at: 'span', seq: r.i }] };
};

export const rewriteChain: Op = (c, x) => {
  const r = rehashed(c, x, true);
  return r && { detail: `record ${r.i} edited and the chain rewritten from there`, copy: r.t, expect: [{ at: 'span', seq: r.i }] };
};

export const rewriteAndResign: Op = (c, x) => {
  const r = rehashed(c, x, true);
  if (!r) return null;
  const first = claims(c).findIndex((cl) => cl.seq >= r.i);
  if (first < 0) return null;
  const attacker = x.rng.pick(x.attackers);
  addKey(r.t, attacker.key);
  resignFrom(r.t, first, attacker, (cl) => hashAt(r.t, cl.seq));
  return { detail: `record ${r.i} edited, chain rewritten, checkpoints from ${first} re-signed by ${attacker.key.actorId}`, copy: r.t, expect: [{ at: 'span', seq: r.i }, { at: 'checkpoint', index: first }] };
};

