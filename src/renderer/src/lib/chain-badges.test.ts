import { describe, expect, it } from 'vitest';
import { type ChainSummary } from '../../../shared/contract';
import { badgeForSeq, chainHeadline, explainChainError } from './chain-badges';

function summary(over: Partial<ChainSummary>): ChainSummary {
  return {
    runId: 'r1', sourceId: 'ws', ok: true, chain: 'verified', count: 10, verifiedCount: 10, headHash: 'h', firstBadSeq: null, checkedFromSeq: 0,
    explanation: null, errors: [], checkedAt: '2026-01-01T00:00:00Z', ...over,
  };
}

describe('an unchained ledger (no record carries a hash)', () => {
  it('badges its records "unchained", never broken, and says so calmly', () => {
    const s = summary({ chain: 'unchained', verifiedCount: 0, headHash: null });
    expect(badgeForSeq(s, 0)).toBe('unchained');
    expect(badgeForSeq(s, 9)).toBe('unchained');
    expect(badgeForSeq(s, 10)).toBe('unchecked');
    expect(chainHeadline(s, 10)).toMatchObject({ tone: 'unchained', text: expect.stringContaining('Not chained') });
  });
});

describe('badgeForSeq', () => {
  it('is unchecked until the run was verified', () => {
    expect(badgeForSeq(null, 0)).toBe('unchecked');
  });

  it('marks every checked record verified and records appended later unchecked', () => {
    const s = summary({});
    expect(badgeForSeq(s, 0)).toBe('verified');
    expect(badgeForSeq(s, 9)).toBe('verified');
    expect(badgeForSeq(s, 10)).toBe('unchecked');
  });

  it('marks exactly the tampered record broken', () => {
    const s = summary({ ok: false, verifiedCount: 9, firstBadSeq: 4, errors: [{ index: 4, seq: 4, type: 'record_hash_mismatch', stored: 'aa', computed: 'bb' }] });
    expect(badgeForSeq(s, 3)).toBe('verified');
    expect(badgeForSeq(s, 4)).toBe('broken');
    expect(badgeForSeq(s, 5)).toBe('verified');
  });

  it('leaves records after a missing hash unchecked, as the verifier stops there', () => {
    const s = summary({ ok: false, verifiedCount: 2, firstBadSeq: 2, errors: [{ index: 2, seq: 2, type: 'missing_record_hash' }] });
    expect(badgeForSeq(s, 1)).toBe('verified');
    expect(badgeForSeq(s, 2)).toBe('broken');
    expect(badgeForSeq(s, 3)).toBe('unchecked');
  });
});

describe('chainHeadline', () => {
  it('says all records verified when the chain is whole', () => {
    expect(chainHeadline(summary({}), 10)).toEqual({ tone: 'ok', text: 'All 10 records verified: no record was changed, removed or reordered.' });
  });

  it('says how many newer records are not checked', () => {
    expect(chainHeadline(summary({}), 12).tone).toBe('partial');
    expect(chainHeadline(summary({}), 12).text).toContain('2 newer not checked');
  });

  it('prefers the backend explanation of the first broken record', () => {
    const s = summary({ ok: false, explanation: 'record 57 was changed after it was written', errors: [{ index: 57, seq: 57, type: 'missing_record_hash' }] });
    expect(chainHeadline(s, 100)).toEqual({ tone: 'broken', text: 'record 57 was changed after it was written' });
  });

  it('explains a tampered record in words when the backend gives no explanation', () => {
    const text = explainChainError({ index: 57, seq: 57, type: 'record_hash_mismatch', stored: '0123456789abcdef', computed: 'fedcba9876543210' });
    // The same words as `studio verify` and the service (src/shared/chain-errors.ts).
    expect(text).toBe('Record 57 was changed after it was written: its content hashes to fedcba987654…, not to its stored hash 0123456789ab….');
  });

  it('reports an unverified run as not verified yet', () => {
    expect(chainHeadline(null, 3)).toEqual({ tone: 'unchecked', text: '3 records, not verified yet.' });
  });
});
