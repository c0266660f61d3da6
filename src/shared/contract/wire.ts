/**
 * How the contract travels. Both hosts use the same envelopes.
 *
 * Web host (`npm run serve`, 127.0.0.1 only):
 * - The URL it prints carries a per-launch token: `http://127.0.0.1:<port>/?token=<token>`. The
 *   renderer keeps it in sessionStorage and removes it from the address bar.
 * - Invoke: `POST /api/<operation>` with the request as a JSON body and the header
 *   `X-Studio-Token: <token>`. The answer is a `WireResult` (HTTP 200 when ok, 4xx/5xx otherwise).
 * - Events: a WebSocket at `/api/events?token=<token>`; each message is a `WireEvent` as JSON.
 * - Requests without the token are refused (401) and change nothing.
 *
 * Electron host: the preload exposes `window.studio` with `invoke(op, request)` (over
 * `ipcRenderer.invoke(INVOKE_CHANNEL, op, request)`, answered with a `WireResult`) and
 * `subscribe(event, listener)` (over `EVENT_CHANNEL` messages carrying a `WireEvent`).
 */
import { type StudioErrorData } from './errors';
import { type EventMap, type EventName } from './events';

export type WireResult<T> = { ok: true; result: T } | { ok: false; error: StudioErrorData };

export interface WireEvent<E extends EventName = EventName> {
  event: E;
  payload: EventMap[E];
}

export const INVOKE_CHANNEL = 'studio:invoke';
export const EVENT_CHANNEL = 'studio:event';
export const TOKEN_HEADER = 'X-Studio-Token';
export const API_PREFIX = '/api/';
export const EVENTS_PATH = '/api/events';
/** `GET /download/<id>?token=<token>`: a file offered once as a browser download (an exported bundle). */
export const DOWNLOAD_PREFIX = '/download/';

/** The bridge the Electron preload exposes as `window.studio`. */
export interface PreloadBridge {
  invoke(op: string, request: unknown): Promise<WireResult<unknown>>;
  subscribe(listener: (message: WireEvent) => void): () => void;
}
