import { describe, expect, it } from 'vitest';
import { entry } from '../test-support/fixtures';
import { LEDGER_PAGE_SIZE, emptyLedgerCache, entryAt, loadedCount, missingPagesForRows, seqAtRow, withEntries, withPage } from './ledger-cache';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => entry(from + i));

describe('ledger cache', () => {
  it('maps rows newest first', () => {
    expect(seqAtRow(100_000, 0)).toBe(99_999);
    expect(seqAtRow(100_000, 99_999)).toBe(0);
  });

  it('asks only for the newest page when a 100,000-record run opens', () => {
    const cache = emptyLedgerCache(100_000);
    expect(missingPagesForRows(cache, 0, 40)).toEqual([Math.floor(99_999 / LEDGER_PAGE_SIZE)]);
  });

  it('asks for the two pages a view straddles, and nothing once they are loaded', () => {
    let cache = emptyLedgerCache(1000);
    // rows 450..550 are seqs 549..449: pages 1 and 0
    expect(missingPagesForRows(cache, 450, 550)).toEqual([1, 0]);
    cache = withPage(cache, { runId: 'r1', total: 1000, fromSeq: 0, entries: range(0, 1000) });
    expect(missingPagesForRows(cache, 450, 550)).toEqual([]);
    expect(entryAt(cache, 777)?.seq).toBe(777);
  });

  it('treats a partly loaded page as missing', () => {
    const cache = withEntries(emptyLedgerCache(10), range(5, 10));
    expect(missingPagesForRows(cache, 0, 9)).toEqual([0]);
  });

  it('grows the total when live records arrive and keeps earlier ones', () => {
    let cache = withEntries(emptyLedgerCache(3), range(0, 3));
    cache = withEntries(cache, [entry(3), entry(4)]);
    expect(cache.total).toBe(5);
    expect(loadedCount(cache)).toBe(5);
    expect(entryAt(cache, 0)?.seq).toBe(0);
  });

  it('does not mutate the previous cache (stores compare by reference)', () => {
    const a = withEntries(emptyLedgerCache(2), [entry(0)]);
    const b = withEntries(a, [entry(1)]);
    expect(entryAt(a, 1)).toBeUndefined();
    expect(entryAt(b, 1)?.seq).toBe(1);
    expect(b.version).toBe(a.version + 1);
  });
});
