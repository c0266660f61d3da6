/**
 * `npm run serve`: the Studio in a browser. Builds are done by the npm script; this opens the
 * default workspace (with the demo workflows) and serves the renderer and the contract on
 * 127.0.0.1 with a per-launch token in the printed URL.
 */
import { homedir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { StudioService } from '../service/studio-service';
import { startWebHost } from './web-host';

export function defaultUserDataDir(): string {
  return process.env['STUDIO_USER_DATA'] ?? join(homedir(), '.abstractruntime-studio');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { port: { type: 'string' }, workspace: { type: 'string' }, 'user-data': { type: 'string' } },
    allowPositionals: false,
  });
  const root = resolve(__dirname, '../../..');
  const userDataDir = resolve(values['user-data'] ?? defaultUserDataDir());
  const service = await StudioService.create({
    userDataDir,
    allowedRoots: [userDataDir, homedir(), root, '/tmp'],
    defaultWorkspacePath: values.workspace ? resolve(values.workspace) : undefined,
    demoWorkflowDir: join(root, 'resources', 'demo-workflows'),
    actor: { displayName: userInfo().username },
  });
  const host = await startWebHost({ service, rendererDir: join(root, 'out', 'renderer'), port: values.port ? Number(values.port) : 0 });
  process.stdout.write(`AbstractRuntime Studio is serving ${service.session?.info.path ?? ''}\nOpen ${host.url}\n`);
  const stop = async (): Promise<void> => {
    await host.close();
    await service.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

if (require.main === module) {
  main().catch((e: unknown) => {
    process.stderr.write(`The Studio could not start: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
