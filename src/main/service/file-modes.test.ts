/**
 * What the Studio creates holds a private key (without a passphrase) and the names of the LLM
 * server and code folders: everything is created for its owner only, folders 0700, files 0600.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useHarness } from '../testing/studio-harness';
import { configPath } from './workspace-config';

const h = useHarness();

const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

describe.skipIf(process.platform === 'win32')('file modes', () => {
  it('creates the data folders 0700 and the workspace, its -wal, its sidecar and the recent list 0600', async () => {
    const user = join(h.dir, 'user');
    const ws = (await h.call('workspace.current', {}))!.path;
    await h.call('settings.update', { llm: { baseUrl: 'http://127.0.0.1:9/v1', model: 'm' } });
    await h.call('runs.start', { workflowId: 'hello_world' });
    await h.service.idle();
    expect({
      user: mode(user),
      workspaces: mode(join(user, 'workspaces')),
      workspace: mode(ws),
      wal: mode(`${ws}-wal`),
      sidecar: mode(configPath(ws)),
      recent: mode(join(user, 'recent-workspaces.json')),
    }).toEqual({ user: '700', workspaces: '700', workspace: '600', wal: '600', sidecar: '600', recent: '600' });
  });
});
