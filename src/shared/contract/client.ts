import { type EventMap, type EventName } from './events';
import { type OperationName, type RequestInput, type Response } from './operations';

/**
 * What the renderer talks to: the preload bridge in Electron, a WebSocket/HTTP client in a browser.
 * Failures reject with a `StudioError` (code, message, details).
 */
export interface StudioClient {
  invoke<K extends OperationName>(op: K, request: RequestInput<K>): Promise<Response<K>>;
  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  /** Which host serves this window (shown in the header; nothing else depends on it). */
  readonly host: 'electron' | 'web';
  /**
   * The address a browser fetches an offered download from (`ExportedBundle.download.urlPath`),
   * token included. Web host only: the desktop app saves through its own dialog instead.
   */
  downloadUrl?(urlPath: string): string;
}
