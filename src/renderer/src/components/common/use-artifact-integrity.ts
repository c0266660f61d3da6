import { useEffect, useState } from 'react';
import { type ArtifactIntegrity } from '../../../../shared/contract';
import { useStores } from '../../stores/stores-context';

const NONE: ReadonlyMap<string, ArtifactIntegrity> = new Map();

/**
 * The integrity of the artifacts these `{"$artifact": id}` references name, asked of the backend
 * whenever the references change (the view is showing other data). Unknown until answered; a
 * failed check leaves the links plain, never falsely flagged.
 */
export function useArtifactIntegrity(artifactIds: readonly string[]): ReadonlyMap<string, ArtifactIntegrity> {
  const { artifacts } = useStores();
  const key = artifactIds.join('\u0000');
  const [found, setFound] = useState<{ key: string; map: ReadonlyMap<string, ArtifactIntegrity> }>({ key: '', map: NONE });
  useEffect(() => {
    if (key === '') return;
    let live = true;
    artifacts
      .getState()
      .checkRefs(key.split('\u0000'))
      .then((map) => live && setFound({ key, map }))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [artifacts, key]);
  return found.key === key ? found.map : NONE;
}
