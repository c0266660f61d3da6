import { describe, expect, it } from 'vitest';
import { entry } from '../test-support/fixtures';
import { appendOlderWindow, filterWindows, matchesFilter, prependNewer, rowOfSeqDesc } from './filtered-ledger';

describe('filtered ledger', () => {
  it('walks windows from the head back to the first record', () => {
    expect(filterWindows(12_000, 5000)).toEqual([[7000, 12_000], [2000, 7000], [0, 2000]]);
    expect(filterWindows(0)).toEqual([]);
  });

  it('keeps a window to its range, newest first', () => {
    const desc = appendOlderWindow([], [entry(7000), entry(8000), entry(12_001)], 7000, 12_000);
    expect(desc.map((e) => e.seq)).toEqual([8000, 7000]);
    expect(appendOlderWindow(desc, [entry(10)], 0, 7000).map((e) => e.seq)).toEqual([8000, 7000, 10]);
  });

  it('puts matching live records on top once', () => {
    const f = { status: 'failed' as const, effectType: null, nodeId: null };
    const desc = [entry(5, { status: 'failed' })];
    const next = prependNewer(desc, [entry(5, { status: 'failed' }), entry(6, { status: 'completed' }), entry(7, { status: 'failed' })], f);
    expect(next.map((e) => e.seq)).toEqual([7, 5]);
    expect(matchesFilter(entry(1, { nodeId: 'a' }), { status: null, effectType: null, nodeId: 'b' })).toBe(false);
  });

  it('finds the row of a seq', () => {
    const desc = [entry(9), entry(7), entry(3), entry(1)];
    expect(rowOfSeqDesc(desc, 3)).toBe(2);
    expect(rowOfSeqDesc(desc, 4)).toBe(-1);
  });
});
