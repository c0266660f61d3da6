import { type LedgerEntry, type LedgerPage } from '../../../shared/contract';

/**
 * The loaded part of one run's ledger, in fixed pages of seq ranges. Seqs start at 0 and are
 * dense, so the timeline (newest first) maps a row to a seq without loading anything:
 * row i shows seq total-1-i, and only the pages in view are fetched.
 */
export const LEDGER_PAGE_SIZE = 500;

export interface LedgerCache {
  total: number;
  /** Page p holds seqs [p*SIZE, (p+1)*SIZE), at index seq % SIZE (sparse while partial). */
  pages: ReadonlyMap<number, ReadonlyArray<LedgerEntry | undefined>>;
  /** Bumped on every change so memoised derivations (graph state) know to recompute. */
  version: number;
}

export const emptyLedgerCache = (total = 0): LedgerCache => ({ total, pages: new Map(), version: 0 });

export const pageOfSeq = (seq: number): number => Math.floor(seq / LEDGER_PAGE_SIZE);

/** Newest-first timeline: row 0 is the last record. */
export const seqAtRow = (total: number, row: number): number => total - 1 - row;
export const rowOfSeq = (total: number, seq: number): number => total - 1 - seq;

export function entryAt(cache: LedgerCache, seq: number): LedgerEntry | undefined {
  return cache.pages.get(pageOfSeq(seq))?.[seq % LEDGER_PAGE_SIZE];
}

/** The pages covering timeline rows [firstRow, lastRow], newest first, that are not loaded. */
export function missingPagesForRows(cache: LedgerCache, firstRow: number, lastRow: number): number[] {
  if (cache.total === 0) return [];
  const lo = Math.max(0, seqAtRow(cache.total, Math.min(lastRow, cache.total - 1)));
  const hi = Math.max(0, seqAtRow(cache.total, Math.max(0, firstRow)));
  const out: number[] = [];
  for (let p = pageOfSeq(hi); p >= pageOfSeq(lo); p--) {
    if (!isPageComplete(cache, p)) out.push(p);
  }
  return out;
}

function isPageComplete(cache: LedgerCache, page: number): boolean {
  const entries = cache.pages.get(page);
  if (!entries) return false;
  const expected = Math.min(LEDGER_PAGE_SIZE, cache.total - page * LEDGER_PAGE_SIZE);
  let n = 0;
  for (const e of entries) if (e) n++;
  return n >= expected;
}

/** Stores entries by their seq; `total` grows to cover them (a page can reveal newer records). */
export function withEntries(cache: LedgerCache, entries: readonly LedgerEntry[], total?: number): LedgerCache {
  if (entries.length === 0 && (total === undefined || total === cache.total)) return cache;
  const pages = new Map(cache.pages);
  const copied = new Set<number>();
  let maxSeq = -1;
  for (const e of entries) {
    const p = pageOfSeq(e.seq);
    let arr = pages.get(p) as Array<LedgerEntry | undefined> | undefined;
    if (!copied.has(p)) {
      arr = arr ? arr.slice() : [];
      pages.set(p, arr);
      copied.add(p);
    }
    arr![e.seq % LEDGER_PAGE_SIZE] = e;
    if (e.seq > maxSeq) maxSeq = e.seq;
  }
  return { total: Math.max(total ?? cache.total, maxSeq + 1), pages, version: cache.version + 1 };
}

/**
 * A page's total is the ledger's length when the page was read; records that arrived live since
 * (the ledger only grows) stay, or an answer landing after them would hide them until the next one.
 */
export const withPage = (cache: LedgerCache, page: LedgerPage): LedgerCache => withEntries(cache, page.entries, Math.max(page.total, cache.total));

/** Every loaded entry in seq order (for derivations over what is known). */
export function loadedEntries(cache: LedgerCache): LedgerEntry[] {
  const out: LedgerEntry[] = [];
  const keys = [...cache.pages.keys()].sort((a, b) => a - b);
  for (const k of keys) for (const e of cache.pages.get(k) ?? []) if (e) out.push(e);
  return out;
}

/** How many records are loaded; the graph says "from the last N records" when this is < total. */
export function loadedCount(cache: LedgerCache): number {
  let n = 0;
  for (const arr of cache.pages.values()) for (const e of arr) if (e) n++;
  return n;
}
