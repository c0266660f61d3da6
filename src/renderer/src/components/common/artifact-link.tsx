import { type ArtifactIntegrity } from '../../../../shared/contract';
import { Icon } from './icon';

const PROBLEM: Partial<Record<ArtifactIntegrity, string>> = {
  missing: 'missing: no artifact of this id in the source',
  'blob missing': 'blob missing: its content is not there',
  'sha256 mismatch': 'sha256 mismatch: its content is not what was stored',
};

/**
 * A `{"$artifact": id}` reference as a link to the artifact's preview, flagged in red when the
 * artifact is missing or its bytes are not what was stored: the value shown in its place would
 * otherwise read as trustworthy.
 */
export function ArtifactLink({ artifactId, integrity, onOpen }: { artifactId: string; integrity: ArtifactIntegrity | undefined; onOpen(artifactId: string): void }) {
  const problem = integrity ? PROBLEM[integrity] : undefined;
  return (
    <button
      type="button"
      className={`json-artifact${problem ? ' damaged' : ''}`}
      data-integrity={integrity ?? 'unchecked'}
      onClick={() => onOpen(artifactId)}
      aria-label={`Open artifact ${artifactId}${problem ? ` (${problem})` : ''}`}
    >
      {problem ? '⚠' : <Icon name="artifact" size={12} />} artifact {artifactId}
      {problem ? <span className="json-artifact-problem"> {problem}</span> : null}
    </button>
  );
}
