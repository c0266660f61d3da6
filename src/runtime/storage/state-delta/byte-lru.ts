/**
 * A map that keeps what was used last within a budget of bytes (each entry says what it costs)
 * and, optionally, of entries: past either, the least recently used entries are dropped, never
 * the one just put (a value bigger than the whole budget is still kept until the next put). A
 * read (`get`) counts as a use. What RebuiltStates and ParsedChunks keep, by connection.
 */
export class ByteLru<K, V> {
  private readonly entries = new Map<K, { value: V; bytes: number }>();
  private total = 0;

  constructor(private readonly limits: { maxBytes: number; maxEntries?: number }) {}

  has(key: K): boolean {
    return this.entries.has(key);
  }

  /** The value kept under `key`, if any (and it becomes the most recently used). */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Keeps `value` under `key` as the most recently used, `bytes` its cost, then drops what is past the budget. */
  put(key: K, value: V, bytes: number): void {
    const old = this.entries.get(key);
    if (old) {
      this.total -= old.bytes;
      this.entries.delete(key);
    }
    this.entries.set(key, { value, bytes });
    this.total += bytes;
    const maxEntries = this.limits.maxEntries ?? Infinity;
    for (const [k, e] of this.entries) {
      if (this.total <= this.limits.maxBytes && this.entries.size <= maxEntries) break;
      if (k === key) continue;
      this.entries.delete(k);
      this.total -= e.bytes;
    }
  }

  /** The keys, least recently used first. */
  keys(): IterableIterator<K> {
    return this.entries.keys();
  }

  clear(): void {
    this.entries.clear();
    this.total = 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** What the kept entries cost, as their puts said. */
  get bytes(): number {
    return this.total;
  }
}
