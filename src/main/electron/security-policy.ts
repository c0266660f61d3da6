/**
 * The Electron host's security decisions as pure functions (no Electron import), so they are
 * unit-tested: which page is the app, which IPC sender is trusted, which navigation is allowed,
 * and the Content-Security-Policy.
 */
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Where the app's page comes from: the built file, or the dev server (`electron-vite dev`). */
export type AppPage = { kind: 'file'; indexPath: string } | { kind: 'dev-server'; origin: string };

export function appPageFor(options: { devServerUrl?: string | null; indexPath: string }): AppPage {
  if (options.devServerUrl) return { kind: 'dev-server', origin: new URL(options.devServerUrl).origin };
  return { kind: 'file', indexPath: options.indexPath };
}

/** The URL the window loads. */
export function appPageUrl(page: AppPage): string {
  return page.kind === 'file' ? pathToFileURL(page.indexPath).href : `${page.origin}/`;
}

function parse(url: string | null | undefined): URL | null {
  if (!url) return null;
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * True when `url` is the app's own page: for a file, exactly the built index.html (file:// URLs
 * all share one opaque origin, so any other local file would pass an origin check); for the dev
 * server, its origin. Query and fragment are ignored (the renderer may route with them).
 */
export function isAppUrl(url: string | null | undefined, page: AppPage): boolean {
  const u = parse(url);
  if (!u) return false;
  if (page.kind === 'dev-server') return u.origin === page.origin;
  if (u.protocol !== 'file:' || (u.host !== '' && u.host !== 'localhost')) return false;
  try {
    return fileURLToPath(u) === page.indexPath;
  } catch {
    return false;
  }
}

/** What the IPC handler knows of a message's sender (taken from the Electron event). */
export interface SenderInfo {
  webContentsId: number;
  /** The sending frame's URL; null when the frame is gone (it navigated or was destroyed). */
  frameUrl: string | null;
  /** True for the top frame of its window (an iframe inside the page is not). */
  isTopFrame: boolean;
}

/** The IPC event fields the check reads (structural, so tests pass plain objects). */
export interface SenderEvent {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export function senderInfoOf(event: SenderEvent): SenderInfo {
  const frame = event.senderFrame;
  return { webContentsId: event.sender.id, frameUrl: frame ? frame.url : null, isTopFrame: frame !== null && frame.parent === null };
}

/**
 * Only the main window's top frame, showing the app's own page, may talk to the backend: not an
 * iframe, not another window or webContents, not a page the window was somehow navigated to.
 */
export function isTrustedSender(sender: SenderInfo, mainWindow: { webContentsId: number } | null, page: AppPage): boolean {
  return mainWindow !== null && sender.webContentsId === mainWindow.webContentsId && sender.isTopFrame && isAppUrl(sender.frameUrl, page);
}

export type NavigationDecision = 'allow' | 'open-external' | 'block';

/**
 * The external pages the app itself links to, exactly (query and fragment aside). Only these go
 * to the OS browser: a rendered string (an LLM answer, a run's output, a tool result) could carry
 * any https link, and one click would hand it to the browser with no question asked. The app
 * shows no external link today; add a URL here when it does.
 */
export const APP_EXTERNAL_LINKS: readonly string[] = [];

function isAppExternalLink(url: string, allowed: readonly string[]): boolean {
  const u = parse(url);
  if (!u || u.protocol !== 'https:' || u.username || u.password) return false;
  const bare = `${u.origin}${u.pathname}`;
  return allowed.some((a) => {
    const l = parse(a);
    return l !== null && `${l.origin}${l.pathname}` === bare;
  });
}

/**
 * In-window navigation stays on the app's page; everything else is blocked, and the app's own
 * external links (APP_EXTERNAL_LINKS, https only) are handed to the OS browser.
 */
export function navigationDecision(url: string, page: AppPage, allowed: readonly string[] = APP_EXTERNAL_LINKS): NavigationDecision {
  if (isAppUrl(url, page)) return 'allow';
  return isAppExternalLink(url, allowed) ? 'open-external' : 'block';
}

/** A link that would open a window: one of the app's own external links goes to the OS browser, anything else is dropped. */
export function windowOpenDecision(url: string, allowed: readonly string[] = APP_EXTERNAL_LINKS): 'open-external' | 'block' {
  return isAppExternalLink(url, allowed) ? 'open-external' : 'block';
}

/**
 * The Content-Security-Policy of the app's page. Scripts only from the app itself; no eval; no
 * plugins, frames, forms or <base>; network only to the app's origin. `style-src 'unsafe-inline'`
 * because React Flow and Radix set inline styles and inject <style> elements; styles cannot run
 * code. The dev server adds its origin and HMR socket, and inline scripts for Vite's React preamble.
 */
export function contentSecurityPolicy(page: AppPage): string {
  const dev = page.kind === 'dev-server' ? page.origin : null;
  const ws = dev ? dev.replace(/^http/, 'ws') : null;
  const directives: Array<[string, string[]]> = [
    ['default-src', ["'none'"]],
    ['script-src', dev ? ["'self'", "'unsafe-inline'", dev] : ["'self'"]],
    ['style-src', ["'self'", "'unsafe-inline'", ...(dev ? [dev] : [])]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', ["'self'", ...(dev && ws ? [dev, ws] : [])]],
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, values]) => `${name} ${values.join(' ')}`).join('; ');
}
