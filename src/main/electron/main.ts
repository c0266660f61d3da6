/**
 * The Electron host: one hardened window over the StudioService, which it opens on the default
 * workspace of the user data folder with the demo workflows. The host is thin: IPC goes through
 * ipc-bridge (sender checked), security decisions live in security-policy.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { app, dialog, ipcMain, Menu, safeStorage, session, type BrowserWindow } from 'electron';
import { safeStorageProtector, type KeyProtector } from '../../runtime/provenance/index';
import { keyProtectorFromEnv } from '../service/signing/key-protection';
import { StudioService } from '../service/studio-service';
import { buildAppMenu } from './app-menu';
import { SafeStorageSecretStore } from './safe-storage-secrets';
import { appPaths } from './app-paths';
import { forwardEvents, registerInvokeHandler } from './ipc-bridge';
import { createMainWindow, hardenSession, hardenWebContents } from './main-window';
import { appPageFor, isAppUrl, isTrustedSender, senderInfoOf } from './security-policy';

// electron-vite sets ELECTRON_RENDERER_URL for `electron-vite dev`: that, and only that, is development.
const devServerUrl = process.env['ELECTRON_RENDERER_URL'] ?? null;
const development = devServerUrl !== null;
const paths = appPaths({
  userDataDir: app.getPath('userData'),
  bundleDir: __dirname,
  appRoot: app.getAppPath(),
  packaged: app.isPackaged,
  resourcesPath: process.resourcesPath,
});
const page = appPageFor({ devServerUrl, indexPath: paths.rendererIndexPath });

let mainWindow: BrowserWindow | null = null;
let service: StudioService | null = null;

async function start(): Promise<void> {
  hardenSession(session.defaultSession, page);
  service = await StudioService.create({
    userDataDir: paths.userDataDir,
    allowedRoots: [paths.userDataDir, homedir()],
    defaultWorkspacePath: paths.defaultWorkspacePath,
    demoWorkflowDir: paths.demoWorkflowDir,
    actor: { displayName: userInfo().username },
    secrets: new SafeStorageSecretStore(safeStorage, paths.userDataDir),
    keyProtector: signingKeyProtector(),
    saveDialog: chooseSavePath,
  });
  const backend = service;
  registerInvokeHandler(ipcMain, {
    invoke: (op, request) => backend.invoke(op, request),
    isTrustedSender: (event) => isTrustedSender(senderInfoOf(event), mainWindow ? { webContentsId: mainWindow.webContents.id } : null, page),
    onRefused: (event) => console.warn(`Refused an IPC message from ${event.senderFrame?.url ?? 'a closed frame'}`),
  });
  Menu.setApplicationMenu(buildAppMenu({ development, platform: process.platform }));
  openWindow(backend);
}

/** The native save dialog for an export, over the main window; null when the user closes it. */
async function chooseSavePath(defaultFileName: string): Promise<string | null> {
  const options = {
    title: 'Save the audit bundle',
    defaultPath: join(app.getPath('downloads'), defaultFileName),
    filters: [{ name: 'Audit bundle', extensions: ['jsonl'] }],
  };
  const chosen = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
  return chosen.canceled || !chosen.filePath ? null : chosen.filePath;
}

/**
 * Signing keys sealed by the OS keychain. Without one (a Linux session with no keyring) a
 * passphrase prompt is not built yet: STUDIO_KEY_PASSPHRASE if set, else the keys are stored
 * unprotected in the workspace, which the log says.
 */
function signingKeyProtector(): KeyProtector {
  if (safeStorage.isEncryptionAvailable()) return safeStorageProtector(safeStorage);
  const fallback = keyProtectorFromEnv(process.env);
  console.warn(
    fallback.kind === 'passphrase'
      ? 'The OS keychain is not available: signing keys are protected with STUDIO_KEY_PASSPHRASE.'
      : 'The OS keychain is not available: signing keys are stored unprotected in the workspace (set STUDIO_KEY_PASSPHRASE to protect them).',
  );
  return fallback;
}

function openWindow(backend: StudioService): void {
  const win = createMainWindow({ page, preloadPath: paths.preloadPath, devTools: development });
  mainWindow = win;
  const contents = win.webContents;
  const stop = forwardEvents((l) => backend.onEvent(l), contents, () => isAppUrl(contents.getURL(), page));
  win.on('closed', () => {
    stop();
    if (mainWindow === win) mainWindow = null;
  });
}

/** Closes the workspace (its last step committed) before the process ends. */
let closing = false;
app.on('will-quit', (event) => {
  if (closing || !service) return;
  closing = true;
  event.preventDefault();
  const s = service;
  service = null;
  // Quits whatever happens; a close that fails is reported, not left as an unhandled rejection.
  void s
    .close()
    .catch((e: unknown) => console.error(`studio: closing the workspace failed: ${e instanceof Error ? e.message : String(e)}`))
    .finally(() => app.quit());
});

function fail(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  dialog.showErrorBox('AbstractRuntime Studio could not start', `${message}\n\nThe browser version may still work: run "npm run serve".`);
  app.exit(1);
}

app.enableSandbox();
// One Studio per user: two processes on one workspace would race for its runs.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, page));
  app.on('window-all-closed', () => app.quit());
  app.on('activate', () => {
    if (!mainWindow && service) openWindow(service);
  });
  app.whenReady().then(start).catch(fail);
}
