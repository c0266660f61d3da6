/**
 * The hash chain, checked by the runtime's ChainVerifier, then explained: a broken link between
 * two records that each verify on their own is told apart as an inserted record (the next record
 * links straight past it), a duplicated one, or a gap (a record removed, or one replaced together
 * with its hash: the chain alone cannot tell which of the two neighbours, so it names both).
 */
import { ChainVerifier, type ChainReport } from '../../ledger/chain-verifier';
import { type JsonObject } from '../../json/json-value';
import { short, type ProvenanceFinding } from './findings';

const stored = (r: JsonObject | undefined): string | null => {
  const h = r?.['record_hash'];
  return typeof h === 'string' && h ? h : null;
};
const prevOf = (r: JsonObject): unknown => r['prev_hash'] ?? null;

export function chainFindings(records: readonly JsonObject[], runId: string | null): { chain: ChainReport; findings: ProvenanceFinding[] } {
  const verifier = new ChainVerifier();
  for (const r of records) verifier.push(r);
  const chain = verifier.report(stored(records.at(-1)));
  const changed = new Map<number, string>();
  for (const e of chain.errors) if (e.type === 'record_hash_mismatch') changed.set(e.index, e.computed);
  const links = new Map<number, ProvenanceFinding>();
  const out: ProvenanceFinding[] = [];
  for (const e of chain.errors) {
    if (e.type === 'record_hash_mismatch') {
      out.push(err('record_changed', e.index, `record ${e.index} was changed after it was written: its content hashes to ${short(e.computed)}, not to its stored hash ${short(e.stored)}`));
    } else if (e.type === 'missing_record_hash') {
      out.push(err('record_hash_missing', e.index, `record ${e.index} has no record_hash (removed, or never chained); the chain cannot be followed past it`));
    } else {
      explainLink(records, e.index, changed, links);
    }
  }
  out.push(...links.values());
  if (runId !== null) {
    records.forEach((r, i) => {
      if (r['run_id'] !== runId) out.push(err('record_wrong_run', i, `record ${i} belongs to run ${JSON.stringify(r['run_id'] ?? null)}, not to run ${runId} (copied from another ledger?)`));
    });
  }
  return { chain, findings: out };
}

function explainLink(records: readonly JsonObject[], j: number, changed: Map<number, string>, links: Map<number, ProvenanceFinding>): void {
  const r = records[j] as JsonObject;
  if (changed.has(j)) return; // its own content changed (prev_hash is part of it): record_changed says so
  if (j > 0 && changed.get(j - 1) === prevOf(r)) return; // only the previous record's stored hash was edited
  if (j > 0 && stored(r) !== null && stored(r) === stored(records[j - 1])) {
    links.set(j, err('record_duplicated', j, `record ${j} is a second copy of record ${j - 1}`));
    return;
  }
  // Record j links straight past record j-1 to record j-2: j-1 was slipped in. (Record 1 with no
  // prev_hash is no such evidence: null is no hash, and either record 0 or record 1 may be the odd one.)
  if (j >= 2 && !changed.has(j - 1) && prevOf(r) === stored(records[j - 2])) {
    links.delete(j - 1);
    links.set(j - 1, err('record_inserted', j - 1, `record ${j - 1} is not part of the chain: record ${j} links straight to record ${j - 2} (record ${j - 1} was inserted or moved here, or record ${j} was re-linked past it)`));
    return;
  }
  const from = Math.max(0, j - 1);
  const msg =
    j === 0
      ? `record 0 does not start the chain: it points to ${short(prevOf(r))} (records before it were removed, or it was replaced)`
      : j === 1 && prevOf(r) === null
        ? 'records 0 and 1 both start a chain (no prev_hash): one of them was inserted, or record 1 was replaced'
        : `the chain is broken between records ${j - 1} and ${j}: record ${j} points to ${short(prevOf(r))}, not to record ${j - 1}'s hash ` +
          `(a record was removed here, the records were reordered, or record ${j - 1} was replaced)`;
  links.set(j, { ...err('chain_broken', j, msg), location: { kind: 'record', seq: j, range: [from, j] } });
}

function err(code: ProvenanceFinding['code'], seq: number, message: string): ProvenanceFinding {
  return { code, severity: 'error', location: { kind: 'record', seq }, message };
}
