/**
 * An audit bundle's verification in the shape the Studio's chain views use: every error the
 * verifier located on a record becomes an error at that record (so its badge turns red), and the
 * verdict's first problem is the explanation, including problems that sit on no record (a bad
 * checkpoint signature, a replaced key, a broken seal).
 */
import { type BundleFinding, type BundleReport, type ProvenanceFinding } from '../../../runtime/provenance/index';
import { type ProvenanceChainError, type SessionChainReport } from './session';

/** As the ChainVerifier: a view needs the first problems, not a million of them. */
const MAX_ERRORS = 10_000;

type Finding = ProvenanceFinding | BundleFinding;

function seqsOf(f: Finding, count: number): number[] {
  const l = f.location;
  if (l.kind === 'record') return l.seq < count ? [l.seq] : [];
  if (l.kind !== 'records') return [];
  const out: number[] = [];
  for (let seq = l.from; seq <= Math.min(l.to, count - 1) && out.length < MAX_ERRORS; seq++) out.push(seq);
  return out;
}

const sentence = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1) + (/[.!?]$/.test(s) ? '' : '.');

export function bundleChainReport(r: BundleReport): SessionChainReport {
  const count = r.contents.records.length;
  const failures = [...r.provenance.findings, ...r.findings].filter((f) => f.severity === 'error');
  const errors: ProvenanceChainError[] = [];
  const seen = new Set<string>();
  for (const f of failures) {
    for (const seq of seqsOf(f, count)) {
      const key = `${seq}:${f.code}`;
      if (seen.has(key) || errors.length >= MAX_ERRORS) continue;
      seen.add(key);
      errors.push({ index: seq, type: 'provenance', code: f.code, message: sentence(f.message) });
    }
  }
  errors.sort((a, b) => a.index - b.index);
  const first = failures[0];
  const more = failures.length > 1 ? ` (${failures.length - 1} more problem${failures.length > 2 ? 's' : ''} in the bundle's report)` : '';
  return {
    ok: r.ok,
    chain: r.ok ? 'verified' : 'broken',
    count,
    errors,
    firstBadIndex: errors[0]?.index ?? null,
    headHash: r.provenance.headHash,
    computedHeadHash: r.provenance.chain.computedHeadHash,
    explanation: first ? `${sentence(first.message)}${more}` : null,
  };
}

/** The bundle's errors as lines for the workspace header (what did not verify, where). */
export function bundleProblems(r: BundleReport, path: string): Array<{ file: string; message: string }> {
  return [...r.provenance.findings, ...r.findings].filter((f) => f.severity === 'error').map((f) => ({ file: path, message: `${f.code}: ${f.message}` }));
}
