import { useCallback } from 'react';
import { useStores } from '../../stores/stores-context';

/** Follows an `{"$artifact": id}` link: the Artifacts tab, with that artifact's preview open. */
export function useOpenArtifact(): (artifactId: string) => void {
  const { ui, artifacts } = useStores();
  return useCallback(
    (artifactId: string) => {
      ui.getState().setInspectorTab('artifacts');
      void artifacts.getState().openPreview(artifactId);
    },
    [ui, artifacts],
  );
}
