/**
 * A step's records share their effect payload, which one commit serialises once for both
 * (PayloadTextMemo): the rows must be exactly those written without the memo, key-order hints
 * included, and a different payload in between must not borrow the last one's text.
 */
import { describe, expect, it } from 'vitest';
import { type StepRecord } from '../../core/models';
import { setKeyOrder, type JsonObject } from '../../json/json-value';
import { newPayloadTextMemo } from '../../ledger/record-hash';
import { encodeLedgerRecord } from './ledger-rows';
import { sampleRecord } from './test-support/records';

/** A payload written out of sorted order at two levels, and with an integer-like key: it has key-order hints. */
function unsortedPayload(): JsonObject {
  const inner: JsonObject = { z: 1, a: [{ y: 'é', b: null }] };
  const payload: JsonObject = { prompt: 'p', params: inner, '10': true, '2': false };
  setKeyOrder(payload, ['prompt', 'params', '10', '2']);
  return payload;
}

describe('ledger rows of one commit', () => {
  it('writes a shared payload once and stores exactly the rows written without sharing', () => {
    const shared = unsortedPayload();
    const other: JsonObject = { zeta: 'ü', alpha: { k: 2, c: 1 } };
    const recs: StepRecord[] = [
      sampleRecord('r', 0, { status: 'started', result: null, effect: { type: 'llm_call', payload: shared, resultKey: 'x' } }),
      sampleRecord('r', 1, { effect: { type: 'llm_call', payload: shared, resultKey: 'x' }, result: { b: 1, a: 2 } }),
      sampleRecord('r', 2, { effect: { type: 'tool_calls', payload: other, resultKey: null } }),
      sampleRecord('r', 3, { effect: { type: 'llm_call', payload: shared, resultKey: 'x' } }),
      sampleRecord('r', 4, { effect: null }),
    ];
    const memo = newPayloadTextMemo();
    let prev: string | null = null;
    for (const r of recs) {
      const withMemo = encodeLedgerRecord(r, prev, memo);
      const alone = encodeLedgerRecord(r, prev);
      expect(withMemo).toEqual(alone);
      prev = alone.recordHash;
    }
    expect(encodeLedgerRecord(recs[1]!, null).keyOrder).not.toBeNull(); // the hints are really exercised
  });
});
