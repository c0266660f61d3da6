/**
 * `bin/studio.mjs` under a Node older than 22 re-launches itself under the bundled Node 22. A
 * SIGTERM or SIGINT to the wrapper must reach the real server: both end, and the port closes.
 * Needs an older Node on the machine (Debian's /usr/bin/node); skipped where there is none.
 */
import { execFileSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnServe, TempDirs } from './test-support';

const OLD_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p) && Number(execFileSync(p, ['-p', 'process.versions.node.split(".")[0]']).toString()) < 22);

const temps = new TempDirs();
const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  temps.cleanup();
});

async function portCloses(port: number): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
    } catch {
      return true;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe.skipIf(!OLD_NODE)('the wrapper under an older Node', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`forwards ${signal} to the real server and exits with it`, async () => {
      const root = temps.make('wrapper');
      const page = join(root, 'page');
      mkdirSync(page);
      writeFileSync(join(page, 'index.html'), '<!doctype html><title>stub</title>');
      const served = spawnServe(children, { STUDIO_USER_DATA: join(root, 'data'), STUDIO_RENDERER_DIR: page }, ['--workspace', join(root, 'w.studio.sqlite')], OLD_NODE);
      const url = await served.url;
      served.child.kill(signal);
      expect(await served.exit).toBe(0);
      expect(await portCloses(Number(url.port))).toBe(true);
    });
  }
});
