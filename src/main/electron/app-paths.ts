import { join } from 'node:path';
import { defaultWorkspacePath } from '../cli/user-data-dir';

export interface AppPaths {
  userDataDir: string;
  /** `<userData>/workspaces/default.studio.sqlite`: the same file `studio serve` opens by default. */
  defaultWorkspacePath: string;
  demoWorkflowDir: string;
  preloadPath: string;
  rendererIndexPath: string;
}

/**
 * Paths of the running app. `bundleDir` is out/main (the built main process); the preload and the
 * renderer are built beside it. Demo workflows ship in resources/ of the app (unpackaged: the
 * repository; packaged: the app's resources folder).
 */
export function appPaths(options: { userDataDir: string; bundleDir: string; appRoot: string; packaged: boolean; resourcesPath: string }): AppPaths {
  return {
    userDataDir: options.userDataDir,
    defaultWorkspacePath: defaultWorkspacePath(options.userDataDir),
    demoWorkflowDir: options.packaged ? join(options.resourcesPath, 'demo-workflows') : join(options.appRoot, 'resources', 'demo-workflows'),
    preloadPath: join(options.bundleDir, '..', 'preload', 'index.js'),
    rendererIndexPath: join(options.bundleDir, '..', 'renderer', 'index.html'),
  };
}
