/**
 * The Studio window and the hardening every webContents gets: sandboxed, isolated renderer with
 * no Node, navigation and new windows blocked (https links go to the OS browser), no webviews,
 * every permission denied, and the app's Content-Security-Policy on its own responses.
 */
import { BrowserWindow, shell, type Session, type WebContents } from 'electron';
import { appPageUrl, contentSecurityPolicy, isAppUrl, navigationDecision, windowOpenDecision, type AppPage } from './security-policy';

export function createMainWindow(options: { page: AppPage; preloadPath: string; devTools: boolean }): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'AbstractRuntime Studio',
    backgroundColor: '#111318',
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: options.devTools,
    },
  });
  win.once('ready-to-show', () => win.show());
  // The window shows Chromium's own error page when its page cannot load; say why in the log too.
  void win.loadURL(appPageUrl(options.page)).catch((e: unknown) => console.error(`studio: the window could not load its page: ${e instanceof Error ? e.message : String(e)}`));
  return win;
}

/** Hands a link to the system browser; no handler for it is a log line, not an unhandled rejection. */
function openExternal(url: string): void {
  void shell.openExternal(url).catch((e: unknown) => console.warn(`studio: could not open ${url}: ${e instanceof Error ? e.message : String(e)}`));
}

/** Applied to every webContents the app creates (app 'web-contents-created'), the window's included. */
export function hardenWebContents(contents: WebContents, page: AppPage): void {
  contents.setWindowOpenHandler(({ url }) => {
    if (windowOpenDecision(url) === 'open-external') openExternal(url);
    return { action: 'deny' };
  });
  const guard = (event: { preventDefault(): void }, url: string): void => {
    const decision = navigationDecision(url, page);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(url);
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, page)) event.preventDefault();
  });
  // Sub-frames never navigate anywhere (the page has no frames; frame-src 'none' says so too).
  contents.on('will-frame-navigate', (event) => {
    if (!event.isMainFrame) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Session-wide rules: deny every permission, and send the CSP with the app's own responses. */
export function hardenSession(session: Session, page: AppPage): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  const policy = contentSecurityPolicy(page);
  session.webRequest.onHeadersReceived((details, callback) => {
    if (!isAppUrl(details.url, page) && !isOwnAsset(details.url, page)) return callback({});
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [policy] } });
  });
}

/** Scripts and styles of the app: under the page's folder (file) or on the dev server. */
function isOwnAsset(url: string, page: AppPage): boolean {
  if (page.kind === 'dev-server') return url.startsWith(`${page.origin}/`);
  const folder = appPageUrl(page).replace(/[^/]*$/, '');
  return url.startsWith(folder);
}
