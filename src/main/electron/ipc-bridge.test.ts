import { describe, expect, it } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type WireEvent, type WireResult } from '../../shared/contract/wire';
import { forwardEvents, registerInvokeHandler, type InvokeRegistry } from './ipc-bridge';
import { type SenderEvent } from './security-policy';

type Listener = (event: SenderEvent, ...args: unknown[]) => Promise<unknown>;

function fakeIpc(): InvokeRegistry & { handlers: Map<string, Listener> } {
  const handlers = new Map<string, Listener>();
  return { handlers, handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) };
}

const fromWindow: SenderEvent = { sender: { id: 1 }, senderFrame: { url: 'file:///app/index.html', parent: null } };
const fromElsewhere: SenderEvent = { sender: { id: 2 }, senderFrame: { url: 'https://evil.example/', parent: null } };

describe('the invoke handler', () => {
  it('registers the contract channel only, and removes it', () => {
    const ipc = fakeIpc();
    const remove = registerInvokeHandler(ipc, { invoke: async () => ({ ok: true, result: null }), isTrustedSender: () => true });
    expect([...ipc.handlers.keys()]).toEqual([INVOKE_CHANNEL]);
    remove();
    expect(ipc.handlers.size).toBe(0);
  });

  it('forwards a trusted sender to the service and refuses any other with UNAUTHORIZED, without calling it', async () => {
    const ipc = fakeIpc();
    const calls: Array<[string, unknown]> = [];
    const refused: SenderEvent[] = [];
    registerInvokeHandler(ipc, {
      invoke: async (op, request) => (calls.push([op, request]), { ok: true, result: 'answer' }),
      isTrustedSender: (e) => e.sender.id === 1,
      onRefused: (e) => refused.push(e),
    });
    const handler = ipc.handlers.get(INVOKE_CHANNEL)!;
    expect(await handler(fromWindow, 'runs.get', { runId: 'r1' })).toEqual({ ok: true, result: 'answer' });
    const answer = (await handler(fromElsewhere, 'runs.cancel', { runId: 'r1' })) as WireResult<unknown>;
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(calls).toEqual([['runs.get', { runId: 'r1' }]]);
    expect(refused).toEqual([fromElsewhere]);
  });

  it('answers INTERNAL instead of rejecting when the service throws', async () => {
    const ipc = fakeIpc();
    registerInvokeHandler(ipc, { invoke: () => Promise.reject(new Error('boom')), isTrustedSender: () => true });
    expect(await ipc.handlers.get(INVOKE_CHANNEL)!(fromWindow, 'runs.get', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });
});

describe('event forwarding', () => {
  it('sends service events on the event channel while the window shows the app, and stops when asked', () => {
    const listeners = new Set<(e: WireEvent) => void>();
    const subscribe = (l: (e: WireEvent) => void): (() => void) => (listeners.add(l), () => listeners.delete(l));
    const sent: Array<[string, WireEvent]> = [];
    let showingApp = true;
    const stop = forwardEvents(subscribe, { isDestroyed: () => false, send: (c, m) => sent.push([c, m]) }, () => showingApp);
    const event: WireEvent = { event: 'workspace.changed', payload: null };
    for (const l of listeners) l(event);
    showingApp = false;
    for (const l of listeners) l(event);
    stop();
    expect(listeners.size).toBe(0);
    expect(sent).toEqual([[EVENT_CHANNEL, event]]);
  });
});
