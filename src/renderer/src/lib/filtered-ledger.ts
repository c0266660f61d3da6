import { type LedgerEntry, type StepStatus } from '../../../shared/contract';

export interface LedgerFilter {
  status: StepStatus | null;
  effectType: string | null;
  nodeId: string | null;
}

export const noLedgerFilter: LedgerFilter = { status: null, effectType: null, nodeId: null };

export const isFiltering = (f: LedgerFilter): boolean => f.status !== null || f.effectType !== null || f.nodeId !== null;

export function matchesFilter(e: LedgerEntry, f: LedgerFilter): boolean {
  return (f.status === null || e.status === f.status) && (f.effectType === null || e.effectType === f.effectType) && (f.nodeId === null || e.nodeId === f.nodeId);
}

/**
 * A filtered timeline is loaded newest first, one window of seqs at a time, so the most recent
 * matches of a 100,000-record run show at once and older ones stream in below. A window is as
 * wide as the page limit, so one request always covers it.
 */
export const FILTER_WINDOW = 5000;

/** The seq windows [lo, hi) from the head back to 0. */
export function filterWindows(total: number, width = FILTER_WINDOW): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let hi = total; hi > 0; hi -= width) out.push([Math.max(0, hi - width), hi]);
  return out;
}

/** Adds one window's matches (ascending, possibly spilling past `hi`) to the newest-first list. */
export function appendOlderWindow(desc: readonly LedgerEntry[], entries: readonly LedgerEntry[], lo: number, hi: number): LedgerEntry[] {
  const inWindow = entries.filter((e) => e.seq >= lo && e.seq < hi).sort((a, b) => b.seq - a.seq);
  return [...desc, ...inWindow];
}

/** Live records that match go on top, newest first, without duplicates. */
export function prependNewer(desc: readonly LedgerEntry[], entries: readonly LedgerEntry[], f: LedgerFilter): LedgerEntry[] {
  const head = desc[0]?.seq ?? -1;
  const fresh = entries.filter((e) => e.seq > head && matchesFilter(e, f)).sort((a, b) => b.seq - a.seq);
  return fresh.length ? [...fresh, ...desc] : (desc as LedgerEntry[]);
}

/** Row of a seq in a newest-first list (binary search), or -1. */
export function rowOfSeqDesc(desc: readonly LedgerEntry[], seq: number): number {
  let lo = 0;
  let hi = desc.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const s = desc[mid]!.seq;
    if (s === seq) return mid;
    if (s > seq) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
