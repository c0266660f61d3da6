/**
 * The state of the live event stream, which the header shows. The contract's StudioClient has no
 * notion of it (IPC never disconnects), so clients that can lose their stream expose it here.
 */
export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionSource {
  readonly connection: ConnectionState;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** Narrows a client to one that reports its connection (the web client does, the bridge not). */
export function hasConnection(value: unknown): value is ConnectionSource {
  return typeof value === 'object' && value !== null && typeof (value as ConnectionSource).onConnectionChange === 'function';
}
