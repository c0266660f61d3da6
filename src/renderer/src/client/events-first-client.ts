import { type OperationName, type RequestInput, type Response, type StudioClient } from '../../../shared/contract';
import { hasConnection, type ConnectionState } from './connection';

/**
 * The client the stores use: an answer is handed over only after the live updates held for the
 * next frame (`flushHeld`). The backend sends the events of what an answer shows before the
 * answer; without this a store would see the answer first (a grown ledger with its rows not yet
 * in) and fetch again what the held events already carry.
 */
export function eventsFirst(inner: StudioClient, flushHeld: () => void): StudioClient {
  const client: StudioClient = {
    host: inner.host,
    invoke: async <K extends OperationName>(op: K, request: RequestInput<K>): Promise<Response<K>> => {
      try {
        return await inner.invoke(op, request);
      } finally {
        flushHeld();
      }
    },
    subscribe: (event, listener) => inner.subscribe(event, listener),
  };
  if (inner.downloadUrl) client.downloadUrl = (urlPath) => inner.downloadUrl!(urlPath);
  if (hasConnection(inner)) {
    Object.defineProperties(client, {
      connection: { get: (): ConnectionState => inner.connection },
      onConnectionChange: { value: (listener: (state: ConnectionState) => void) => inner.onConnectionChange(listener) },
    });
  }
  return client;
}
