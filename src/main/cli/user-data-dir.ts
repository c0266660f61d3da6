import { homedir } from 'node:os';
import { join } from 'node:path';

/** The folder name Electron derives from package.json `name`: the CLI and the app share it. */
export const APP_DIR_NAME = 'abstractruntime-studio';

/**
 * Where the desktop app keeps its data (Electron's `app.getPath('userData')`), computed without
 * Electron so `studio serve` opens the same default workspace as the app. STUDIO_USER_DATA
 * overrides it (tests, a second profile; the variable `npm run serve` reads too).
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env['STUDIO_USER_DATA']) return env['STUDIO_USER_DATA'];
  if (platform === 'win32') return join(env['APPDATA'] ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME);
  return join(env['XDG_CONFIG_HOME'] || join(homedir(), '.config'), APP_DIR_NAME);
}

/** The default workspace inside the user data folder (the same path the Electron host uses). */
export function defaultWorkspacePath(dataDir: string): string {
  return join(dataDir, 'workspaces', 'default.studio.sqlite');
}
