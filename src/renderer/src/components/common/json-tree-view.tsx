import { memo, useMemo, useState } from 'react';
import { type ArtifactIntegrity } from '../../../../shared/contract';
import { artifactRefs, parseJsonTree, summarizeNode, type JsonNode } from '../../lib/json-tree';
import { ArtifactLink } from './artifact-link';
import { useArtifactIntegrity } from './use-artifact-integrity';

const PAGE = 100;

interface TreeProps {
  /** JSON text as the backend sent it (parsed losslessly here). */
  json: string | null;
  label: string;
  /** Branches open at first, counted from the root. */
  openDepth?: number;
  onArtifact?(artifactId: string): void;
}

/** A collapsible JSON tree; `{"$artifact": id}` values are links to the artifact's preview. */
export function JsonTreeView({ json, label, openDepth = 2, onArtifact }: TreeProps) {
  const parsed = useMemo(() => (json === null ? null : parseJsonTree(json)), [json]);
  // The links are checked as a whole, once per value: each says whether its artifact holds.
  const refs = useMemo(() => (onArtifact && parsed?.ok ? artifactRefs(parsed.node) : []), [onArtifact, parsed]);
  const integrity = useArtifactIntegrity(refs);
  if (parsed === null) return <div className="json-empty faint">null</div>;
  if (!parsed.ok) {
    return (
      <div className="json-raw">
        <div className="field-error">Shown as text: it is not valid JSON ({parsed.error}).</div>
        <pre>{json}</pre>
      </div>
    );
  }
  return (
    <div className="json-tree mono" role="tree" aria-label={label}>
      <Branch node={parsed.node} name={null} depth={0} openDepth={openDepth} onArtifact={onArtifact} integrity={integrity} />
    </div>
  );
}

interface BranchProps {
  node: JsonNode;
  name: string | null;
  depth: number;
  openDepth: number;
  onArtifact?(artifactId: string): void;
  integrity: ReadonlyMap<string, ArtifactIntegrity>;
}

const Branch = memo(function Branch({ node, name, depth, openDepth, onArtifact, integrity }: BranchProps) {
  const [open, setOpen] = useState(depth < openDepth);
  const [shown, setShown] = useState(PAGE);
  const key = name === null ? null : <span className="json-key">{name}</span>;

  if (node.kind !== 'object' && node.kind !== 'array') {
    return (
      <div className="json-line" role="treeitem" aria-selected={false} style={{ paddingLeft: depth * 14 + 14 }}>
        {key}
        {key ? <span className="json-punct">: </span> : null}
        <Leaf node={node} />
      </div>
    );
  }

  const children: Array<[string, JsonNode]> = node.kind === 'object' ? node.entries : node.items.map((n, i) => [String(i), n]);
  return (
    <div role="treeitem" aria-expanded={open} aria-selected={false}>
      <div className="json-line" style={{ paddingLeft: depth * 14 }}>
        <button type="button" className="json-toggle" aria-label={`${open ? 'Collapse' : 'Expand'} ${name ?? 'root'}`} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {key}
        {key ? <span className="json-punct">: </span> : null}
        {node.kind === 'object' && node.artifactId && onArtifact ? (
          <ArtifactLink artifactId={node.artifactId} integrity={integrity.get(node.artifactId)} onOpen={onArtifact} />
        ) : (
          <span className="json-summary">{summarizeNode(node)}</span>
        )}
      </div>
      {open ? (
        <div role="group">
          {children.slice(0, shown).map(([k, child]) => (
            <Branch key={k} node={child} name={node.kind === 'array' ? `[${k}]` : JSON.stringify(k).slice(1, -1)} depth={depth + 1} openDepth={openDepth} onArtifact={onArtifact} integrity={integrity} />
          ))}
          {children.length > shown ? (
            <button type="button" className="btn small ghost json-more" style={{ marginLeft: (depth + 1) * 14 }} onClick={() => setShown(shown + PAGE * 5)}>
              Show {Math.min(PAGE * 5, children.length - shown)} more of {children.length - shown}
            </button>
          ) : null}
        </div>
      ) : null}
    </div>
  );
});

function Leaf({ node }: { node: JsonNode }) {
  switch (node.kind) {
    case 'string':
      return <span className="json-string">{JSON.stringify(node.value)}</span>;
    case 'number':
      return <span className="json-number">{node.lexeme}</span>;
    case 'boolean':
      return <span className="json-literal">{String(node.value)}</span>;
    case 'null':
      return <span className="json-literal">null</span>;
    default:
      return null;
  }
}
