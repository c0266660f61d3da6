/**
 * Boots the Electron host (main.ts) in plain Node against a recording stand-in for `electron`
 * (its binary cannot run here): the real StudioService opens the default workspace in the user
 * data folder with the demo workflows, the window is hardened, only the main window's app page
 * may invoke, events reach the window, and quitting closes the workspace.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL, type WireResult } from '../../shared/contract/wire';
import { type WorkflowInfo } from '../../shared/contract/domain';
import { SqliteWorkspace } from '../../runtime/storage/sqlite/index';
import { fake, FakeBrowserWindow } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fake);

const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const userData = mkdtempSync(join(tmpdir(), 'studio-electron-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

type Invoke = (event: unknown, op: unknown, request: unknown) => Promise<WireResult<unknown>>;

describe('the Electron host, booted against a stand-in for electron', () => {
  it('opens the default workspace with the demos, hardened, answering only its own window', async () => {
    fake.app.userData = userData;
    fake.app.appPath = ROOT;
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    await import('./main');
    expect(fake.app.sandboxed).toBe(true);
    fake.app.fireReady();
    await vi.waitFor(() => expect(FakeBrowserWindow.windows).toHaveLength(1), { timeout: 10_000 });
    expect(existsSync(join(userData, 'workspaces', 'default.studio.sqlite'))).toBe(true);

    const win = FakeBrowserWindow.windows[0]!;
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false, devTools: false });
    expect(String(win.options.webPreferences['preload'])).toMatch(/preload[\\/]index\.js$/);
    expect(win.webContents.url).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect([...fake.ipcMain.handlers.keys()]).toEqual([INVOKE_CHANNEL]);

    const invoke = fake.ipcMain.handlers.get(INVOKE_CHANNEL) as Invoke;
    const fromWindow = { sender: { id: win.webContents.id }, senderFrame: { url: win.webContents.url, parent: null } };
    const listed = (await invoke(fromWindow, 'workflows.list', {})) as WireResult<WorkflowInfo[]>;
    expect(listed.ok && listed.result.map((w) => w.workflowId)).toEqual(expect.arrayContaining(['hello_world', 'everything_demo']));
    const fromIframe = { ...fromWindow, senderFrame: { url: win.webContents.url, parent: {} } };
    expect(await invoke(fromIframe, 'workflows.list', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });

    const started = await invoke(fromWindow, 'runs.start', { workflowId: 'hello_world' });
    expect(started, JSON.stringify(started)).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(win.webContents.sent.some(([channel]) => channel === EVENT_CHANNEL)).toBe(true));

    // Navigation away and new windows are refused; an https link the app does not itself show
    // (one an LLM answer could carry) is not handed to the OS browser either.
    const nav = { url: 'https://example.com/', preventDefault: vi.fn() };
    win.webContents.emit('will-navigate', nav);
    expect(nav.preventDefault).toHaveBeenCalled();
    expect(win.webContents.windowOpenHandler?.({ url: 'http://example.com/' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    expect(fake.shell.opened).toEqual([]);
    const denied = vi.fn();
    fake.session.defaultSession.permissionRequest?.({}, 'media', denied);
    expect(denied).toHaveBeenCalledWith(false);
    expect(JSON.stringify(fake.Menu.current)).not.toContain('toggleDevTools');

    const quit = { preventDefault: vi.fn() };
    fake.app.emit('will-quit', quit);
    expect(quit.preventDefault).toHaveBeenCalled();
    await vi.waitFor(() => expect(fake.app.quitCalls).toBe(1));

    // The stand-in has no keyring (as a Linux session without one): signing keys fall back to no protection, and the log says so.
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('signing keys are stored unprotected'));
    const ws = SqliteWorkspace.open(join(userData, 'workspaces', 'default.studio.sqlite'), { readonly: true });
    const keys = await ws.actorKeys.list();
    ws.close();
    expect(keys.map((r) => [r.key.displayName, r.privateKey?.protection])).toContainEqual(['AbstractRuntime Studio', 'none']);
    warn.mockRestore();
  });
});
