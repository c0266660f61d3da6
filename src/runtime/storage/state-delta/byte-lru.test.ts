import { describe, expect, it } from 'vitest';
import { ByteLru } from './byte-lru';

const keys = (lru: ByteLru<string, number>): string[] => [...lru.keys()];

describe('ByteLru', () => {
  it('drops the least recently used entries past the byte budget, a read counting as a use', () => {
    const lru = new ByteLru<string, number>({ maxBytes: 10 });
    lru.put('a', 1, 4);
    lru.put('b', 2, 4);
    expect(lru.get('a')).toBe(1); // a is now the most recently used
    lru.put('c', 3, 4); // 12 bytes: b goes
    expect(keys(lru)).toEqual(['a', 'c']);
    expect(lru.has('b')).toBe(false);
    expect(lru.get('b')).toBeUndefined();
    expect(lru.bytes).toBe(8);
  });

  it('drops past the entry budget too', () => {
    const lru = new ByteLru<string, number>({ maxBytes: 1000, maxEntries: 2 });
    lru.put('a', 1, 1);
    lru.put('b', 2, 1);
    lru.put('c', 3, 1);
    expect(keys(lru)).toEqual(['b', 'c']);
    expect(lru.size).toBe(2);
  });

  it('never drops the entry just put, even when it alone is over the budget', () => {
    const lru = new ByteLru<string, number>({ maxBytes: 10 });
    lru.put('a', 1, 4);
    lru.put('big', 2, 50);
    expect(keys(lru)).toEqual(['big']);
    expect(lru.get('big')).toBe(2);
    lru.put('c', 3, 4); // now big is the oldest: it goes
    expect(keys(lru)).toEqual(['c']);
    expect(lru.bytes).toBe(4);
  });

  it('replaces an entry put again under the same key, counting its new size only', () => {
    const lru = new ByteLru<string, number>({ maxBytes: 10 });
    lru.put('a', 1, 4);
    lru.put('b', 2, 4);
    lru.put('a', 3, 5); // a replaced and most recent: 9 bytes, nothing dropped
    expect(keys(lru)).toEqual(['b', 'a']);
    expect(lru.get('a')).toBe(3);
    expect(lru.bytes).toBe(9);
    lru.clear();
    expect(lru.size).toBe(0);
    expect(lru.bytes).toBe(0);
  });
});
