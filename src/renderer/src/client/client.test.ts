import { describe, expect, it, vi } from 'vitest';
import { StudioError, type PreloadBridge, type WireEvent } from '../../../shared/contract';
import { runSummary } from '../test-support/fixtures';
import { ElectronClient } from './electron-client';
import { EventHub } from './event-hub';
import { reconnectDelay } from './reconnect-backoff';
import { TOKEN_STORAGE_KEY, takeSessionToken } from './session-token';
import { WebClient, type WebClientDeps } from './web-client';

function memoryStorage(): Pick<Storage, 'getItem' | 'setItem'> {
  const m = new Map<string, string>();
  return { getItem: (k) => m.get(k) ?? null, setItem: (k, v) => void m.set(k, v) };
}

describe('takeSessionToken', () => {
  it('takes the token from the URL, remembers it and hides it from the address bar', () => {
    const storage = memoryStorage();
    const replaceUrl = vi.fn();
    expect(takeSessionToken({ href: 'http://127.0.0.1:5174/?token=abc&x=1#h', storage, replaceUrl })).toBe('abc');
    expect(storage.getItem(TOKEN_STORAGE_KEY)).toBe('abc');
    expect(replaceUrl).toHaveBeenCalledWith('/?x=1#h');
  });

  it('falls back to the remembered token after a reload', () => {
    const storage = memoryStorage();
    storage.setItem(TOKEN_STORAGE_KEY, 'kept');
    const replaceUrl = vi.fn();
    expect(takeSessionToken({ href: 'http://127.0.0.1:5174/', storage, replaceUrl })).toBe('kept');
    expect(replaceUrl).not.toHaveBeenCalled();
  });
});

describe('reconnectDelay', () => {
  it('grows exponentially up to a ceiling', () => {
    const mid = () => 0.5;
    expect(reconnectDelay(0, 500, 10_000, mid)).toBe(375);
    expect(reconnectDelay(3, 500, 10_000, mid)).toBe(3000);
    expect(reconnectDelay(30, 500, 10_000, mid)).toBe(7500);
  });
});

describe('EventHub', () => {
  it('routes events by name, ignores unknown ones and survives a throwing listener', () => {
    const hub = new EventHub();
    const got: string[] = [];
    hub.subscribe('run.changed', () => {
      throw new Error('bad listener');
    });
    const off = hub.subscribe('run.changed', (r) => got.push(r.runId));
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    hub.dispatch({ event: 'run.changed', payload: runSummary('r1') });
    hub.dispatch({ event: 'no.such.event', payload: {} });
    off();
    hub.dispatch({ event: 'run.changed', payload: runSummary('r2') });
    spy.mockRestore();
    expect(got).toEqual(['r1']);
  });
});

class FakeSocket {
  onopen: (() => void) | null = null;
  onmessage: ((ev: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {}
  close(): void {
    this.onclose?.();
  }
}

function webDeps(over: Partial<WebClientDeps> = {}) {
  const sockets: FakeSocket[] = [];
  const timers: Array<() => void> = [];
  const deps: WebClientDeps = {
    origin: 'http://127.0.0.1:5174',
    token: 'tok',
    fetch: vi.fn(async () => new Response(JSON.stringify({ ok: true, result: null }))),
    createSocket: (url) => {
      const s = new FakeSocket(url);
      sockets.push(s);
      return s as unknown as WebSocket;
    },
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => undefined,
    ...over,
  };
  return { deps, sockets, timers };
}

describe('WebClient', () => {
  it('posts operations with the token header and returns the result', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: true, result: { items: [], total: 0, offset: 0 } })));
    const client = new WebClient(webDeps({ fetch }).deps);
    await expect(client.invoke('runs.query', { limit: 10 })).resolves.toEqual({ items: [], total: 0, offset: 0 });
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://127.0.0.1:5174/api/runs.query');
    expect((init.headers as Record<string, string>)['X-Studio-Token']).toBe('tok');
    expect(JSON.parse(init.body as string)).toEqual({ limit: 10 });
  });

  it('turns a failed result into a StudioError with its code', async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify({ ok: false, error: { code: 'NOT_FOUND', message: 'No run x.' } }), { status: 404 }));
    const client = new WebClient(webDeps({ fetch }).deps);
    const err = await client.invoke('runs.get', { runId: 'x' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StudioError);
    expect((err as StudioError).code).toBe('NOT_FOUND');
  });

  it('explains an unreachable backend and a missing token', async () => {
    const fetch = vi.fn(async () => {
      throw new TypeError('fetch failed');
    });
    const client = new WebClient(webDeps({ fetch }).deps);
    await expect(client.invoke('workflows.list', {})).rejects.toMatchObject({ code: 'NETWORK' });
    const noToken = new WebClient(webDeps({ token: null }).deps);
    await expect(noToken.invoke('workflows.list', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('delivers socket events and reconnects after the host restarts', () => {
    const { deps, sockets, timers } = webDeps();
    const client = new WebClient(deps);
    const states: string[] = [];
    client.onConnectionChange((s) => states.push(s));
    const got: string[] = [];
    client.subscribe('run.changed', (r) => got.push(r.runId));
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe('ws://127.0.0.1:5174/api/events?token=tok');
    sockets[0]!.onopen?.();
    const msg: WireEvent<'run.changed'> = { event: 'run.changed', payload: runSummary('r9') };
    sockets[0]!.onmessage?.({ data: JSON.stringify(msg) });
    sockets[0]!.close();
    expect(states).toEqual(['live', 'reconnecting']);
    timers.shift()!();
    expect(sockets).toHaveLength(2);
    sockets[1]!.onopen?.();
    expect(states.at(-1)).toBe('live');
    expect(got).toEqual(['r9']);
    client.close();
  });
});

describe('ElectronClient', () => {
  it('unwraps bridge results and shares one bridge subscription', async () => {
    const listeners: Array<(m: WireEvent) => void> = [];
    const bridge: PreloadBridge = {
      invoke: vi.fn(async (op: string) => (op === 'runs.get' ? { ok: false as const, error: { code: 'NOT_FOUND', message: 'gone' } } : { ok: true as const, result: [] })),
      subscribe: vi.fn((l: (m: WireEvent) => void) => {
        listeners.push(l);
        return () => undefined;
      }),
    };
    const client = new ElectronClient(bridge);
    await expect(client.invoke('workflows.list', {})).resolves.toEqual([]);
    await expect(client.invoke('runs.get', { runId: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const got: string[] = [];
    client.subscribe('run.changed', (r) => got.push(r.runId));
    client.subscribe('prompt.answered', () => got.push('answered'));
    expect(bridge.subscribe).toHaveBeenCalledTimes(1);
    listeners[0]!({ event: 'run.changed', payload: runSummary('a') });
    expect(got).toEqual(['a']);
  });
});
