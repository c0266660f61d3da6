/**
 * Verification reports in plain words, for `studio verify <bundle>` and logs: the verdict first,
 * then who signed what, then each finding where it is.
 */
import { bundleSigner } from './bundle/bundle-signer';
import { type BundleReport } from './bundle/verify-bundle';
import { type BundleFinding } from './bundle/read-bundle';
import { type ProvenanceFinding } from './verify/findings';
import { type ProvenanceReport } from './verify/verify-provenance';

function where(f: ProvenanceFinding | BundleFinding): string {
  const l = f.location;
  switch (l.kind) {
    case 'record':
      return `record ${l.seq}`;
    case 'records':
      return `records ${l.from}..${l.to}`;
    case 'checkpoint':
      return `checkpoint ${l.index}`;
    case 'key':
      return `key ${l.index}`;
    case 'line':
      return `line ${l.line}`;
    case 'manifest':
      return l.field ? `manifest ${l.field}` : 'manifest';
    case 'artifact':
      return `artifact ${l.artifactId ?? l.index}`;
    default:
      return 'ledger';
  }
}

const line = (f: ProvenanceFinding | BundleFinding): string => `  ${f.severity === 'error' ? 'ERROR' : 'warn '} [${where(f)}] ${f.code}: ${f.message}`;

export function formatProvenanceReport(r: ProvenanceReport): string {
  const out: string[] = [];
  const covered = r.signedThrough === null ? 'no record is covered by a valid signature' : `records 0..${r.signedThrough} are covered by valid signatures`;
  out.push(`run ${r.runId ?? '(unknown)'}: ${r.records} records, ${r.checkpoints.length} checkpoints; ${covered}; keys ${r.trust === 'trusted-keys' ? 'checked against the trusted list' : 'NOT checked against any trusted list'}`);
  for (const s of r.signers) {
    const what = [s.checkpoints > 0 ? `${s.checkpoints} checkpoint${s.checkpoints === 1 ? '' : 's'}` : null, s.records > 0 ? `${s.records} record signatures` : null].filter(Boolean).join(' and ');
    const trust = s.trusted === null ? '' : s.trusted ? ', trusted' : ', NOT trusted';
    out.push(`  signer ${s.displayName ?? s.actorId} (${s.kind}, ${s.actorId}, key ${s.keyId}, ${s.binding}${trust}): ${what || 'nothing valid'}${s.throughSeq === null ? '' : `, through record ${s.throughSeq}`}`);
  }
  for (const a of r.actors) if (a.actorId && a.attested.length > 0) out.push(`  actor ${a.actorId} signed its own records: ${a.attested.join(', ')}`);
  for (const f of r.findings) out.push(line(f));
  return out.join('\n');
}

/**
 * The first line: what was checked and what it proves. "Everything holds" only when trusted keys
 * vouch for the signatures; intact but unauthenticated, or unsigned, says exactly that.
 */
export function bundleVerdict(r: BundleReport): string {
  if (!r.ok) return `NOT VERIFIED: ${r.errors} error${r.errors === 1 ? '' : 's'}`;
  switch (bundleSigner(r)) {
    case 'authenticated':
      return 'VERIFIED: everything holds, signed by trusted keys';
    case 'not-authenticated':
      return 'INTEGRITY VERIFIED: integrity verified; signer not authenticated (no trusted keys were given)';
    case 'unsigned':
      return 'INTEGRITY VERIFIED: integrity verified; not signed: nothing says who wrote these records';
  }
}

/** `verdict`: a first line of the caller's (the CLI adds what to pass), instead of `bundleVerdict`'s. */
export function formatBundleReport(r: BundleReport, verdict: string = bundleVerdict(r)): string {
  const m = r.manifest;
  const head = m
    ? `bundle of run ${m.runId}${m.workflowId ? ` (${m.workflowId})` : ''}, exported ${m.createdAt} by ${m.tool.name} ${m.tool.version}; ${r.sealed ? `sealed by ${m.sealedBy?.actorId}` : 'not sealed'}`
    : 'bundle with an unreadable manifest';
  return [verdict, head, formatProvenanceReport(r.provenance), ...r.findings.map(line)].join('\n') + '\n';
}
