/**
 * Per-record badges for a ledger view (the Studio's timeline, a bundle opened read-only): cheap
 * to ask for any seq, so a virtualised list of a million rows asks only for the rows in view.
 */
import { type ProvenanceReport } from './verify-provenance';

export type RecordBadge =
  /** Covered by a valid signature, no finding. */
  | { kind: 'signed'; attestedBy: string | null }
  /** After the last valid signature. */
  | { kind: 'unsigned' }
  /** An error finding is located on this record. */
  | { kind: 'bad'; codes: string[] };

export function recordBadges(report: ProvenanceReport): (seq: number) => RecordBadge {
  const bad = new Map<number, string[]>();
  for (const f of report.findings) {
    if (f.severity !== 'error' || f.location.kind !== 'record') continue;
    bad.set(f.location.seq, [...(bad.get(f.location.seq) ?? []), f.code]);
  }
  const attested = new Map<number, string>();
  for (const a of report.actors) if (a.actorId) for (const seq of a.attested) attested.set(seq, a.actorId);
  const through = report.signedThrough ?? -1;
  return (seq) => {
    const codes = bad.get(seq);
    if (codes) return { kind: 'bad', codes };
    return seq <= through ? { kind: 'signed', attestedBy: attested.get(seq) ?? null } : { kind: 'unsigned' };
  };
}
