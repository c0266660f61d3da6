import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  appPageFor,
  appPageUrl,
  contentSecurityPolicy,
  isAppUrl,
  isTrustedSender,
  navigationDecision,
  senderInfoOf,
  windowOpenDecision,
  type AppPage,
} from './security-policy';

const INDEX = join('/opt', 'studio', 'out', 'renderer', 'index.html');
const filePage = appPageFor({ indexPath: INDEX });
const devPage = appPageFor({ devServerUrl: 'http://localhost:5173/', indexPath: INDEX });
const APP_URL = pathToFileURL(INDEX).href;
const WINDOW = { webContentsId: 7 };

describe('the app page', () => {
  it('is the built index.html, or the dev server when electron-vite dev runs', () => {
    expect(filePage).toEqual({ kind: 'file', indexPath: INDEX });
    expect(devPage).toEqual({ kind: 'dev-server', origin: 'http://localhost:5173' });
    expect(appPageUrl(devPage)).toBe('http://localhost:5173/');
    expect(isAppUrl(appPageUrl(filePage), filePage)).toBe(true);
  });

  it('accepts only that exact file (query and fragment aside), not any other local file', () => {
    expect(isAppUrl(`${APP_URL}?run=1#ledger`, filePage)).toBe(true);
    expect(isAppUrl(pathToFileURL(join('/opt', 'studio', 'out', 'renderer', 'other.html')).href, filePage)).toBe(false);
    expect(isAppUrl(pathToFileURL('/tmp/evil/index.html').href, filePage)).toBe(false);
    expect(isAppUrl('file://attacker.example/opt/studio/out/renderer/index.html', filePage)).toBe(false);
    expect(isAppUrl('https://example.com/', filePage)).toBe(false);
    expect(isAppUrl('not a url', filePage)).toBe(false);
    expect(isAppUrl(null, filePage)).toBe(false);
  });

  it('on the dev server, accepts its origin only', () => {
    expect(isAppUrl('http://localhost:5173/src/main.tsx', devPage)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devPage)).toBe(false);
    expect(isAppUrl('http://127.0.0.1:5173/', devPage)).toBe(false);
  });
});

describe('the IPC sender check', () => {
  const event = (id: number, url: string | null, parent: unknown = null): Parameters<typeof senderInfoOf>[0] => ({
    sender: { id },
    senderFrame: url === null ? null : { url, parent },
  });
  const trusted = (e: Parameters<typeof senderInfoOf>[0], page: AppPage = filePage, win: { webContentsId: number } | null = WINDOW): boolean =>
    isTrustedSender(senderInfoOf(e), win, page);

  it('trusts the main window top frame showing the app page', () => {
    expect(trusted(event(7, APP_URL))).toBe(true);
    expect(trusted(event(7, 'http://localhost:5173/'), devPage)).toBe(true);
  });

  it('refuses another webContents, an iframe, a foreign page, a destroyed frame, and any sender before the window exists', () => {
    expect(trusted(event(8, APP_URL))).toBe(false);
    expect(trusted(event(7, APP_URL, { url: APP_URL }))).toBe(false);
    expect(trusted(event(7, 'https://example.com/'))).toBe(false);
    expect(trusted(event(7, pathToFileURL('/tmp/index.html').href))).toBe(false);
    expect(trusted(event(7, null))).toBe(false);
    expect(trusted(event(7, APP_URL), filePage, null)).toBe(false);
  });
});

describe('navigation and new windows', () => {
  it('keeps the window on the app and sends only the app\'s own external links to the OS browser', () => {
    const own = ['https://docs.example/guide'];
    expect(navigationDecision(`${APP_URL}#runs`, filePage)).toBe('allow');
    expect(navigationDecision('https://docs.example/guide#llm', filePage, own)).toBe('open-external');
    // Any other https link (one an LLM answer or a run's output could carry) is blocked.
    for (const url of ['https://github.com/', 'https://evil.example/guide', 'https://docs.example/other', 'https://user:pw@docs.example/guide']) {
      expect(navigationDecision(url, filePage, own)).toBe('block');
      expect(windowOpenDecision(url, own)).toBe('block');
    }
    for (const url of ['http://example.com/', 'http://docs.example/guide', 'file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'vscode://x', '']) {
      expect(navigationDecision(url, filePage, own)).toBe('block');
    }
    expect(windowOpenDecision('https://docs.example/guide?x=1', own)).toBe('open-external');
    expect(windowOpenDecision('https://docs.example/')).toBe('block');
    expect(windowOpenDecision(APP_URL)).toBe('block');
  });

});

describe('the Content-Security-Policy', () => {
  const directives = (csp: string): Map<string, string[]> =>
    new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name = '', ...values]) => [name, values]));

  it('the page itself (index.html) allows no WebSocket to every local port', () => {
    const html = readFileSync(join(__dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(meta).toContain('connect-src');
    expect(directives(meta).get('connect-src')).toEqual(["'self'"]);
  });

  it('is strict for the built app: own scripts only, no eval, no inline scripts, nothing remote', () => {
    const d = directives(contentSecurityPolicy(filePage));
    expect(d.get('default-src')).toEqual(["'none'"]);
    expect(d.get('script-src')).toEqual(["'self'"]);
    expect(d.get('connect-src')).toEqual(["'self'"]);
    for (const name of ['object-src', 'frame-src', 'base-uri', 'form-action', 'frame-ancestors']) expect(d.get(name)).toEqual(["'none'"]);
    const all = contentSecurityPolicy(filePage);
    expect(all).not.toContain('unsafe-eval');
    expect(all).not.toMatch(/https?:/);
    expect(d.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });

  it('allows the dev server and its HMR socket in development only', () => {
    const d = directives(contentSecurityPolicy(devPage));
    expect(d.get('script-src')).toEqual(["'self'", "'unsafe-inline'", 'http://localhost:5173']);
    expect(d.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(contentSecurityPolicy(devPage)).not.toContain('unsafe-eval');
  });
});
