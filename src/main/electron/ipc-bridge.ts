/**
 * The one place the Electron host meets IPC (VS Code's habit): a single handler for the
 * contract's invoke channel that checks the sender before anything reaches the service, and
 * the event forwarding to the window. Nothing else is ever registered on ipcMain.
 */
import { StudioError } from '../../shared/contract/errors';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type WireEvent, type WireResult } from '../../shared/contract/wire';
import { type SenderEvent } from './security-policy';

/** The part of ipcMain used here (structural, so tests pass a fake). */
export interface InvokeRegistry {
  handle(channel: string, listener: (event: SenderEvent, ...args: unknown[]) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface InvokeHandlerOptions {
  invoke: (op: string, request: unknown) => Promise<WireResult<unknown>>;
  isTrustedSender: (event: SenderEvent) => boolean;
  /** Told about refused messages (logged by the host; a refused message is a bug or an attack). */
  onRefused?: (event: SenderEvent) => void;
}

const UNAUTHORIZED: WireResult<never> = {
  ok: false,
  error: new StudioError('UNAUTHORIZED', 'This message did not come from the Studio window; it was refused.').toData(),
};

/** Registers the invoke handler; returns its removal. */
export function registerInvokeHandler(ipc: InvokeRegistry, options: InvokeHandlerOptions): () => void {
  ipc.handle(INVOKE_CHANNEL, async (event, op, request) => {
    if (!options.isTrustedSender(event)) {
      options.onRefused?.(event);
      return UNAUTHORIZED;
    }
    try {
      // The service validates op and request itself (and never throws); only its answer goes back.
      return await options.invoke(typeof op === 'string' ? op : String(op), request);
    } catch {
      return { ok: false, error: new StudioError('INTERNAL', 'The Studio backend failed to answer; see its log.').toData() } satisfies WireResult<never>;
    }
  });
  return () => ipc.removeHandler(INVOKE_CHANNEL);
}

/** The window side of event forwarding (a WebContents, structurally). */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, message: WireEvent): void;
}

/**
 * Pushes every service event to the window, while the window still shows the app's page
 * (`isShowingApp`): events carry workspace data and must not reach any other page.
 */
export function forwardEvents(subscribe: (listener: (e: WireEvent) => void) => () => void, target: EventTarget, isShowingApp: () => boolean): () => void {
  return subscribe((e) => {
    if (target.isDestroyed() || !isShowingApp()) return;
    target.send(EVENT_CHANNEL, e);
  });
}
