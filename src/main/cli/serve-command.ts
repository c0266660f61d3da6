/**
 * `studio serve [--port N] [--workspace file | postgres://…]`: the Studio in a browser, through the web host
 * (127.0.0.1 only, a per-launch token in the URL). Runs until Ctrl+C.
 */
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { CliUsageError, EXIT_OK, type CliIo } from './cli-io';
import { defaultWorkspacePath, userDataDir } from './user-data-dir';

export interface ServeOptions {
  /** 0 picks a free port. */
  port: number;
  workspace: string | null;
  packageRoot: string;
}

export async function serveCommand(io: CliIo, options: ServeOptions): Promise<number> {
  // STUDIO_RENDERER_DIR serves another build of the page (and lets tests serve a stub page).
  const rendererDir = resolve(process.env['STUDIO_RENDERER_DIR'] ?? join(options.packageRoot, 'out', 'renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new CliUsageError(`the Studio's web page is not built (${rendererDir} has no index.html). Run "npm run build" first, or use "npm run serve".`);
  }
  const dataDir = userDataDir();
  // A PostgreSQL workspace is attached to once the Studio is up (over its default workspace):
  // its URL is no path, and its password goes to the secret store, never into a file or a line.
  const attach = options.workspace && /^postgres(ql)?:\/\//i.test(options.workspace) ? options.workspace : null;
  const workspacePath = options.workspace && !attach ? resolve(options.workspace) : defaultWorkspacePath(dataDir);
  // Loaded here, not at the top: the service brings esbuild and the whole runtime, which the
  // audit commands (verify, runs, export) do not need.
  const { StudioService } = await import('../service/studio-service');
  const { startWebHost } = await import('../web/web-host');
  const { keyProtectorFromEnv } = await import('../service/signing/key-protection');
  const service = await StudioService.create({
    userDataDir: dataDir,
    // The package root too: its demo workspace and the Python fixture can be opened for a look.
    allowedRoots: [dataDir, homedir(), dirname(workspacePath), options.packageRoot, ...extraRoots()],
    defaultWorkspacePath: workspacePath,
    demoWorkflowDir: join(options.packageRoot, 'resources', 'demo-workflows'),
    actor: { displayName: userInfo().username },
    // No OS keychain here: signing keys are sealed with STUDIO_KEY_PASSPHRASE, or kept unprotected without it.
    keyProtector: keyProtectorFromEnv(process.env),
  });
  let serving = workspacePath;
  if (attach) {
    const opened = await service.invoke('workspace.open', { path: attach });
    if (!opened.ok) {
      await service.close();
      throw new CliUsageError(`cannot attach to the workspace: ${opened.error.code}: ${opened.error.message}`);
    }
    serving = (opened.result as { path: string }).path;
  }
  const host = await startWebHost({ service, port: options.port, rendererDir });
  // Listen before announcing: stdout to a pipe is written synchronously, so whoever reads the URL
  // can signal before the next line runs (and a signal with no listener kills the process at once).
  const stopped = untilSignal();
  io.out(`Studio serving ${serving}\nOpen ${host.url}\nPress Ctrl+C to stop.\n`);
  await stopped;
  await host.close();
  await service.close();
  return EXIT_OK;
}

/** STUDIO_ALLOWED_ROOTS: more folders the Studio may open, separated like PATH. */
function extraRoots(): string[] {
  return (process.env['STUDIO_ALLOWED_ROOTS'] ?? '').split(delimiter).filter((p) => p.length > 0).map((p) => resolve(p));
}

function untilSignal(): Promise<void> {
  return new Promise((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
