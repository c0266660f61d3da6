import { useMemo, useState } from 'react';
import { type StateChange } from '../../../../shared/contract';
import { describeCounts, formatPath, groupStateChanges, totalCounts } from '../../lib/diff-groups';
import { artifactRefs, parseJsonTree, prettyJson } from '../../lib/json-tree';
import { ArtifactLink } from '../common/artifact-link';
import { useArtifactIntegrity } from '../common/use-artifact-integrity';
import { useOpenArtifact } from './use-open-artifact';

const MARK = { added: '+', removed: '−', changed: '~' } as const;

/** A state diff grouped by what it touches (vars first), each change with its before and after. */
export function StateDiffView({ changes, title, testId = 'state-diff' }: { changes: readonly StateChange[]; title: string; testId?: string }) {
  const groups = useMemo(() => groupStateChanges(changes), [changes]);
  return (
    <div className="state-diff" data-testid={testId} aria-label={title}>
      <div className="diff-summary faint">{changes.length === 0 ? 'No change to the run state.' : describeCounts(totalCounts(groups))}</div>
      {groups.map((g) => (
        <section key={g.key} className="diff-group">
          <h4 className="diff-group-head">
            <span className="mono">{g.key}</span>
            <span className="faint">{describeCounts(g.counts)}</span>
          </h4>
          {g.changes.map((c) => (
            <DiffChange key={c.path.join('\u0000')} change={c} />
          ))}
        </section>
      ))}
    </div>
  );
}

const LONG = 240;

function DiffChange({ change }: { change: StateChange }) {
  const [open, setOpen] = useState(false);
  const before = useMemo(() => prettyJson(change.beforeJson), [change.beforeJson]);
  const after = useMemo(() => prettyJson(change.afterJson), [change.afterJson]);
  const long = before.length > LONG || after.length > LONG || before.includes('\n') || after.includes('\n');
  const clip = (t: string) => (open || t.length <= LONG ? t : `${t.slice(0, LONG)}…`);
  return (
    <div className={`diff-change ${change.kind}`} data-kind={change.kind}>
      <div className="diff-path">
        <span className="diff-mark" aria-label={change.kind}>{MARK[change.kind]}</span>
        <span className="mono">{formatPath(change.path)}</span>
        {long ? (
          <button type="button" className="btn small ghost" aria-expanded={open} onClick={() => setOpen(!open)}>{open ? 'less' : 'more'}</button>
        ) : null}
      </div>
      {change.kind !== 'added' ? <pre className="diff-before" aria-label="before">{clip(before)}</pre> : null}
      {change.kind !== 'removed' ? <pre className="diff-after" aria-label="after">{clip(after)}</pre> : null}
      <DiffArtifacts change={change} />
    </div>
  );
}

/** The artifacts an offloaded value in this change names (`{"$artifact": id}`), checked and linked. */
function DiffArtifacts({ change }: { change: StateChange }) {
  const refs = useMemo(() => {
    const out: string[] = [];
    for (const text of [change.beforeJson, change.afterJson]) {
      const parsed = text === null ? null : parseJsonTree(text);
      if (parsed?.ok) artifactRefs(parsed.node, out);
    }
    return out;
  }, [change.beforeJson, change.afterJson]);
  const integrity = useArtifactIntegrity(refs);
  const open = useOpenArtifact();
  if (refs.length === 0) return null;
  return (
    <div className="diff-artifacts" data-testid="diff-artifacts">
      {refs.map((id) => (
        <ArtifactLink key={id} artifactId={id} integrity={integrity.get(id)} onOpen={open} />
      ))}
    </div>
  );
}
