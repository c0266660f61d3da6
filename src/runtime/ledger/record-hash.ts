import { hash } from 'node:crypto';
import { type StepRecord } from '../core/models';
import { canonicalJson, quotePyString, type KeyOrderCollector } from '../json/py-dumps';
import { formatPyNumber } from '../json/py-float';
import { JsonNumber } from '../json/json-number';
import { KEY_ORDER, type JsonObject, type JsonValue } from '../json/json-value';

/**
 * The text a record's hash is computed over: every field but `record_hash` and `signature`, with
 * `prev_hash` set to the given value, as `json.dumps(sort_keys=True, separators=(",", ":"),
 * ensure_ascii=False)`. Unknown keys of records read from disk are hashed too, as Python does.
 */
export function recordHashText(record: JsonObject, prevHash: string | null): string {
  const clean: JsonObject = { ...record };
  delete clean['record_hash'];
  delete clean['signature'];
  clean['prev_hash'] = prevHash;
  return canonicalJson(clean);
}

/** sha256 of the UTF-8 bytes, hex. `crypto.hash` is the one-shot form: about twice as fast for small texts. */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** `compute_record_hash(record, prev_hash)` of the reference: 64 lowercase hex characters. */
export function computeRecordHash(record: JsonObject, prevHash: string | null): string {
  return sha256Hex(recordHashText(record, prevHash));
}

const str = (s: string | null): string => (s === null ? 'null' : quotePyString(s, false));

const canon = (v: JsonValue, keyOrder: KeyOrderCollector | undefined): string => (keyOrder ? canonicalJson(v, { keyOrder }) : canonicalJson(v));

/** Where the written key order of a record's user objects (payload, result) is collected while hashing. */
export interface RecordKeyOrder {
  payload: KeyOrderCollector;
  result: KeyOrderCollector;
}

/**
 * The canonical text of the last effect payload written, for the next record of the same commit:
 * a step's `started` and `completed` records share one payload object, and nothing can change it
 * between the two inside one synchronous commit, so it is serialised once for both. Create one
 * per commit and drop it after (across commits, user code may have edited the payload).
 */
export interface PayloadTextMemo {
  payload: JsonValue | null;
  text: string;
  /** What the key-order collector found in it (object ids are relative to the payload's root). */
  found: [number, number[]][];
  next: number;
}

export const newPayloadTextMemo = (): PayloadTextMemo => ({ payload: null, text: '', found: [], next: 0 });

/** A payload's canonical text and what the key-order collector found in it (object ids relative to its root). */
interface CollectedText {
  text: string;
  found: [number, number[]][];
  next: number;
}

/**
 * The canonical text of the last deep-frozen payload an idempotency key was computed for (see
 * `isDeepFrozen`): such a payload cannot change, so that text, written before the handler ran, is
 * exactly the text of the step's records, which the commit writes right after. One slot, not a
 * WeakMap: a step's key and its records come in turn, and a WeakMap entry per step cost ~2 µs
 * (measured), more than serialising a small payload again. A miss (another run's step in between)
 * only means the records serialise the payload themselves.
 */
let lastFrozen: { payload: object; text: CollectedText } | null = null;

/**
 * True when nothing reachable from `v` can change: every object and array frozen, every property
 * a data property (an accessor could answer differently each read), every JsonNumber frozen, and
 * a recorded key order (`setKeyOrder`) a frozen list. Stops at the first part that is not, so an
 * ordinary (unfrozen) payload costs one `Object.isFrozen`.
 */
function isDeepFrozen(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return true;
  if (!Object.isFrozen(v)) return false;
  if (v instanceof JsonNumber) return true;
  const order = (v as { [KEY_ORDER]?: unknown })[KEY_ORDER];
  if (order !== undefined && !Object.isFrozen(order)) return false;
  for (const k of Object.keys(v)) {
    const d = Object.getOwnPropertyDescriptor(v, k);
    if (d === undefined || !('value' in d) || !isDeepFrozen(d.value)) return false;
  }
  return true;
}

function collect(payload: JsonValue): CollectedText {
  const own: KeyOrderCollector = { next: 0, found: [] };
  return { text: canonicalJson(payload, { keyOrder: own }), found: own.found, next: own.next };
}

/** The kept text of `payload` when it is the last deep-frozen payload a key was computed for. */
function frozenText(payload: JsonValue): CollectedText | undefined {
  return lastFrozen !== null && lastFrozen.payload === payload ? lastFrozen.text : undefined;
}

/**
 * For a deep-frozen payload, its canonical text, kept for the ledger records that carry it (item 2
 * of issue 15: the idempotency key's text serves the records, one serialisation per step); null
 * for any other payload, which the handler may edit, so its records serialise it after.
 */
export function keptFrozenPayloadText(payload: JsonValue): string | null {
  const known = frozenText(payload);
  if (known) return known.text;
  if (typeof payload !== 'object' || payload === null || !isDeepFrozen(payload)) return null;
  const text = collect(payload);
  lastFrozen = { payload, text };
  return text.text;
}

function replay(keyOrder: KeyOrderCollector | undefined, t: CollectedText): string {
  if (keyOrder) {
    for (const f of t.found) keyOrder.found.push([f[0] + keyOrder.next, f[1]]);
    keyOrder.next += t.next;
  }
  return t.text;
}

function payloadText(payload: JsonValue, keyOrder: KeyOrderCollector | undefined, memo: PayloadTextMemo | undefined): string {
  const frozen = frozenText(payload);
  if (frozen) return replay(keyOrder, frozen);
  if (!memo) return canon(payload, keyOrder);
  if (memo.payload !== payload) {
    // A collector of our own, so its findings can be replayed into the next record's collector.
    const own = collect(payload);
    memo.text = own.text;
    memo.found = own.found;
    memo.next = own.next;
    memo.payload = payload;
  }
  return replay(keyOrder, memo);
}

/**
 * `recordHashText(encodeStepRecord(record), prevHash)` without building and sorting the dict:
 * the 14 hashed keys of a StepRecord are fixed, so they are written in their sorted order
 * directly. This is the hot path of every append; a property test keeps it equal to the
 * general form.
 */
export function stepRecordHashText(r: StepRecord, prevHash: string | null, keyOrder?: RecordKeyOrder, memo?: PayloadTextMemo): string {
  const e = r.effect;
  const effect = e ? `{"payload":${payloadText(e.payload, keyOrder?.payload, memo)},"result_key":${str(e.resultKey)},"type":${str(e.type)}}` : 'null';
  return (
    `{"actor_id":${str(r.actorId)},"attempt":${formatPyNumber(r.attempt)},"effect":${effect},"ended_at":${str(r.endedAt)},` +
    `"error":${str(r.error)},"idempotency_key":${str(r.idempotencyKey)},"node_id":${str(r.nodeId)},"prev_hash":${str(prevHash)},` +
    `"result":${r.result === null ? 'null' : canon(r.result, keyOrder?.result)},"run_id":${str(r.runId)},"session_id":${str(r.sessionId)},` +
    `"started_at":${str(r.startedAt)},"status":${str(r.status)},"step_id":${str(r.stepId)}}`
  );
}

/** Sets `prevHash` and `recordHash` on the record (mutating it, as the reference does) and returns the hashed text. */
export function chainRecord(record: StepRecord, prevHash: string | null): string {
  record.prevHash = prevHash;
  const text = stepRecordHashText(record, prevHash);
  record.recordHash = sha256Hex(text);
  return text;
}
