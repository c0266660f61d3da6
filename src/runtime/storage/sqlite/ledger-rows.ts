import { decodeStepRecord } from '../../core/codecs';
import { type StepRecord } from '../../core/models';
import { CorruptFileError } from '../../errors';
import { parseJson } from '../../json/parse';
import { canonicalJson } from '../../json/py-dumps';
import { isJsonObject } from '../../json/json-value';
import { sha256Hex, stepRecordHashText, type PayloadTextMemo } from '../../ledger/record-hash';
import { applyKeyOrderHint, keyOrderHintText, newRecordKeyOrder } from './key-order';

/** What a ledger row holds for one record (besides run_id and seq). */
export interface EncodedLedgerRecord {
  /** The exact text `record_hash` is the sha256 of (`chainRecord`'s return value). */
  canonical: string;
  recordHash: string;
  keyOrder: string | null;
}

/**
 * Chains a record onto `prevHash` and returns what is stored. Leaves the record as it is: the
 * caller's record gets its hashes only once the transaction has committed (see StepWriter).
 * `memo`, shared by the records of one commit, serialises a payload they share once.
 */
export function encodeLedgerRecord(record: StepRecord, prevHash: string | null, memo?: PayloadTextMemo): EncodedLedgerRecord {
  const keyOrder = newRecordKeyOrder();
  const canonical = stepRecordHashText(record, prevHash, keyOrder, memo);
  return { canonical, recordHash: sha256Hex(canonical), keyOrder: keyOrderHintText(keyOrder) };
}

/** Rebuilds a StepRecord from its row: values from the hashed text, key order from the hint. */
export function decodeLedgerRow(canonical: string, recordHash: string, signature: string | null, keyOrder: string | null, source: string): StepRecord {
  const dict = parseJson(canonical, { source });
  if (!isJsonObject(dict)) throw new CorruptFileError(source, 'a ledger record is not a JSON object');
  applyKeyOrderHint(dict, keyOrder);
  const record = decodeStepRecord(dict, source);
  record.recordHash = recordHash;
  record.signature = signature;
  return record;
}

const KEY_TAIL = 'prev_hash":';
const QUOTE = 0x22;
const COMMA = 0x2c;
const OPEN_BRACE = 0x7b;
const BACKSLASH = '\\';

/**
 * The top-level `prev_hash` inside a record's canonical text, without parsing it: the verifier's
 * hot path (a full parse would cost more than the sha256).
 *
 * Why the fast path is exact: in JSON text the sequence `prev_hash":` (a quote right before the
 * colon) can only end a key, because a quote inside a string is escaped. When it occurs exactly
 * once, and the quote before it follows `,` or `{` (so it opens the key, it is not an escaped
 * quote), that key is exactly "prev_hash" and it is the only one anywhere in the record; since
 * every hashed record has a top-level prev_hash, that one is it. Nested "prev_hash" keys in user
 * data (a payload that embeds a record) make the occurrence non-unique and take the slow path,
 * a real parse. (`"prev_hash":` with the leading quote would also do, but V8 searches the
 * pattern without it about 3x faster.)
 *
 * Returns undefined when the text is not a JSON object at all (a tampered row: its hash check
 * reports it).
 */
export function canonicalPrevHash(text: string): string | null | undefined {
  const at = text.indexOf(KEY_TAIL);
  if (at >= 2 && text.charCodeAt(at - 1) === QUOTE && text.indexOf(KEY_TAIL, at + KEY_TAIL.length) === -1) {
    const before = text.charCodeAt(at - 2);
    if (before === COMMA || before === OPEN_BRACE) {
      const v = at + KEY_TAIL.length;
      if (text.startsWith('null', v)) return null;
      if (text.charCodeAt(v) === QUOTE) {
        const end = text.indexOf('"', v + 1);
        const value = end > 0 ? text.slice(v + 1, end) : '';
        if (end > 0 && !value.includes(BACKSLASH)) return value;
      }
    }
  }
  return slowPrevHash(text);
}

function slowPrevHash(text: string): string | null | undefined {
  let dict;
  try {
    dict = parseJson(text);
  } catch {
    return undefined;
  }
  if (!isJsonObject(dict)) return undefined;
  const v = dict['prev_hash'];
  if (v === undefined || v === null) return null;
  // Not a string: keep its text, so it mismatches any real hash (the reference compares with !=).
  return typeof v === 'string' ? v : canonicalJson(v);
}
