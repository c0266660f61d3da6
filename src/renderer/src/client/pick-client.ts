import { type PreloadBridge, type StudioClient } from '../../../shared/contract';
import { ElectronClient } from './electron-client';
import { takeSessionToken } from './session-token';
import { createBrowserWebClient } from './web-client';

function isBridge(value: unknown): value is PreloadBridge {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as PreloadBridge).invoke === 'function' &&
    typeof (value as PreloadBridge).subscribe === 'function'
  );
}

/**
 * Chooses the client once at start: the preload bridge when Electron exposed one, otherwise the
 * web host's HTTP + WebSocket protocol. Nothing else in the renderer knows which host serves it.
 */
export function pickClient(scope: unknown = globalThis): StudioClient {
  const bridge = (scope as { studio?: unknown }).studio;
  if (isBridge(bridge)) return new ElectronClient(bridge);
  const token = takeSessionToken({
    href: window.location.href,
    storage: window.sessionStorage,
    replaceUrl: (url) => window.history.replaceState(window.history.state, '', url),
  });
  return createBrowserWebClient(token);
}
