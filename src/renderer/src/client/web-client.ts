import {
  API_PREFIX,
  EVENTS_PATH,
  StudioError,
  TOKEN_HEADER,
  type EventMap,
  type EventName,
  type OperationName,
  type RequestInput,
  type Response,
  type StudioClient,
  type WireResult,
} from '../../../shared/contract';
import { type ConnectionSource, type ConnectionState } from './connection';
import { EventHub } from './event-hub';
import { reconnectDelay } from './reconnect-backoff';
import { toStudioError } from './to-studio-error';

/** The browser pieces the client needs, injectable so tests can run without a DOM. */
export interface WebClientDeps {
  /** Origin of the web host, e.g. `http://127.0.0.1:5174`. */
  origin: string;
  token: string | null;
  fetch: typeof fetch;
  createSocket(url: string): WebSocket;
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
}

const UNAUTHORIZED_HINT =
  'This window has no valid access token. Open the exact URL that `npm run serve` printed (it ends with ?token=…); a restarted host prints a new one.';

/**
 * The StudioClient of a browser tab: operations are `POST /api/<op>` with the token header,
 * events arrive on one WebSocket that reconnects with backoff when the host restarts.
 */
export class WebClient implements StudioClient, ConnectionSource {
  readonly host = 'web' as const;
  private readonly hub = new EventHub();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private socket: WebSocket | null = null;
  private attempt = 0;
  private retryTimer: unknown = null;
  private closed = false;
  connection: ConnectionState = 'connecting';

  constructor(private readonly deps: WebClientDeps) {}

  async invoke<K extends OperationName>(op: K, request: RequestInput<K>): Promise<Response<K>> {
    if (!this.deps.token) throw new StudioError('UNAUTHORIZED', UNAUTHORIZED_HINT);
    let res: globalThis.Response;
    try {
      res = await this.deps.fetch(`${this.deps.origin}${API_PREFIX}${op}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [TOKEN_HEADER]: this.deps.token },
        body: JSON.stringify(request ?? {}),
      });
    } catch (err) {
      throw toStudioError(err, op);
    }
    return this.unwrap<K>(res, op);
  }

  downloadUrl(urlPath: string): string {
    return `${this.deps.origin}${urlPath}?token=${encodeURIComponent(this.deps.token ?? '')}`;
  }

  private async unwrap<K extends OperationName>(res: globalThis.Response, op: K): Promise<Response<K>> {
    const body = (await res.json().catch(() => null)) as WireResult<Response<K>> | null;
    if (body && body.ok) return body.result;
    if (body && !body.ok) throw toStudioError(body.error, op);
    if (res.status === 401) throw new StudioError('UNAUTHORIZED', UNAUTHORIZED_HINT);
    throw new StudioError('INTERNAL', `The backend answered ${op} with HTTP ${res.status} and no readable result. Reload the page; if it persists, check the terminal running \`npm run serve\`.`);
  }

  subscribe<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
    const off = this.hub.subscribe(event, listener);
    this.ensureSocket();
    return off;
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    this.connectionListeners.add(listener);
    this.ensureSocket();
    return () => {
      this.connectionListeners.delete(listener);
    };
  }

  /** Stops reconnecting (used by tests and when the page unloads). */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) this.deps.clearTimer(this.retryTimer);
    this.socket?.close();
    this.socket = null;
  }

  private setConnection(state: ConnectionState): void {
    if (state === this.connection) return;
    this.connection = state;
    for (const l of [...this.connectionListeners]) l(state);
  }

  private ensureSocket(): void {
    if (this.socket || this.closed || this.retryTimer !== null) return;
    if (!this.deps.token) {
      this.setConnection('offline');
      return;
    }
    const wsOrigin = this.deps.origin.replace(/^http/, 'ws');
    const socket = this.deps.createSocket(`${wsOrigin}${EVENTS_PATH}?token=${encodeURIComponent(this.deps.token)}`);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.setConnection('live');
    };
    socket.onmessage = (ev: MessageEvent) => {
      if (typeof ev.data !== 'string') return;
      try {
        this.hub.dispatch(JSON.parse(ev.data));
      } catch {
        // A malformed frame is dropped; the next run.changed brings the UI back in line.
      }
    };
    socket.onclose = () => this.scheduleReconnect(socket);
    socket.onerror = () => socket.close();
  }

  private scheduleReconnect(socket: WebSocket): void {
    if (this.socket !== socket) return;
    this.socket = null;
    if (this.closed) return;
    this.setConnection('reconnecting');
    const delay = reconnectDelay(this.attempt++);
    this.retryTimer = this.deps.setTimer(() => {
      this.retryTimer = null;
      this.ensureSocket();
    }, delay);
  }
}

/** The web client for this page: same origin as the page, token taken from the URL or session. */
export function createBrowserWebClient(token: string | null): WebClient {
  return new WebClient({
    origin: window.location.origin,
    token,
    fetch: (input, init) => window.fetch(input, init),
    createSocket: (url) => new WebSocket(url),
    setTimer: (fn, ms) => window.setTimeout(fn, ms),
    clearTimer: (h) => window.clearTimeout(h as number),
  });
}
