import { useEffect, useState } from 'react';
import { type ConversationRecords, type WorkspaceSettings } from '../../../../shared/contract';
import { useStores } from '../../stores/stores-context';

export type ConversationLoad =
  | { status: 'loading' }
  | { status: 'ready'; data: ConversationRecords; pricing: WorkspaceSettings['pricing'] | null }
  | { status: 'error'; message: string };

/**
 * The conversation records of a run, read again whenever its ledger grows (`total`), so a live
 * agent's calls appear as they are made. Token prices come from the workspace settings; a
 * workspace without settings (read-only: a Python folder, a bundle) shows no cost.
 */
export function useConversation(runId: string, total: number): ConversationLoad {
  const { client } = useStores();
  const [load, setLoad] = useState<ConversationLoad>({ status: 'loading' });
  const [pricing, setPricing] = useState<WorkspaceSettings['pricing'] | null>(null);
  useEffect(() => {
    let live = true;
    client.invoke('settings.get', {}).then(
      (s) => live && setPricing(s.pricing),
      () => live && setPricing(null),
    );
    return () => {
      live = false;
    };
  }, [client, runId]);
  useEffect(() => {
    let live = true;
    // A running agent appends records in bursts: one read per burst, not one per record.
    const t = setTimeout(() => {
      client.invoke('ledger.conversation', { runId }).then(
        (data) => live && setLoad((prev) => ({ status: 'ready', data, pricing: prev.status === 'ready' ? prev.pricing : null })),
        (err: unknown) => live && setLoad({ status: 'error', message: err instanceof Error ? err.message : String(err) }),
      );
    }, 150);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [client, runId, total]);
  return load.status === 'ready' ? { ...load, pricing } : load;
}
