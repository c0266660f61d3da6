import { type TraceLink } from './record-spans';

/**
 * A ledger store that keeps where each record landed in its trace. The ids live beside the
 * record, never in it: spans are made after the commit, and the record's hash (Python's, byte for
 * byte) must not depend on whether anyone traced.
 */
export interface TraceLinkStore {
  saveTraceLink(runId: string, seq: number, link: TraceLink): void | Promise<void>;
  /** The links of records `fromSeq`..`toSeq` (inclusive) that have one, by seq. */
  traceLinks(runId: string, fromSeq: number, toSeq: number): Map<number, TraceLink> | Promise<Map<number, TraceLink>>;
}

export function isTraceLinkStore(store: unknown): store is TraceLinkStore {
  const s = store as Partial<TraceLinkStore> | null;
  return typeof s?.saveTraceLink === 'function' && typeof s.traceLinks === 'function';
}
