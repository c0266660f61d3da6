import { useEffect, useState } from 'react';
import { type StateAtStep } from '../../../../shared/contract';
import { useStores } from '../../stores/stores-context';

export type StateAt = { status: 'idle' } | { status: 'loading' } | { status: 'ready'; state: StateAtStep } | { status: 'error'; message: string };

/**
 * The run's state as saved after a record (time travel), read when the selection settles. A
 * record's saved state never changes (the ledger is append-only), so it is read once per
 * (run, seq); a late answer for an earlier selection is dropped.
 */
export function useStateAt(runId: string | null, seq: number | null): StateAt {
  const { client } = useStores();
  const [state, setState] = useState<StateAt>({ status: 'idle' });
  useEffect(() => {
    if (runId === null || seq === null) {
      setState({ status: 'idle' });
      return;
    }
    let live = true;
    setState({ status: 'loading' });
    // Holding j/k moves the selection fast: read only where it rests.
    const t = setTimeout(() => {
      client.invoke('ledger.stateAt', { runId, seq }).then(
        (s) => live && setState({ status: 'ready', state: s }),
        (err: unknown) => live && setState({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, runId, seq]);
  return state;
}
